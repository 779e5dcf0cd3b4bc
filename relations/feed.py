"""The feed of public changes, in an order partners can sync by without missing anything.

An entry (``PublicChange``) is written when the change is made, but readers may only see it
later: a scheduled publication at its moment, a verdict on a private claim once a story makes
the claim public. ``due`` says when, and is kept true by the writers and by the closure (a
claim's entries move with its ``public_from``, ``claims_moved``). An entry is in the feed once it
has a ``position``, the next number of the feed, which ``catch_up`` gives it when it falls due.

Positions are given in the order entries become visible, one transaction at a time: every
writer of the feed first takes the counter (``lock``) and holds it until it commits, so no
position is ever committed after a higher one. A partner that asks for the entries after the
highest position it holds therefore misses nothing, whatever the entries' ``at``. An entry that
stops being visible (its claim is no longer public) loses its position; when it is visible again
it takes a new one, after everything partners have read, and they are told again.
See docs/architecture.md, "The feed of changes".
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, Greatest, RowNumber
from django.utils import timezone

from relations import closure
from relations.models import Claim, FeedCounter, PublicChange

Moment = datetime.datetime | None

# The counter's one row.
COUNTER = 1


def _claim_type() -> ContentType:
    return ContentType.objects.get_for_model(Claim)


def entries_of(target: models.Model) -> models.QuerySet[PublicChange]:
    return PublicChange.objects.filter(content_type=ContentType.objects.get_for_model(target), object_id=target.pk)


def lock() -> int:
    """Hold the feed until this transaction ends; returns the last position given.

    Whoever writes entries takes it before writing, so that positions are given one transaction
    at a time, and no writer holds entries another waits for while it waits for the counter. An
    UPDATE rather than SELECT … FOR UPDATE: on SQLite it takes the database's write lock at
    once, where a read would have to become a write later, which fails if another connection
    wrote in between."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("The feed is locked until a transaction ends: open one.")
    counter = FeedCounter.objects.filter(pk=COUNTER)
    if not counter.update(last=F("last")):
        # A flushed database: go on after the highest position left, if any.
        highest = PublicChange.objects.aggregate(highest=Max("position"))["highest"] or 0
        FeedCounter.objects.bulk_create([FeedCounter(pk=COUNTER, last=highest)], ignore_conflicts=True)
        counter.update(last=F("last"))
    return counter.values_list("last", flat=True).get()


def pending(now: datetime.datetime | None = None) -> bool:
    """Whether an entry is due without a position yet (one probe of the pending entries' index)."""
    return PublicChange.objects.filter(position__isnull=True, due__lte=now or timezone.now()).exists()


@transaction.atomic
def catch_up(now: datetime.datetime | None = None) -> int:
    """Take back the positions of entries no longer visible, and give the next ones to the entries
    due by ``now`` without one, in the order they fell due (then by ``at`` and id). Returns how
    many were given. Both steps read the partial indexes on ``due``, whatever the feed's size."""
    now = now or timezone.now()
    last = lock()
    for entries in misplaced(now):
        entries.update(position=None)
    numbered = (
        PublicChange.objects.filter(position__isnull=True, due__lte=now)
        .order_by()
        .annotate(n=Window(RowNumber(), order_by=[F("due").asc(), F("at").asc(), F("pk").asc()]))
        .values("pk", "n")
    )
    given = number(PublicChange, numbered, after=last)
    if given:
        FeedCounter.objects.filter(pk=COUNTER).update(last=F("last") + given)
    return given


def number(model: type[models.Model], numbered: models.QuerySet, *, after: int) -> int:
    """Set the ``position`` of each row of ``numbered`` (``pk`` and ``n``, from 1) to ``after`` + ``n``,
    in one statement however many rows there are; returns how many were set. (Django's update()
    takes no window function.)"""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql, params = numbered.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET {quote("position")} = %s + "numbered"."n" FROM ({sql}) AS "numbered" '
            f'WHERE {table}.{pk} = "numbered"."pk"',
            [after, *params],
        )
        return cursor.rowcount


