"""Stories written before articles recorded who started them get their author from their history."""

import datetime

import pytest

from tests.helpers import latest_migrations, migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("newsroom", "0012_verdict_notices_index")]
AFTER = [("newsroom", "0013_article_created_by")]


@pytest.fixture
def old_apps():
    yield migrate(BEFORE)
    migrate(latest_migrations())


def test_each_story_gets_the_author_of_its_first_revision_or_else_its_first_mover(old_apps):
    User = old_apps.get_model("auth", "User")
    Article = old_apps.get_model("newsroom", "Article")
    ArticleEvent = old_apps.get_model("newsroom", "ArticleEvent")
    Revision = old_apps.get_model("reversion", "Revision")
    Version = old_apps.get_model("reversion", "Version")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    writer, later_editor, mover = (User.objects.create(username=name) for name in ("writer", "later", "mover"))
    revised = Article.objects.create(title="Revised", slug="revised")
    moved_only = Article.objects.create(title="Moved only", slug="moved-only")
    Article.objects.create(title="Untouched", slug="untouched")
    content_type, _ = ContentType.objects.get_or_create(app_label="newsroom", model="article")
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    # Created out of order: the earliest revision decides, not the first row.
    for user, day in ((later_editor, 5), (writer, 1)):
        revision = Revision.objects.create(user=user, date_created=start + datetime.timedelta(days=day), comment="")
        Version.objects.create(
            revision=revision,
            object_id=str(revised.pk),
            content_type=content_type,
            db="default",
            format="json",
            serialized_data="[]",
            object_repr="Revised",
        )
    ArticleEvent.objects.create(article=revised, kind="submitted", by=mover, at=start)
    ArticleEvent.objects.create(article=moved_only, kind="submitted", by=mover, at=start)

    new_apps = migrate(AFTER)
    started = dict(new_apps.get_model("newsroom", "Article").objects.values_list("slug", "created_by__username"))
    assert started == {"revised": "writer", "moved-only": "mover", "untouched": None}
