"""The maintained published closure: from when each claim, relationship, source and actor is public.

Readers see a claim when live content cites it, a relationship when a public
claim bears on it (or live content shows it), a source when a public claim
cites it, and an actor when any of these names it (DESIGN's "published
closure"). Deriving that on every read scans the archive; instead each of the
four tables stores ``public_from``, the earliest moment any live or scheduled
content reaches the row (``None``: nothing does), and ``.public()`` compares it
with the clock. Scheduling still needs no job: a row only scheduled content
reaches has a future moment.

The moments are kept by the services that change what content reaches, inside
their transaction: they wrap their writes in ``maintained(queryset)``, which
reads what the watched objects reach (their ``reaches()``) before and after
and settles every row whose moment may have moved, in dependency order
(roots, claims, relationships and sources, actors). Each edge of the graph
offers its target a moment before and after the change; a target takes the
earliest offer unless the edge that set its moment was withdrawn or delayed,
and only then is its moment derived again from everything that reaches it.
Publishing a story about Russia therefore never rescans Russia's 100,000
claims. Actors also keep how many public claims and relationships name them,
moved by the same edges.

``rebuild()`` derives everything from the roots in one statement per table, an
aggregate over all that reaches the table's rows (for the migration that
introduced the closure and the archive generator); ``check()`` compares the
stored closure with the same rule derived row by row (``check_closure``,
``--repair``). ``derived_public()`` below is the rule written as nested
sub-selects, as ``.public()`` read it before the closure was kept: the
reference the tests hold the maintained closure to.
See docs/architecture.md, "The published closure".
"""

from __future__ import annotations

import datetime
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Least, NullIf
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import public_state
from relations import visibility

# Settled in this order: each kind's moment depends only on the kinds before it.
KINDS = ("claim", "relationship", "source", "actor")
CHUNK = 2000

Moment = datetime.datetime | None


@dataclass(frozen=True)
class Reach:
    """What one object makes public, and from when: its links to claims, relationships,
    actors and sources count from ``moment`` on, and not at all while it is ``None``."""

    moment: Moment = None
    claim: frozenset[int] = frozenset()
    relationship: frozenset[int] = frozenset()
    actor: frozenset[int] = frozenset()
    source: frozenset[int] = frozenset()


NOTHING = Reach()


def model_of(kind: str) -> type[models.Model]:
    from relations.models import Actor, Claim, Relationship, Source

    return {"claim": Claim, "relationship": Relationship, "actor": Actor, "source": Source}[kind]


def _kind_of(model: type[models.Model]) -> str | None:
    return next((kind for kind in KINDS if model_of(kind) is model), None)


# --- What reaches each row ----------------------------------------------------------------


def _reaching(kind: str) -> list[QuerySet]:
    """Everything that can make a row of ``kind`` public, as ``(row, since)`` pairs: the roots
    content apps register and, for all but claims, the public rows of the kinds before it."""
    from relations.models import Claim, ClaimRelationship, Relationship

    pairs = list(visibility.root_pairs(kind)) if kind in visibility.KINDS else []
    public_claims = Q(claim__public_from__isnull=False)
    if kind == "relationship":
        pairs.append(
            ClaimRelationship.objects.filter(public_claims).values(row=F("relationship"), since=F("claim__public_from"))
        )
    elif kind == "source":
        pairs.append(
            Claim.sources.through.objects.filter(public_claims).values(row=F("source"), since=F("claim__public_from"))
        )
    elif kind == "actor":
        pairs += [
            Claim.actors.through.objects.filter(public_claims).values(row=F("actor"), since=F("claim__public_from")),
            Claim.objects.filter(public_from__isnull=False, attributed_to__isnull=False).values(
                row=F("attributed_to"), since=F("public_from")
            ),
            Relationship.objects.filter(public_from__isnull=False).values(row=F("subject"), since=F("public_from")),
            Relationship.objects.filter(public_from__isnull=False).values(row=F("object"), since=F("public_from")),
        ]
    return pairs


