"""The newsroom's endpoints read the database a fixed number of times, however many rows they show."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from newsroom.models import Article
from newsroom.services import article_add_correction
from relations.models import Claim
from relations.services import claim_set_verification
from tests.api_support import API, publish
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    SourceFactory,
)
from tests.helpers import publish_factbox

pytestmark = pytest.mark.django_db

SIZES = [1, 50]
# Lists: the page, then each prefetch the serializer reads.
# Stories: the page and the actors (the list leaves out citations, corrections and boxes).
ARTICLE_LIST_QUERIES = 2
# A story: the story, its actors, citations with their claims, corrections, published boxes.
ARTICLE_QUERIES = 5
# Boxes: the page with each published version, the live stories each runs with, the verdicts moved since.
FACTBOX_QUERIES = 3
# Claims: the page with attribution, actors, sources, relationships with both parties and type, live stories.
CLAIM_QUERIES = 5
# The feed: whether an entry waits for its place (one index probe), then the page, content types joined.
CHANGE_QUERIES = 2
# Placing the entries that fell due since the last write, in one transaction (a savepoint in a test):
# the counter locked and read, positions taken back (two statements) and given (one), the counter moved.
CATCH_UP_QUERIES = 8


def _claim(editor) -> Claim:
    claim = ClaimFactory(attributed_to=ActorFactory(kind="person"))
    claim.actors.add(ActorFactory())
    claim.sources.add(SourceFactory())
    ClaimRelationshipFactory(claim=claim)
    claim_set_verification(claim=claim, state=Claim.Verification.VERIFIED, by=editor)
    return claim


def _story_with_everything(editor, n: int = 1) -> Article:
    """A live story with n of each thing it shows: actors, cited claims, corrections, boxes."""
    article = ArticleFactory()
    for position in range(n):
        article.actors.add(ActorFactory())
        ArticleClaimFactory(article=article, claim=_claim(editor), position=position)
        box = FactBoxFactory()
        FactBoxItemFactory(factbox=box, claim=_claim(editor))
        FactBoxPlacementFactory(factbox=box, article=article)
        publish_factbox(factbox=box, by=editor)
    publish(article, editor)
    for position in range(n):
        article_add_correction(article=article, by=editor, text=f"Correction {position}.")
    return article


def _get(client, path: str, **params):
    response = client.get(f"{API}{path}", {"page_size": 100, **params})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("n", SIZES)
def test_article_list_queries_do_not_grow(client, editor, django_assert_max_num_queries, n):
    for _ in range(n):
        _story_with_everything(editor)
    with django_assert_max_num_queries(ARTICLE_LIST_QUERIES):
        assert len(_get(client, "/articles/").json()["results"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_article_detail_queries_do_not_grow(client, editor, django_assert_max_num_queries, n):
    article = _story_with_everything(editor, n)
    with django_assert_max_num_queries(ARTICLE_QUERIES):
        story = _get(client, f"/articles/{article.slug}/").json()
    assert len(story["claims"]) == len(story["factboxes"]) == len(story["corrections"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_factbox_list_queries_do_not_grow(client, editor, django_assert_max_num_queries, n):
    for _ in range(n):
        _story_with_everything(editor)
    with django_assert_max_num_queries(FACTBOX_QUERIES):
        assert len(_get(client, "/factboxes/").json()["results"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_factbox_detail_queries_do_not_grow(client, editor, django_assert_max_num_queries, n):
    box = FactBoxFactory(slug="many")
    for position in range(n):
        FactBoxItemFactory(factbox=box, claim=_claim(editor), position=position)
        story = publish(ArticleFactory(), editor)
        FactBoxPlacementFactory(factbox=box, article=story)
    publish_factbox(factbox=box, by=editor)
    with django_assert_max_num_queries(FACTBOX_QUERIES):
        shown = _get(client, "/factboxes/many/").json()
    assert len(shown["articles"]) == len(shown["payload"]["items"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_claim_list_queries_do_not_grow(client, editor, django_assert_max_num_queries, n):
    for _ in range(n):
        _story_with_everything(editor)
    with django_assert_max_num_queries(CLAIM_QUERIES):
        assert len(_get(client, "/claims/").json()["results"]) == 2 * n


@pytest.mark.parametrize("n", SIZES)
def test_claim_detail_queries_do_not_grow(client, editor, django_assert_max_num_queries, n):
    claim = _claim(editor)
    for _ in range(n):
        ArticleClaimFactory(article=publish(ArticleFactory(), editor), claim=claim)
    with django_assert_max_num_queries(CLAIM_QUERIES):
        assert len(_get(client, f"/claims/{claim.pk}/").json()["articles"]) == n


@pytest.mark.parametrize("params", [{}, {"after": 0}], ids=["newest first", "after"])
@pytest.mark.parametrize("n", SIZES)
def test_change_list_queries_do_not_grow(client, editor, django_assert_max_num_queries, n, params):
    for _ in range(n):
        _story_with_everything(editor)
    with django_assert_max_num_queries(CHANGE_QUERIES):
        # Each story: its publication, its box's, two verdicts and a correction.
        assert len(_get(client, "/changes/", **params).json()["results"]) == min(5 * n, 100)


@pytest.mark.parametrize("n", SIZES)
def test_placing_what_fell_due_as_the_feed_is_read_does_not_grow(client, editor, django_assert_max_num_queries, n):
    when = timezone.now() + datetime.timedelta(hours=1)
    for _ in range(n):
        publish(ArticleClaimFactory(claim=_claim(editor)).article, editor, at=when)
    with (
        time_machine.travel(when + datetime.timedelta(minutes=1)),
        django_assert_max_num_queries(CHANGE_QUERIES + CATCH_UP_QUERIES),
    ):
        # Each story: its publication and the verdict on the claim it made public.
        assert len(_get(client, "/changes/", after=0).json()["results"]) == min(2 * n, 100)