def written() -> None:
    """Entries were written, or their ``due`` moved: place what is visible now, in this transaction.

    Inside ``closure.maintained()`` that waits until the outermost block has settled what its
    writes made public, so that a story and the verdicts on the claims it made public are placed
    together, in the order they fell due."""
    if not closure.feed_written():
        catch_up()


def due(target: models.Model, at: datetime.datetime) -> Moment:
    """When readers may first see an entry about ``target`` made at ``at``: then, or for a claim
    not before the claim is public, and not at all while it is not."""
    if isinstance(target, Claim):
        public_from = Claim.objects.filter(pk=target.pk).values_list("public_from", flat=True).first()
        return None if public_from is None else max(at, public_from)
    return at


def claims_moved(moved: dict[int, Moment]) -> bool:
    """The closure moved these claims' ``public_from`` (``{claim: new moment}``): their entries' ``due``
    follows. Returns whether any entry moved; ``written()`` then places them."""
    entries = PublicChange.objects.filter(content_type=_claim_type())
    pks = list(moved)
    chunks = [pks[start : start + closure.CHUNK] for start in range(0, len(pks), closure.CHUNK)]
    # Most claims have no verdict: the lock is taken only when one has.
    if not any(entries.filter(object_id__in=chunk).exists() for chunk in chunks):
        return False
    lock()
    by_moment: dict[Moment, list[int]] = defaultdict(list)
    for pk, moment in moved.items():
        by_moment[moment].append(pk)
    for moment, claims in by_moment.items():
        later = None if moment is None else Greatest(F("at"), Value(moment, output_field=models.DateTimeField()))
        for start in range(0, len(claims), closure.CHUNK):
            entries.filter(object_id__in=claims[start : start + closure.CHUNK]).update(due=later)
    return True


def drop_unseen(target: models.Model) -> str | None:
    """Drop the entries about ``target`` readers have not seen (a publication scheduled for a moment
    still to come), and return the kind of the last one they have seen, if any. Entries whose
    moment has passed were seen, placed or not: they are placed first."""
    entries = entries_of(target)
    if not entries.exists():
        return None
    catch_up()
    entries.filter(position__isnull=True).delete()
    return entries.filter(position__isnull=False).order_by("-position").values_list("kind", flat=True).first()


def drop(target: models.Model) -> None:
    """Drop every entry about ``target``: a deleted claim's (they are shown only while it is public)."""
    entries = entries_of(target)
    if entries.exists():
        lock()
        entries.delete()


# --- Deriving it whole: for check_closure and the closure's rebuild --------------------------------


def derived_due() -> models.Expression:
    """The ``due`` an entry should have, in SQL (see ``due``); claims' moments are read as stored."""
    public_from = Subquery(Claim.objects.filter(pk=OuterRef("object_id")).values("public_from")[:1])
    # Compared rather than GREATEST, which PostgreSQL would let skip a claim with no moment (or none left).
    return models.Case(
        models.When(~Q(content_type=_claim_type()), then=F("at")),
        models.When(at__gte=public_from, then=F("at")),
        default=public_from,
        output_field=models.DateTimeField(),
    )


def drifted() -> models.QuerySet[PublicChange]:
    """Entries whose ``due`` differs from the derived one, with it as ``derived``."""
    never = Value(closure.NEVER, output_field=models.DateTimeField())
    return (
        PublicChange.objects.annotate(derived=derived_due())
        .annotate(stored_or_never=Coalesce("due", never), derived_or_never=Coalesce("derived", never))
        .exclude(stored_or_never=F("derived_or_never"))
    )


def misplaced(now: datetime.datetime | None = None) -> list[models.QuerySet[PublicChange]]:
    """Entries that have a position though they are not visible: their ``due`` is empty, or to come.
    Two querysets, each one range of the placed entries' index, where their OR would read it all."""
    placed = PublicChange.objects.filter(position__isnull=False)
    return [placed.filter(due__isnull=True), placed.filter(due__gt=now or timezone.now())]


@transaction.atomic
def rederive() -> None:
    """Write the derived ``due`` where it differs, then place what is visible now."""
    PublicChange.objects.filter(pk__in=drifted().values("pk")).update(due=derived_due())
    catch_up()