# A moment after any real one: it stands for "never" where SQL's LEAST would let NULL win.
NEVER = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


def derived_moment(kind: str) -> models.Expression:
    """The moment a row of ``kind`` should have, derived in SQL from everything that reaches it
    (the rows it depends on are read as stored: settle or derive those first), for the row
    of the query it is annotated on."""
    never = Value(NEVER, output_field=models.DateTimeField())
    earliest = [
        Coalesce(
            Subquery(pairs.filter(row=OuterRef("pk")).order_by().values("row").annotate(m=Min("since")).values("m")),
            never,
        )
        for pairs in _reaching(kind)
    ]
    return NullIf(Least(*earliest) if len(earliest) > 1 else earliest[0], never)


def expected_moments(kind: str, pks: Iterable[int]) -> dict[int, Moment]:
    """The moment each row of ``pks`` should have (see ``derived_moment``)."""
    rows = model_of(kind).objects.filter(pk__in=list(pks)).annotate(derived=derived_moment(kind))
    return dict(rows.values_list("pk", "derived"))


# --- Keeping it: settling what a change offered --------------------------------------------

Offer = tuple[Moment, Moment]  # the moment an edge offered its target before the change, and after


@dataclass
class _Settlement:
    offers: dict[str, dict[int, list[Offer]]] = field(default_factory=lambda: {k: defaultdict(list) for k in KINDS})
    # actor -> [change in public claims, change in public relationships]
    counts: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    # (claim, actor) -> the claim's moment the actor now has it from, or None: kept in ClaimReach
    reach: dict[tuple[int, int], Moment] = field(default_factory=dict)
    changed: int = 0

    def offer(self, before: Reach, after: Reach, *, claim: int | None = None, counted: int | None = None) -> None:
        """Record the offers of one object's edges. ``counted`` is the index of the actors' count
        its links to actors move (0 claims, 1 relationships), if any; ``claim`` names the claim
        whose edges these are, if it is one."""
        for kind in KINDS:
            old, new = getattr(before, kind), getattr(after, kind)
            for pk in old | new:
                offer = (before.moment if pk in old else None, after.moment if pk in new else None)
                if offer[0] == offer[1]:
                    continue
                self.offers[kind][pk].append(offer)
                if kind == "actor" and counted is not None:
                    self.counts[pk][counted] += (offer[1] is not None) - (offer[0] is not None)
                if kind == "actor" and claim is not None:
                    self.reach[claim, pk] = offer[1]


def _needs_derivation(current: Moment, offers: list[Offer]) -> bool:
    # An edge that offered the current moment (or an earlier one, which only drift allows) and now
    # offers a later one, or none, may have been what made the row public so early.
    return any(
        old is not None and (current is None or old <= current) and (new is None or new > old) for old, new in offers
    )


def _settle(kind: str, offers: dict[int, list[Offer]], derive: set[int]) -> dict[int, tuple[Moment, Moment]]:
    """Move the rows ``offers`` name, and those in ``derive``, to their new moments; returns
    ``{pk: (old, new)}`` for those that moved."""
    if not offers and not derive:
        return {}
    model = model_of(kind)
    stored = dict(model.objects.filter(pk__in=list(set(offers) | derive)).values_list("pk", "public_from"))
    moved: dict[int, tuple[Moment, Moment]] = {}
    derive = {pk for pk in derive if pk in stored}
    for pk, current in stored.items():
        if pk in derive:
            continue
        if _needs_derivation(current, offers[pk]):
            derive.add(pk)
            continue
        new = min([current, *(offered for _old, offered in offers[pk])], key=_earliest)
        if new != current:
            moved[pk] = (current, new)
    for pk, moment in expected_moments(kind, derive).items():
        if moment != stored[pk]:
            moved[pk] = (stored[pk], moment)
    _write(model, moved)
    return moved


