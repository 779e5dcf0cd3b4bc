"""/api/v1/actors/<slug>/network/: how far the walk goes, what narrows it, and where it is cut."""

import pytest

from relations.api import network
from relations.models import Actor, Relationship, RelationshipType
from tests.api_support import body, live_story
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    RelationshipFactory,
    RelationshipTypeFactory,
)

pytestmark = pytest.mark.django_db


def _publish(*ties: Relationship) -> None:
    claims = []
    for tie in ties:
        claim = ClaimFactory()
        ClaimRelationshipFactory(claim=claim, relationship=tie)
        claims.append(claim)
    live_story(*claims)


@pytest.fixture
def chain(db) -> dict[str, Actor]:
    """a –military– b –economic– c –military– d, and a –economic– e."""
    actors = {name: ActorFactory(name=name.upper(), slug=name) for name in "abcde"}
    military = RelationshipTypeFactory(slug="arms", category=RelationshipType.Category.MILITARY)
    economic = RelationshipTypeFactory(slug="trade", category=RelationshipType.Category.ECONOMIC)
    _publish(
        RelationshipFactory(subject=actors["a"], object=actors["b"], type=military),
        RelationshipFactory(subject=actors["b"], object=actors["c"], type=economic),
        RelationshipFactory(subject=actors["c"], object=actors["d"], type=military),
        RelationshipFactory(subject=actors["e"], object=actors["a"], type=economic),
    )
    return actors


def _edges(client, slug: str, **params) -> list[tuple[str, str]]:
    return [(edge["subject"], edge["object"]) for edge in body(client, f"/actors/{slug}/network/", **params)["edges"]]


def _nodes(client, slug: str, **params) -> list[str]:
    return [node["slug"] for node in body(client, f"/actors/{slug}/network/", **params)["nodes"]]


def test_depth_one_is_the_actors_own_ties(client, chain):
    assert sorted(_edges(client, "b")) == [("a", "b"), ("b", "c")]


def test_depth_is_one_by_default(client, chain):
    assert body(client, "/actors/b/network/")["depth"] == 1


def test_depth_two_adds_the_ties_of_each_partner(client, chain):
    assert sorted(_edges(client, "b", depth=2)) == [("a", "b"), ("b", "c"), ("c", "d"), ("e", "a")]


def test_depth_two_stops_at_two_steps(client, chain):
    # d is three steps from e: its tie with c is a step too far.
    assert sorted(_edges(client, "e", depth=2)) == [("a", "b"), ("e", "a")]


def test_filter_narrows_the_walk_not_only_the_answer(client, chain):
    # b reaches c only through trade: with military ties only, c's own military tie is not reached.
    assert _edges(client, "b", depth=2, category="military") == [("a", "b")]


def test_filter_by_type_slug(client, chain):
    assert sorted(_edges(client, "a", type="trade")) == [("e", "a")]


def test_nodes_are_the_actor_then_the_others_by_name(client, chain):
    assert _nodes(client, "b", depth=2) == ["b", "a", "c", "d", "e"]


def test_actor_with_no_tie_in_the_filter_stands_alone(client, chain):
    answer = body(client, "/actors/e/network/", category="security")
    assert answer["edges"] == [] and [node["slug"] for node in answer["nodes"]] == ["e"]


def test_network_is_cut_past_its_limit_and_says_so(client, chain, monkeypatch):
    monkeypatch.setattr(network, "MAX_EDGES", 2)
    answer = body(client, "/actors/b/network/", depth=2)
    assert answer["truncated"] is True and answer["max_edges"] == 2
    # The actor's own ties are kept first.
    assert sorted((edge["subject"], edge["object"]) for edge in answer["edges"]) == [("a", "b"), ("b", "c")]
    assert sorted(node["slug"] for node in answer["nodes"]) == ["a", "b", "c"]


def test_network_within_its_limit_is_whole(client, chain, monkeypatch):
    monkeypatch.setattr(network, "MAX_EDGES", 4)
    answer = body(client, "/actors/b/network/", depth=2)
    assert answer["truncated"] is False and len(answer["edges"]) == 4


def test_default_limit_is_500_edges():
    assert network.MAX_EDGES == 500


def test_edges_link_to_their_relationships(client, chain):
    edge = body(client, "/actors/a/network/", type="arms")["edges"][0]
    assert body(client, edge["url"])["id"] == edge["id"]


def test_nodes_link_to_their_actors(client, chain):
    node = body(client, "/actors/a/network/")["nodes"][1]
    assert body(client, node["url"])["slug"] == node["slug"]
