from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0011_former_slugs"),
        ("relations", "0011_source_url_web"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="factboxreference",
            index=models.Index(
                condition=models.Q(("kind", "claim")), fields=["version", "claim"], name="factboxreference_claims"
            ),
        ),
    ]