def _earliest(moment: Moment) -> tuple[bool, datetime.datetime]:
    return (moment is None, moment or datetime.datetime.min.replace(tzinfo=datetime.UTC))


def _write(model: type[models.Model], moved: dict[int, tuple[Moment, Moment]]) -> None:
    # update(), not save(): the closure is not an edit (it leaves updated_at and the edit count alone).
    by_moment: dict[Moment, list[int]] = defaultdict(list)
    for pk, (_old, new) in moved.items():
        by_moment[new].append(pk)
    for moment, pks in by_moment.items():
        for start in range(0, len(pks), CHUNK):
            model.objects.filter(pk__in=pks[start : start + CHUNK]).update(public_from=moment)


def _reaches(model: type[models.Model], pks: Iterable[int]) -> dict[int, Reach]:
    return model._default_manager.filter(pk__in=list(pks)).reaches()


def settle(before: dict[type[models.Model], dict[int, Reach]], derive: dict[str, set[int]] | None = None) -> int:
    """Bring the closure up to date after writes to the objects ``before`` describes (what each
    reached before them), deriving again the rows of ``derive``; returns how many rows moved."""
    settlement = _Settlement()
    derive = derive or {}
    # Roots first: stories, fact boxes and any other content that is not itself a row of the closure.
    for model, reaches in before.items():
        if _kind_of(model) is None:
            after = _reaches(model, reaches)
            for pk, reach in reaches.items():
                settlement.offer(reach, after.get(pk, NOTHING))
    for kind in KINDS:
        moved = _settle(kind, settlement.offers[kind], derive.get(kind, set()))
        settlement.changed += len(moved)
        if kind == "claim" and moved:
            from relations import feed

            # A claim's entries in the feed of changes are due once it is public, and not while it is not.
            if feed.claims_moved({pk: new for pk, (_old, new) in moved.items()}):
                feed.written()
        if kind not in ("claim", "relationship"):
            continue
        model = model_of(kind)
        watched = before.get(model, {})
        after = _reaches(model, set(watched) | set(moved))
        claims = kind == "claim"
        for pk, reach in after.items():
            # A row that only moved keeps its links: before differs from after by its moment.
            previous = watched[pk] if pk in watched else Reach(moved[pk][0], **_links(reach))
            settlement.offer(previous, reach, claim=pk if claims else None, counted=0 if claims else 1)
        for pk in set(watched) - set(after):  # deleted: its rows went with it
            settlement.offer(watched[pk], NOTHING, counted=0 if claims else 1)
    _count(settlement.counts)
    _reach(settlement.reach)
    return settlement.changed


def _links(reach: Reach) -> dict[str, frozenset[int]]:
    return {kind: getattr(reach, kind) for kind in KINDS}


def _count(deltas: dict[int, list[int]]) -> None:
    from relations.models import Actor

    by_delta: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, (claims, relationships) in deltas.items():
        if claims or relationships:
            by_delta[claims, relationships].append(pk)
    for (claims, relationships), pks in by_delta.items():
        Actor.objects.filter(pk__in=pks).update(
            published_claim_count=F("published_claim_count") + claims,
            published_relationship_count=F("published_relationship_count") + relationships,
        )


def _reach(changes: dict[tuple[int, int], Moment]) -> None:
    from relations.models import ClaimReach

    gone = [pair for pair, moment in changes.items() if moment is None]
    for start in range(0, len(gone), CHUNK):
        pairs = Q(pk__in=[])
        for claim, actor in gone[start : start + CHUNK]:
            pairs |= Q(claim=claim, actor=actor)
        ClaimReach.objects.filter(pairs).delete()
    ClaimReach.objects.bulk_create(
        [ClaimReach(claim_id=claim, actor_id=actor, public_from=m) for (claim, actor), m in changes.items() if m],
        update_conflicts=True,
        unique_fields=["actor", "claim"],
        update_fields=["public_from"],
        batch_size=CHUNK,
    )


