"""Reusable reads on the knowledge graph, including the public closure.

``.public()`` on each queryset is the one statement of what the public may see
(with ``or_scheduled=True``: or will see once scheduled content goes live):
claims that live content cites, the relationships those claims bear on (or that
live content shows directly), their sources, and every actor any of these names.
It compares the clock with ``public_from``, the moment from which that is so,
which ``relations.closure`` keeps (docs/architecture.md, "The published closure").
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict

from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import search
from relations import dates
from relations.closure import Reach

# What actors and claims are searched by, and how much each counts (``core.search``); the indexes on
# them are in migration 0015_search.
ACTOR_SEARCH_FIELDS = (("name", "A"), ("description", "C"))
ALIAS_SEARCH_FIELDS = (("name", "A"),)
CLAIM_SEARCH_FIELDS = (("text", "A"), ("quote", "B"))


class SlugHistoryQuerySet(models.QuerySet):
    """For content that keeps its former slugs (``relations.models.SlugHistoryModel``)."""

    def renamed_from(self, slug: str):
        """The objects of this queryset once addressed by ``slug`` (at most one), unless an object
        holds it now: whatever that one is, the address is its own, public or not."""
        held = self.model._base_manager.filter(slug=slug)
        return self.filter(~models.Exists(held), former_slugs__slug=slug)


class PublicFromQuerySet(models.QuerySet):
    def public(self, *, or_scheduled: bool = False):
        """Rows live content reaches (``or_scheduled``: or content scheduled to go live will).

        The clock is read in Python, not with the database's NOW(), so that every
        query in one request agrees on the moment and tests can freeze it.
        """
        if or_scheduled:
            return self.filter(public_from__isnull=False)
        return self.filter(public_from__lte=timezone.now())


class ActorQuerySet(SlugHistoryQuerySet, PublicFromQuerySet):
    def with_counts(self) -> ActorQuerySet:
        # Subqueries rather than joined Counts: two joined Counts multiply each other.
        from relations.models import Claim, Relationship

        # Each count reads one index and no table: a well-connected actor has thousands of each,
        # and an OR of subject and object, or a join to the claims, read every one of their rows.
        # A tie never joins an actor to itself (a constraint), so its two ends add up.
        as_subject = Relationship.objects.filter(subject=models.OuterRef("pk"))
        as_object = Relationship.objects.filter(object=models.OuterRef("pk"))
        claims = Claim.actors.through.objects.filter(actor=models.OuterRef("pk"))
        return self.annotate(
            relationship_count=count_of(as_subject) + count_of(as_object),
            claim_count=count_of(claims),
        )

    def search(self, terms: str) -> ActorQuerySet:
        """The actors whose name, description or one of whose aliases match ``terms``, annotated with
        ``search_rank``: an alias's match counts as a name's.

        Each table is matched through its own index and the actors are picked by key, rather than one
        OR across the two tables, which would make the database work out every actor's text."""
        from relations.models import Actor, ActorAlias

        full = search.full_text(self)
        named = Actor._base_manager.filter(search.condition(terms, ACTOR_SEARCH_FIELDS, full=full))
        aliased = ActorAlias.objects.filter(search.condition(terms, ALIAS_SEARCH_FIELDS, full=full))
        alias_rank = models.Case(
            models.When(pk__in=aliased.values("actor"), then=models.Value(search.worth("A", full=full))),
            default=models.Value(0.0),
            output_field=models.FloatField(),
        )
        return self.filter(Q(pk__in=named.values("pk")) | Q(pk__in=aliased.values("actor"))).annotate(
            search_rank=search.rank(terms, ACTOR_SEARCH_FIELDS, full=full) + alias_rank
        )

    def with_public_counts(self) -> ActorQuerySet:
        """``public_relationship_count`` and ``public_claim_count``: the rows readers can see,
        counted as ``Relationship.objects.public().involving(actor)`` and
        ``Claim.objects.public().concerning(actor)`` list them (about the actor or attributed to it).

        The closure keeps the counts of what live or scheduled content reaches; what only
        scheduled content reaches yet (a future ``public_from``) is counted off at read time,
        through indexes on the actor and the moment.
        """
        from relations.models import ClaimReach, Relationship

        now = timezone.now()
        actor = models.OuterRef("pk")
        relationships = Relationship.objects.filter(public_from__gt=now).filter(Q(subject=actor) | Q(object=actor))
        claims = ClaimReach.objects.filter(actor=actor, public_from__gt=now)
        return self.annotate(
            public_relationship_count=models.F("published_relationship_count") - Coalesce(count_of(relationships), 0),
            public_claim_count=models.F("published_claim_count") - Coalesce(count_of(claims), 0),
        )

    def named(self, text: str) -> ActorQuerySet:
        """Actors whose name or one of whose aliases contains ``text``, whatever its case.
        The aliases are a subquery, so that an actor matching twice comes back once."""
        from relations.models import ActorAlias

        aliases = ActorAlias.objects.filter(name__icontains=text).values("actor")
        return self.filter(Q(name__icontains=text) | Q(pk__in=aliases))


