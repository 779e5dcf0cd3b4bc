"""The shapes of public addresses, absolute links to them for pages shown on other sites, and
the permanent redirects that keep an address working after its object's slug changed."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

# A slug as Django's ``<slug:>`` converter reads it: the pages, embeds and API routes agree on one shape.
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
SLUG_RE = re.compile(SLUG_PATTERN)
# Ids in addresses are bounded so that a number no column can hold answers 404, not a database error.
ID_PATTERN = r"[0-9]{1,18}"
ID_RE = re.compile(ID_PATTERN)


# The only schemes a link readers may follow can have: anything else (javascript:, data:) could run.
WEB_SCHEMES = ("http", "https")
web_url_validator = URLValidator(schemes=WEB_SCHEMES, message="Enter an http:// or https:// address.")


def is_web_url(url: str) -> bool:
    return url.lower().startswith(tuple(f"{scheme}://" for scheme in WEB_SCHEMES))


def web_url(url: str) -> str:
    """``url`` if it is an http(s) address, else an empty string: what is shown to readers and
    partners, whatever a row or a stored payload holds (one written before the rule, or by raw SQL)."""
    return url if isinstance(url, str) and is_web_url(url) else ""


def absolute_url(request: HttpRequest | None, view_name: str, *args: object, query: Mapping | None = None) -> str:
    """The address of ``view_name`` with this request's scheme and host: embeds, feeds and API answers
    are read on other sites, where a path alone would lead nowhere. Without a request (a management
    command), the path."""
    url = reverse(view_name, args=args)
    if query:
        url = f"{url}?{urlencode(query)}"
    return request.build_absolute_uri(url) if request is not None else url


def current_slug(queryset: QuerySet, slug: str) -> str | None:
    """The slug now held by the object of ``queryset`` that ``slug`` once addressed, if any.

    ``queryset`` is the route's own (what readers may see there), so a former slug of anything
    they may not see finds nothing. Content that keeps its former slugs has ``renamed_from`` on
    its queryset (``relations.querysets.SlugHistoryQuerySet``); any other finds nothing. One query.
    """
    renamed_from = getattr(queryset, "renamed_from", None)
    if renamed_from is None:
        return None
    # Only the slug is read: the route's prefetches and annotations are of no use here.
    rows = renamed_from(slug).prefetch_related(None).order_by().values_list("slug", flat=True)
    return next(iter(rows[:1]), None)


def permanent_redirect(url: str, *, max_age: int) -> HttpResponsePermanentRedirect:
    """A 301 that caches may keep for ``max_age`` seconds only: without a lifetime, browsers keep a
    301 for good, and a slug later taken back would send them round in a circle."""
    response = HttpResponsePermanentRedirect(url)
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def moved(
    request: HttpRequest, queryset: QuerySet, slug: str, *, max_age: int, kwarg: str = "slug"
) -> HttpResponsePermanentRedirect | None:
    """301 to the current address when ``slug`` (the route's ``kwarg``) is a former slug of an
    object of ``queryset``; None otherwise, for the route's own 404.

    The address is the same route with the current slug: a nested route (an actor's network, a
    pinned version of a box) keeps its suffix, and the query string is kept as it was sent.
    """
    current = current_slug(queryset, slug)
    if current is None:
        return None
    match = request.resolver_match
    path = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, kwarg: current})
    query = request.META.get("QUERY_STRING", "")
    return permanent_redirect(request.build_absolute_uri(f"{path}?{query}" if query else path), max_age=max_age)
