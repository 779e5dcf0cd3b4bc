"""/api/v1/claims/: the knowledge graph's claims with the live stories citing each, and the `article` filter."""

import datetime

import pytest
from django.utils import timezone

from newsroom.demo_content import ARTICLE, BRIEF, SCHEDULED
from newsroom.models import ArticleClaim
from newsroom.services import article_withdraw
from tests.api_support import every_item, get, keys, publish, publish_box
from tests.factories import ArticleClaimFactory, ArticleFactory, ClaimFactory, FactBoxFactory, FactBoxItemFactory

pytestmark = pytest.mark.django_db

MAIN = ARTICLE["slug"]


def _cited_by(slug: str) -> set[int]:
    return set(ArticleClaim.objects.filter(article__slug=slug).values_list("claim", flat=True))


def test_article_filter_finds_the_claims_the_main_story_cites(demo, client):
    assert set(keys(client, "/claims/", key="id", article=MAIN, page_size=100)) == _cited_by(MAIN)


@pytest.mark.parametrize("slug", [BRIEF["slug"], SCHEDULED["slug"], "no-such-story"])
def test_article_filter_with_a_story_readers_cannot_see_answers_400(demo, client, slug):
    response = get(client, "/claims/", article=slug)
    assert response.status_code == 400
    assert response.json()["errors"] == {"article": ["No live story has this slug."]}


def test_each_claim_the_main_story_cites_lists_it(demo, client):
    claims = every_item(client, "/claims/", article=MAIN)
    assert claims
    for claim in claims:
        assert [story["slug"] for story in claim["articles"]] == [MAIN]


def test_a_claim_the_brief_in_review_cites_too_lists_only_the_main_story(demo, client):
    shared = _cited_by(MAIN) & _cited_by(BRIEF["slug"])
    assert shared
    claim = get(client, f"/claims/{min(shared)}/").json()
    assert [story["slug"] for story in claim["articles"]] == [MAIN]


def test_a_claim_a_box_shows_lists_no_scheduled_story_citing_it(client, editor):
    claim = ClaimFactory(text="In a box, and in a story not out yet.")
    ArticleClaimFactory(article=ArticleFactory(slug="later"), claim=claim)
    publish(ArticleClaim.objects.get(claim=claim).article, editor, at=timezone.now() + datetime.timedelta(days=1))
    box = FactBoxFactory()
    FactBoxItemFactory(factbox=box, claim=claim)
    publish_box(box, editor)
    assert get(client, f"/claims/{claim.pk}/").json()["articles"] == []


def test_list_of_claims_carries_the_knowledge_graph_fields_and_the_stories(demo, client):
    claim = get(client, "/claims/", article=MAIN, page_size=1).json()["results"][0]
    assert {"id", "text", "verification", "sources", "relationships", "actors", "url", "articles"} <= set(claim)
    story = claim["articles"][0]
    assert story == {
        "slug": MAIN,
        "title": ARTICLE["title"],
        "url": f"http://testserver/api/v1/articles/{MAIN}/",
        "html_url": f"http://testserver/stories/{MAIN}/",
    }


def test_stories_citing_a_claim_are_live_ones_newest_first(client, editor):
    claim = ClaimFactory(text="Cited everywhere.")
    for slug in ("older", "newer", "draft", "withdrawn"):
        ArticleClaimFactory(article=ArticleFactory(slug=slug), claim=claim)
    for slug in ("older", "newer", "withdrawn"):
        publish(ArticleClaim.objects.get(article__slug=slug).article, editor)
    article_withdraw(article=ArticleClaim.objects.get(article__slug="withdrawn").article, by=editor)
    shown = get(client, f"/claims/{claim.pk}/").json()
    assert [story["slug"] for story in shown["articles"]] == ["newer", "older"]


def test_article_filter_narrows_to_that_storys_claims(client, editor):
    mine, other = ClaimFactory(), ClaimFactory()
    ArticleClaimFactory(article=ArticleFactory(slug="mine"), claim=mine)
    ArticleClaimFactory(article=ArticleFactory(slug="other"), claim=other)
    for slug in ("mine", "other"):
        publish(ArticleClaim.objects.get(article__slug=slug).article, editor)
    assert keys(client, "/claims/", key="id", article="mine") == [mine.pk]