class _Watch(threading.local):
    before: dict[type[models.Model], dict[int, Reach]] | None = None
    derive: dict[str, set[int]] | None = None
    # The feed of changes was written in the block: it is caught up when the outermost block ends.
    feed: bool = False


_watch = _Watch()


@contextmanager
def maintained(*querysets: QuerySet) -> Iterator[None]:
    """Keep the closure true to the writes the block makes to the objects of ``querysets``.

    What each object reaches is read (and the object locked) when the block starts, and
    settled against what it reaches when the block ends, in the same transaction. Blocks
    nest: an inner one watches its objects along with the outer one's and settles them all
    when it ends, so that what follows it reads its writes. Watch an object before writing
    to it; objects created in the block need no watching, since nothing reaches the public
    by being created.
    """
    with transaction.atomic():
        outermost = _watch.before is None
        if outermost:
            _watch.before, _watch.derive = {}, defaultdict(set)
        try:
            for queryset in querysets:
                if hasattr(queryset, "reaches"):
                    known = _watch.before.setdefault(queryset.model, {})
                    # Locked until the transaction ends: what they reach cannot change under the watch.
                    for pk, reach in queryset.select_for_update(of=("self",)).reaches().items():
                        known.setdefault(pk, reach)
            yield
            settle(_watch.before, _watch.derive)
            if outermost:
                if _watch.feed:
                    from relations import feed

                    feed.catch_up()
                # Cached public answers made before this change must not outlive it.
                public_state.forget()
            if not outermost:
                # The enclosing block goes on from here: what it watches now reaches what it reaches now.
                _watch.before = {model: _reaches(model, known) for model, known in _watch.before.items()}
                _watch.derive = defaultdict(set)
        finally:
            if outermost:
                _watch.before = _watch.derive = None
                _watch.feed = False


def feed_written() -> bool:
    """The feed of changes was written: inside a watch, note it and return True (the outermost
    block catches the feed up once it has settled); outside one, return False."""
    if _watch.before is None:
        return False
    _watch.feed = True
    return True


def refresh(queryset: QuerySet) -> None:
    """Derive again from everything that reaches them the moments of these rows of the closure, and
    settle what follows: for a change to what reaches a row that no watch saw, such as a restore
    bringing back a relationship's links to claims. Inside a watch it joins it."""
    kind = _kind_of(queryset.model)
    if kind is None:
        return
    with maintained():
        _watch.derive[kind].update(queryset.values_list("pk", flat=True))


# --- Deriving it whole ----------------------------------------------------------------------


@dataclass
class Drift:
    """Rows whose stored moment or counts differ from what the roots give them."""

    moments: dict[str, dict[int, tuple[Moment, Moment]]] = field(default_factory=lambda: {k: {} for k in KINDS})
    counts: dict[int, tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=dict)
    # (claim, actor) pairs ClaimReach lacks or holds at another moment, and rows it should not hold
    reach_missing: set[tuple[int, int]] = field(default_factory=set)
    reach_extra: set[int] = field(default_factory=set)
    # Entries of the feed of changes whose ``due`` differs from the derived one, and those placed
    # in the feed though they are not visible
    feed: dict[int, tuple[Moment, Moment]] = field(default_factory=dict)
    misplaced: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.counts or self.reach_missing or self.reach_extra or self.feed or self.misplaced) or any(
            self.moments.values()
        )

    def summary(self) -> dict[str, int]:
        return {
            **{kind: len(rows) for kind, rows in self.moments.items()},
            "actor counts": len(self.counts),
            "claim reach": len(self.reach_missing) + len(self.reach_extra),
            "feed entries": len(set(self.feed) | self.misplaced),
        }


