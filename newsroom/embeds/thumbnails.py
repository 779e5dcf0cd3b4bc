"""A relationship map's picture as a PNG, for oEmbed's ``thumbnail_url``: drawn with Pillow from the
geometry the box's SVG is drawn from (``newsroom.factboxes.relationship_map``), on the light theme."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

from newsroom.factboxes import relationship_map

WIDTH = 640  # px; the height follows the drawing's aspect
MAX_HEIGHT = 1200  # a very tall drawing is cut rather than sent as a banner
BACKGROUND = "#ffffff"
INK = "#1b1b1b"
HALO = "#ffffff"
FADED_OPACITY = 0.45
CURVE_STEPS = 16
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def size(geometry: relationship_map.MapGeometry) -> tuple[int, int]:
    """The PNG's width and height for a map's geometry."""
    _left, _top, width, height = _view_box(geometry)
    return WIDTH, min(MAX_HEIGHT, max(1, round(height * WIDTH / width)))


def _view_box(geometry) -> tuple[float, float, float, float]:
    left, top, width, height = (float(n) for n in geometry.view_box.replace(",", " ").split())
    return left, top, max(width, 1.0), max(height, 1.0)


def _points(path: str) -> list[tuple[float, float]]:
    """The points of an edge's path: its ends, and a quadratic curve's control point sampled along it.
    A path of any other shape is drawn straight from its first point to its last."""
    numbers = [float(n) for n in NUMBER.findall(path or "")]
    pairs = list(zip(numbers[::2], numbers[1::2], strict=False))
    if len(pairs) < 2:
        return []
    if len(pairs) == 3 and "Q" in path:
        (sx, sy), (cx, cy), (ex, ey) = pairs
        steps = [i / CURVE_STEPS for i in range(CURVE_STEPS + 1)]
        return [(_bezier(sx, cx, ex, t), _bezier(sy, cy, ey, t)) for t in steps]
    return [pairs[0], pairs[-1]]


def _bezier(start: float, control: float, end: float, t: float) -> float:
    return (1 - t) ** 2 * start + 2 * (1 - t) * t * control + t * t * end


def _faded(colour: str) -> tuple[int, int, int]:
    from PIL import ImageColor

    red, green, blue = ImageColor.getrgb(colour)[:3]
    return tuple(round(255 - (255 - c) * FADED_OPACITY) for c in (red, green, blue))


def _font(size: float):
    from PIL import ImageFont

    # Pillow's own scalable font: no system font is needed on the server.
    return ImageFont.load_default(size=max(8, round(size)))


def map_png(stored: Mapping[str, Any]) -> bytes:
    """The map of a stored payload as PNG bytes."""
    # Imported when drawing: everything else here (oEmbed's thumbnail size) is plain arithmetic.
    from PIL import Image, ImageDraw

    geometry = relationship_map.layout(stored)
    left, top, view_width, _view_height = _view_box(geometry)
    width, height = size(geometry)
    scale = width / view_width
    image = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(image)

    def at(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
        return [((x - left) * scale, (y - top) * scale) for x, y in points]

    stroke = max(2, round(2.5 * scale))
    for edge in geometry.edges:
        points = at(_points(getattr(edge, "path", "")))
        if len(points) >= 2:
            colour = edge.category.colour
            draw.line(points, fill=_faded(colour) if getattr(edge, "faded", False) else colour, width=stroke)
    badge_font = _font(11 * scale)
    badge_radius = relationship_map.BADGE_RADIUS * scale
    for edge in geometry.edges:
        ((x, y),) = at([(edge.badge_x, edge.badge_y)])
        box = (x - badge_radius, y - badge_radius, x + badge_radius, y + badge_radius)
        draw.ellipse(box, fill=BACKGROUND, outline=edge.category.colour, width=max(1, round(1.5 * scale)))
        draw.text((x, y), str(edge.number), fill=INK, font=badge_font, anchor="mm")
    label_font = _font(relationship_map.FONT * scale)
    node_radius = relationship_map.NODE_RADIUS * scale
    for node in geometry.nodes:
        ((x, y),) = at([(node.x, node.y)])
        draw.ellipse((x - node_radius, y - node_radius, x + node_radius, y + node_radius), fill=INK, outline=HALO)
        ((label_x, label_y),) = at([(node.label_x, node.label_y)])
        # Pillow's anchors: the SVG's text-anchor (start, middle, end) on the baseline.
        anchor = {"start": "ls", "end": "rs"}.get(getattr(node, "anchor", "middle"), "ms")
        for number, line in enumerate(getattr(node, "lines", ()) or (node.name,)):
            baseline = label_y + number * relationship_map.LINE_HEIGHT * scale
            draw.text(
                (label_x, baseline),
                line,
                fill=INK,
                font=label_font,
                anchor=anchor,
                stroke_width=max(1, round(2 * scale)),
                stroke_fill=HALO,
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
