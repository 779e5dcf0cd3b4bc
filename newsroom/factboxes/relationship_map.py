"""Geometry of a relationship map: where a payload's actors and ties go in its SVG, computed without a browser;
and what a tie's evidence amounts to, in words, wherever a tie is shown."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from newsroom.factboxes import payload

# User units of the SVG; the picture scales with its box through its viewBox.
FONT = 15
LINE_HEIGHT = 17
NODE_RADIUS = 8
LABEL_GAP = 7
LABEL_CHARS = 16  # per line before wrapping; two lines at most
CHAR_WIDTH = 0.58 * FONT  # an average system sans glyph, enough to keep labels inside the picture
PARALLEL_SPACING = 26  # between the middles of two ties joining the same pair
BADGE_RADIUS = 10
ARROW_ROOM = 3  # the arrow's tip stops short of the node's rim
PADDING = 12
MIN_RADIUS = 95
DISPLAY_SCALE = 1.1  # the picture's natural size against its user units: labels near the text's size
PAIR_DISTANCE = 150  # two actors side by side: room for both labels, and a picture not too wide to read on a phone
MIN_NEIGHBOUR_DISTANCE = 115  # between adjacent actors on the circle, so their labels do not collide

# Each category has a colour and a dash pattern: the map reads in greyscale too.
# Colours are the light theme's (at least 5:1 on white); the stylesheet swaps them for the dark theme.


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    colour: str
    dash: str


CATEGORIES = {
    "security": Category("security", "Security", "#1d4ed8", ""),
    "military": Category("military", "Military", "#c2410c", "10 5"),
    "economic": Category("economic", "Economic", "#047857", "2.5 4"),
    "diplomatic": Category("diplomatic", "Diplomatic", "#7e22ce", "12 4 2 4"),
    "conflict": Category("conflict", "Conflict", "#b91c1c", "5 4"),
    "membership": Category("membership", "Membership", "#475569", "14 4 2 4 2 4"),
}
OTHER = Category("other", "Other", "#57534e", "3 3")
FADED_STATUSES = {"ended", "suspended"}


@dataclass(frozen=True)
class Node:
    key: str
    name: str
    slug: str
    x: float
    y: float
    label_x: float
    label_y: float  # baseline of the first line
    lines: tuple[str, ...]

    # Coordinates go into SVG attributes as plain decimals, never through the template's number localisation.
    @property
    def cx(self) -> str:
        return _number(self.x)

    @property
    def cy(self) -> str:
        return _number(self.y)

    @property
    def lx(self) -> str:
        return _number(self.label_x)

    @property
    def ly(self) -> str:
        return _number(self.label_y)


@dataclass(frozen=True)
class Edge:
    number: int  # the tie's row in the table under the map
    category: Category
    directed: bool
    faded: bool
    path: str
    badge_x: float
    badge_y: float
    relationship: payload.Relationship

    @property
    def bx(self) -> str:
        return _number(self.badge_x)

    @property
    def by(self) -> str:
        return _number(self.badge_y)


@dataclass(frozen=True)
class MapGeometry:
    view_box: str
    width: float
    height: float
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    categories: tuple[Category, ...]  # present on the map, in legend order
    arrow_categories: tuple[Category, ...]  # those with a directed tie: each needs an arrowhead of its colour
    has_directed: bool
    has_mutual: bool
    has_faded: bool

    # The size the picture is drawn at when the box has room; it shrinks with a narrower box.
    @property
    def display_width(self) -> str:
        return str(round(self.width * DISPLAY_SCALE))

    @property
    def display_height(self) -> str:
        return str(round(self.height * DISPLAY_SCALE))


# --- What a tie's evidence amounts to -----------------------------------------------------------------

# A tie's evidence in the order readers read it: what supports it, what contradicts it, its background.
# A stance this code does not know was shown as support before stances were named, and still is.
STANCE_ORDER = {"supports": 0, "contradicts": 1, "context": 2}
# A claim found false or retracted supports nothing, whenever it was found so.
NOT_STANDING = {"false", "retracted"}

NO_SUPPORT = "No published claim supports this tie yet."
BACKGROUND_ONLY = "Only background reporting so far."
NO_LONGER_SUPPORTED = "No claim supporting this tie still stands."


def supports(stance: str) -> bool:
    return STANCE_ORDER.get(stance, 0) == 0


def evidence_note(evidence: Iterable[tuple[str, str]]) -> str:
    """What a tie's evidence amounts to when no standing claim supports it, from the stance and the
    current verdict of each claim it shows; empty when one does. Readers are told so in words rather
    than left to take a tie with nothing under it, or only background, for an established fact."""
    evidence = list(evidence)
    backing = [verdict for stance, verdict in evidence if supports(stance)]
    if any(verdict not in NOT_STANDING for verdict in backing):
        return ""
    if backing:
        return NO_LONGER_SUPPORTED
    if evidence and all(stance == "context" for stance, _verdict in evidence):
        return BACKGROUND_ONLY
    return NO_SUPPORT


def unsupported_ties(box: payload.Payload) -> list[tuple[str, str]]:
    """The ties of a (draft's) payload that no standing claim supports: each one's name for editors, and
    what readers will read under it instead."""
    found = []
    for item in box["items"]:
        if item["type"] == "relationship":
            tie = item["relationship"]
            note = evidence_note((claim["stance"], claim["verification"]) for claim in tie["evidence"])
            if note:
                found.append((payload.item_name(item), note))
    return found


def category_of(relationship: payload.Relationship) -> Category:
    kind = relationship["type"]
    found = CATEGORIES.get(kind["category"])
    if found is None:
        return OTHER
    return Category(found.key, kind["category_label"] or found.label, found.colour, found.dash)


def _actor_key(actor: payload.ActorRef) -> str:
    if actor["id"] is not None:
        return f"id:{actor['id']}"
    return f"slug:{actor['slug'] or actor['name']}"


def relationships(box: payload.Payload) -> list[payload.Relationship]:
    """The box's ties, in its order: the map's edges and the table's rows."""
    return [item["relationship"] for item in box["items"] if item["type"] == "relationship"]


def actors(box: payload.Payload) -> list[payload.ActorRef]:
    """The map's nodes: the box's actor items in order, then any other actor its ties name."""
    found: dict[str, payload.ActorRef] = {}
    for item in box["items"]:
        if item["type"] == "actor":
            found.setdefault(_actor_key(item["actor"]), item["actor"])
    for tie in relationships(box):
        for end in (tie["subject"], tie["object"]):
            if end:
                found.setdefault(_actor_key(end), end)
    return list(found.values())


def wrap_label(name: str, width: int = LABEL_CHARS, max_lines: int = 2) -> tuple[str, ...]:
    """``name`` in lines of about ``width`` characters, word by word; what does not fit ends in an ellipsis."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if not lines:
        return ("?",)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return tuple(line if len(line) <= width else line[: width - 1].rstrip() + "…" for line in lines)


def circle_radius(count: int) -> float:
    if count < 2:
        return 0.0
    if count == 2:
        return PAIR_DISTANCE / 2
    return max(MIN_RADIUS, MIN_NEIGHBOUR_DISTANCE / 2 / math.sin(math.pi / count))


def circle_positions(count: int) -> list[tuple[float, float]]:
    """``count`` points on a circle around the origin, clockwise from the top.

    With an even count the circle turns half a step, so that two actors sit side
    by side and four at the corners of a square rather than at its edges' middles.
    """
    radius = circle_radius(count)
    start = -math.pi / 2 + (math.pi / count if count % 2 == 0 else 0.0)
    return [
        (radius * math.cos(start + 2 * math.pi * i / count), radius * math.sin(start + 2 * math.pi * i / count))
        for i in range(count)
    ]


def _node(actor: payload.ActorRef, x: float, y: float) -> Node:
    lines = wrap_label(actor["name"])
    # Labels sit centred above the upper actors and below the others, clear of the ties
    # that leave each node towards the middle.
    if y < -1:
        label_y = y - NODE_RADIUS - LABEL_GAP - (len(lines) - 1) * LINE_HEIGHT - 0.25 * FONT
    else:
        label_y = y + NODE_RADIUS + LABEL_GAP + 0.8 * FONT
    return Node(
        key=_actor_key(actor),
        name=actor["name"],
        slug=actor["slug"],
        x=x,
        y=y,
        label_x=x,
        label_y=label_y,
        lines=lines,
    )


def _towards(start: tuple[float, float], end: tuple[float, float], distance: float) -> tuple[float, float]:
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy) or 1.0
    return start[0] + dx / length * distance, start[1] + dy / length * distance


def _curve_point(
    p0: tuple[float, float], control: tuple[float, float], p2: tuple[float, float], t: float
) -> tuple[float, float]:
    u = 1 - t
    return (
        u * u * p0[0] + 2 * u * t * control[0] + t * t * p2[0],
        u * u * p0[1] + 2 * u * t * control[1] + t * t * p2[1],
    )


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return "0" if text in ("0.0", "-0.0") else text.removesuffix(".0")


@dataclass(frozen=True)
class _Curve:
    start: tuple[float, float]
    control: tuple[float, float]
    end: tuple[float, float]
    straight: bool

    @property
    def path(self) -> str:
        (sx, sy), (cx, cy), (ex, ey) = self.start, self.control, self.end
        if self.straight:
            return f"M{_number(sx)} {_number(sy)}L{_number(ex)} {_number(ey)}"
        return f"M{_number(sx)} {_number(sy)}Q{_number(cx)} {_number(cy)} {_number(ex)} {_number(ey)}"


def tie_curve(
    source: tuple[float, float], target: tuple[float, float], offset: float, *, arrow: bool, normal_from=None
) -> _Curve:
    """The path from ``source`` to ``target``, bent sideways by ``offset`` at its middle.

    ``normal_from`` fixes which side is positive for a pair of actors, so that ties
    drawn in both directions between them still fan out rather than overlap.
    """
    first, second = normal_from or (source, target)
    dx, dy = second[0] - first[0], second[1] - first[1]
    length = math.hypot(dx, dy) or 1.0
    normal = (-dy / length, dx / length)
    middle = ((source[0] + target[0]) / 2, (source[1] + target[1]) / 2)
    # A quadratic curve passes halfway between its chord's middle and its control point.
    control = (middle[0] + normal[0] * 2 * offset, middle[1] + normal[1] * 2 * offset)
    start = _towards(source, control, NODE_RADIUS + 2)
    end = _towards(target, control, NODE_RADIUS + (ARROW_ROOM if arrow else 2))
    return _Curve(start=start, control=control, end=end, straight=offset == 0)


def _badge_position(curve: _Curve, taken: list[tuple[float, float]]) -> tuple[float, float]:
    """Where the tie's number goes: its middle, or the nearest point along it clear of the others."""
    for t in (0.5, 0.38, 0.62, 0.28, 0.72):
        point = _curve_point(curve.start, curve.control, curve.end, t)
        if all(math.hypot(point[0] - x, point[1] - y) >= 2 * BADGE_RADIUS + 2 for x, y in taken):
            return point
    return _curve_point(curve.start, curve.control, curve.end, 0.5)


def _bounds(nodes: Iterable[Node], edges: Iterable[Edge], middles: Iterable[tuple[float, float]]):
    xs: list[float] = []
    ys: list[float] = []
    for node in nodes:
        xs += [node.x - NODE_RADIUS, node.x + NODE_RADIUS]
        ys += [node.y - NODE_RADIUS, node.y + NODE_RADIUS]
        half = max(len(line) for line in node.lines) * CHAR_WIDTH / 2
        xs += [node.label_x - half, node.label_x + half]
        ys += [node.label_y - 0.8 * FONT, node.label_y + (len(node.lines) - 1) * LINE_HEIGHT + 0.3 * FONT]
    for edge in edges:
        xs += [edge.badge_x - BADGE_RADIUS, edge.badge_x + BADGE_RADIUS]
        ys += [edge.badge_y - BADGE_RADIUS, edge.badge_y + BADGE_RADIUS]
    for x, y in middles:
        # A tie bends furthest from its chord at its middle.
        xs.append(x)
        ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def _nodes(ends: list[payload.ActorRef]) -> list[Node]:
    positions = circle_positions(len(ends)) if len(ends) > 1 else [(0.0, 0.0)] * len(ends)
    return [_node(actor, x, y) for actor, (x, y) in zip(ends, positions, strict=True)]


def _drawn(ties: list[payload.Relationship], nodes: list[Node]) -> dict[int, tuple[int, int]]:
    """The two nodes of each tie that has a line, by the tie's place in the box. A tie without
    two distinct ends has no line to draw; the table still lists it."""
    index = {node.key: i for i, node in enumerate(nodes)}
    drawn = {}
    for number, tie in enumerate(ties):
        if tie["subject"] and tie["object"]:
            a, b = index[_actor_key(tie["subject"])], index[_actor_key(tie["object"])]
            if a != b:
                drawn[number] = (a, b)
    return drawn


def _offsets(drawn: dict[int, tuple[int, int]]) -> dict[int, float]:
    """How far each tie bends: ties between the same two actors, whatever their direction, fan out side by side."""
    pairs: dict[tuple[int, int], list[int]] = {}
    for number, (a, b) in drawn.items():
        pairs.setdefault((min(a, b), max(a, b)), []).append(number)
    return {
        number: (rank - (len(numbers) - 1) / 2) * PARALLEL_SPACING
        for numbers in pairs.values()
        for rank, number in enumerate(numbers)
    }


def _edges(ties: list[payload.Relationship], nodes: list[Node]) -> tuple[list[Edge], list[tuple[float, float]]]:
    """The lines of the ties that have one, and the middle of each (where a curve bends furthest)."""
    drawn = _drawn(ties, nodes)
    offsets = _offsets(drawn)
    edges: list[Edge] = []
    middles: list[tuple[float, float]] = []
    taken = [(node.x, node.y) for node in nodes]
    for number, (a, b) in drawn.items():
        tie = ties[number]
        directed = not tie["type"]["symmetric"]
        low, high = nodes[min(a, b)], nodes[max(a, b)]
        curve = tie_curve(
            (nodes[a].x, nodes[a].y),
            (nodes[b].x, nodes[b].y),
            offsets[number],
            arrow=directed,
            normal_from=((low.x, low.y), (high.x, high.y)),
        )
        badge = _badge_position(curve, taken)
        taken.append(badge)
        middles.append(_curve_point(curve.start, curve.control, curve.end, 0.5))
        edges.append(
            Edge(
                number=number + 1,
                category=category_of(tie),
                directed=directed,
                faded=tie["status"] in FADED_STATUSES,
                path=curve.path,
                badge_x=badge[0],
                badge_y=badge[1],
                relationship=tie,
            )
        )
    return edges, middles


def _frame(nodes: list[Node], edges: list[Edge], middles: list[tuple[float, float]]) -> tuple[int, int, int, int]:
    """Left, top, width and height of the picture: everything drawn, and a margin."""
    if nodes:
        left, top, right, bottom = _bounds(nodes, edges, middles)
    else:
        left, top, right, bottom = -50.0, -20.0, 50.0, 20.0
    left, top = math.floor(left - PADDING), math.floor(top - PADDING)
    return left, top, math.ceil(right + PADDING) - left, math.ceil(bottom + PADDING) - top


def _legend(ties: list[payload.Relationship]) -> tuple[Category, ...]:
    """The categories of the box's ties, drawn or not, in the legend's order."""
    present = {category_of(tie).key: category_of(tie) for tie in ties}
    order = [*CATEGORIES, OTHER.key]
    return tuple(sorted(present.values(), key=lambda category: order.index(category.key)))


def layout(stored: Mapping[str, Any]) -> MapGeometry:
    """Place a stored payload's actors on a circle and draw its ties between them.

    Deterministic: the same payload always gives the same picture, so a
    published version looks the same wherever and whenever it is shown.
    """
    return draw(payload.read_payload(stored))


def draw(box: payload.Payload) -> MapGeometry:
    """``layout`` of a payload already read."""
    ties = relationships(box)
    nodes = _nodes(actors(box))
    edges, middles = _edges(ties, nodes)
    left, top, width, height = _frame(nodes, edges, middles)
    categories = _legend(ties)
    arrow_keys = {edge.category.key for edge in edges if edge.directed}
    return MapGeometry(
        view_box=f"{left} {top} {width} {height}",
        width=width,
        height=height,
        nodes=tuple(nodes),
        edges=tuple(edges),
        categories=categories,
        arrow_categories=tuple(category for category in categories if category.key in arrow_keys),
        has_directed=any(edge.directed for edge in edges),
        has_mutual=any(not edge.directed for edge in edges),
        has_faded=any(edge.faded for edge in edges),
    )
