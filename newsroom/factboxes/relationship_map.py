"""Geometry of a relationship map: where a payload's actors and ties go in its SVG, computed without a browser;
and what a tie's evidence amounts to, in words, wherever a tie is shown.

The picture is drawn twice, for a narrow and for a wide column (``VARIANTS``); factbox.css shows the one that
fits the map's own width. Each is ``width`` user units wide, whatever it holds, and shown from ``shown_from``
CSS pixels up, so that text of ``FONT`` units is never under 12 CSS pixels: the rule is
``FONT * shown_from / width >= 12``. The narrow picture stops growing at ``max_display`` pixels, so that its
text stays under about 18 pixels too.

Actors are placed by stress majorisation (their distances on the page follow their distances in the graph),
then each name takes the first of several places around its actor (right, left, below, above, the corners
and between) that covers no other name, actor or tie, and a tie that still crosses a name bends aside; tie
numbers sit on their tie, clear of actors, names and each other. A map of more than ``DENSE_ACTORS`` actors or
``DENSE_TIES`` ties, or one that cannot be drawn clean, is marked ``dense``: the box shows its table first.

Publishing computes the layout once and stores it in the version's payload (``map_layout``, see
``with_layout``), so a version keeps its picture even when this code improves. Versions published before,
drafts' previews and pictures of ties not in any box are laid out when read: the same payload always gives
the same layout, bit for bit.
"""

from __future__ import annotations

import copy
import functools
import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from newsroom.factboxes import payload

# User units of the SVG.
FONT = 13
LINE_HEIGHT = 15
ASCENT = 0.78 * FONT  # from a line's top to its baseline
CHAR_WIDTH = 0.6 * FONT  # a wide system sans glyph at weight 600: a label's box is never narrower than its text
LABEL_CHARS = 16  # per line before wrapping; two lines at most
LABEL_GAP = 5
LABEL_PAD = 2  # clear space kept around a name
NODE_RADIUS = 7
BADGE_RADIUS = 10
BADGE_FONT = 13
PARALLEL_SPACING = 22  # between the middles of two ties joining the same pair
ARROW_ROOM = 4  # the arrow's tip stops short of the node's rim
PADDING = 6
MIN_TEXT_PX = 12
STRESS_ITERATIONS = 300
DENSE_ACTORS = 12
DENSE_TIES = 20
LAYOUT_VERSION = 1


@dataclass(frozen=True)
class Variant:
    name: str
    width: int  # of the viewBox, in user units
    shown_from: int  # CSS px: the narrowest the picture is shown at
    max_display: int | None  # CSS px: the widest, if it stops growing
    unit: float  # the distance of two tied actors, in user units, when there is room
    portrait: bool  # whether the graph's long axis runs down the page


VARIANTS = (
    Variant("narrow", 270, 250, 384, 90.0, True),
    Variant("wide", 560, 520, None, 130.0, False),
)
WIDE_FROM = VARIANTS[1].shown_from

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


# An actor's kind is its shape, filled or hollow: told apart without colour, in either theme.


@dataclass(frozen=True)
class ActorKind:
    key: str
    label: str
    shape: str  # circle, square, diamond or triangle
    hollow: bool

    @property
    def swatch(self) -> str:
        """The kind's mark for the legend, in a 20-unit square around the origin."""
        return shape_path(self.shape, 0, 0, 7)


ACTOR_KINDS = {
    "country": ActorKind("country", "Country", "circle", False),
    "bloc": ActorKind("bloc", "Bloc or alliance", "circle", True),
    "organisation": ActorKind("organisation", "Organisation", "square", False),
    "person": ActorKind("person", "Person", "diamond", False),
    "armed_group": ActorKind("armed_group", "Armed group", "triangle", False),
}
OTHER_KIND = ActorKind("other", "Other", "square", True)


def actor_kind(kind: str) -> ActorKind:
    return ACTOR_KINDS.get(kind, OTHER_KIND)


