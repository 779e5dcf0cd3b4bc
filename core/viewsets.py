"""The viewset every public collection starts from: read-only, its answers kept in the cache of
public answers, filtered and ordered by the backends DRF's settings name (``core.api``)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from rest_framework import viewsets

from core.addresses import moved
from core.public_cache import CachedApiAnswers


class _Moved(Exception):  # not an error: it carries the redirect past DRF's get_object
    def __init__(self, response: HttpResponse) -> None:
        super().__init__()
        self.response = response


class PublicReadOnlyViewSet(CachedApiAnswers, viewsets.ReadOnlyModelViewSet):
    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # A list's filters narrow the list; an object's own address answers for it whatever they say.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self):
        """The object, or a 301 to its current address (and its sub-resource's) when the route's
        slug is one it had before (``core.addresses.moved``)."""
        try:
            return super().get_object()
        except Http404:
            if self.lookup_field == "slug":
                kwarg = self.lookup_url_kwarg or self.lookup_field
                answer = moved(
                    self.request, self.get_queryset(), self.kwargs[kwarg], max_age=settings.API_MAX_AGE, kwarg=kwarg
                )
                if answer is not None:
                    raise _Moved(answer) from None
            raise

    def handle_exception(self, exc):
        if isinstance(exc, _Moved):
            return exc.response
        return super().handle_exception(exc)
