"""/api/v1/actors/: search, counts as readers see them, and the addresses an actor carries."""

import pytest

from tests.api_support import body, every_item, live_story
from tests.factories import ActorAliasFactory, ActorFactory, ClaimFactory, ClaimRelationshipFactory, RelationshipFactory
from tests.helpers import editing

pytestmark = pytest.mark.django_db


def test_actor_matching_by_name_and_by_alias_is_listed_once(client):
    korea = ActorFactory(name="North Korea", slug="north-korea")
    ActorAliasFactory(actor=korea, name="Korea, Democratic People's Republic")
    ActorAliasFactory(actor=korea, name="DPR Korea")
    claim = ClaimFactory()
    claim.actors.add(korea)
    live_story(claim)
    assert [item["slug"] for item in every_item(client, "/actors/", q="korea")] == ["north-korea"]


def test_claim_about_an_actor_and_attributed_to_it_counts_once(client):
    kremlin = ActorFactory(slug="kremlin", kind="organisation")
    claim = ClaimFactory(kind="assessment", attributed_to=kremlin)
    claim.actors.add(kremlin)
    live_story(claim)
    assert body(client, "/actors/kremlin/")["claim_count"] == 1


def test_claims_attributed_to_an_actor_count_towards_it(client):
    expert = ActorFactory(slug="expert", kind="person")
    live_story(*[ClaimFactory(kind="assessment", attributed_to=expert) for _ in range(2)])
    assert body(client, "/actors/expert/")["claim_count"] == 2


def test_ties_on_either_side_count_towards_an_actor(client):
    hub = ActorFactory(slug="hub")
    claim = ClaimFactory()
    ClaimRelationshipFactory(claim=claim, relationship=RelationshipFactory(subject=hub))
    ClaimRelationshipFactory(claim=claim, relationship=RelationshipFactory(object=hub))
    live_story(claim)
    assert body(client, "/actors/hub/")["relationship_count"] == 2


def test_actor_only_a_live_story_tags_is_listed_with_nothing_to_count(client):
    article = live_story(ClaimFactory())
    with editing(article):
        article.actors.add(ActorFactory(slug="tagged"))
    tagged = body(client, "/actors/tagged/")
    assert tagged["relationship_count"] == 0 and tagged["claim_count"] == 0


def test_aliases_are_listed_alphabetically(client):
    russia = ActorFactory(slug="russia")
    for name in ("Moscow", "Kremlin", "Russian Federation"):
        ActorAliasFactory(actor=russia, name=name)
    claim = ClaimFactory()
    claim.actors.add(russia)
    live_story(claim)
    assert body(client, "/actors/russia/")["aliases"] == ["Kremlin", "Moscow", "Russian Federation"]


def test_list_entries_carry_the_same_fields_as_the_detail(client):
    claim = ClaimFactory()
    claim.actors.add(ActorFactory(slug="iran"))
    live_story(claim)
    assert every_item(client, "/actors/")[0] == body(client, "/actors/iran/")


def test_actor_addresses_are_absolute(client):
    claim = ClaimFactory()
    claim.actors.add(ActorFactory(slug="iran"))
    live_story(claim)
    iran = body(client, "/actors/iran/")
    assert iran["url"] == "http://testserver/api/v1/actors/iran/"
    assert iran["html_url"] == "http://testserver/actors/iran/"
    assert iran["network_url"] == "http://testserver/api/v1/actors/iran/network/"
