"""An actor's network: the relationships around it as nodes and edges, read in two queries whatever its size."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from relations.models import Actor, Relationship
from relations.querysets import RelationshipQuerySet

# A network is drawn, not paged: past this many edges the picture is unreadable and the
# answer too large, so it is cut (closest ties first) and says so.
MAX_EDGES = 500


@dataclass(frozen=True)
class Network:
    actor: Actor
    depth: int
    nodes: list[Actor]
    edges: list[Relationship]
    truncated: bool
    max_edges: int


def actor_network(actor: Actor, *, ties: RelationshipQuerySet, depth: int = 1, limit: int | None = None) -> Network:
    """The ties around ``actor``: at depth 1 its own, at depth 2 also those of every actor
    its own ties reach. ``ties`` is what the walk may follow (the public relationships,
    narrowed by any filter), so a filtered-out tie neither shows nor leads anywhere.

    The nodes are the actors the edges name, read with them: every party to a public
    relationship is public (the closure), so no second read is needed.
    """
    limit = MAX_EDGES if limit is None else limit
    own = Q(subject=actor) | Q(object=actor)
    edges = list(ties.filter(own).with_parties().order_by("pk")[: limit + 1])
    if depth == 2 and len(edges) <= limit:
        # The actor's own ties come first, so that a cut network keeps what is closest; an actor
        # with more own ties than fit needs no second step.
        near = {actor.pk} | {party for edge in edges for party in (edge.subject_id, edge.object_id)}
        further = ties.filter(Q(subject__in=near) | Q(object__in=near)).exclude(own)
        edges += further.with_parties().order_by("pk")[: limit + 1 - len(edges)]
    truncated = len(edges) > limit
    edges = edges[:limit]

    others: dict[int, Actor] = {}
    for edge in edges:
        for party in (edge.subject, edge.object):
            if party.pk != actor.pk:
                others.setdefault(party.pk, party)
    nodes = [actor, *sorted(others.values(), key=lambda node: (node.name, node.pk))]
    return Network(actor=actor, depth=depth, nodes=nodes, edges=edges, truncated=truncated, max_edges=limit)
