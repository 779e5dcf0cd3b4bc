from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0006_claim_reach"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="actor",
            index=models.Index(fields=["name", "-id"], name="actor_name"),
        ),
        migrations.AddIndex(
            model_name="actor",
            index=models.Index(fields=["updated_at"], name="actor_updated_at"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["updated_at", "id"], name="claim_updated_at"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["verified_at"], name="claim_verified_at"),
        ),
        migrations.AddIndex(
            model_name="relationship",
            index=models.Index(fields=["updated_at"], name="relationship_updated_at"),
        ),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["-published_on", "title", "-id"], name="source_published_on_title"),
        ),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["publisher"], name="source_publisher"),
        ),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["updated_at"], name="source_updated_at"),
        ),
    ]
