"""Slug history: the slugs actors, stories and fact boxes had before, so that their old public
addresses answer 301 to the current ones. The actors' former slugs are filled in from their
revisions here; the stories' and boxes', by the newsroom's migration that follows."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from relations.migration_operations import former_slugs_from_revisions


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("relations", "0011_source_url_web"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FormerSlug",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveBigIntegerField()),
                ("slug", models.SlugField(db_index=False, max_length=250)),
                ("replaced_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype"
                    ),
                ),
                (
                    "replaced_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-replaced_at", "-pk"],
                "indexes": [models.Index(fields=["content_type", "object_id"], name="formerslug_target")],
                "constraints": [models.UniqueConstraint(fields=("content_type", "slug"), name="formerslug_unique")],
            },
        ),
        former_slugs_from_revisions("relations", "actor"),
    ]
