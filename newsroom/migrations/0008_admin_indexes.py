from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0007_listing_order_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["updated_at", "id"], name="article_updated_at"),
        ),
        migrations.AddIndex(
            model_name="factboxreference",
            index=models.Index(
                condition=models.Q(("actor__isnull", True), ("claim__isnull", True), ("relationship__isnull", True)),
                fields=["version"],
                name="factboxreference_target_gone",
            ),
        ),
    ]
