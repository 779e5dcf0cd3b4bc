"""Articles written before the workflow existed come through its migration safe and consistent."""

import datetime

import pytest

from tests.helpers import latest_migrations, migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("newsroom", "0001_initial"), ("relations", "0002_relationshiptype_starting_vocabulary")]
AFTER = [("newsroom", "0002_article_workflow_corrections_events")]


@pytest.fixture
def legacy_article():
    old_apps = migrate(BEFORE)
    went_live = datetime.datetime(2025, 5, 1, 9, 0, tzinfo=datetime.UTC)
    article = old_apps.get_model("newsroom", "Article").objects.create(
        title="Old story",
        slug="old-story",
        body='<p onclick="steal()">Kept.</p><script>alert(1)</script><img src=x onerror=alert(1)>',
        status="published",
        first_published_at=went_live,
        last_published_at=went_live,
    )
    yield article.pk, went_live
    migrate(latest_migrations())


def test_an_old_body_is_sanitised_and_a_published_article_gets_its_publication_time(legacy_article):
    pk, went_live = legacy_article
    new_apps = migrate(AFTER)
    article = new_apps.get_model("newsroom", "Article").objects.get(pk=pk)
    assert article.body == "<p>Kept.</p>"
    assert article.publish_at == went_live


@pytest.mark.usefixtures("legacy_article")
def test_an_old_published_article_without_dates_gets_consistent_ones():
    old_apps = migrate(BEFORE)
    went_live = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC)
    undated = old_apps.get_model("newsroom", "Article").objects.create(
        title="Undated", slug="undated", body="<p>x</p>", status="published", publish_at=went_live
    )
    article = migrate(AFTER).get_model("newsroom", "Article").objects.get(pk=undated.pk)
    assert article.first_published_at == article.last_published_at == article.last_modified_at == went_live
