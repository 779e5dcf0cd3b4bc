"""Who started each story: a new field, filled in for the stories already written from the
revision history (the author of each story's first revision), or failing that from its audit
trail (whoever first moved it)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    Article = apps.get_model("newsroom", "Article")
    ArticleEvent = apps.get_model("newsroom", "ArticleEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    db = schema_editor.connection.alias
    started: dict[int, int] = {}
    content_type = ContentType.objects.using(db).filter(app_label="newsroom", model="article").first()
    if content_type is not None:
        versions = (
            Version.objects.using(db)
            .filter(content_type=content_type, revision__user__isnull=False)
            .order_by("revision__date_created", "pk")
            .values_list("object_id", "revision__user")
        )
        for object_id, user in versions.iterator(chunk_size=2000):
            if object_id.isdecimal():
                started.setdefault(int(object_id), user)
    events = ArticleEvent.objects.using(db).order_by("at", "pk").values_list("article", "by")
    for article, user in events.iterator(chunk_size=2000):
        started.setdefault(article, user)
    by_user: dict[int, list[int]] = {}
    for article, user in started.items():
        by_user.setdefault(user, []).append(article)
    for user, articles in by_user.items():
        for start in range(0, len(articles), 500):
            Article.objects.using(db).filter(pk__in=articles[start : start + 500], created_by__isnull=True).update(
                created_by=user
            )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0012_verdict_notices_index"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="started by",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