def check(*, repair: bool = False) -> Drift:
    """Compare every stored moment and count with what the roots derive, kind by kind in
    dependency order, and then the feed's ``due`` and positions, which follow the claims' moments;
    with ``repair``, write the derived values where they differ (each kind is
    then checked against the repaired kinds before it). The derivation is ``rebuild``'s, set by set:
    one aggregate per table, listing only the rows that differ (a minute or two at a million
    claims; deriving each row with ``derived_moment`` took that long per ten thousand)."""
    from relations.models import Actor

    drift = Drift()
    for kind in KINDS:
        model = model_of(kind)
        moved = _differing(model, *_derived_moments(kind), {"public_from": ("moment", None, NEVER)})
        drift.moments[kind] = {pk: (_moment(stored), _moment(derived)) for pk, stored, derived in moved}
        if repair:
            _write(model, drift.moments[kind])
    for pk, claims, ties, derived_claims, derived_ties in _differing(Actor, *_derived_counts(), COUNTS):
        drift.counts[pk] = ((claims, ties), (derived_claims, derived_ties))
    if repair and drift.counts:
        _write_derived(Actor, *_derived_counts(), COUNTS)
    _check_reach(drift, repair=repair)
    _check_feed(drift, repair=repair)
    return drift


def _check_feed(drift: Drift, *, repair: bool) -> None:
    from relations import feed

    rows = feed.drifted().values_list("pk", "due", "derived")
    drift.feed = {pk: (_moment(stored), _moment(derived)) for pk, stored, derived in rows}
    drift.misplaced = {pk for entries in feed.misplaced() for pk in entries.values_list("pk", flat=True)}
    if repair and (drift.feed or drift.misplaced):
        feed.rederive()


def _moment(value: object) -> Moment:
    # SQLite's cursor hands back text where PostgreSQL's hands back aware datetimes.
    if isinstance(value, str):
        value = parse_datetime(value)
        return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)
    return value


def _derived_reach() -> list[QuerySet]:
    """What ClaimReach should hold, as ``(claim, actor, moment)`` rows: the actors each claim live
    or scheduled content reaches is about, and the one it is attributed to."""
    from relations.models import Claim

    return [
        Claim.actors.through.objects.filter(claim__public_from__isnull=False).values_list(
            "claim", "actor", "claim__public_from"
        ),
        Claim.objects.filter(public_from__isnull=False, attributed_to__isnull=False).values_list(
            "pk", "attributed_to", "public_from"
        ),
    ]


def _check_reach(drift: Drift, *, repair: bool) -> None:
    from relations.models import Claim, ClaimReach

    about, attributed = _derived_reach()
    kept = ClaimReach.objects.filter
    missing = [
        *about.exclude(
            Exists(kept(claim=OuterRef("claim"), actor=OuterRef("actor"), public_from=OuterRef("claim__public_from")))
        ),
        *attributed.exclude(
            Exists(kept(claim=OuterRef("pk"), actor=OuterRef("attributed_to"), public_from=OuterRef("public_from")))
        ),
    ]
    is_about = Claim.actors.through.objects.filter(
        claim=OuterRef("claim"), actor=OuterRef("actor"), claim__public_from=OuterRef("public_from")
    )
    is_attributed = Claim.objects.filter(
        pk=OuterRef("claim"), attributed_to=OuterRef("actor"), public_from=OuterRef("public_from")
    )
    extra = ClaimReach.objects.exclude(Exists(is_about) | Exists(is_attributed)).values_list("pk", flat=True)
    drift.reach_missing = {(claim, actor) for claim, actor, _moment in missing}
    drift.reach_extra = set(extra)
    if repair:
        ClaimReach.objects.filter(pk__in=list(drift.reach_extra)).delete()
        _reach({(claim, actor): moment for claim, actor, moment in missing})


