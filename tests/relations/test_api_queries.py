"""Each list and each network costs the same number of queries for 1 row as for 50."""

import pytest

from relations.models import Actor, Claim
from tests.api_support import API, live_story
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    RelationshipFactory,
    RelationshipTypeFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [1, 50]


def _graph(size: int) -> Actor:
    """``size`` actors around a hub and ``size`` ties from it, each with a claim that has two actors,
    a speaker, a source and a stance, a live story citing them all, and ``size`` ties among the
    spokes for a second step. Returns the hub."""
    hub = ActorFactory(slug="hub")
    ActorAliasFactory(actor=hub)
    speaker = ActorFactory(kind="person")
    claims, previous = [], None
    for _ in range(size):
        spoke = ActorFactory()
        ActorAliasFactory(actor=spoke)
        ActorAliasFactory(actor=spoke)
        claim = ClaimFactory(kind=Claim.Kind.ASSESSMENT, attributed_to=speaker)
        claim.actors.add(hub, spoke)
        claim.sources.add(SourceFactory())
        ClaimRelationshipFactory(claim=claim, relationship=RelationshipFactory(subject=hub, object=spoke))
        if previous is not None:
            ClaimRelationshipFactory(claim=claim, relationship=RelationshipFactory(subject=previous, object=spoke))
        claims.append(claim)
        previous = spoke
    live_story(*claims)
    return hub


@pytest.fixture(params=SIZES, ids=lambda size: f"{size}-rows")
def hub(request, db) -> Actor:
    return _graph(request.param)


def _get(client, path: str, **params) -> dict:
    response = client.get(f"{API}{path}", {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_actor_list_queries_do_not_grow(client, hub, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert len(_get(client, "/actors/")["results"]) > 2


def test_filtered_actor_list_queries_do_not_grow(client, hub, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        _get(client, "/actors/", q="country", kind="country", ordering="-kind")


def test_actor_detail_queries_do_not_grow(client, hub, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        _get(client, "/actors/hub/")


def test_relationship_type_list_queries_do_not_grow(client, hub, django_assert_max_num_queries):
    RelationshipTypeFactory.create_batch(Actor.objects.count())
    with django_assert_max_num_queries(1):
        _get(client, "/relationship-types/")


def test_relationship_list_queries_do_not_grow(client, hub, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert _get(client, "/relationships/")["results"]


def test_filtered_relationship_list_queries_do_not_grow(client, hub, django_assert_max_num_queries):
    # One query for each actor or type a filter names, to tell an unknown one from a known one.
    spoke = Actor.objects.exclude(slug="hub").filter(relationships_as_object__isnull=False).first()
    type_slug = spoke.relationships_as_object.first().type.slug
    with django_assert_max_num_queries(5):
        _get(
            client,
            "/relationships/",
            actor="hub",
            between=f"hub,{spoke.slug}",
            type=type_slug,
            active_on="2025-01-01",
            ordering="-valid_from",
        )


def test_claim_list_queries_do_not_grow(client, hub, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert _get(client, "/claims/")["results"]


def test_filtered_claim_list_queries_do_not_grow(client, hub, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        _get(client, "/claims/", actor="hub", attributed_to="none", verification="unverified", ordering="verified_at")


@pytest.mark.parametrize("depth", [1, 2])
def test_network_queries_do_not_grow(client, hub, depth, django_assert_max_num_queries):
    # The actor, its own ties, and at depth 2 the ties of those they reach.
    with django_assert_max_num_queries(1 + depth):
        network = _get(client, "/actors/hub/network/", depth=depth)
    assert network["edges"]


def test_filtered_network_queries_do_not_grow(client, hub, django_assert_max_num_queries):
    type_slug = hub.relationships_as_subject.first().type.slug
    with django_assert_max_num_queries(4):
        _get(client, "/actors/hub/network/", depth=2, type=type_slug, category="military", active_on="2025-01-01")
