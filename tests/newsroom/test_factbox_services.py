"""Publishing, withdrawing and starting fact boxes, and what their published versions make public."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newsroom.factboxes.services import factbox_start_relationship_map, factbox_withdraw
from newsroom.factboxes.snapshots import build_snapshot, same_content
from newsroom.models import FactBox, FactBoxEvent, FactBoxReference, FactBoxVersion
from relations import dates
from relations.models import Actor, Claim, Relationship, Source
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactCheckerFactory,
    RelationshipFactory,
    ReporterFactory,
    RoleEditorFactory,
    SourceFactory,
    SymmetricTypeFactory,
)
from tests.helpers import editing, publish_factbox

pytestmark = pytest.mark.django_db
Kind = FactBox.Kind


@pytest.fixture
def box():
    box = FactBoxFactory(title="What binds them", slug="what-binds-them")
    claim = ClaimFactory(text="Only two of them have a defence pact.", attributed_to=ActorFactory(name="A. Expert"))
    claim.sources.add(SourceFactory(title="Treaty text", url="https://example.org/treaty"))
    FactBoxItemFactory(factbox=box, claim=claim, position=1)
    return box


def _public_claims() -> set[str]:
    return set(Claim.objects.public().values_list("text", flat=True))


# --- Publishing -------------------------------------------------------------------


def test_publishing_freezes_the_draft_as_version_one(box, editor):
    version = publish_factbox(factbox=box, by=editor)
    box.refresh_from_db()
    assert (version.number, box.status, box.published_version) == (1, FactBox.Status.PUBLISHED, version)
    assert version.published_by == editor
    claim = version.payload["items"][0]["claim"]
    assert claim["text"] == "Only two of them have a defence pact."
    assert claim["attributed_to"]["name"] == "A. Expert"
    assert claim["sources"] == [
        {"title": "Treaty text", "url": "https://example.org/treaty", "publisher": "Example Wire", "published_on": None}
    ]
    assert (version.payload["number"], version.payload["title"]) == (1, "What binds them")


def test_each_publication_gets_the_next_number_and_readers_see_the_last(box, editor):
    numbers = [publish_factbox(factbox=box, by=editor).number for _ in range(3)]
    box.refresh_from_db()
    assert numbers == [1, 2, 3]
    assert box.published_version.number == 3


def test_publication_stamps_keep_the_first_date(box, editor):
    first = publish_factbox(factbox=box, by=editor)
    second = publish_factbox(factbox=box, by=editor)
    box.refresh_from_db()
    assert box.first_published_at == first.published_at
    assert box.last_published_at == second.published_at


def test_editing_the_draft_and_its_claims_leaves_the_published_payload_as_it_was(box, editor):
    version = publish_factbox(factbox=box, by=editor)
    frozen = dict(version.payload)
    Claim.objects.update(text="Rewritten after publication.")
    FactBox.objects.filter(pk=box.pk).update(title="A new title")
    FactBoxItemFactory(factbox=box, claim=None, text="An added line.", position=2)
    version.refresh_from_db()
    assert version.payload == frozen
    box.refresh_from_db()
    assert box.published_version.payload["title"] == "What binds them"
    assert not same_content(build_snapshot(box).payload, version.payload)


def test_publishing_records_who_and_when(box, editor):
    version = publish_factbox(factbox=box, by=editor)
    event = FactBoxEvent.objects.get()
    assert (event.kind, event.by, event.version, event.at) == ("published", editor, version, version.published_at)


def test_publishing_counts_as_an_edit_of_the_box_so_stale_forms_are_refused(box, editor):
    before = box.edit_count
    publish_factbox(factbox=box, by=editor)
    box.refresh_from_db()
    assert box.edit_count == before + 1


def test_reporters_may_not_publish(box):
    with pytest.raises(PermissionDenied):
        publish_factbox(factbox=box, by=ReporterFactory())
    assert not FactBoxVersion.objects.exists()


def test_the_editor_role_may_publish(box):
    assert publish_factbox(factbox=box, by=RoleEditorFactory()).number == 1


@pytest.mark.parametrize(
    ("kind", "items", "message"),
    [
        (Kind.KEY_FACTS, [], "no items"),
        (Kind.RELATIONSHIP_MAP, [{"actor": "actor"}], "needs at least one relationship"),
        (Kind.ACTOR_PROFILE, [{"text": "A line."}, {"actor": "actor"}], "make an actor the first item"),
        (Kind.CLAIM_CHECK, [{"text": "Our own line."}], "“Our own line.” is not one"),
        (Kind.TIMELINE, [{"text": "Undated step."}], "give “Undated step.” one"),
    ],
)
def test_a_box_that_does_not_fit_its_kind_is_refused_naming_why(editor, kind, items, message):
    box = FactBoxFactory(kind=kind)
    for position, item in enumerate(items):
        if "actor" in item:
            FactBoxItemFactory(factbox=box, claim=None, actor=ActorFactory(), position=position)
        else:
            FactBoxItemFactory(factbox=box, claim=None, text=item["text"], position=position)
    with pytest.raises(ValidationError) as refused:
        publish_factbox(factbox=box, by=editor)
    assert any(message in text for text in refused.value.messages)
    box.refresh_from_db()
    assert (box.status, box.published_version, FactBoxVersion.objects.count()) == ("draft", None, 0)


@pytest.mark.parametrize("state", [Claim.Verification.FALSE, Claim.Verification.RETRACTED])
def test_key_facts_refuse_a_claim_marked_false_or_retracted(editor, state):
    box = FactBoxFactory(kind=Kind.KEY_FACTS)
    FactBoxItemFactory(
        factbox=box,
        claim=ClaimFactory(text="A tall tale.", verification=state, verified_at=datetime.datetime.now(datetime.UTC)),
    )
    with pytest.raises(ValidationError, match="A tall tale"):
        publish_factbox(factbox=box, by=editor)


def test_a_claim_check_may_show_a_false_claim(editor):
    box = FactBoxFactory(kind=Kind.CLAIM_CHECK)
    false = ClaimFactory(verification=Claim.Verification.FALSE, verified_at=datetime.datetime.now(datetime.UTC))
    FactBoxItemFactory(factbox=box, claim=false)
    version = publish_factbox(factbox=box, by=editor)
    assert version.payload["items"][0]["claim"]["verification"] == "false"


def test_a_timeline_dates_relationships_by_their_start_and_other_items_by_their_own_date(editor):
    box = FactBoxFactory(kind=Kind.TIMELINE)
    tie = RelationshipFactory(valid_from=datetime.date(2024, 6, 1), valid_from_precision=dates.Precision.MONTH)
    FactBoxItemFactory(factbox=box, claim=None, relationship=tie, position=1)
    FactBoxItemFactory(
        factbox=box, claim=None, text="Troops sent.", date=datetime.date(2024, 1, 1), date_precision="year", position=2
    )
    items = publish_factbox(factbox=box, by=editor).payload["items"]
    assert [item["when"]["display"] for item in items] == ["June 2024", "2024"]


# --- Withdrawing ------------------------------------------------------------------


def test_withdrawing_takes_the_box_off_the_public_list(box, editor):
    publish_factbox(factbox=box, by=editor)
    factbox_withdraw(factbox=box, by=editor, note="Outdated.")
    box.refresh_from_db()
    assert box.status == FactBox.Status.WITHDRAWN
    assert not FactBox.objects.public().exists()
    assert FactBoxEvent.objects.filter(kind="withdrawn", note="Outdated.").exists()


def test_a_box_never_published_cannot_be_withdrawn(box, editor):
    with pytest.raises(ValidationError):
        factbox_withdraw(factbox=box, by=editor)


def test_reporters_may_not_withdraw(box, editor):
    publish_factbox(factbox=box, by=editor)
    with pytest.raises(PermissionDenied):
        factbox_withdraw(factbox=box, by=ReporterFactory())
    assert FactBox.objects.public().exists()


def test_a_withdrawn_box_published_again_is_live_with_a_new_version(box, editor):
    publish_factbox(factbox=box, by=editor)
    factbox_withdraw(factbox=box, by=editor)
    assert publish_factbox(factbox=box, by=editor).number == 2
    assert FactBox.objects.public().get() == box


# --- What a published box makes public ------------------------------------------------


def test_a_draft_box_makes_nothing_public(box):
    assert _public_claims() == set()
    assert not Actor.objects.public().exists()


def test_a_published_box_makes_its_claims_and_their_sources_and_attribution_public(box, editor):
    publish_factbox(factbox=box, by=editor)
    assert _public_claims() == {"Only two of them have a defence pact."}
    assert set(Source.objects.public().values_list("title", flat=True)) == {"Treaty text"}
    assert set(Actor.objects.public().values_list("name", flat=True)) == {"A. Expert"}


def test_a_published_relationship_makes_both_actors_public(editor):
    box = FactBoxFactory(kind=Kind.RELATIONSHIP_MAP)
    tie = RelationshipFactory(subject=ActorFactory(name="Russia"), object=ActorFactory(name="North Korea"))
    FactBoxItemFactory(factbox=box, claim=None, relationship=tie)
    publish_factbox(factbox=box, by=editor)
    assert list(Relationship.objects.public()) == [tie]
    assert set(Actor.objects.public().values_list("name", flat=True)) == {"Russia", "North Korea"}


def test_a_relationship_shows_as_evidence_only_claims_readers_could_already_see(editor):
    box = FactBoxFactory(kind=Kind.RELATIONSHIP_MAP)
    tie = RelationshipFactory()
    ClaimRelationshipFactory(relationship=tie, claim=ClaimFactory(text="Only a draft cites this."))
    shown = ClaimRelationshipFactory(relationship=tie, claim=ClaimFactory(text="The box shows this one.")).claim
    FactBoxItemFactory(factbox=box, claim=None, relationship=tie, position=1)
    FactBoxItemFactory(factbox=box, claim=shown, position=2)
    version = publish_factbox(factbox=box, by=editor)
    evidence = version.payload["items"][0]["relationship"]["evidence"]
    assert [claim["text"] for claim in evidence] == ["The box shows this one."]
    assert _public_claims() == {"The box shows this one."}


def test_withdrawing_a_box_takes_back_what_only_it_made_public(box, editor):
    publish_factbox(factbox=box, by=editor)
    factbox_withdraw(factbox=box, by=editor)
    assert _public_claims() == set()
    assert not Actor.objects.public().exists()


def test_only_the_published_version_counts_not_earlier_ones_or_the_draft(box, editor):
    publish_factbox(factbox=box, by=editor)
    box.items.all().delete()
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(text="The second version's claim."))
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(text="Added after, still a draft."), position=9)
    assert _public_claims() == {"Only two of them have a defence pact."}
    publish_factbox(factbox=box, by=editor)
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(text="A third draft claim."), position=10)
    assert _public_claims() == {"The second version's claim.", "Added after, still a draft."}


def test_each_row_a_version_shows_is_referenced_once(editor):
    box = FactBoxFactory(kind=Kind.RELATIONSHIP_MAP)
    russia, korea = ActorFactory(), ActorFactory()
    tie = RelationshipFactory(subject=russia, object=korea)
    FactBoxItemFactory(factbox=box, claim=None, actor=russia, position=1)
    FactBoxItemFactory(factbox=box, claim=None, relationship=tie, position=2)
    version = publish_factbox(factbox=box, by=editor)
    kinds = sorted(version.references.values_list("kind", flat=True))
    assert kinds == ["actor", "actor", "relationship"]


# --- Starting a relationship map ------------------------------------------------------


def test_a_map_started_from_actors_holds_them_and_every_tie_among_them(editor):
    china, russia, iran, outsider = (ActorFactory(name=name) for name in ["China", "Russia", "Iran", "Elsewhere"])
    partnership = RelationshipFactory(subject=china, object=russia, type=SymmetricTypeFactory())
    arms = RelationshipFactory(subject=iran, object=russia)
    RelationshipFactory(subject=china, object=outsider)
    box = factbox_start_relationship_map(actors=[china, russia, iran], by=editor)
    items = list(box.items.order_by("position"))
    assert [item.actor for item in items[:3]] == [china, russia, iran]
    assert {item.relationship for item in items[3:]} == {partnership, arms}
    assert (box.kind, box.status, box.title) == (Kind.RELATIONSHIP_MAP, "draft", "China, Russia and Iran")


def test_a_map_of_many_long_names_is_titled_with_those_that_fit_and_how_many_more(editor):
    actors = [ActorFactory(name=f"The Transitional Council for the Liberation of Region {n}") for n in range(10)]
    box = factbox_start_relationship_map(actors=actors, by=editor)
    limit = FactBox._meta.get_field("title").max_length
    assert len(box.title) <= limit
    assert box.title.startswith("The Transitional Council for the Liberation of Region 0, ")
    assert box.title.endswith(" others")
    assert box.items.count() == 10


def test_a_started_map_gets_a_free_address(editor):
    a, b = ActorFactory(name="Alpha"), ActorFactory(name="Beta")
    first = factbox_start_relationship_map(actors=[a, b], by=editor)
    second = factbox_start_relationship_map(actors=[a, b], by=editor)
    assert (first.slug, second.slug) == ("alpha-and-beta", "alpha-and-beta-2")


def test_a_map_needs_two_actors(editor):
    with pytest.raises(ValidationError):
        factbox_start_relationship_map(actors=[ActorFactory()], by=editor)
    assert not FactBox.objects.exists()


def test_starting_a_map_needs_the_right_to_add_boxes():
    with pytest.raises(PermissionDenied):
        factbox_start_relationship_map(actors=[ActorFactory(), ActorFactory()], by=FactCheckerFactory())


def test_references_survive_the_deletion_of_what_they_name(box, editor):
    version = publish_factbox(factbox=box, by=editor)
    box.items.all().delete()
    Claim.objects.all().delete()
    reference = FactBoxReference.objects.get(version=version, kind="claim")
    assert reference.claim is None
    assert reference.label == "Only two of them have a defence pact."


def test_a_published_box_can_be_deleted_with_its_versions(box, editor):
    publish_factbox(factbox=box, by=editor)
    publish_factbox(factbox=box, by=editor)
    with editing(box):
        box.delete()
    assert not FactBoxVersion.objects.exists()
    assert not FactBoxReference.objects.exists()
    assert _public_claims() == set()
