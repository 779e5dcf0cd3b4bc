"""Renames made before slug history began are found in the revisions the admin kept, so the
addresses given up then lead on too."""

import datetime
import json

import pytest
from django.utils import timezone

from tests.helpers import latest_migrations, migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("relations", "0011_source_url_web"),
    ("newsroom", "0010_rename_version_edit_count"),
    ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
]
AFTER = [("newsroom", "0011_former_slugs")]
START = timezone.now() - datetime.timedelta(days=30)


def _at(day: int) -> datetime.datetime:
    return START + datetime.timedelta(days=day)


class _History:
    """Writes revisions as the admin's saves did, on the models as they were before the migration."""

    def __init__(self, apps) -> None:
        self.apps = apps
        self.number = 0

    def saved(self, obj, slug: str, *, day: int, user=None, format_: str = "json", object_id=None) -> None:
        opts = obj._meta
        content_type = self.apps.get_model("contenttypes", "ContentType").objects.get(
            app_label=opts.app_label, model=opts.model_name
        )
        revision = self.apps.get_model("reversion", "Revision").objects.create(date_created=_at(day), user=user)
        data = [{"model": opts.label_lower, "pk": obj.pk, "fields": {"slug": slug, "title": "…"}}]
        self.apps.get_model("reversion", "Version").objects.create(
            revision=revision,
            object_id=str(object_id or obj.pk),
            content_type=content_type,
            db="default",
            format=format_,
            serialized_data=json.dumps(data) if format_ == "json" else "<django-objects/>",
            object_repr=slug,
        )


def test_renames_kept_in_revisions_become_former_slugs_with_when_and_who():
    apps = migrate(BEFORE)
    users = apps.get_model("auth", "User").objects
    ann, bob = users.create(username="ann"), users.create(username="bob")
    actor = apps.get_model("relations", "Actor").objects.create(kind="country", name="Russia", slug="russia-3")
    story = apps.get_model("newsroom", "Article").objects.create(title="Story", slug="story-1")
    first, second = (
        apps.get_model("newsroom", "Article").objects.create(title=title, slug=title) for title in ("first", "second")
    )
    box = apps.get_model("newsroom", "FactBox").objects.create(title="Box", slug="box", kind="key_facts")
    history = _History(apps)
    # The actor: renamed twice in the admin, then once around it (a shell).
    history.saved(actor, "russia-1", day=1, user=ann)
    history.saved(actor, "russia-2", day=2, user=bob)
    # The story: renamed, then given its first slug back.
    for day, slug in ((1, "story-1"), (2, "story-2"), (3, "story-1")):
        history.saved(story, slug, day=day, user=ann)
    # Two stories gave up one slug: the later one has it.
    history.saved(first, "shared", day=1), history.saved(first, "first", day=2)
    history.saved(second, "shared", day=3), history.saved(second, "second", day=4, user=bob)
    # Never renamed; a revision of a deleted object; one in another format.
    history.saved(box, "box", day=1)
    history.saved(story, "deleted-story", day=5, object_id=story.pk + 1000)
    history.saved(box, "box-in-xml", day=2, format_="xml")
    try:
        apps = migrate(AFTER)
        ContentType = apps.get_model("contenttypes", "ContentType")
        rows = {
            (ContentType.objects.get(pk=row.content_type_id).model, row.object_id, row.slug): (
                row.replaced_at,
                row.replaced_by_id,
            )
            for row in apps.get_model("relations", "FormerSlug").objects.all()
        }
        migrated = timezone.now()
        assert set(rows) == {
            ("actor", actor.pk, "russia-1"),
            ("actor", actor.pk, "russia-2"),
            ("article", story.pk, "story-2"),
            ("article", second.pk, "shared"),
        }
        assert rows["actor", actor.pk, "russia-1"] == (_at(2), bob.pk)
        # Given up outside the admin: when is the migration's.
        assert START < rows["actor", actor.pk, "russia-2"][0] <= migrated
        assert rows["actor", actor.pk, "russia-2"][1] is None
        assert rows["article", story.pk, "story-2"] == (_at(3), ann.pk)
        assert rows["article", second.pk, "shared"] == (_at(4), bob.pk)
    finally:
        migrate(latest_migrations())


def test_a_database_without_revisions_migrates_to_no_former_slugs():
    apps = migrate(BEFORE)
    apps.get_model("relations", "Actor").objects.create(kind="country", name="Iran", slug="iran")
    try:
        apps = migrate(AFTER)
        assert not apps.get_model("relations", "FormerSlug").objects.exists()
    finally:
        migrate(latest_migrations())
