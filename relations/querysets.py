"""Reusable reads on the knowledge graph, including the public closure (DESIGN.md).

``.public()`` on each queryset is the one statement of what the public may see
(with ``or_scheduled=True``: or will see once scheduled content goes live):
claims that live content cites, the relationships those claims bear on (or that
live content shows directly), their sources, and every actor any of these names.
"""

from __future__ import annotations

import calendar
import datetime

from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone

from relations import dates, visibility


class ActorQuerySet(models.QuerySet):
    def with_counts(self) -> ActorQuerySet:
        # Subqueries rather than joined Counts: two joined Counts multiply each other.
        from relations.models import Claim, Relationship

        relationships = Relationship.objects.filter(Q(subject=models.OuterRef("pk")) | Q(object=models.OuterRef("pk")))
        claims = Claim.objects.filter(actors=models.OuterRef("pk"))
        return self.annotate(
            relationship_count=models.Subquery(_count_of(relationships)),
            claim_count=models.Subquery(_count_of(claims)),
        )

    def with_public_counts(self) -> ActorQuerySet:
        """``public_relationship_count`` and ``public_claim_count``: the rows readers can see,
        counted as ``Relationship.objects.public().involving(actor)`` and
        ``Claim.objects.public().concerning(actor)`` list them (about the actor or attributed to it)."""
        from relations.models import Claim, Relationship

        actor = models.OuterRef("pk")
        relationships = Relationship.objects.public().filter(Q(subject=actor) | Q(object=actor))
        # One level deeper than the claims: the actor is the outer query's outer query.
        about = Claim.actors.through.objects.filter(actor=models.OuterRef(actor)).values("claim")
        claims = Claim.objects.public().filter(Q(pk__in=about) | Q(attributed_to=actor))
        return self.annotate(
            public_relationship_count=models.Subquery(_count_of(relationships)),
            public_claim_count=models.Subquery(_count_of(claims)),
        )

    def named(self, text: str) -> ActorQuerySet:
        """Actors whose name or one of whose aliases contains ``text``, whatever its case.
        The aliases are a subquery, so that an actor matching twice comes back once."""
        from relations.models import ActorAlias

        aliases = ActorAlias.objects.filter(name__icontains=text).values("actor")
        return self.filter(Q(name__icontains=text) | Q(pk__in=aliases))

    def public(self, *, or_scheduled: bool = False) -> ActorQuerySet:
        from relations.models import Claim, Relationship

        claims = Claim.objects.public(or_scheduled=or_scheduled)
        relationships = Relationship.objects.public(or_scheduled=or_scheduled)
        return self.filter(
            visibility.roots("actor", or_scheduled=or_scheduled)
            | Q(pk__in=claims.values("actors"))
            | Q(pk__in=claims.filter(attributed_to__isnull=False).values("attributed_to"))
            | Q(pk__in=relationships.values("subject"))
            | Q(pk__in=relationships.values("object"))
        )


def _count_of(queryset: models.QuerySet) -> models.QuerySet:
    # COUNT as a plain Func keeps Django from adding a GROUP BY: one row, the count.
    return queryset.order_by().annotate(n=models.Func(models.F("pk"), function="COUNT")).values("n")


def _period_end(day: datetime.date, precision: str) -> datetime.date:
    """The last day of the year or month ``day`` falls in, at ``precision``."""
    if precision == dates.Precision.YEAR:
        return day.replace(month=12, day=31)
    if precision == dates.Precision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


class RelationshipQuerySet(models.QuerySet):
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

    def public(self, *, or_scheduled: bool = False) -> RelationshipQuerySet:
        from relations.models import Claim, ClaimRelationship

        claims = Claim.objects.public(or_scheduled=or_scheduled)
        supported = ClaimRelationship.objects.filter(claim__in=claims).values("relationship")
        return self.filter(visibility.roots("relationship", or_scheduled=or_scheduled) | Q(pk__in=supported))


class ClaimQuerySet(models.QuerySet):
    def public(self, *, or_scheduled: bool = False) -> ClaimQuerySet:
        return self.filter(visibility.roots("claim", or_scheduled=or_scheduled))

    def concerning(self, actor) -> ClaimQuerySet:
        """Claims about the actor or attributed to it. A subquery rather than a join,
        so that a claim both about and by the actor comes back once, without DISTINCT."""
        from relations.models import Claim

        about = Claim.actors.through.objects.filter(actor=actor).values("claim")
        return self.filter(Q(pk__in=about) | Q(attributed_to=actor))

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
    from relations.models import ClaimRelationship, Relationship, Source

    links = (
        ClaimRelationship.objects.filter(relationship__in=Relationship.objects.public())
        .select_related("relationship__subject", "relationship__object", "relationship__type")
        .order_by("pk")
    )
    return [
        Prefetch(f"{through}sources", queryset=Source.objects.public(), to_attr="public_sources"),
        Prefetch(f"{through}relationship_links", queryset=links, to_attr="public_relationship_links"),
    ]


class SourceQuerySet(models.QuerySet):
    def public(self, *, or_scheduled: bool = False) -> SourceQuerySet:
        from relations.models import Claim

        return self.filter(pk__in=Claim.objects.public(or_scheduled=or_scheduled).values("sources"))


class PublicChangeQuerySet(models.QuerySet):
    def public(self, *, at: datetime.datetime | None = None) -> PublicChangeQuerySet:
        """Entries whose time has come: a claim's while the claim is public; any other's from its time
        on, since its writer records only what readers saw (a withdrawal names what was withdrawn)."""
        from django.contrib.contenttypes.models import ContentType

        from relations.models import Claim

        claims = ContentType.objects.get_for_model(Claim)
        return self.filter(at__lte=at or timezone.now()).exclude(
            Q(content_type=claims) & ~Q(object_id__in=Claim.objects.public().values("pk"))
        )
