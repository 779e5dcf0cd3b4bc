"""The feed's positions (relations.feed): given in the order entries fall due, one writer at a time,
kept true by check_closure, and found through the partial indexes on ``due``."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from relations import closure, feed
from relations.models import Claim, FeedCounter, PublicChange
from relations.services import claim_set_verification, record_public_change
from tests.factories import ArticleClaimFactory, ClaimFactory, EditorFactory, FactBoxFactory
from tests.helpers import editing, publish_article

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _entry(box, note: str, *, at: datetime.datetime) -> PublicChange:
    return record_public_change(target=box, key=box.slug, kind=PublicChange.Kind.UPDATED, at=at, note=note)


def _public_claim_with_a_verdict(editor) -> Claim:
    citation = ArticleClaimFactory()
    claim_set_verification(claim=citation.claim, state=Claim.Verification.VERIFIED, by=editor)
    publish_article(article=citation.article, by=editor)
    return citation.claim


def test_entries_falling_due_together_are_placed_by_due_then_time_then_id(editor):
    box, now = FactBoxFactory(), timezone.now()
    later, earlier = now + DAY, now + DAY - datetime.timedelta(hours=1)
    entries = [_entry(box, "b", at=later), _entry(box, "a", at=earlier), _entry(box, "c", at=later)]
    assert feed.catch_up(now) == 0
    assert feed.catch_up(later) == 3
    placed = PublicChange.objects.public().order_by("position").values_list("note", flat=True)
    assert list(placed) == ["a", "b", "c"]
    assert {entry.pk for entry in entries} == set(PublicChange.objects.public().values_list("pk", flat=True))


def test_positions_go_on_after_the_highest_left_when_the_counter_is_gone():
    box = FactBoxFactory()
    first = _entry(box, "first", at=timezone.now())
    FeedCounter.objects.all().delete()
    assert _entry(box, "second", at=timezone.now()).position == first.position + 1
    assert FeedCounter.objects.get().last == first.position + 1


def test_a_position_taken_back_is_never_given_again(editor):
    citation = ArticleClaimFactory()
    publish_article(article=citation.article, by=editor)
    claim_set_verification(claim=citation.claim, state=Claim.Verification.VERIFIED, by=editor)
    verdict = PublicChange.objects.get(kind="verdict")
    assert verdict.position == FeedCounter.objects.get().last
    with editing(citation.article):
        citation.delete()
    assert PublicChange.objects.get(pk=verdict.pk).position is None
    assert _entry(FactBoxFactory(), "next", at=timezone.now()).position == verdict.position + 1


@pytest.mark.django_db(transaction=True)
def test_the_feed_is_locked_only_inside_a_transaction():
    with pytest.raises(transaction.TransactionManagementError):
        feed.lock()


def test_check_closure_finds_a_feed_entry_out_of_step_and_repairs_it(editor):
    claim = _public_claim_with_a_verdict(editor)
    verdict = PublicChange.objects.get(kind="verdict")
    PublicChange.objects.filter(pk=verdict.pk).update(due=None)
    with pytest.raises(CommandError) as refused:
        call_command("check_closure", stdout=io.StringIO())
    assert "feed entries 1" in str(refused.value)
    drift = closure.check()
    assert set(drift.feed) == {verdict.pk} and drift.misplaced == {verdict.pk}
    out = io.StringIO()
    call_command("check_closure", "--repair", stdout=out)
    assert f"feed entry {verdict.pk}" in out.getvalue()
    repaired = PublicChange.objects.get(pk=verdict.pk)
    assert repaired.due == max(verdict.at, Claim.objects.get(pk=claim.pk).public_from)
    # Visible all along once its due is true again: it keeps the place partners know it by.
    assert repaired.position == verdict.position
    assert not closure.check()


def test_rebuild_derives_the_claims_entries_and_places_what_is_due(editor):
    _public_claim_with_a_verdict(editor)
    private = ClaimFactory()
    claim_set_verification(claim=private, state=Claim.Verification.DISPUTED, by=editor)
    PublicChange.objects.update(due=timezone.now() - DAY, position=None)
    closure.rebuild()
    placed = dict(PublicChange.objects.values_list("key", "position"))
    assert placed[str(private.pk)] is None
    assert all(position is not None for key, position in placed.items() if key != str(private.pk))
    assert not closure.check()


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A table of a few rows is read whole whatever its indexes: ask whether the index serves.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row) for row in cursor.fetchall())


def test_what_waits_for_a_place_and_what_lost_its_own_are_read_through_the_partial_indexes():
    now = timezone.now()
    assert "publicchange_pending" in _plan(PublicChange.objects.order_by().filter(position__isnull=True, due__lte=now))
    for entries in feed.misplaced(now):
        assert "publicchange_placed" in _plan(entries.order_by())
    assert "publicchange_position" in _plan(PublicChange.objects.public().order_by("-position")[:20])


@pytest.mark.django_db(transaction=True)
def test_a_writer_waits_for_the_one_holding_the_feed_and_places_after_it(roles):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time whatever the feed does")
    box = FactBoxFactory()
    holding, tried, order = threading.Event(), threading.Event(), []

    def first() -> None:
        try:
            with transaction.atomic():
                order.append(("first", _entry(box, "first", at=timezone.now()).position))
                holding.set()
                tried.wait(5)
                # The second writer is waiting on the counter by now; it must not overtake.
                threading.Event().wait(0.3)
                order.append(("first committed", None))
        finally:
            connection.close()

    def second() -> None:
        try:
            holding.wait(5)
            tried.set()
            with transaction.atomic():
                order.append(("second", _entry(box, "second", at=timezone.now()).position))
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    names = [name for name, _position in order]
    assert names == ["first", "first committed", "second"]
    assert order[2][1] == order[0][1] + 1


def test_a_verdicts_entry_waits_for_its_claim(editor):
    claim = ClaimFactory()
    claim_set_verification(claim=claim, state=Claim.Verification.VERIFIED, by=EditorFactory())
    entry = PublicChange.objects.get()
    assert (entry.due, entry.position) == (None, None)
    assert not PublicChange.objects.public().exists()
