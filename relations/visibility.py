"""The published closure's roots: what live content reaches directly, and from when.

Content apps register, for claims, relationships and actors, a function returning
``(row, since)`` pairs: each row their live or scheduled content points at
directly (a story's cited claims and tagged actors, a fact box's published
items) with the moment that content goes live, a future one for scheduled
content. ``relations.closure`` maintains the rest of the closure from these
roots, so the visibility rule is written once and this app never imports its
users. See docs/architecture.md, "The published closure".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils import timezone

# root() -> a queryset of dicts with ``row`` (the reached row's id) and ``since`` (a datetime)
Root = Callable[[], QuerySet]

KINDS = ("claim", "relationship", "actor")
_roots: dict[str, list[Root]] = {kind: [] for kind in KINDS}


def register(kind: str, root: Root) -> None:
    if root not in _roots[kind]:
        _roots[kind].append(root)


def root_pairs(kind: str) -> list[QuerySet]:
    """The ``(row, since)`` pairs of every registered root of ``kind``."""
    return [root() for root in _roots[kind]]


def roots(kind: str, *, at: datetime.datetime | None = None, or_scheduled: bool = False) -> Q:
    """Rows of ``kind`` that content live at ``at`` (or scheduled, with ``or_scheduled``) reaches
    directly, derived from the roots on every call: the reference the maintained closure is checked against."""
    # Q(pk__in=[]) matches nothing: with no content app installed nothing is public.
    condition = Q(pk__in=[])
    for pairs in root_pairs(kind):
        if not or_scheduled:
            pairs = pairs.filter(since__lte=at or timezone.now())
        condition |= Q(pk__in=pairs.values("row"))
    return condition