@transaction.atomic
def rebuild() -> None:
    """Derive the whole closure from the roots, whatever was stored: for a database written around
    the services (a bulk import, the archive generator).

    Set by set rather than row by row: each kind's moments are one aggregate over everything that
    reaches it (``_reaching``) joined back to its table, and only the rows whose values differ are
    written (a rewritten row goes into every index of its table again). Deriving each row with
    ``derived_moment``'s correlated subqueries took minutes per table at a million claims; the
    aggregates take seconds."""
    from relations import feed
    from relations.models import Actor

    for kind in KINDS:
        _write_derived(model_of(kind), *_derived_moments(kind), {"public_from": ("moment", None, NEVER)})
    _write_derived(Actor, *_derived_counts(), COUNTS)
    rebuild_reach()
    # The claims' entries in the feed of changes follow their moments.
    feed.rederive()


def _derived_moments(kind: str) -> tuple[str, list]:
    """``(row, moment)`` for every row of ``kind`` something reaches, as SQL and its parameters."""
    parts = [_sql(pairs.order_by()) for pairs in _reaching(kind)]
    union = " UNION ALL ".join(sql for sql, _params in parts)
    params = [param for _sql_text, part in parts for param in part]
    return f'SELECT "row", MIN("since") AS "moment" FROM ({union}) AS "pairs" GROUP BY "row"', params


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    return queryset.query.sql_with_params()


def _changed(
    model: type[models.Model], derived: str, params: list, columns: dict[str, tuple[str, object, object]]
) -> tuple[str, list]:
    """The rows of ``model`` whose ``columns`` differ from the ``derived`` rows (keyed by their
    ``"row"``), as ``pk``, then each column's stored value, then its derived one. ``columns`` maps
    each column to the derived column it takes, the value it takes when the row is absent from
    ``derived``, and a value standing for NULL in the comparison (so that NULL compares like any
    other value)."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)

    def adapt(value: object) -> object:
        return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime.datetime) else value

    stored = [f'"current".{quote(column)}' for column in columns]
    values, value_params, comparisons, comparison_params = [], [], [], []
    for column, (source, absent, null) in columns.items():
        value, own = f'"derived".{quote(source)}', []
        if absent is not None:
            value, own = f"COALESCE({value}, %s)", [adapt(absent)]
        values.append(value)
        value_params += own
        comparisons.append(f'COALESCE("current".{quote(column)}, %s) <> COALESCE({value}, %s)')
        comparison_params += [adapt(null), *own, adapt(null)]
    # Named by position ("c0" the key, then stored values, then derived ones) for the UPDATE to read.
    selected = ", ".join(
        f'{expression} AS "c{n}"' for n, expression in enumerate([f'"current".{pk}', *stored, *values])
    )
    sql = (
        f'SELECT {selected} FROM {table} AS "current" '
        f'LEFT JOIN ({derived}) AS "derived" ON "derived"."row" = "current".{pk} WHERE {" OR ".join(comparisons)}'
    )
    return sql, [*value_params, *params, *comparison_params]


def _differing(model: type[models.Model], derived: str, params: list, columns: dict) -> list[tuple]:
    sql, sql_params = _changed(model, derived, params, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, sql_params)
        return cursor.fetchall()


def _write_derived(model: type[models.Model], derived: str, params: list, columns: dict) -> None:
    """Set ``columns`` (as ``_changed`` reads them) of the rows of ``model`` that differ."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    changed, changed_params = _changed(model, derived, params, columns)
    assignments = [f'{quote(column)} = "changed"."c{1 + len(columns) + n}"' for n, column in enumerate(columns)]
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET {", ".join(assignments)} FROM ({changed}) AS "changed" '
            f'WHERE {table}.{pk} = "changed"."c0"',
            changed_params,
        )


# Each actor's counts, as ``_changed`` takes them: an actor nothing public names counts zero.
COUNTS = {"published_claim_count": ("claims", 0, 0), "published_relationship_count": ("ties", 0, 0)}