def shape_path(shape: str, x: float, y: float, r: float = NODE_RADIUS) -> str:
    """An actor's mark of ``shape`` centred on (x, y), about ``r`` from its middle to its rim."""
    if shape == "square":
        s = r * 0.88
        return f"M{_number(x - s)} {_number(y - s)}h{_number(2 * s)}v{_number(2 * s)}h{_number(-2 * s)}z"
    if shape == "diamond":
        s = r * 1.2
        return _polygon([(x, y - s), (x + s, y), (x, y + s), (x - s, y)])
    if shape == "triangle":
        s = r * 1.25
        h = s * math.sqrt(3) / 2
        return _polygon([(x, y - s), (x + h, y + s / 2), (x - h, y + s / 2)])
    arc = f"a{_number(r)} {_number(r)} 0 1 0"
    return f"M{_number(x - r)} {_number(y)}{arc} {_number(2 * r)} 0{arc} {_number(-2 * r)} 0z"


def _polygon(points: list[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{_number(x)} {_number(y)}" for x, y in points) + "z"


@dataclass(frozen=True)
class Node:
    key: str
    name: str
    slug: str
    kind: ActorKind
    x: float
    y: float
    anchor: str  # of the label's text: start, middle or end
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

    @property
    def shape(self) -> str:
        return shape_path(self.kind.shape, self.x, self.y)

    @property
    def label_box(self) -> tuple[float, float, float, float]:
        """Left, top, right and bottom of the name, from the text width model."""
        return label_box(self.lines, self.anchor, self.label_x, self.label_y)


@dataclass(frozen=True)
class Edge:
    number: int  # the tie's row in the table under the map, as the editor's "Tie 3"
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

    @property
    def points(self) -> list[tuple[float, float]]:
        """The tie's line as a polyline, its curve sampled."""
        return path_points(self.path)


@dataclass(frozen=True)
class Picture:
    """The map drawn for one column width (a ``Variant``)."""

    variant: str
    left: float
    top: float
    width: float
    height: float
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    clean: bool  # every name and tie number placed clear of everything else

    @property
    def view_box(self) -> str:
        return f"{_number(self.left)} {_number(self.top)} {_number(self.width)} {_number(self.height)}"


@dataclass(frozen=True)
class MapGeometry:
    narrow: Picture
    wide: Picture
    categories: tuple[Category, ...]  # present on the map, in legend order
    arrow_categories: tuple[Category, ...]  # those with a directed tie: each needs an arrowhead of its colour
    kinds: tuple[ActorKind, ...]  # of the actors on the map, in legend order
    has_directed: bool
    has_mutual: bool
    has_faded: bool
    dense: bool  # the box shows its table first, and the map on request

    @property
    def pictures(self) -> tuple[Picture, Picture]:
        return (self.narrow, self.wide)

    # The wide picture's, for callers that want one.
    @property
    def nodes(self) -> tuple[Node, ...]:
        return self.wide.nodes

    @property
    def edges(self) -> tuple[Edge, ...]:
        return self.wide.edges

    @property
    def view_box(self) -> str:
        return self.wide.view_box


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


def label_size(lines: tuple[str, ...]) -> tuple[float, float]:
    return max(len(line) for line in lines) * CHAR_WIDTH, len(lines) * LINE_HEIGHT


def label_box(lines: tuple[str, ...], anchor: str, x: float, baseline: float) -> tuple[float, float, float, float]:
    width, height = label_size(lines)
    left = {"start": x, "end": x - width}.get(anchor, x - width / 2)
    top = baseline - ASCENT - (LINE_HEIGHT - FONT) / 2
    return left, top, left + width, top + height


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return "0" if text in ("0.0", "-0.0") else text.removesuffix(".0")


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


def category_of(relationship: payload.Relationship) -> Category:
    kind = relationship["type"]
    found = CATEGORIES.get(kind["category"])
    if found is None:
        return OTHER
    return Category(found.key, kind["category_label"] or found.label, found.colour, found.dash)


# --- Where the actors go ------------------------------------------------------------------------------


def _drawn(ties: list[payload.Relationship], keys: list[str]) -> dict[int, tuple[int, int]]:
    """The two actors of each tie that has a line, by the tie's place among the ties. A tie without two
    distinct ends has no line to draw; the table still lists it."""
    index = {key: i for i, key in enumerate(keys)}
    drawn = {}
    for number, tie in enumerate(ties):
        if tie["subject"] and tie["object"]:
            a, b = index[_actor_key(tie["subject"])], index[_actor_key(tie["object"])]
            if a != b:
                drawn[number] = (a, b)
    return drawn


def _graph_distances(count: int, pairs: Iterable[tuple[int, int]]) -> list[list[float]]:
    """Hops between each two actors; actors in different parts of the graph count as one hop further
    apart than the furthest two of any part, so that the parts sit side by side."""
    neighbours: list[list[int]] = [[] for _ in range(count)]
    for a, b in sorted({(min(a, b), max(a, b)) for a, b in pairs}):
        neighbours[a].append(b)
        neighbours[b].append(a)
    distances = [[math.inf] * count for _ in range(count)]
    for start in range(count):
        distances[start][start] = 0.0
        queue = [start]
        for node in queue:
            for other in neighbours[node]:
                if distances[start][other] == math.inf:
                    distances[start][other] = distances[start][node] + 1
                    queue.append(other)
    furthest = max((d for row in distances for d in row if d != math.inf), default=0.0)
    apart = max(furthest, 1.0) + 1
    return [[apart if d == math.inf else d for d in row] for row in distances]


def stress_positions(count: int, pairs: Iterable[tuple[int, int]]) -> list[tuple[float, float]]:
    """Positions of ``count`` actors, one unit per hop between tied actors, by stress majorisation
    (Gansner, Koren and North), started from a circle in the payload's order: no randomness, so the same
    ties always give the same positions. The long axis runs left to right, the first actor on the left."""
    if count == 0:
        return []
    if count == 1:
        return [(0.0, 0.0)]
    distances = _graph_distances(count, pairs)
    radius = max(0.5, count / (2 * math.pi))
    xs = [radius * math.cos(2 * math.pi * i / count) for i in range(count)]
    ys = [radius * math.sin(2 * math.pi * i / count) for i in range(count)]
    for _ in range(STRESS_ITERATIONS):
        for i in range(count):
            total_x = total_y = total_weight = 0.0
            for j in range(count):
                if i == j:
                    continue
                ideal = distances[i][j]
                weight = 1 / (ideal * ideal)
                dx, dy = xs[i] - xs[j], ys[i] - ys[j]
                apart = math.hypot(dx, dy)
                if apart < 1e-9:
                    # Two actors on one spot: part them along a fixed direction.
                    dx, dy, apart = 1.0, (i - j) / count, math.hypot(1.0, (i - j) / count)
                total_x += weight * (xs[j] + ideal * dx / apart)
                total_y += weight * (ys[j] + ideal * dy / apart)
                total_weight += weight
            xs[i], ys[i] = total_x / total_weight, total_y / total_weight
    return _upright(list(zip(xs, ys, strict=True)))


def _upright(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """``points`` centred and turned so that their long axis is horizontal, the first point on the left
    (and, when it sits on the axis, the second above it)."""
    count = len(points)
    mx = sum(x for x, _ in points) / count
    my = sum(y for _, y in points) / count
    centred = [(x - mx, y - my) for x, y in points]
    sxx = sum(x * x for x, _ in centred)
    syy = sum(y * y for _, y in centred)
    sxy = sum(x * y for x, y in centred)
    angle = 0.5 * math.atan2(2 * sxy, sxx - syy)
    cos, sin = math.cos(angle), math.sin(angle)
    turned = [(x * cos + y * sin, -x * sin + y * cos) for x, y in centred]
    if turned[0][0] > 1e-6:
        turned = [(-x, y) for x, y in turned]
    if count > 1 and turned[1][1] > 1e-6:
        turned = [(x, -y) for x, y in turned]
    return [(round(x, 6) + 0.0, round(y, 6) + 0.0) for x, y in turned]


# --- The ties' lines ------------------------------------------------------------------------------------


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

    def at(self, t: float) -> tuple[float, float]:
        return _curve_point(self.start, self.control, self.end, t)


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


def path_points(path: str, samples: int = 16) -> list[tuple[float, float]]:
    """A path this module wrote (``M x y L x y`` or ``M x y Q cx cy x y``) as a polyline."""
    numbers = [float(value) for value in path.replace("M", " ").replace("L", " ").replace("Q", " ").split()]
    if len(numbers) == 4:
        return [(numbers[0], numbers[1]), (numbers[2], numbers[3])]
    p0, control, p2 = (numbers[0], numbers[1]), (numbers[2], numbers[3]), (numbers[4], numbers[5])
    return [_curve_point(p0, control, p2, i / samples) for i in range(samples + 1)]


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


# --- Overlap tests, on the label-box model ----------------------------------------------------------------

Box = tuple[float, float, float, float]


def boxes_overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def box_circle_distance(box: Box, x: float, y: float) -> float:
    dx = max(box[0] - x, 0.0, x - box[2])
    dy = max(box[1] - y, 0.0, y - box[3])
    return math.hypot(dx, dy)


def _segment_hits_box(p: tuple[float, float], q: tuple[float, float], box: Box) -> bool:
    """Whether the segment from ``p`` to ``q`` passes through ``box`` (Liang–Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for edge_p, edge_q in ((-dx, p[0] - box[0]), (dx, box[2] - p[0]), (-dy, p[1] - box[1]), (dy, box[3] - p[1])):
        if edge_p == 0:
            if edge_q < 0:
                return False
            continue
        t = edge_q / edge_p
        if edge_p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def polyline_hits_box(points: list[tuple[float, float]], box: Box) -> bool:
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    if max(xs) < box[0] or min(xs) > box[2] or max(ys) < box[1] or min(ys) > box[3]:
        return False
    return any(_segment_hits_box(p, q, box) for p, q in itertools.pairwise(points))


def _grown(box: Box, by: float) -> Box:
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


# --- Names and tie numbers ------------------------------------------------------------------------------

# Places for a name around its actor, in order of preference: beside it, under or over it, at the corners and
# between, then the same a little further out. Each is a direction (degrees, clockwise from the right) and how
# far the name's nearest edge stays from the actor's rim.
DIRECTIONS = (0, 180, 90, 270, 45, 315, 135, 225, 22.5, 337.5, 157.5, 202.5, 67.5, 292.5, 112.5, 247.5)
PLACES = tuple((angle, gap) for gap in (LABEL_GAP, LABEL_GAP + 12, LABEL_GAP + 28) for angle in DIRECTIONS)


def _label_at(place: tuple[float, float], x: float, y: float, lines: tuple[str, ...]) -> tuple[str, float, float]:
    """The anchor, x and first baseline of a name at ``place`` around an actor at (x, y)."""
    angle, gap = place
    width, height = label_size(lines)
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    # The box's middle goes out along the direction until its edge is ``gap`` past the rim.
    reach = NODE_RADIUS + gap + min(width / 2 / max(abs(dx), 1e-9), height / 2 / max(abs(dy), 1e-9))
    middle_x, middle_y = x + dx * reach, y + dy * reach
    lead = ASCENT + (LINE_HEIGHT - FONT) / 2  # from the box's top to the first baseline
    baseline = middle_y - height / 2 + lead
    if dx > 0.3:
        return "start", middle_x - width / 2, baseline
    if dx < -0.3:
        return "end", middle_x + width / 2, baseline
    return "middle", middle_x, baseline


def _place_labels(
    positions: list[tuple[float, float]],
    lines: list[tuple[str, ...]],
    edges: list[list[tuple[float, float]]],
    degrees: list[int],
    width: float,
) -> tuple[list[tuple[str, float, float]], float]:
    """Each actor's name at the first place, in ``PLACES`` order, that covers no other name, no actor and no
    tie, and stays within the picture's width; where none does, at the place covering least. The most
    connected actors choose first (theirs are the crowded places); then each name still covering something
    chooses again, knowing where all the others went."""
    count = len(positions)
    order = sorted(range(count), key=lambda i: (-degrees[i], i))
    placed: dict[int, tuple[float, tuple[str, float, float], Box]] = {}

    def cost_of(i: int, padded: Box) -> float:
        cost = sum(4.0 for j, (_, _, other) in placed.items() if j != i and boxes_overlap(padded, other))
        cost += sum(3.0 for nx, ny in positions if box_circle_distance(padded, nx, ny) < NODE_RADIUS + 1)
        return cost + sum(1.0 for points in edges if polyline_hits_box(points, padded))

    def choose(i: int) -> tuple[float, tuple[str, float, float], Box]:
        x, y = positions[i]
        best: tuple[float, int, tuple[str, float, float], Box] | None = None
        for rank, place in enumerate(PLACES):
            anchor, lx, ly = _label_at(place, x, y, lines[i])
            box = label_box(lines[i], anchor, lx, ly)
            if box[0] < PADDING or box[2] > width - PADDING:
                continue
            padded = _grown(box, LABEL_PAD)
            cost = cost_of(i, padded)
            if best is None or (cost, rank) < (best[0], best[1]):
                best = (cost, rank, (anchor, lx, ly), padded)
            if cost == 0:
                break
        if best is None:  # no place fits the width: under the actor, the frame grows to hold it
            anchor, lx, ly = _label_at((90, LABEL_GAP), x, y, lines[i])
            padded = _grown(label_box(lines[i], anchor, lx, ly), LABEL_PAD)
            return cost_of(i, padded) + 1, (anchor, lx, ly), padded
        return best[0], best[2], best[3]

    for i in order:
        placed[i] = choose(i)
    for _ in range(2):
        for i in order:
            if cost_of(i, placed[i][2]) > 0:
                placed[i] = choose(i)
    left_over = sum(cost_of(i, placed[i][2]) for i in range(count))
    return [placed[i][1] for i in range(count)], left_over


def _collisions(label_boxes: list[Box], positions: list[tuple[float, float]], polylines) -> int:
    """How many times a name covers another name, an actor or a tie."""
    padded = [_grown(box, LABEL_PAD) for box in label_boxes]
    found = sum(1 for a, b in itertools.combinations(padded, 2) if boxes_overlap(a, b))
    found += sum(1 for box in padded for x, y in positions if box_circle_distance(box, x, y) < NODE_RADIUS + 1)
    return found + sum(1 for box in padded for points in polylines if polyline_hits_box(points, box))


BENDS = (16.0, -16.0, 32.0, -32.0, 48.0, -48.0)


def _bent_clear(curves, drawn, offsets, directed, positions, label_boxes) -> list[_Curve]:
    """The ties, each one that crosses a name bent aside, as little as clears it of every name and actor."""
    padded = [_grown(box, LABEL_PAD) for box in label_boxes]

    def clear(curve: _Curve) -> bool:
        points = path_points(curve.path)
        if any(polyline_hits_box(points, box) for box in padded):
            return False
        # A bent tie must not run through a third actor either.
        inner = points[1:-1]
        return all(math.hypot(x - nx, y - ny) > NODE_RADIUS + 2 for x, y in inner for nx, ny in positions)

    bent = []
    for curve, (number, (a, b)) in zip(curves, drawn, strict=True):
        if clear(curve):
            bent.append(curve)
            continue
        low, high = positions[min(a, b)], positions[max(a, b)]
        for extra in BENDS:
            candidate = tie_curve(
                positions[a],
                positions[b],
                offsets[number] + extra,
                arrow=directed[number],
                normal_from=(low, high),
            )
            if clear(candidate):
                curve = candidate
                break
        bent.append(curve)
    return bent


BADGE_STEPS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8)


def _place_badges(
    curves: list[_Curve], positions: list[tuple[float, float]], labels: list[Box]
) -> tuple[list[tuple[float, float]], float]:
    """Where each tie's number goes: the point nearest its middle clear of every actor, name and number
    placed before it; where none is, the point closest to clear."""
    taken: list[tuple[float, float]] = []
    left_over = 0.0
    for curve in curves:
        best: tuple[float, int, tuple[float, float]] | None = None
        for rank, t in enumerate(BADGE_STEPS):
            x, y = curve.at(t)
            cost = 0.0
            cost += sum(3.0 for nx, ny in positions if math.hypot(x - nx, y - ny) < NODE_RADIUS + BADGE_RADIUS + 3)
            cost += sum(2.0 for bx, by in taken if math.hypot(x - bx, y - by) < 2 * BADGE_RADIUS + 2)
            cost += sum(1.0 for box in labels if box_circle_distance(box, x, y) < BADGE_RADIUS)
            if best is None or (cost, rank) < (best[0], best[1]):
                best = (cost, rank, (x, y))
            if cost == 0:
                break
        left_over += best[0]
        taken.append(best[2])
    return taken, left_over


# --- One picture --------------------------------------------------------------------------------------


def _fit(unit_positions: list[tuple[float, float]], variant: Variant, half_labels: list[float], stretch: float):
    """Actors' positions in the variant's user units: the long axis across a wide picture, down a narrow
    one; the graph's shape kept, as wide as the picture (at most ``FILL_MAX`` times ``variant.unit`` per
    hop, so that a pair is not drawn a page apart), and ``stretch`` times taller where names need room."""
    points = [(y, x) for x, y in unit_positions] if variant.portrait else list(unit_positions)
    if not points:
        return []
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    # Names at the sides find room inwards: the margin need only hold a short one.
    margin = PADDING + NODE_RADIUS + min(40.0, max([0.0, *half_labels]))
    usable = variant.width - 2 * margin
    span_x = max(xs) - min(xs)
    scale = min(variant.unit * FILL_MAX, usable / span_x) if span_x > 1e-9 else variant.unit
    scale_y = max(scale, variant.unit * 0.75) * stretch
    # Centred across the width, whatever the graph's own width.
    shift_x = variant.width / 2 - (max(xs) + min(xs)) / 2 * scale
    top = min(ys)
    return [(shift_x + x * scale, (y - top) * scale_y) for x, y in points]


FILL_MAX = 1.6
STRETCHES = (1.0, 1.2, 1.45, 1.75, 2.1)


def _picture_layout(keys, lines, drawn, directed, unit_positions, variant: Variant) -> dict[str, Any]:
    """The stored layout of one picture: actors, names, ties and numbers, laid out until clean or stretched
    as far as ``STRETCHES`` go."""
    half_labels = [label_size(own)[0] / 2 for own in lines]
    degrees = [0] * len(keys)
    for a, b in drawn.values():
        degrees[a] += 1
        degrees[b] += 1
    offsets = _offsets(drawn)
    found = None
    # Taller first, then mirrored: the first clean attempt wins, or else the one with the fewest collisions.
    for stretch, mirrored in itertools.product(STRETCHES, (False, True)):
        positions = _fit(unit_positions, variant, half_labels, stretch)
        if mirrored:
            positions = [(variant.width - x, y) for x, y in positions]
        curves = []
        for number, (a, b) in drawn.items():
            low, high = positions[min(a, b)], positions[max(a, b)]
            curves.append(
                tie_curve(
                    positions[a],
                    positions[b],
                    offsets[number],
                    arrow=directed[number],
                    normal_from=(low, high),
                )
            )
        polylines = [path_points(curve.path) for curve in curves]
        labels, _ = _place_labels(positions, lines, polylines, degrees, variant.width)
        label_boxes = [label_box(own, *label) for own, label in zip(lines, labels, strict=True)]
        curves = _bent_clear(curves, list(drawn.items()), offsets, directed, positions, label_boxes)
        polylines = [path_points(curve.path) for curve in curves]
        badges, badges_left = _place_badges(curves, positions, label_boxes)
        left_over = _collisions(label_boxes, positions, polylines) + badges_left
        attempt = (left_over, positions, curves, labels, label_boxes, badges)
        if found is None or attempt[0] < found[0]:
            found = attempt
        if attempt[0] == 0:
            break
    left_over, positions, curves, labels, label_boxes, badges = found
    clean = left_over == 0
    frame = _frame(positions, label_boxes, badges, [path_points(curve.path) for curve in curves], variant.width)
    return {
        "frame": [round(value, 1) for value in frame],
        "clean": clean,
        "nodes": [
            {
                "key": key,
                "x": round(x, 1),
                "y": round(y, 1),
                "anchor": anchor,
                "lx": round(lx, 1),
                "ly": round(ly, 1),
                "lines": list(own),
            }
            for key, (x, y), (anchor, lx, ly), own in zip(keys, positions, labels, lines, strict=True)
        ],
        "edges": [
            {"number": number + 1, "path": curve.path, "bx": round(bx, 1), "by": round(by, 1)}
            for number, curve, (bx, by) in zip(drawn, curves, badges, strict=True)
        ],
    }


def _frame(positions, label_boxes, badges, polylines, width: float) -> tuple[float, float, float, float]:
    """Left, top, width and height of the picture: the variant's whole width, and everything drawn
    top to bottom with a margin. A name wider than the picture widens it rather than being cut."""
    xs, ys = [0.0, width], []
    for x, y in positions:
        xs += [x - NODE_RADIUS * 1.3, x + NODE_RADIUS * 1.3]
        ys += [y - NODE_RADIUS * 1.3, y + NODE_RADIUS * 1.3]
    for box in label_boxes:
        xs += [box[0] - PADDING, box[2] + PADDING]
        ys += [box[1], box[3]]
    for _x, y in badges:
        ys += [y - BADGE_RADIUS, y + BADGE_RADIUS]
    for points in polylines:
        ys += [y for _, y in points]
    if not ys:
        ys = [0.0, 40.0]
    left, right = math.floor(min(xs)), math.ceil(max(xs))
    top, bottom = math.floor(min(ys) - PADDING), math.ceil(max(ys) + PADDING)
    return float(left), float(top), float(right - left), float(bottom - top)


def compute_layout(box: payload.Payload) -> dict[str, Any]:
    """The layout of a payload's map, as stored in a published version's ``map_layout``: plain JSON,
    the same for the same payload."""
    box_actors = actors(box)
    ties = relationships(box)
    keys = tuple(_actor_key(actor) for actor in box_actors)
    drawn = _drawn(ties, list(keys))
    sketch = (
        keys,
        tuple(actor["name"] for actor in box_actors),
        tuple((number, a, b, not ties[number]["type"]["symmetric"]) for number, (a, b) in drawn.items()),
        len(ties),
    )
    return copy.deepcopy(_laid_out(sketch))


# Laying out a large map takes a second or two: a draft's preview, an old version or an actor's page asks
# again for the same picture, and gets it from here.
@functools.lru_cache(maxsize=128)
def _laid_out(sketch) -> dict[str, Any]:
    keys, names, ties, tie_count = sketch
    drawn = {number: (a, b) for number, a, b, _ in ties}
    directed = {number: one_way for number, _, _, one_way in ties}
    unit_positions = stress_positions(len(keys), drawn.values())
    lines = [wrap_label(name) for name in names]
    pictures = {
        variant.name: _picture_layout(keys, lines, drawn, directed, unit_positions, variant) for variant in VARIANTS
    }
    dense = (
        len(keys) > DENSE_ACTORS or tie_count > DENSE_TIES or not all(picture["clean"] for picture in pictures.values())
    )
    return {"version": LAYOUT_VERSION, "dense": dense, **pictures}


def _fits(stored: Any, box: payload.Payload) -> bool:
    """Whether a stored layout is one this code reads, drawn for this payload's actors and ties."""
    if not isinstance(stored, Mapping) or stored.get("version") != LAYOUT_VERSION:
        return False
    keys = [_actor_key(actor) for actor in actors(box)]
    numbers = [number + 1 for number in _drawn(relationships(box), keys)]
    try:
        return all(
            [node["key"] for node in stored[variant.name]["nodes"]] == keys
            and [edge["number"] for edge in stored[variant.name]["edges"]] == numbers
            and len(stored[variant.name]["frame"]) == 4
            for variant in VARIANTS
        )
    except (KeyError, TypeError):
        return False


def stored_or_computed(box: payload.Payload) -> dict[str, Any]:
    """The layout a published version stored, or, for a payload without one (a draft, a version
    published before layouts were stored, ties gathered for a page), the one computed now."""
    stored = box.get("map_layout")
    return stored if _fits(stored, box) else compute_layout(box)


def with_layout(stored: dict[str, Any]) -> dict[str, Any]:
    """A map's payload, about to be published, with its layout frozen in; another kind's unchanged."""
    if stored.get("kind") != "relationship_map":
        return stored
    return {**stored, "map_layout": compute_layout(payload.read_payload(stored))}


def display_height(stored: Mapping[str, Any], width: float) -> float:
    """How tall the map's picture is, in CSS px, when the map is ``width`` CSS px wide: the picture
    shown at that width (narrow below ``WIDE_FROM``), at its aspect ratio. ``stored`` is a payload
    (its stored layout, or one computed) or a layout."""
    layout_ = stored if "frame" in stored.get("wide", {}) else stored_or_computed(payload.read_payload(stored))
    variant = VARIANTS[0] if width < WIDE_FROM else VARIANTS[1]
    shown = min(width, variant.max_display) if variant.max_display else width
    _, _, frame_width, frame_height = layout_[variant.name]["frame"]
    return shown * frame_height / frame_width


# --- The drawing -----------------------------------------------------------------------------------------


def _picture(name: str, stored: Mapping[str, Any], box_actors, ties, drawn) -> Picture:
    nodes = tuple(
        Node(
            key=spot["key"],
            name=actor["name"],
            slug=actor["slug"],
            kind=actor_kind(actor["kind"]),
            x=spot["x"],
            y=spot["y"],
            anchor=spot["anchor"],
            label_x=spot["lx"],
            label_y=spot["ly"],
            lines=tuple(spot["lines"]),
        )
        for actor, spot in zip(box_actors, stored["nodes"], strict=True)
    )
    edges = []
    for spot, number in zip(stored["edges"], drawn, strict=True):
        tie = ties[number]
        edges.append(
            Edge(
                number=number + 1,
                category=category_of(tie),
                directed=not tie["type"]["symmetric"],
                faded=tie["status"] in FADED_STATUSES,
                path=spot["path"],
                badge_x=spot["bx"],
                badge_y=spot["by"],
                relationship=tie,
            )
        )
    left, top, width, height = stored["frame"]
    return Picture(name, left, top, width, height, nodes, tuple(edges), bool(stored.get("clean")))


def _legend(ties: list[payload.Relationship]) -> tuple[Category, ...]:
    """The categories of the box's ties, drawn or not, in the legend's order."""
    present = {category_of(tie).key: category_of(tie) for tie in ties}
    order = [*CATEGORIES, OTHER.key]
    return tuple(sorted(present.values(), key=lambda category: order.index(category.key)))


def _kinds(box_actors: list[payload.ActorRef]) -> tuple[ActorKind, ...]:
    present = {actor_kind(actor["kind"]).key: actor_kind(actor["kind"]) for actor in box_actors}
    order = [*ACTOR_KINDS, OTHER_KIND.key]
    return tuple(sorted(present.values(), key=lambda kind: order.index(kind.key)))


def layout(stored: Mapping[str, Any]) -> MapGeometry:
    """The map of a stored payload, as its version froze it (or as it is laid out now, for one that did not)."""
    return draw(payload.read_payload(stored))


def draw(box: payload.Payload) -> MapGeometry:
    """``layout`` of a payload already read: a published version's, a draft's or one gathered for a page."""
    box_actors = actors(box)
    ties = relationships(box)
    drawn = _drawn(ties, [_actor_key(actor) for actor in box_actors])
    found = stored_or_computed(box)
    narrow, wide = (_picture(variant.name, found[variant.name], box_actors, ties, drawn) for variant in VARIANTS)
    categories = _legend(ties)
    arrow_keys = {edge.category.key for edge in wide.edges if edge.directed}
    return MapGeometry(
        narrow=narrow,
        wide=wide,
        categories=categories,
        arrow_categories=tuple(category for category in categories if category.key in arrow_keys),
        kinds=_kinds(box_actors),
        has_directed=any(edge.directed for edge in wide.edges),
        has_mutual=any(not edge.directed for edge in wide.edges),
        has_faded=any(edge.faded for edge in wide.edges),
        dense=bool(found["dense"]),
    )
