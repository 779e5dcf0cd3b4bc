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
from dataclasses import dataclass

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


# --- What shows a claim, for the editors ------------------------------------------------------
# The claim's admin page lists the live and scheduled content that shows the claim to readers.
# Only the content apps know their content: each registers a function returning it.


@dataclass(frozen=True)
class Showing:
    """Live or scheduled content that shows a claim, as the admin names it and links to it."""

    kind: str  # what it is, in words: "story", "fact box"
    title: str
    admin_url: str
    public_url: str  # where readers see it; empty while it is only scheduled
    since: datetime.datetime  # live since, or goes live at
    scheduled: bool


# shows(claim, limit=n) -> at most n + 1 of the content showing it, so that the page can say there is more
Shows = Callable[..., list[Showing]]
_shows_claim: list[Shows] = []


def register_shows_claim(shows: Shows) -> None:
    if shows not in _shows_claim:
        _shows_claim.append(shows)


def content_showing_claim(claim, *, limit: int) -> tuple[list[Showing], bool]:
    """The content showing ``claim`` (live first, each kind newest first), at most ``limit`` of
    each kind, and whether some kind has more."""
    shown, more = [], False
    for shows in _shows_claim:
        found = shows(claim, limit=limit)
        more = more or len(found) > limit
        shown += found[:limit]
    return sorted(shown, key=lambda entry: (entry.scheduled, -entry.since.timestamp())), more
