"""The admin's autocompletes list the best match first: the name as typed, then names beginning
with it, then aliases, then any name containing it; alphabetical within each group."""

import pytest
from django.urls import reverse

from relations.models import Actor
from tests.factories import ActorAliasFactory, ActorFactory, ClaimFactory, RelationshipFactory

ACTOR_FIELD = {"app_label": "relations", "model_name": "claim", "field_name": "attributed_to"}
RELATIONSHIP_FIELD = {"app_label": "relations", "model_name": "claimrelationship", "field_name": "relationship"}
CLAIM_FIELD = {"app_label": "newsroom", "model_name": "articleclaim", "field_name": "claim"}


def _offered(client, term: str, field: dict) -> list[str]:
    response = client.get(reverse("admin:autocomplete"), {"term": term, **field})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def _actor(name: str, *aliases: str) -> Actor:
    actor = ActorFactory(name=name)
    for alias in aliases:
        ActorAliasFactory(actor=actor, name=alias)
    return actor


def test_the_actor_named_comes_before_one_whose_alias_contains_the_name(editor_client):
    # Alphabetically "Africa Corps" comes first, and its alias contains "Russia".
    _actor("Africa Corps", "Russian Expeditionary Corps")
    _actor("Russia", "Moscow")
    assert _offered(editor_client, "Russia", ACTOR_FIELD) == ["Russia", "Africa Corps"]
    assert _offered(editor_client, "russia", ACTOR_FIELD) == ["Russia", "Africa Corps"]


def test_exact_then_prefix_then_alias_then_substring(editor_client):
    _actor("White Russia Society")  # the name contains the term: last
    _actor("Africa Corps", "Russian Expeditionary Corps")  # an alias begins with it
    _actor("Belarus", "White Russia")  # an alias contains it: as good as a name containing it
    _actor("Russian Orthodox Church")  # the name begins with it
    _actor("Crimea", "Russia")  # an alias is exactly the term
    _actor("Russia")  # the name is exactly the term
    _actor("Russia Today", "RT")  # the name begins with it
    assert _offered(editor_client, "Russia", ACTOR_FIELD) == [
        "Russia",
        "Russia Today",
        "Russian Orthodox Church",
        "Crimea",
        "Africa Corps",
        "Belarus",
        "White Russia Society",
    ]


def test_a_phrase_ranks_by_the_whole_of_it(editor_client):
    _actor("Korea Strait Alliance", "North Korean Navy")
    _actor("North Korea", "DPRK")
    _actor("South Korea")
    assert _offered(editor_client, "north korea", ACTOR_FIELD) == ["North Korea", "Korea Strait Alliance"]
    assert _offered(editor_client, '"North Korea"', ACTOR_FIELD) == ["North Korea", "Korea Strait Alliance"]


def test_the_changelist_search_keeps_its_own_order(editor_client):
    _actor("Africa Corps", "Russian Expeditionary Corps")
    _actor("Russia")
    page = editor_client.get(reverse("admin:relations_actor_changelist"), {"q": "Russia"}).content.decode()
    assert page.index("Africa Corps") < page.index(">Russia<")


def test_relationships_of_the_actor_named_come_first(editor_client):
    russia, iran, belarus = _actor("Russia"), _actor("Iran"), _actor("Belarus", "White Russia")
    RelationshipFactory(subject=belarus, object=iran)
    RelationshipFactory(subject=_actor("Russian Railways"), object=_actor("Armenia"))
    RelationshipFactory(subject=iran, object=russia)
    offered = _offered(editor_client, "russia", RELATIONSHIP_FIELD)
    assert offered == ["Iran supplies arms to Russia", "Russian Railways supplies arms to Armenia"]


def test_claims_beginning_with_the_term_come_first(editor_client):
    ClaimFactory(text="Arms went from Iran to Russia by sea.")
    ClaimFactory(text="Iran sent drones.")
    ClaimFactory(text="Iran")
    ClaimFactory(text="Drones built in Iran reached the front.")
    offered = _offered(editor_client, "iran", CLAIM_FIELD)
    assert offered[:2] == ["Iran", "Iran sent drones."]
    assert set(offered[2:]) == {"Arms went from Iran to Russia by sea.", "Drones built in Iran reached the front."}


@pytest.mark.parametrize(
    "field", [ACTOR_FIELD, RELATIONSHIP_FIELD, CLAIM_FIELD], ids=["actor", "relationship", "claim"]
)
def test_ranking_costs_no_query_per_result(editor_client, django_assert_max_num_queries, field):
    def make(n: int) -> None:
        for i in range(n):
            actor = _actor(f"Russia {Actor.objects.count()}", f"Russian alias {i} {Actor.objects.count()}")
            RelationshipFactory(subject=actor)
            ClaimFactory(text=f"Russia did thing {i}.", attributed_to=actor)

    make(1)
    _offered(editor_client, "russia", field)  # caches filled once per process
    with django_assert_max_num_queries(5) as one:
        assert len(_offered(editor_client, "russia", field)) >= 1
    make(40)
    with django_assert_max_num_queries(len(one.captured_queries)):
        # The page of twenty, ranked in the query that reads it.
        assert len(_offered(editor_client, "russia", field)) == 20