def _derived_counts() -> tuple[str, list]:
    """Each actor's public claims (about it or attributed to it, once each) and relationships (on
    either side), set by set: ``(row, claims, ties)``."""
    from relations.models import Claim, Relationship

    about = (
        Claim.actors.through.objects.filter(claim__public_from__isnull=False)
        .order_by()
        .values(row=F("actor"), item=F("claim"))
    )
    attributed = Claim.objects.filter(public_from__isnull=False, attributed_to__isnull=False).order_by()
    # UNION, not UNION ALL: a claim about an actor and attributed to it counts once.
    claims, claim_params = _sql(about.union(attributed.values(row=F("attributed_to"), item=F("pk"))))
    ties = Relationship.objects.filter(public_from__isnull=False).order_by()
    sides = ties.values(row=F("subject"), item=F("pk")).union(ties.values(row=F("object"), item=F("pk")), all=True)
    relationships, tie_params = _sql(sides)
    derived = (
        'SELECT "row", SUM("claims") AS "claims", SUM("ties") AS "ties" FROM ('
        f'SELECT "counted"."row", 1 AS "claims", 0 AS "ties" FROM ({claims}) AS "counted" UNION ALL '
        f'SELECT "counted"."row", 0, 1 FROM ({relationships}) AS "counted"'
        ') AS "pairs" GROUP BY "row"'
    )
    return derived, [*claim_params, *tie_params]


def rebuild_reach() -> None:
    """Write ClaimReach again from the claims' stored moments (it is an index of them, nothing more)."""
    from relations.models import ClaimReach

    ClaimReach.objects.all().delete()
    table = connection.ops.quote_name(ClaimReach._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f"{name}_id") for name in ("claim", "actor")) + ", public_from"
    with connection.cursor() as cursor:
        for rows in _derived_reach():
            # In the database: millions of rows need not travel through Python. A claim both about
            # an actor and attributed to it is one row.
            sql, params = rows.order_by().query.sql_with_params()
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql} ON CONFLICT DO NOTHING", params)


# --- The reference: the rule derived on every read ------------------------------------------


def derived_public(kind: str, *, at: datetime.datetime | None = None, or_scheduled: bool = False) -> QuerySet:
    """The rows of ``kind`` the public may see at ``at`` (or will, with ``or_scheduled``), derived
    from the roots with nested sub-selects, as ``.public()`` did before the closure was kept.
    Exact and slow: tests and ``check_closure`` hold the maintained closure to it."""
    from relations.models import Actor, ClaimRelationship

    at = at or timezone.now()
    model = model_of(kind)
    if kind == "claim":
        return model.objects.filter(visibility.roots("claim", at=at, or_scheduled=or_scheduled))
    claims = derived_public("claim", at=at, or_scheduled=or_scheduled)
    if kind == "source":
        return model.objects.filter(pk__in=claims.values("sources"))
    if kind == "relationship":
        supported = ClaimRelationship.objects.filter(claim__in=claims).values("relationship")
        return model.objects.filter(
            visibility.roots("relationship", at=at, or_scheduled=or_scheduled) | Q(pk__in=supported)
        )
    relationships = derived_public("relationship", at=at, or_scheduled=or_scheduled)
    return Actor.objects.filter(
        visibility.roots("actor", at=at, or_scheduled=or_scheduled)
        | Q(pk__in=claims.values("actors"))
        | Q(pk__in=claims.filter(attributed_to__isnull=False).values("attributed_to"))
        | Q(pk__in=relationships.values("subject"))
        | Q(pk__in=relationships.values("object"))
    )


def derived_counts(actor: models.Model, *, at: datetime.datetime | None = None) -> tuple[int, int]:
    """How many public claims and relationships name ``actor`` at ``at``, derived as the reference."""
    from relations.models import Claim

    claims = derived_public("claim", at=at)
    about = Claim.actors.through.objects.filter(actor=actor).values("claim")
    relationships = derived_public("relationship", at=at)
    return (
        claims.filter(Q(pk__in=about) | Q(attributed_to=actor)).count(),
        relationships.filter(Q(subject=actor) | Q(object=actor)).count(),
    )
