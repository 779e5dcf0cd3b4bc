"""Slug history for stories and fact boxes: their former slugs filled in from their revisions
(``relations.0012_former_slugs`` made the table), and a story's audit trail says when an address
readers had was changed."""

from django.db import migrations, models

from relations.migration_operations import former_slugs_from_revisions


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0010_rename_version_edit_count"),
        ("relations", "0012_former_slugs"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.AlterField(
            model_name="articleevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("submitted", "Submitted for review"),
                    ("returned", "Returned to draft"),
                    ("published", "Published"),
                    ("scheduled", "Scheduled"),
                    ("withdrawn", "Withdrawn"),
                    ("corrected", "Corrected"),
                    ("renamed", "Address changed"),
                ],
                db_index=True,
                max_length=20,
            ),
        ),
        former_slugs_from_revisions("newsroom", "article"),
        former_slugs_from_revisions("newsroom", "factbox"),
    ]
