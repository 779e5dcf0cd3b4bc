"""The published closure is kept by the services, in their transaction, and derived again only where it must be."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article, ArticleClaim
from newsroom.services import article_return_to_draft, article_withdraw
from relations import closure
from relations.models import Actor, Claim, ClaimReach, Relationship, Source
from tests.factories import (
    ActorFactory,
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

NOW = datetime.datetime(2026, 5, 4, 12, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def editor():
    return EditorFactory()


def _claim_with_everything(**fields) -> Claim:
    """A claim about an actor, by another, on a source, supporting a tie between two more."""
    claim = ClaimFactory(attributed_to=ActorFactory(kind="person"), **fields)
    claim.actors.add(ActorFactory())
    claim.sources.add(SourceFactory())
    ClaimRelationshipFactory(claim=claim)
    return claim


def _story(*claims: Claim, actors=()) -> Article:
    article = ArticleFactory()
    for position, claim in enumerate(claims):
        ArticleClaim.objects.create(article=article, claim=claim, position=position)
    article.actors.add(*actors)
    return article


def _everything_it_reaches(claim: Claim) -> list:
    tie = claim.relationships.get()
    return [claim, claim.sources.get(), claim.attributed_to, *claim.actors.all(), tie, tie.subject, tie.object]


def _moments(rows) -> set:
    return {type(row).objects.get(pk=row.pk).public_from for row in rows}


def test_a_story_published_now_makes_all_it_reaches_public_from_that_moment(editor):
    claim = _claim_with_everything()
    tagged = ActorFactory()
    publish_article(article=_story(claim, actors=[tagged]), by=editor)
    assert _moments([*_everything_it_reaches(claim), tagged]) == {NOW}
    assert Claim.objects.public().filter(pk=claim.pk).exists()


def test_a_scheduled_story_makes_its_claims_public_when_its_time_comes_with_no_write(editor, clock):
    claim = _claim_with_everything()
    goes_live = NOW + datetime.timedelta(hours=2)
    publish_article(article=_story(claim), by=editor, publish_at=goes_live)
    assert _moments(_everything_it_reaches(claim)) == {goes_live}
    assert not Claim.objects.public().filter(pk=claim.pk).exists()
    assert Claim.objects.public(or_scheduled=True).filter(pk=claim.pk).exists()
    clock.shift(datetime.timedelta(hours=2))
    for row in _everything_it_reaches(claim):
        assert type(row).objects.public().filter(pk=row.pk).exists()


def test_rescheduling_moves_the_moment_and_unscheduling_clears_it(editor):
    claim = _claim_with_everything()
    article = publish_article(article=_story(claim), by=editor, publish_at=NOW + datetime.timedelta(hours=2))
    article = publish_article(article=article, by=editor, publish_at=NOW + datetime.timedelta(hours=5))
    assert _moments(_everything_it_reaches(claim)) == {NOW + datetime.timedelta(hours=5)}
    article_return_to_draft(article=article, by=editor)
    assert _moments(_everything_it_reaches(claim)) == {None}


def test_withdrawing_a_story_keeps_public_what_another_live_story_still_reaches(editor, clock):
    shared, alone = _claim_with_everything(), _claim_with_everything()
    first = publish_article(article=_story(shared, alone), by=editor)
    clock.shift(datetime.timedelta(days=1))
    publish_article(article=_story(shared), by=editor)
    article_withdraw(article=first, by=editor)
    assert _moments(_everything_it_reaches(shared)) == {NOW + datetime.timedelta(days=1)}
    assert _moments(_everything_it_reaches(alone)) == {None}


def test_a_published_box_reaches_its_items_until_it_is_withdrawn(editor):
    tie, actor, claim = RelationshipFactory(), ActorFactory(), _claim_with_everything()
    box = FactBoxFactory()
    for item in ({"claim": None, "relationship": tie}, {"claim": None, "actor": actor}, {"claim": claim}):
        FactBoxItemFactory(factbox=box, **item)
    publish_factbox(factbox=box, by=editor)
    reached = [tie, tie.subject, tie.object, actor, *_everything_it_reaches(claim)]
    assert _moments(reached) == {NOW}
    factbox_withdraw(factbox=box, by=editor)
    assert _moments(reached) == {None}


def test_republishing_a_box_without_an_item_takes_it_off_the_public(editor, clock):
    kept, dropped = ActorFactory(), ActorFactory()
    box = FactBoxFactory()
    FactBoxItemFactory(factbox=box, claim=None, actor=kept)
    item = FactBoxItemFactory(factbox=box, claim=None, actor=dropped)
    publish_factbox(factbox=box, by=editor)
    item.delete()
    clock.shift(datetime.timedelta(minutes=5))
    publish_factbox(factbox=box, by=editor)
    assert _moments([kept]) == {NOW + datetime.timedelta(minutes=5)}
    assert _moments([dropped]) == {None}


def test_counts_follow_publication_and_leave_out_what_is_only_scheduled(editor, clock):
    actor = ActorFactory()
    live, scheduled = ClaimFactory(), ClaimFactory(attributed_to=actor, kind=Claim.Kind.ASSESSMENT)
    live.actors.add(actor)
    ClaimRelationshipFactory(claim=live, relationship=RelationshipFactory(subject=actor))
    publish_article(article=_story(live), by=editor)
    publish_article(article=_story(scheduled), by=editor, publish_at=NOW + datetime.timedelta(hours=1))
    counted = Actor.objects.with_public_counts().get(pk=actor.pk)
    assert (counted.public_claim_count, counted.public_relationship_count) == (1, 1)
    assert (counted.published_claim_count, counted.published_relationship_count) == (2, 1)
    clock.shift(datetime.timedelta(hours=1))
    counted = Actor.objects.with_public_counts().get(pk=actor.pk)
    assert (counted.public_claim_count, counted.public_relationship_count) == (2, 1)
    assert closure.derived_counts(actor) == (2, 1)


def test_a_claim_both_about_and_attributed_to_an_actor_counts_once(editor):
    actor = ActorFactory()
    claim = ClaimFactory(attributed_to=actor, kind=Claim.Kind.ASSESSMENT)
    claim.actors.add(actor)
    publish_article(article=_story(claim), by=editor)
    assert Actor.objects.with_public_counts().get(pk=actor.pk).public_claim_count == 1
    assert not closure.check()


def test_relinking_a_public_claim_moves_what_it_makes_public(editor):
    claim = _claim_with_everything()
    publish_article(article=_story(claim), by=editor)
    old_actor, old_source, old_tie = claim.actors.get(), claim.sources.get(), claim.relationships.get()
    new_actor, new_source, new_tie = ActorFactory(), SourceFactory(), RelationshipFactory()
    with closure.maintained(Claim.objects.filter(pk=claim.pk)):
        claim.actors.set([new_actor])
        claim.sources.set([new_source])
        claim.relationship_links.all().delete()
        ClaimRelationshipFactory(claim=claim, relationship=new_tie)
    assert _moments([new_actor, new_source, new_tie, new_tie.subject, new_tie.object]) == {NOW}
    assert _moments([old_actor, old_source, old_tie, old_tie.subject, old_tie.object]) == {None}
    assert Actor.objects.with_public_counts().get(pk=new_actor.pk).public_claim_count == 1
    assert Actor.objects.with_public_counts().get(pk=old_actor.pk).public_claim_count == 0
    assert not closure.check()


def test_deleting_a_public_claim_takes_off_what_only_it_reached(editor):
    claim = _claim_with_everything()
    box = FactBoxFactory()
    item = FactBoxItemFactory(factbox=box, claim=claim)
    publish_factbox(factbox=box, by=editor)
    source, tie = claim.sources.get(), claim.relationships.get()
    item.delete()  # the published version still shows it; the draft no longer protects it
    with closure.maintained(Claim.objects.filter(pk=claim.pk)):
        claim.delete()
    # The source and the tie were public through the claim only; the box still names its actors.
    assert _moments([source, tie]) == {None}
    assert not closure.check()


def test_a_failed_publication_changes_nothing(editor):
    claim = _claim_with_everything(verification=Claim.Verification.FALSE, verified_at=NOW)
    article = _story(claim)
    with pytest.raises(ValidationError, match="marked false"):
        publish_article(article=article, by=editor)
    assert _moments(_everything_it_reaches(claim)) == {None}


def test_inner_blocks_settle_so_that_what_follows_reads_their_writes(editor):
    claim = _claim_with_everything()
    article = _story(claim)
    with closure.maintained(Article.objects.filter(pk=article.pk)):
        publish_article(article=article, by=editor)
        assert Claim.objects.public().filter(pk=claim.pk).exists()
        ArticleClaim.objects.create(article=article, claim=(second := _claim_with_everything()), position=9)
    assert _moments(_everything_it_reaches(second)) == {NOW}
    assert not closure.check()


def test_publishing_about_a_well_covered_actor_does_not_derive_it_again(editor):
    """The cost of a publication does not grow with what the archive already says about its actors."""

    def publish_about(actor: Actor, archive: int) -> int:
        older = [ClaimFactory() for _ in range(archive)]
        for claim in older:
            claim.actors.add(actor)
        if older:
            publish_article(article=_story(*older), by=editor)
        claim = ClaimFactory()
        claim.actors.add(actor)
        article = _story(claim)
        with CaptureQueriesContext(connection) as queries:
            publish_article(article=article, by=editor)
        article_withdraw(article=article, by=editor)
        return len(queries)

    assert publish_about(ActorFactory(), 1) == publish_about(ActorFactory(), 40)
    assert not closure.check()


def test_check_finds_a_drifted_moment_and_repair_derives_it_again(editor):
    claim = _claim_with_everything()
    publish_article(article=_story(claim), by=editor)
    Claim.objects.filter(pk=claim.pk).update(public_from=None)
    assert closure.check().moments["claim"] == {claim.pk: (None, NOW)}
    closure.rebuild()
    assert not closure.check()
    assert Claim.objects.public().filter(pk=claim.pk).exists()


def test_check_finds_a_drifted_count_and_repair_counts_again(editor):
    claim = _claim_with_everything()
    publish_article(article=_story(claim), by=editor)
    actor = claim.actors.get()
    Actor.objects.filter(pk=actor.pk).update(published_claim_count=7)
    assert closure.check().counts == {actor.pk: ((7, 0), (1, 0))}
    closure.rebuild()
    assert Actor.objects.with_public_counts().get(pk=actor.pk).public_claim_count == 1


def test_rebuild_derives_the_closure_of_rows_written_in_bulk(editor):
    claim = _claim_with_everything()
    article = ArticleFactory(status=Article.Status.PUBLISHED, publish_at=NOW - datetime.timedelta(days=3))
    ArticleClaim.objects.bulk_create([ArticleClaim(article=article, claim=claim)])
    assert not Claim.objects.public().exists()
    closure.rebuild()
    assert _moments(_everything_it_reaches(claim)) == {NOW - datetime.timedelta(days=3)}


def test_rebuild_counts_a_claim_about_its_own_speaker_once_and_clears_what_nothing_reaches(editor):
    claim = _claim_with_everything()
    speaker = claim.attributed_to
    claim.actors.add(speaker)
    later = _claim_with_everything()
    publish_article(article=_story(claim), by=editor)
    publish_article(article=_story(later), by=editor, publish_at=NOW + datetime.timedelta(days=2))
    unreached = ActorFactory()
    Actor.objects.update(published_claim_count=9, published_relationship_count=9, public_from=NOW)
    Claim.objects.update(public_from=None)
    Relationship.objects.update(public_from=NOW - datetime.timedelta(days=9))
    ClaimReach.objects.all().delete()
    closure.rebuild()
    assert not closure.check()
    assert Actor.objects.values_list("published_claim_count", flat=True).get(pk=speaker.pk) == 1
    assert Actor.objects.get(pk=unreached.pk).public_from is None
    assert _moments(_everything_it_reaches(later)) == {NOW + datetime.timedelta(days=2)}


def test_check_closure_command_exits_1_on_drift_and_repairs_it(editor):
    claim = _claim_with_everything()
    publish_article(article=_story(claim), by=editor)
    Source.objects.update(public_from=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(CommandError) as refused:
        call_command("check_closure", stdout=io.StringIO())
    assert refused.value.returncode == 1
    assert "source 1" in str(refused.value)
    out = io.StringIO()
    call_command("check_closure", "--repair", stdout=out)
    assert "Repaired" in out.getvalue()
    out = io.StringIO()
    call_command("check_closure", stdout=out)
    assert "matches" in out.getvalue()


def test_public_rows_are_an_indexed_comparison_with_the_clock():
    sql = str(Relationship.objects.public().query)
    assert "public_from" in sql and "SELECT" not in sql.split("WHERE", 1)[1]
