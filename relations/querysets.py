"""Reusable reads on the knowledge graph."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


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


def _count_of(queryset: models.QuerySet) -> models.QuerySet:
    # COUNT as a plain Func keeps Django from adding a GROUP BY: one row, the count.
    return queryset.order_by().annotate(n=models.Func(models.F("pk"), function="COUNT")).values("n")


class RelationshipQuerySet(models.QuerySet):
    def between(self, a, b) -> RelationshipQuerySet:
        """Ties between two actors, whichever side each is on."""
        return self.filter(Q(subject=a, object=b) | Q(subject=b, object=a))