def count_of(queryset: models.QuerySet) -> models.Subquery:
    """A correlated COUNT of ``queryset`` (filtered on ``OuterRef``): evaluated for the rows of a
    page only, where a joined ``Count`` would group the whole table before the page is cut.

    COUNT(*) as a plain Func: Django adds no GROUP BY, and the count can be read from the filter's
    index alone, with no visit to the table's rows."""
    count = models.Func(template="COUNT(*)", output_field=models.IntegerField())
    return models.Subquery(queryset.order_by().annotate(n=count).values("n"), output_field=models.IntegerField())


def _period_end(day: datetime.date, precision: str) -> datetime.date:
    """The last day of the year or month ``day`` falls in, at ``precision``."""
    if precision == dates.Precision.YEAR:
        return day.replace(month=12, day=31)
    if precision == dates.Precision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


class RelationshipQuerySet(PublicFromQuerySet):
    def between(self, a, b) -> RelationshipQuerySet:
        """Ties between two actors, whichever side each is on."""
        return self.filter(Q(subject=a, object=b) | Q(subject=b, object=a))

    def involving(self, actor) -> RelationshipQuerySet:
        return self.filter(Q(subject=actor) | Q(object=actor))

    def active_on(self, day: datetime.date) -> RelationshipQuerySet:
        """Ties in effect on ``day``, reading each date at its precision: a start in June 2024
        covers the whole month, so the tie counts on 15 June; an end in 2025 covers the whole year.

        An unknown start counts as begun. Without an end date the tie counts only while its
        status says it still holds (active or alleged): one ended or suspended on a date
        nobody recorded cannot be said to have held on any given day.
        """
        from relations.models import Relationship

        started = Q(valid_from__isnull=True)
        ends_after = Q(pk__in=[])
        for precision in dates.Precision.values:
            # Dates are stored as the first day of their period: compare whole periods.
            started |= Q(valid_from_precision=precision, valid_from__lte=_period_end(day, precision))
            ends_after |= Q(valid_until_precision=precision, valid_until__gte=dates.truncate(day, precision))
        open_ended = Q(valid_until__isnull=True, status__in=[Relationship.Status.ACTIVE, Relationship.Status.ALLEGED])
        return self.filter(started & (open_ended | ends_after))

    def with_parties(self) -> RelationshipQuerySet:
        """Both actors and the type, which every reading of a tie needs."""
        return self.select_related("subject", "object", "type")

    def reaches(self) -> dict[int, Reach]:
        """What each relationship makes public (its two parties) and from when: see ``relations.closure``."""
        return {
            pk: Reach(public_from, actor=frozenset({subject, object_}))
            for pk, public_from, subject, object_ in self.values_list("pk", "public_from", "subject", "object")
        }


