"""The published closure's roots: what live content reaches directly.

Content apps register, for claims, relationships and actors, a function that
returns a ``Q`` matching the rows their live content points at (a live
article's cited claims and tagged actors, a fact box's published items).
``relations.querysets`` derives the rest of the closure from these roots, so
the visibility rule is written once and this app never imports its users.
The functions are called at query time because "live" depends on the clock.
With ``or_scheduled`` they also count content scheduled to go live: what
readers will see without anyone having to act again, which only editors may
change.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

Root = Callable[..., Q]  # root(*, or_scheduled: bool) -> Q

_roots: dict[str, list[Root]] = {"claim": [], "relationship": [], "actor": []}


def register(kind: str, root: Root) -> None:
    if root not in _roots[kind]:
        _roots[kind].append(root)


def roots(kind: str, *, or_scheduled: bool = False) -> Q:
    # Q(pk__in=[]) matches nothing: with no content app installed nothing is public.
    condition = Q(pk__in=[])
    for root in _roots[kind]:
        condition |= root(or_scheduled=or_scheduled)
    return condition
