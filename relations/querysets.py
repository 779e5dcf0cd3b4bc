"""Reusable reads on the knowledge graph, including the public closure (DESIGN.md).

``.public()`` on each queryset is the one statement of what the public may see:
claims that live content cites, the relationships those claims bear on (or that
live content shows directly), their sources, and every actor any of these names.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from relations import visibility


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

    def public(self) -> ActorQuerySet:
        from relations.models import Claim, Relationship

        claims = Claim.objects.public()
        relationships = Relationship.objects.public()
        return self.filter(
            visibility.roots("actor")
            | Q(pk__in=claims.values("actors"))
            | Q(pk__in=claims.filter(attributed_to__isnull=False).values("attributed_to"))
            | Q(pk__in=relationships.values("subject"))
            | Q(pk__in=relationships.values("object"))
        )


def _count_of(queryset: models.QuerySet) -> models.QuerySet:
    # COUNT as a plain Func keeps Django from adding a GROUP BY: one row, the count.
    return queryset.order_by().annotate(n=models.Func(models.F("pk"), function="COUNT")).values("n")


class RelationshipQuerySet(models.QuerySet):
    def between(self, a, b) -> RelationshipQuerySet:
        """Ties between two actors, whichever side each is on."""
        return self.filter(Q(subject=a, object=b) | Q(subject=b, object=a))

    def involving(self, actor) -> RelationshipQuerySet:
        return self.filter(Q(subject=actor) | Q(object=actor))

    def with_parties(self) -> RelationshipQuerySet:
        """Both actors and the type, which every reading of a tie needs."""
        return self.select_related("subject", "object", "type")

    def public(self) -> RelationshipQuerySet:
        from relations.models import Claim, ClaimRelationship

        supported = ClaimRelationship.objects.filter(claim__in=Claim.objects.public()).values("relationship")
        return self.filter(visibility.roots("relationship") | Q(pk__in=supported))


class ClaimQuerySet(models.QuerySet):
    def public(self) -> ClaimQuerySet:
        return self.filter(visibility.roots("claim"))

    def about(self, actor) -> ClaimQuerySet:
        return self.filter(actors=actor)

    def concerning(self, actor) -> ClaimQuerySet:
        """Claims about the actor or attributed to it. A subquery rather than a join,
        so that a claim both about and by the actor comes back once, without DISTINCT."""
        from relations.models import Claim

        about = Claim.actors.through.objects.filter(actor=actor).values("claim")
        return self.filter(Q(pk__in=about) | Q(attributed_to=actor))


class SourceQuerySet(models.QuerySet):
    def public(self) -> SourceQuerySet:
        from relations.models import Claim

        return self.filter(pk__in=Claim.objects.public().values("sources"))
