"""A published box needs review when what it shows changes behind it, and only then."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.factboxes.services import factbox_withdraw
from newsroom.factboxes.snapshots import CLOCK_MARGIN, boxes_needing_review, live_review_notes, review_notes
from newsroom.models import FactBox
from relations.models import Actor, Claim, Relationship, Source
from relations.services import claim_set_verification
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    RelationshipFactory,
    SourceFactory,
)
from tests.helpers import publish_factbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(editor):
    """A map showing a claim, a relationship (with a claim as its evidence) and an actor, published."""
    box = FactBoxFactory(kind=FactBox.Kind.RELATIONSHIP_MAP)
    russia = ActorFactory(name="Russia", slug="russia")
    korea = ActorFactory(name="North Korea", slug="north-korea")
    tie = RelationshipFactory(subject=russia, object=korea, status=Relationship.Status.ACTIVE)
    claim = ClaimFactory(
        text="Only Russia and North Korea have a defence pact.", attributed_to=ActorFactory(name="Gabuev")
    )
    ClaimRelationshipFactory(claim=claim, relationship=tie)
    FactBoxItemFactory(factbox=box, claim=None, actor=russia, position=1)
    FactBoxItemFactory(factbox=box, claim=None, relationship=tie, position=2)
    FactBoxItemFactory(factbox=box, claim=claim, position=3)
    publish_factbox(factbox=box, by=editor)
    box.refresh_from_db()
    return box


def _notes(box: FactBox) -> list[str]:
    box.refresh_from_db()
    return review_notes([box]).get(box.pk, [])


def _save(obj, **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()


def test_a_box_just_published_needs_no_review(published):
    assert _notes(published) == []


def test_a_claim_reworded_puts_the_box_up_for_review(published):
    _save(Claim.objects.get(text__startswith="Only Russia"), text="Russia and North Korea signed a pact.")
    assert _notes(published) == ["Claim “Only Russia and North Korea have a defence pact.”: statement changed."]


def test_a_new_verdict_puts_the_box_up_for_review(published, editor):
    claim_set_verification(claim=Claim.objects.get(text__startswith="Only Russia"), state="disputed", by=editor)
    assert _notes(published) == [
        "Claim “Only Russia and North Korea have a defence pact.”: verification state (unverified → disputed) changed."
    ]


def test_a_new_attribution_puts_the_box_up_for_review(published):
    _save(Claim.objects.get(text__startswith="Only Russia"), attributed_to=ActorFactory(name="Kimmage"))
    assert "attribution" in _notes(published)[0]


def test_a_relationship_status_change_puts_the_box_up_for_review(published):
    _save(Relationship.objects.get(), status=Relationship.Status.SUSPENDED)
    assert _notes(published) == [
        "Relationship “Russia supplies arms to North Korea”: status (active → suspended) changed."
    ]


def test_new_dates_put_the_box_up_for_review(published):
    _save(Relationship.objects.get(), valid_from=datetime.date(2024, 6, 1), valid_from_precision="month")
    assert _notes(published) == [
        "Relationship “Russia supplies arms to North Korea”: start date (– → 2024-06-01) changed."
    ]


def test_an_end_date_puts_the_box_up_for_review(published):
    _save(Relationship.objects.get(), valid_until=datetime.date(2025, 1, 1))
    assert "end date" in _notes(published)[0]


def test_a_renamed_actor_puts_the_box_up_for_review_once(published):
    _save(Actor.objects.get(slug="russia"), name="Russian Federation")
    assert _notes(published) == ["Actor “Russia”: name (Russia → Russian Federation) changed."]


def test_a_renamed_attribution_counts_too(published):
    _save(Actor.objects.get(name="Gabuev"), name="Alexander Gabuev")
    assert _notes(published) == ["Actor “Gabuev”: name (Gabuev → Alexander Gabuev) changed."]


def test_a_deleted_claim_puts_the_box_up_for_review(published):
    published.items.filter(claim__isnull=False).delete()
    Claim.objects.all().delete()
    assert _notes(published) == ["Claim “Only Russia and North Korea have a defence pact.” was deleted."]


def test_a_source_added_to_a_claim_puts_the_box_up_for_review(published):
    Claim.objects.get(text__startswith="Only Russia").sources.add(SourceFactory())
    assert _notes(published) == ["Claim “Only Russia and North Korea have a defence pact.”: sources changed."]


def test_a_source_retitled_puts_the_box_up_for_review(published):
    claim = Claim.objects.get(text__startswith="Only Russia")
    claim.sources.add(SourceFactory(title="Treaty text"))
    published.refresh_from_db()
    publish_factbox(factbox=published, by=EditorFactory(username="desk"))
    _save(claim.sources.get(), title="Treaty text, as ratified")
    assert "sources" in _notes(published)[0]


def test_a_new_category_for_the_tie_type_puts_the_box_up_for_review(published):
    _save(Relationship.objects.get().type, category="security")
    assert _notes(published) == [
        "Relationship “Russia supplies arms to North Korea”: category (military → security) changed."
    ]


def test_a_new_wikidata_id_puts_the_box_up_for_review(published):
    _save(Actor.objects.get(slug="russia"), wikidata_id="Q159")
    assert _notes(published) == ["Actor “Russia”: Wikidata ID changed."]


def test_changes_readers_do_not_see_leave_the_box_alone(published):
    claim = Claim.objects.get(text__startswith="Only Russia")
    _save(claim, internal_note="Check the date with the desk.")
    _save(Relationship.objects.get(), summary=Relationship.objects.get().summary)
    ActorAliasFactory(actor=Actor.objects.get(slug="russia"), name="Moscow")
    assert _notes(published) == []


def test_a_save_that_changes_nothing_leaves_the_box_alone(published):
    for model in (Claim, Relationship, Actor):
        for obj in model.objects.all():
            obj.save()
    assert _notes(published) == []


def test_changes_to_rows_the_box_does_not_show_leave_it_alone(published):
    other = ClaimFactory(text="Unrelated.")
    _save(other, text="Still unrelated.")
    assert _notes(published) == []


def test_publishing_again_clears_the_review(published, editor):
    _save(Relationship.objects.get(), status=Relationship.Status.ENDED)
    assert _notes(published)
    publish_factbox(factbox=published, by=editor)
    assert _notes(published) == []


def test_a_withdrawn_box_is_not_up_for_review(published, editor):
    _save(Relationship.objects.get(), status=Relationship.Status.ENDED)
    factbox_withdraw(factbox=published, by=editor)
    assert _notes(published) == []
    assert boxes_needing_review() == []


def test_editing_the_draft_is_not_a_reason_for_review(published):
    published.items.all().delete()
    assert _notes(published) == []


def test_the_boxes_needing_review_are_listed_by_id(published, editor):
    calm = FactBoxFactory()
    FactBoxItemFactory(factbox=calm, claim=ClaimFactory())
    publish_factbox(factbox=calm, by=editor)
    _save(Actor.objects.get(slug="north-korea"), name="DPRK")
    assert boxes_needing_review() == [published.pk]


@pytest.mark.parametrize("n", [1, 20])
def test_review_notes_take_two_queries_however_many_boxes(editor, n):
    boxes = []
    for _ in range(n):
        box = FactBoxFactory()
        for _ in range(5):
            FactBoxItemFactory(factbox=box, claim=ClaimFactory(attributed_to=ActorFactory()))
        publish_factbox(factbox=box, by=editor)
        boxes.append(box)
    Claim.objects.update(verification="verified", verified_at=timezone.now())
    boxes = list(FactBox.objects.all())
    with CaptureQueriesContext(connection) as queries:
        notes = review_notes(boxes)
    assert len(queries) == 2  # the references, then their claims' sources
    assert len(notes) == n and all(len(box_notes) == 5 for box_notes in notes.values())


# What a check narrowed to rows saved since publishing could miss -----------------------------

CLAIM_SOURCES_CHANGED = ["Claim “Only Russia and North Korea have a defence pact.”: sources changed."]


@pytest.fixture
def sourced(published, editor):
    """The published map, its claim citing one source when it was published."""
    Claim.objects.get(text__startswith="Only Russia").sources.add(SourceFactory(title="Treaty text"))
    published.refresh_from_db()
    publish_factbox(factbox=published, by=editor)
    assert _notes(published) == []
    return published


def test_a_source_linked_from_the_sources_side_puts_the_box_up_for_review(published):
    SourceFactory().claims.add(Claim.objects.get(text__startswith="Only Russia"))
    assert _notes(published) == CLAIM_SOURCES_CHANGED


def test_a_source_unlinked_puts_the_box_up_for_review(sourced):
    claim = Claim.objects.get(text__startswith="Only Russia")
    claim.sources.remove(claim.sources.get())
    assert _notes(sourced) == CLAIM_SOURCES_CHANGED


def test_a_claims_sources_cleared_put_the_box_up_for_review(sourced):
    Claim.objects.get(text__startswith="Only Russia").sources.clear()
    assert _notes(sourced) == CLAIM_SOURCES_CHANGED


def test_a_source_cleared_of_its_claims_puts_the_box_up_for_review(sourced):
    Source.objects.get().claims.clear()
    assert _notes(sourced) == CLAIM_SOURCES_CHANGED


def test_a_deleted_source_puts_the_box_up_for_review(sourced):
    Source.objects.get().delete()
    assert _notes(sourced) == CLAIM_SOURCES_CHANGED


def test_a_relabelled_relationship_type_puts_the_box_up_for_review(published):
    _save(Relationship.objects.get().type, label="sells arms to")
    assert _notes(published) == [
        "Relationship “Russia supplies arms to North Korea”: type (supplies arms to → sells arms to) changed."
    ]


def test_a_relationship_type_made_symmetric_puts_the_box_up_for_review(published):
    _save(Relationship.objects.get().type, symmetric=True, inverse_label="")
    assert _notes(published) == ["Relationship “Russia supplies arms to North Korea”: direction changed."]


def test_a_relationship_type_described_anew_leaves_the_box_alone(published):
    _save(Relationship.objects.get().type, description="Deliveries of weapons or ammunition.", name="Arms deliveries")
    assert _notes(published) == []


def test_a_deleted_actor_puts_the_box_up_for_review(published):
    published.items.filter(actor__isnull=False).delete()
    attributed = Actor.objects.get(name="Gabuev")
    Claim.objects.filter(attributed_to=attributed).update(attributed_to=None)
    attributed.delete()
    notes = _notes(published)
    assert "Actor “Gabuev” was deleted." in notes


def test_a_claim_edited_and_put_back_leaves_the_box_alone(published):
    claim = Claim.objects.get(text__startswith="Only Russia")
    published_text = claim.text
    _save(claim, text="Something else.")
    _save(claim, text=published_text)
    assert _notes(published) == []


def test_a_change_stamped_just_before_publishing_is_still_compared(published):
    # An edit whose transaction began before the publication and committed after it.
    stamped = published.published_version.published_at - CLOCK_MARGIN / 2
    Claim.objects.filter(text__startswith="Only Russia").update(
        text="Russia and North Korea signed a pact.", updated_at=stamped
    )
    assert _notes(published) == ["Claim “Only Russia and North Korea have a defence pact.”: statement changed."]


def test_every_published_box_is_checked_as_review_notes_checks_it(published, editor):
    calm = FactBoxFactory()
    FactBoxItemFactory(factbox=calm, claim=ClaimFactory())
    publish_factbox(factbox=calm, by=editor)
    _save(Relationship.objects.get(), status=Relationship.Status.ENDED)
    _save(Actor.objects.get(slug="north-korea"), name="DPRK")
    assert live_review_notes() == review_notes(FactBox.objects.all()) == {published.pk: _notes(published)}


@pytest.mark.parametrize("n", [1, 20])
@pytest.mark.parametrize("kept", [False, True], ids=["first-check", "kept-state"])
def test_live_review_notes_take_a_fixed_number_of_queries_however_many_boxes(editor, n, kept):
    for _ in range(n):
        box = FactBoxFactory()
        claim = ClaimFactory()
        claim.sources.add(SourceFactory())
        FactBoxItemFactory(factbox=box, claim=claim)
        publish_factbox(factbox=box, by=editor)
    if kept:
        live_review_notes()
    for source in Source.objects.all():
        _save(source, title=source.title + " (updated)")
    with CaptureQueriesContext(connection) as queries:
        notes = live_review_notes()
    assert len(queries) == 3  # the published versions, the references that may have changed, their claims' sources
    assert len(notes) == n


def _reword_claim(box):
    _save(Claim.objects.get(text__startswith="Only Russia"), text="Russia and North Korea signed a pact.")


def _link_source(box):
    SourceFactory().claims.add(Claim.objects.get(text__startswith="Only Russia"))


def _relabel_type(box):
    _save(Relationship.objects.get().type, label="sells arms to")


def _delete_claim(box):
    box.items.filter(claim__isnull=False).delete()
    Claim.objects.filter(text__startswith="Only Russia").delete()


def _rename_actor_and_back(box):
    russia = Actor.objects.get(slug="russia")
    _save(russia, name="Russian Federation")
    live_review_notes()
    _save(russia, name="Russia")


def _republish(box):
    _save(Relationship.objects.get(), status=Relationship.Status.ENDED)
    live_review_notes()
    box.refresh_from_db()
    publish_factbox(factbox=box, by=EditorFactory(username="desk"))


def _withdraw(box):
    _save(Relationship.objects.get(), status=Relationship.Status.ENDED)
    live_review_notes()
    box.refresh_from_db()
    factbox_withdraw(factbox=box, by=EditorFactory(username="desk"))


@pytest.mark.parametrize(
    "change",
    [_reword_claim, _link_source, _relabel_type, _delete_claim, _rename_actor_and_back, _republish, _withdraw],
)
def test_the_kept_review_state_follows_later_changes(published, change):
    assert live_review_notes() == {}
    change(published)
    published.refresh_from_db()
    assert live_review_notes() == review_notes([published])
