"""The public pages read the database a fixed number of times, however much they show."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom.models import Article, Correction
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    RelationshipFactory,
    SourceFactory,
    VerifiedClaimFactory,
)
from tests.helpers import editing, publish_factbox

pytestmark = pytest.mark.django_db

# Front page: the page, its stories' boxes, the lead's first box. Story: the article, then its fact
# boxes, corrections, actors, citations with their claims, the claims' sources, their relationships.
# Actor: the actor, its aliases, relationships, the evidence of those on its map and their sources,
# claims, the claims' sources, their relationships, the stories citing them, its stories, their boxes.
HOME_QUERIES = 3
STORY_QUERIES = 7
ACTOR_QUERIES = 11
SIZES = [1, 30]


def _live(article: Article, minutes_ago: int = 60) -> Article:
    when = timezone.now() - timedelta(minutes=minutes_ago)
    with editing(article):
        Article.objects.filter(pk=article.pk).update(
            status=Article.Status.PUBLISHED,
            publish_at=when,
            first_published_at=when,
            last_published_at=when,
            last_modified_at=when,
        )
    return article


def _claim_with_everything(**fields):
    claim = VerifiedClaimFactory(attributed_to=ActorFactory(kind="person"), **fields)
    claim.sources.add(SourceFactory(), SourceFactory())
    ClaimRelationshipFactory(claim=claim, relationship=RelationshipFactory())
    return claim


@pytest.mark.parametrize("n", SIZES)
def test_home_queries_do_not_grow_with_stories(client, django_assert_max_num_queries, n):
    for minutes in range(n):
        article = _live(ArticleFactory(), minutes_ago=minutes + 1)
        article.actors.add(ActorFactory())
        ArticleClaimFactory(article=article, claim=_claim_with_everything())
    with django_assert_max_num_queries(HOME_QUERIES):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("n", SIZES)
def test_story_page_queries_do_not_grow_with_claims_actors_corrections_or_fact_boxes(
    client, django_assert_max_num_queries, n
):
    article = ArticleFactory()
    editor = EditorFactory()
    for position in range(n):
        ArticleClaimFactory(article=article, claim=_claim_with_everything(), position=position)
        article.actors.add(ActorFactory())
        Correction.objects.create(article=article, by=editor, text=f"Correction {position}.")
        box = FactBoxFactory()
        FactBoxItemFactory(factbox=box, claim=_claim_with_everything())
        FactBoxItemFactory(factbox=box, claim=None, actor=ActorFactory())
        publish_factbox(factbox=box, by=editor)
        FactBoxPlacementFactory(factbox=box, article=article, position=position, after_paragraph=position or None)
    _live(article)
    with django_assert_max_num_queries(STORY_QUERIES):
        response = client.get(f"/stories/{article.slug}/")
    assert response.status_code == 200
    assert response.content.decode().count('<section class="factbox') == n


@pytest.mark.parametrize("n", SIZES)
def test_actor_page_queries_do_not_grow_with_relationships_claims_or_stories(client, django_assert_max_num_queries, n):
    actor = ActorFactory(slug="the-actor")
    for minutes in range(n):
        ActorAliasFactory(actor=actor)
        about = _claim_with_everything()
        about.actors.add(actor)
        by = ClaimFactory(attributed_to=actor, kind="assessment")
        ClaimRelationshipFactory(claim=by, relationship=RelationshipFactory(subject=actor))
        ClaimRelationshipFactory(claim=by, relationship=RelationshipFactory(object=actor))
        for claim in (about, by):
            citing = _live(ArticleFactory(), minutes_ago=minutes + 1)
            ArticleClaimFactory(article=citing, claim=claim)
            citing.actors.add(actor)
    with django_assert_max_num_queries(ACTOR_QUERIES):
        response = client.get("/actors/the-actor/")
    assert response.status_code == 200
    assert len(response.context["relationships"]) == 2 * n
    assert len(response.context["claims"]) == 2 * n
    assert response.content.decode().count('class="source"') == 2 * n
    assert response.content.decode().count('class="claim-tie"') == 3 * n