class ClaimQuerySet(PublicFromQuerySet):
    def reaches(self) -> dict[int, Reach]:
        """What each claim makes public (the actors it is about or attributed to, the relationships
        it bears on, its sources) and from when: see ``relations.closure``."""
        from relations.models import Claim, ClaimRelationship

        rows = dict(self.values_list("pk", "public_from"))
        links: dict[str, dict[int, set[int]]] = {kind: defaultdict(set) for kind in ("actor", "relationship", "source")}
        for pk, attributed_to in self.filter(attributed_to__isnull=False).values_list("pk", "attributed_to"):
            links["actor"][pk].add(attributed_to)
        for kind, through in (
            ("actor", Claim.actors.through.objects),
            ("relationship", ClaimRelationship.objects),
            ("source", Claim.sources.through.objects),
        ):
            for claim, target in through.filter(claim__in=list(rows)).values_list("claim", kind):
                links[kind][claim].add(target)
        return {
            pk: Reach(public_from, **{kind: frozenset(links[kind][pk]) for kind in links})
            for pk, public_from in rows.items()
        }

    def concerning(self, actor) -> ClaimQuerySet:
        """Of the claims live or scheduled content reaches, those about the actor or attributed
        to it: for public lists (``Claim.objects.public().concerning(actor)``).

        Read from ``ClaimReach``, which the closure keeps for exactly those claims: one index
        range for the actor, so that the newest claims about Russia cost what a rarely named
        actor's do. A subquery rather than a join: a claim both about and by the actor comes
        back once, without DISTINCT.
        """
        from relations.models import ClaimReach

        return self.filter(pk__in=ClaimReach.objects.filter(actor=actor).values("claim"))

    def search(self, terms: str) -> ClaimQuerySet:
        """The claims whose statement or quote match ``terms``, annotated with ``search_rank``."""
        return search.ranked(self, terms, CLAIM_SEARCH_FIELDS)

    def for_display(self) -> ClaimQuerySet:
        """Everything a claim shows readers (``templates/newsroom/_claim.html``), in a fixed
        number of queries: who it is attributed to, ``public_sources`` and
        ``public_relationship_links`` with both parties and the type."""
        return self.select_related("attributed_to").prefetch_related(*claim_display_prefetches())


def claim_display_prefetches(through: str = "") -> list[Prefetch]:
    """The prefetches of ``ClaimQuerySet.for_display()`` for claims reached through ``through``
    (``"claim__"`` from an article's citations), so that a page joining its claims into
    another query reads them no more often than a list of claims does.

    Sources and relationships are read through ``.public()`` although those of a public
    claim are public by construction: the page then states the rule itself instead of
    relying on how the closure is derived.
    """
    from relations.models import ClaimRelationship, Source

    links = (
        ClaimRelationship.objects.public()
        .select_related("relationship__subject", "relationship__object", "relationship__type")
        .order_by("pk")
    )
    return [
        Prefetch(f"{through}sources", queryset=Source.objects.public(), to_attr="public_sources"),
        Prefetch(f"{through}relationship_links", queryset=links, to_attr="public_relationship_links"),
    ]


class ClaimRelationshipQuerySet(models.QuerySet):
    def public(self) -> ClaimRelationshipQuerySet:
        """Links readers can see: a public claim bearing on a public relationship. A public claim's
        relationships are public (the closure), but a public relationship may have draft claims."""
        from relations.models import Claim, Relationship

        return self.filter(claim__in=Claim.objects.public(), relationship__in=Relationship.objects.public())


class SourceQuerySet(PublicFromQuerySet):
    pass


class PublicChangeQuerySet(models.QuerySet):
    def public(self) -> PublicChangeQuerySet:
        """Entries readers have been able to see: those with a place in the feed. ``relations.feed``
        gives one to each entry when it falls due (its time has come, and a claim's claim is public),
        and takes it back from one that is no longer visible."""
        return self.filter(position__isnull=False)
