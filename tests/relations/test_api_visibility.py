"""The knowledge graph's API shows the published closure and nothing else
(docs/architecture.md, "The published closure").

Actors, relationships and claims that only a draft, in-review, withdrawn or scheduled story,
a box never published or a withdrawn box reaches are absent from every list, count, network
and filter, and answer 404 at their own address. A canary in internal notes and in all that
hidden content never appears in any answer.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article
from newsroom.services import article_withdraw
from relations.models import Actor, Claim, Relationship
from tests.api_support import body, errors, every_item, get
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
    RelationshipFactory,
    SourceFactory,
)
from tests.helpers import publish_article, publish_factbox

pytestmark = pytest.mark.django_db

CANARY = "CANARY-9d2e"
NOT_LIVE_STORIES = ["draft", "in_review", "withdrawn", "scheduled"]
NOT_LIVE_BOXES = ["never-published", "withdrawn-box"]


@dataclass
class World:
    public_actor: Actor
    partner: Actor
    public_claim: Claim
    public_tie: Relationship
    boxed_tie: Relationship
    hidden_actors: list[Actor] = field(default_factory=list)
    hidden_ties: list[Relationship] = field(default_factory=list)
    hidden_claims: list[Claim] = field(default_factory=list)


def _hidden_content(world: World, label: str) -> Claim:
    """A claim, its speaker, an actor it is about, a source and two ties (one to the public
    actor), all carrying the canary and reached by nothing else."""
    subject = ActorFactory(name=f"{CANARY} {label} subject", slug=f"hidden-{label}", description=f"{CANARY}")
    ActorAliasFactory(actor=subject, name=f"{CANARY} {label} alias")
    speaker = ActorFactory(kind="person", slug=f"speaker-{label}", description=f"{CANARY} speaker")
    claim = ClaimFactory(
        text=f"{CANARY} {label} claim",
        quote=f"{CANARY} quote",
        kind=Claim.Kind.QUOTE,
        attributed_to=speaker,
        internal_note=f"{CANARY} note",
    )
    claim.actors.add(subject, world.public_actor)
    claim.sources.add(SourceFactory(title=f"{CANARY} {label} source", publisher=f"{CANARY} publisher"))
    ties = [
        RelationshipFactory(subject=subject, object=world.public_actor, summary=f"{CANARY} {label} tie"),
        # A hidden tie between two public actors: only the tie itself must stay out.
        RelationshipFactory(subject=world.public_actor, object=world.partner, summary=f"{CANARY} {label} tie"),
    ]
    for tie in ties:
        ClaimRelationshipFactory(claim=claim, relationship=tie)
    world.hidden_actors += [subject, speaker]
    world.hidden_ties += ties
    world.hidden_claims.append(claim)
    return claim


def _story(world: World, kind: str, editor) -> None:
    article = ArticleFactory(title=f"{CANARY} {kind}", slug=f"story-{kind.replace('_', '-')}", body=f"<p>{CANARY}</p>")
    ArticleClaimFactory(article=article, claim=_hidden_content(world, kind))
    ArticleClaimFactory(article=article, claim=world.public_claim)
    tagged = ActorFactory(slug=f"tagged-{kind.replace('_', '-')}", description=f"{CANARY} tagged only")
    article.actors.add(tagged, world.public_actor)
    world.hidden_actors.append(tagged)
    if kind == "in_review":
        Article.objects.filter(pk=article.pk).update(status=Article.Status.IN_REVIEW)
    elif kind == "withdrawn":
        article_withdraw(article=publish_article(article=article, by=editor), by=editor)
    elif kind == "scheduled":
        publish_article(article=article, by=editor, publish_at=timezone.now() + timedelta(days=1))


def _box(world: World, slug: str, editor) -> None:
    box = FactBoxFactory(slug=slug, title=f"{CANARY} {slug}")
    FactBoxItemFactory(factbox=box, claim=_hidden_content(world, slug), position=1)
    boxed_actor = ActorFactory(slug=f"boxed-{slug}", description=f"{CANARY} boxed only")
    FactBoxItemFactory(factbox=box, claim=None, actor=boxed_actor, position=2)
    FactBoxItemFactory(factbox=box, claim=None, relationship=world.hidden_ties[-2], position=3)
    world.hidden_actors.append(boxed_actor)
    if slug == "withdrawn-box":
        publish_factbox(factbox=box, by=editor)
        factbox_withdraw(factbox=box, by=editor)


@pytest.fixture
def world(db) -> World:
    editor = EditorFactory()
    public_actor = ActorFactory(name="Iran", slug="iran")
    partner = ActorFactory(name="Russia", slug="russia")
    public_claim = ClaimFactory(text="Iran sent drones to Russia.", internal_note=f"{CANARY} internal note")
    public_claim.actors.add(public_actor)
    public_claim.sources.add(SourceFactory(title="Report on the drones"))
    public_tie = RelationshipFactory(subject=public_actor, object=partner, summary="Drones.")
    ClaimRelationshipFactory(claim=public_claim, relationship=public_tie)
    live = ArticleFactory(title="The live story", slug="the-live-story")
    ArticleClaimFactory(article=live, claim=public_claim)
    live.actors.add(public_actor)
    publish_article(article=live, by=editor)

    # A tie only a published box shows: public, but the draft claim bearing on it is not.
    boxed_tie = RelationshipFactory(subject=partner, object=ActorFactory(name="Ukraine", slug="ukraine"))
    draft_evidence = ClaimFactory(text=f"{CANARY} draft evidence", internal_note=f"{CANARY} note")
    ClaimRelationshipFactory(claim=draft_evidence, relationship=boxed_tie)
    shown = FactBoxFactory(slug="shown", kind="relationship_map", title="The map")
    FactBoxItemFactory(factbox=shown, claim=None, relationship=boxed_tie, position=1)
    publish_factbox(factbox=shown, by=editor)

    world = World(
        public_actor=public_actor,
        partner=partner,
        public_claim=public_claim,
        public_tie=public_tie,
        boxed_tie=boxed_tie,
        hidden_claims=[draft_evidence],
    )
    for kind in NOT_LIVE_STORIES:
        _story(world, kind, editor)
    for slug in NOT_LIVE_BOXES:
        _box(world, slug, editor)
    return world


def _every_answer(client, world: World) -> list:
    """Every page of every list, every listed object's detail and every public actor's network."""
    answers = []
    for path in ("/actors/", "/relationship-types/", "/relationships/", "/claims/"):
        response = get(client, path, page_size=2)
        while True:
            answers.append(response)
            items = response.json()["results"]
            answers += [client.get(item["url"]) for item in items]
            if path == "/actors/":
                answers += [client.get(item["network_url"], {"depth": 2}) for item in items]
            if not response.json()["next"]:
                break
            response = client.get(response.json()["next"])
    return answers


def test_world_holds_what_the_tests_expect(world):
    assert not Actor.objects.public().filter(pk__in=[a.pk for a in world.hidden_actors]).exists()
    assert not Relationship.objects.public().filter(pk__in=[t.pk for t in world.hidden_ties]).exists()
    assert not Claim.objects.public().filter(pk__in=[c.pk for c in world.hidden_claims]).exists()
    assert Relationship.objects.public().filter(pk=world.boxed_tie.pk).exists()


def test_canary_is_in_no_answer(client, world):
    answers = _every_answer(client, world)
    assert len(answers) > 20
    for response in answers:
        assert response.status_code == 200
        assert CANARY not in response.content.decode()


def test_hidden_actors_are_not_listed(client, world):
    listed = {item["slug"] for item in every_item(client, "/actors/")}
    assert listed == {"iran", "russia", "ukraine"}


def test_hidden_actors_answer_404(client, world):
    for actor in world.hidden_actors:
        assert get(client, f"/actors/{actor.slug}/").status_code == 404
        assert get(client, f"/actors/{actor.slug}/network/").status_code == 404


def test_hidden_relationships_are_not_listed(client, world):
    listed = {item["id"] for item in every_item(client, "/relationships/")}
    assert listed == {world.public_tie.pk, world.boxed_tie.pk}


def test_hidden_relationships_answer_404(client, world):
    for tie in world.hidden_ties:
        assert get(client, f"/relationships/{tie.pk}/").status_code == 404


def test_hidden_claims_are_not_listed(client, world):
    assert [item["id"] for item in every_item(client, "/claims/")] == [world.public_claim.pk]


def test_hidden_claims_answer_404(client, world):
    for claim in world.hidden_claims:
        assert get(client, f"/claims/{claim.pk}/").status_code == 404


def test_counts_leave_hidden_ties_and_claims_out(client, world):
    iran = body(client, "/actors/iran/")
    assert iran["relationship_count"] == 1 and iran["claim_count"] == 1
    russia = body(client, "/actors/russia/")
    assert russia["relationship_count"] == 2 and russia["claim_count"] == 0


def test_network_leaves_hidden_ties_out_at_any_depth(client, world):
    for depth in (1, 2):
        network = body(client, "/actors/iran/network/", depth=depth)
        edges = {edge["id"] for edge in network["edges"]}
        expected = {world.public_tie.pk} if depth == 1 else {world.public_tie.pk, world.boxed_tie.pk}
        assert edges == expected
        assert {node["slug"] for node in network["nodes"]} <= {"iran", "russia", "ukraine"}


def test_draft_claim_is_not_evidence_of_a_tie_a_published_box_shows(client, world):
    tie = body(client, f"/relationships/{world.boxed_tie.pk}/")
    assert tie["supporting_claims"] == [] and tie["contradicting_claims"] == [] and tie["context_claims"] == []


def test_hidden_actor_in_a_filter_answers_as_an_unknown_one(client, world):
    unknown = errors(get(client, "/relationships/", actor="no-such-actor"))
    for actor in world.hidden_actors:
        assert errors(get(client, "/relationships/", actor=actor.slug)) == unknown
        assert "subject" in errors(get(client, "/relationships/", subject=actor.slug))
        assert "object" in errors(get(client, "/relationships/", object=actor.slug))
        assert "between" in errors(get(client, "/relationships/", between=f"iran,{actor.slug}"))
        assert "actor" in errors(get(client, "/claims/", actor=actor.slug))
        assert "attributed_to" in errors(get(client, "/claims/", attributed_to=actor.slug))


def test_hidden_relationship_in_a_filter_answers_as_an_unknown_one(client, world):
    unknown = errors(get(client, "/claims/", relationship=999999))
    for tie in world.hidden_ties:
        assert errors(get(client, "/claims/", relationship=tie.pk)) == unknown


def test_search_finds_no_hidden_alias(client, world):
    assert every_item(client, "/actors/", q=CANARY) == []


def test_actor_becomes_visible_when_its_story_goes_live(client, world):
    goes_live = Article.objects.get(slug="story-scheduled").publish_at
    with time_machine.travel(goes_live + timedelta(seconds=1)):
        assert get(client, "/actors/hidden-scheduled/").status_code == 200
        assert body(client, "/actors/iran/")["claim_count"] == 2
