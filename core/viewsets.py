"""The viewset every public collection starts from: read-only, its answers kept in the cache of
public answers, filtered and ordered by the backends DRF's settings name (``core.api``)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from core.public_cache import CachedApiAnswers


class PublicReadOnlyViewSet(CachedApiAnswers, viewsets.ReadOnlyModelViewSet):
    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # A list's filters narrow the list; an object's own address answers for it whatever they say.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)
