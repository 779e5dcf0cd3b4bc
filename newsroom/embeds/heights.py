"""How tall an embed renders at a width, worked out from its HTML without a browser.

oEmbed and the admin's iframe snippet must give a frame height, and a page that strips scripts never
corrects it. Rather than measure each version in a browser at publication (production has none), the
embed's own HTML is laid out here by a small model of its stylesheet: every block the templates render
(title, item, evidence line, table row, the map's drawing, footer…) is as tall as its text's lines at its
font, plus its margins, padding and borders. Lines are wrapped word by word with the advance widths of the
font the stack resolves to on a common Linux reader (DejaVu Sans; Liberation Serif for the serif stack),
among the widest of the stack, so a reader with a narrower system font gets a little room to spare rather
than a cut-off box. The drawing of a map is as tall as its width times its viewBox's aspect.

Every figure the model uses is in the constants below, read off factbox.css and embed-frame.css. When the
rendering changes, ``newsroom/benchmark/embed_heights.py`` (run by tests/newsroom/test_embed_heights_browser.py)
prints the model against Chromium at 320, 400, 640 and 800 px; adjust these constants until it passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

# --- The constants ---------------------------------------------------------------------------------------

REM = 16.0

# Advance widths of ASCII 32–126 in hundredths of an em, as Chromium measures them.
_ADVANCES = {
    ("sans", False): (
        "32 40 46 84 64 95 78 27 39 39 50 84 32 36 32 34 64 64 64 64 64 64 64 64 64 64 34 34 84 84 84 53 "
        "100 68 69 70 77 63 58 77 75 29 29 66 56 86 75 79 60 79 69 63 61 73 68 99 69 61 69 39 34 39 84 50 "
        "50 61 63 55 63 62 35 63 63 28 28 58 28 97 63 61 63 63 41 52 39 63 59 82 59 59 52 64 34 64 84"
    ),
    ("sans", True): (
        "35 46 52 84 70 100 87 31 46 46 52 84 38 42 38 37 70 70 70 70 70 70 70 70 70 70 40 40 84 84 84 58 "
        "100 77 76 73 83 68 68 82 84 37 37 77 64 100 84 85 73 85 77 72 68 81 77 110 77 72 73 46 37 46 84 50 "
        "50 67 72 59 72 68 44 72 71 34 34 67 34 104 71 69 72 72 49 60 48 71 65 92 65 65 58 71 37 71 84"
    ),
    ("serif", False): (
        "25 33 41 50 50 83 78 18 33 33 50 56 25 33 25 28 50 50 50 50 50 50 50 50 50 50 28 28 56 56 56 44 "
        "92 72 67 67 72 61 56 72 72 33 39 72 61 89 72 72 56 72 67 56 61 72 72 94 72 72 61 33 28 33 47 50 "
        "33 44 50 44 50 44 33 50 50 28 28 50 28 78 50 50 50 50 33 39 28 50 50 72 50 50 44 48 20 48 54"
    ),
    ("serif", True): (
        "25 33 56 50 50 100 83 28 33 33 50 57 25 33 25 28 50 50 50 50 50 50 50 50 50 50 33 33 57 57 57 50 "
        "93 72 67 72 72 67 61 78 78 39 50 78 67 94 72 78 61 78 72 56 67 72 72 100 72 72 67 33 28 33 58 50 "
        "33 50 56 44 56 44 33 50 56 28 33 56 28 83 56 50 56 56 44 39 33 56 50 72 50 50 44 39 22 39 52"
    ),
}
ADVANCES = {key: tuple(int(n) / 100 for n in table.split()) for key, table in _ADVANCES.items()}
OTHER_ADVANCE = 0.62  # a letter outside ASCII (accents, dashes, icons), in ems
# Lines are filled to this share of their width: the advances above are rounded, and a line the model
# fills to the last pixel may wrap in a browser. Erring towards one line more leaves room, never a cut.
LINE_FILL = 0.98

# The box's width at which its title grows and its table of ties stops being cards (container queries).
WIDE_TITLE = 40 * REM
WIDE_TABLE = 44 * REM
TITLE_WIDE_FONT = 1.4 * REM
# The share of a wide table's width each column takes after the number's (Chromium's automatic layout).
TABLE_NUMBER_WIDTH = 1.8 * REM
TABLE_COLUMNS = {
    "fb-tie-who": 0.12,
    "fb-tie-what": 0.13,
    "fb-tie-whom": 0.12,
    "fb-tie-status": 0.12,
    "fb-tie-date": 0.085,
    "fb-tie-details": 0.34,
}
TABLE_CELL_PADDING = (0.35 * REM, 0.4 * REM)  # vertical, horizontal
SWATCH_WIDTH = 2.25 * REM + 0.35 * REM  # a legend's line sample and its gap
ICON_WIDTH = 1.15 * REM + 0.5 * REM  # a notice's round icon and its gap
# A map is drawn twice (relationship_map.VARIANTS); its figure's own width picks the one shown.
MAP_WIDE_FROM = 32.5 * REM
MAP_NARROW_MAX = 24 * REM


@dataclass(frozen=True)
class Style:
    display: str | None = None  # block (when None), inline, none, flex (a wrapping row of items), table
    font: float | None = None  # px; None inherits
    line: float | None = None  # line height as a multiple of the font; None inherits
    family: str | None = None  # sans or serif
    bold: bool | None = None
    upper: bool | None = None
    spacing: float | None = None  # letter spacing, em
    margin: tuple[float, float] = (0, 0)  # top, bottom
    padding: tuple[float, float, float, float] = (0, 0, 0, 0)  # top, right, bottom, left
    border: tuple[float, float] = (0, 0)  # top, bottom
    gap: tuple[float, float] = (0, 0)  # a flex row's: between rows, between items
    extra: float = 0  # width an item takes beyond its text (an icon, a sample)


def _rem(*values: float) -> tuple[float, ...]:
    return tuple(value * REM for value in values)


INLINE = Style(display="inline")
HIDDEN = Style(display="none")
LABEL = Style(display="inline", font=0.6875 * REM, bold=True, upper=True, spacing=0.06, extra=0.3 * REM)
TAG_STYLES = {
    **{tag: INLINE for tag in ("a", "span", "time", "abbr", "strong", "em", "b", "i", "small", "cite", "q")},
    **{tag: HIDDEN for tag in ("script", "style", "template", "title", "head")},
}
# By class, in the order the stylesheet's rules apply (a later one wins).
CLASS_STYLES = {
    # The embed page
    "embed": Style(font=0.9375 * REM, line=1.5, family="sans", bold=False, upper=False, spacing=0),
    "embed-note": Style(font=0.8125 * REM, margin=(0, 0.5 * REM), padding=(*_rem(0.5, 0.75, 0.5), 0.75 * REM + 4)),
    "embed-more": Style(
        font=0.875 * REM, bold=True, padding=(0.5 * REM, 1 * REM + 1, 0.6 * REM, 1 * REM + 1), border=(0, 1)
    ),
    "embed-card": Style(padding=(*_rem(0.9, 1, 0.75), 1 * REM + 1), border=(4, 1)),
    "embed-card-kicker": Style(font=0.75 * REM, bold=True, upper=True, spacing=0.07, margin=(0, 0.2 * REM)),
    "embed-card-title": Style(font=1.25 * REM, line=1.2, family="serif", bold=True),
    "embed-card-standfirst": Style(margin=(0.35 * REM, 0)),
    "embed-card-meta": Style(font=0.8125 * REM, margin=(0.35 * REM, 0)),
    "embed-card-subtitle": Style(
        font=0.6875 * REM, bold=True, upper=True, spacing=0.06, margin=(0.75 * REM, 0), padding=(0.5 * REM, 0, 0, 0)
    ),
    "embed-card-boxes": Style(margin=(0.25 * REM, 0), padding=(0, 0, 0, 1.1 * REM)),
    "embed-card-notice": Style(font=0.8125 * REM, bold=True, margin=(0.1 * REM, 0)),
    "embed-card-more": Style(bold=True, margin=(0.75 * REM, 0)),
    # The box
    "factbox": Style(
        font=0.9375 * REM, line=1.5, family="sans", padding=(*_rem(0.9, 1, 0.75), 1 * REM + 1), border=(4, 1)
    ),
    "fb-visually-hidden": HIDDEN,
    "fb-header": Style(margin=(0, 0.75 * REM)),
    "fb-kicker": Style(font=0.75 * REM, bold=True, upper=True, spacing=0.07, margin=(0, 0.2 * REM)),
    "fb-title": Style(font=1.25 * REM, line=1.2, family="serif", bold=True),
    "fb-intro": Style(margin=(0.35 * REM, 0)),
    "fb-notices-summary": Style(
        font=0.8125 * REM, bold=True, margin=(0.5 * REM, 0), padding=(0.45 * REM, 0, 0, 0), border=(1, 0)
    ),
    "fb-footer": Style(font=0.75 * REM, margin=(0.85 * REM, 0), padding=(0.5 * REM, 0, 0, 0), border=(1, 0)),
    "fb-label": LABEL,
    "fb-item": Style(padding=(0.6 * REM, 0, 0.6 * REM, 0), border=(1, 0)),
    "fb-text": Style(bold=True, line=1.4),
    "fb-summary": Style(display="block", font=0.875 * REM, margin=(0.2 * REM, 0)),
    "fb-evidence-line": Style(font=0.8125 * REM, margin=(0.3 * REM, 0)),
    "fb-who-line": Style(font=0.8125 * REM, margin=(0.3 * REM, 0)),
    "fb-meta": Style(display="flex", font=0.8125 * REM, margin=(0.3 * REM, 0), gap=_rem(0.3, 0.5)),
    "fb-evidence": INLINE,
    "fb-evidence-note": Style(display="inline"),
    "fb-quote": Style(family="serif", margin=(0.4 * REM, 0), padding=(0, 0, 0, 0.7 * REM + 3)),
    "fb-status": Style(display="inline", font=0.6875 * REM, bold=True, upper=True, spacing=0.04),
    "fb-stance": Style(display="inline", font=0.6875 * REM, bold=True, upper=True, spacing=0.04),
    "fb-category": Style(display="inline", font=0.6875 * REM, bold=True, upper=True, spacing=0.04),
    "fb-badge": Style(display="inline", font=0.75 * REM, bold=True, extra=1.0 * REM + 2),
    "fb-claim-head": Style(display="flex", margin=(0, 0.3 * REM), gap=_rem(0.4, 0.4), extra=4),
    "fb-claim-kind": Style(display="inline", font=0.6875 * REM, bold=True, upper=True, spacing=0.05),
    "fb-timeline": Style(padding=(0, 0, 0, 1.3 * REM)),
    "fb-event-date": Style(font=0.8125 * REM, bold=True, spacing=0.02),
    "fb-profile": Style(margin=(0, 0.75 * REM), padding=_rem(0.75, 0.75, 0.75, 0.75)),
    "fb-profile-name": Style(font=1.125 * REM, line=1.25, family="serif", bold=True),
    "fb-profile-kind": Style(font=0.75 * REM, bold=True, upper=True, spacing=0.06),
    "fb-profile-description": Style(margin=(0.35 * REM, 0)),
    "fb-profile-aliases": Style(font=0.8125 * REM, margin=(0.35 * REM, 0)),
    "fb-profile-links": Style(font=0.8125 * REM, margin=(0.35 * REM, 0)),
    "fb-map": Style(margin=(0, 0.75 * REM)),
    "fb-legend-list": Style(display="flex", font=0.75 * REM, margin=(0.5 * REM, 0), gap=_rem(0.25, 0.9)),
    "fb-legend-item": Style(display="inline", extra=SWATCH_WIDTH),
    "fb-table-wrap": Style(margin=(0.25 * REM, 0)),
    "fb-ties": Style(display="table", font=0.8125 * REM, line=1.4),
    "fb-notice": Style(
        font=0.8125 * REM,
        line=1.4,
        bold=False,
        margin=(0.4 * REM, 0),
        padding=(0.4 * REM, 0.6 * REM, 0.4 * REM, 0.6 * REM + 3 + ICON_WIDTH),
    ),
    "fb-notice-verdict": Style(display="inline", bold=True),
}
WIDE = "wide-table"  # stands for the container query of a wide box, as an ancestor's class
# Rules that depend on where an element is: (ancestor class, class) -> style.
NESTED_STYLES = {
    ("fb-claims", "fb-text"): Style(family="serif", font=1.0625 * REM, bold=False),
    ("fb-facts", "fb-item"): Style(padding=(0.6 * REM, 0, 0.6 * REM, 1 * REM)),
    ("fb-timeline", "fb-item"): Style(padding=(0, 0, 0.8 * REM, 0), border=(0, 0)),
    ("fb-evidence", "fb-evidence-noticed"): Style(margin=(0.25 * REM, 0)),
    ("embed-card-boxes", "li"): Style(margin=(0.2 * REM, 0)),
    ("fb-evidence", "li"): INLINE,
    # A wide table lists a tie's evidence a claim a line, without its label.
    (WIDE, "li"): Style(display="block"),
    (WIDE, "fb-label"): HIDDEN,
}
# A table of ties read as cards (a narrow box): each row is its number's indent, a sentence, a line of
# status and dates, and its details.
CARD_ROW = Style(padding=(0.5 * REM, 0, 0.55 * REM, 1.5 * REM), border=(1, 0))
CARD_STATUS_LINE = Style(display="flex", margin=(0.3 * REM, 0), gap=(0.3 * REM, 0.6 * REM))
CARD_DETAILS = Style(margin=(0.25 * REM, 0))
TABLE_CAPTION = Style(font=0.6875 * REM, line=1.5, bold=True, upper=True, spacing=0.06, padding=(0, 0, 0.35 * REM, 0))
TABLE_HEAD_ROW = Style(font=0.6875 * REM, bold=True, upper=True, spacing=0.04, border=(0, 2))


# --- The HTML, as a tree ----------------------------------------------------------------------------------

BREAK = "\x00"  # a <br>
NO_BREAK = "\x01"  # a space the line may not break at
NOWRAP = {"time"}  # white-space: nowrap
VOID = {"br", "img", "meta", "link", "input", "hr", "wbr", "source", "col", "base"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree.root


# --- The layout -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Font:
    size: float = 16.0
    line: float = 1.2
    family: str = "sans"
    bold: bool = False
    upper: bool = False
    spacing: float = 0.0

    def inherit(self, style: Style) -> Font:
        return Font(
            size=self.size if style.font is None else style.font,
            line=self.line if style.line is None else style.line,
            family=self.family if style.family is None else style.family,
            bold=self.bold if style.bold is None else style.bold,
            upper=self.upper if style.upper is None else style.upper,
            spacing=self.spacing if style.spacing is None else style.spacing,
        )

    @property
    def line_height(self) -> float:
        return self.size * self.line

    def width(self, text: str) -> float:
        if self.upper:
            text = text.upper()
        text = text.replace(NO_BREAK, " ")
        table = ADVANCES[(self.family, self.bold)]
        ems = sum(table[ord(c) - 32] if 32 <= ord(c) < 127 else OTHER_ADVANCE for c in text)
        return (ems + self.spacing * len(text)) * self.size


def _merge(base: Style, over: Style) -> Style:
    """``over``'s declarations on top of ``base``'s (a field left at its default declares nothing)."""
    default = Style()
    changes = {
        name: getattr(over, name) for name in over.__dataclass_fields__ if getattr(over, name) != getattr(default, name)
    }
    return replace(base, **changes)


def _style(element: Element, ancestors: frozenset[str]) -> Style:
    style = TAG_STYLES.get(element.tag, Style())
    names = element.classes
    for name in names:
        if name in CLASS_STYLES:
            style = _merge(style, CLASS_STYLES[name])
    for (ancestor, name), nested in NESTED_STYLES.items():
        if ancestor in ancestors and (name in names or name == element.tag):
            style = _merge(style, nested)
    if "hidden" in element.attrs:
        return HIDDEN
    return style


Segment = tuple[str, Font, float]  # words, their font, and width added before them (an icon, a sample)


class _Layout:
    def __init__(self) -> None:
        self.box_width = 0.0  # the nearest .factbox's content width: its container queries read it
        self.map_width = 0.0  # the nearest .fb-map's width: it picks the picture shown

    # Inline content: words wrapped greedily into lines.

    def _segments(self, node: Element | str, font: Font, ancestors: frozenset[str]) -> list[Segment]:
        if isinstance(node, str):
            return [(node, font, 0.0)]
        if node.tag == "br":
            return [(BREAK, font, 0.0)]
        if node.tag == "svg":
            return [("", font, float(node.attrs.get("width", 0) or 0))]
        style = _style(node, ancestors)
        if style.display == "none":
            return []
        inner = font.inherit(style)
        found: list[Segment] = [("", inner, style.extra)] if style.extra else []
        below = ancestors | set(node.classes)
        for child in node.children:
            found.extend(self._segments(child, inner, below))
        if node.tag in NOWRAP:
            found = [(re.sub(r"\s+", NO_BREAK, text), f, extra) for text, f, extra in found]
        return found

    def _lines(self, segments: list[Segment], width: float, strut: Font) -> float:
        width *= LINE_FILL
        lines, used, height, tallest = 0, 0.0, 0.0, strut.line_height
        for text, font, extra in segments:
            used += extra
            for piece in re.split(f"(\\s+|{BREAK})", text):
                if not piece:
                    continue
                if piece == BREAK:
                    lines, used, height = lines + 1, 0.0, height + tallest
                    continue
                if piece.isspace():
                    if used:
                        used += font.width(" ")
                    continue
                word = font.width(piece)
                if used and used + word > width:
                    lines, height = lines + 1, height + tallest
                    used = 0.0
                used += word
                tallest = max(tallest, font.line_height) if not lines else tallest
        if used or (lines == 0 and any(text.strip() or extra for text, _font, extra in segments)):
            height += tallest
        return height

    def _flex(self, element: Element, style: Style, font: Font, width: float, ancestors: frozenset[str]) -> float:
        """A wrapping row of items, each as wide as its text (none wraps inside)."""
        below = ancestors | set(element.classes)
        rows, used = 1, 0.0
        items = [child for child in element.children if not (isinstance(child, str) and not child.strip())]
        for child in items:
            segments = self._segments(child, font, below)
            if not segments:
                continue
            item = sum(f.width(text.strip()) + extra for text, f, extra in segments) + style.extra
            if used and used + style.gap[1] + item > width:
                rows, used = rows + 1, item
            else:
                used += (style.gap[1] if used else 0) + item
        return rows * font.line_height + (rows - 1) * style.gap[0] if items else 0.0

    # Blocks: their children stacked, with margins between (the larger of two that meet).

    def block(self, element: Element, font: Font, width: float, ancestors: frozenset[str], style: Style) -> float:
        if "fb-title" in element.classes and self.box_width >= WIDE_TITLE:
            style = replace(style, font=TITLE_WIDE_FONT)
        font = font.inherit(style)
        top, right, bottom, left = style.padding
        inner = max(1.0, width - left - right)
        if "factbox" in element.classes:
            self.box_width = inner
        if "fb-map" in element.classes:
            self.map_width = inner
        below = ancestors | set(element.classes) | {element.tag}
        if element.tag == "svg":
            if "fb-map-narrow" in element.classes:
                return 0.0 if self.map_width >= MAP_WIDE_FROM else self._drawing(element, min(inner, MAP_NARROW_MAX))
            if "fb-map-wide" in element.classes and self.map_width < MAP_WIDE_FROM:
                return 0.0
            return self._drawing(element, inner)
        if style.display == "table":
            content = self._table(element, font, inner, below)
        elif style.display == "flex":
            content = self._flex(element, style, font, inner, ancestors)
        else:
            content = self._stack(element, font, inner, below)
        return style.border[0] + top + content + bottom + style.border[1]

    def _stack(self, element: Element, font: Font, width: float, below: frozenset[str]) -> float:
        height, margin, run = 0.0, 0.0, []
        blocks = [child for child in element.children if not (isinstance(child, str) and not child.strip() and not run)]
        first = True
        children = [
            child for child in blocks if not (isinstance(child, Element) and _style(child, below).display == "none")
        ]
        count = len([c for c in children if isinstance(c, Element) and _style(c, below).display not in ("inline",)])
        index = 0

        def flush() -> float:
            return self._lines(run, width, font) if run else 0.0

        for child in children:
            style = INLINE if isinstance(child, str) else _style(child, below)
            if style.display == "inline" or (isinstance(child, Element) and child.tag == "br"):
                run.extend(self._segments(child, font, below))
                continue
            if run and any(text.strip() or extra for text, _f, extra in run):
                height += max(margin, 0) + flush()
                margin = 0.0
            run = []
            style = self._positional(child, style, index, count)
            index += 1
            height += max(margin, style.margin[0]) if not first else style.margin[0]
            first = False
            height += self.block(child, font, width, below, style)
            margin = style.margin[1]
        if run and any(text.strip() or extra for text, _f, extra in run):
            height += margin + flush()
        else:
            height += margin
        return height

    @staticmethod
    def _positional(element: Element, style: Style, index: int, count: int) -> Style:
        # The first item of a list has no rule nor space above it, the last none below.
        if "fb-item" in element.classes:
            _top, right, bottom, left = style.padding
            if index == 0:
                style = replace(style, padding=(0, right, bottom, left), border=(0, style.border[1]))
            if index == count - 1:
                style = replace(style, padding=(style.padding[0], right, 0, left))
        return style

    def _drawing(self, svg: Element, width: float) -> float:
        """A picture scales with its width up to its natural size, keeping its viewBox's aspect."""
        try:
            _x, _y, view_width, view_height = (float(n) for n in svg.attrs.get("viewbox", "").replace(",", " ").split())
        except ValueError:
            return float(svg.attrs.get("height", 0) or 0)
        natural = svg.attrs.get("width", "")
        drawn = min(width, float(natural)) if natural.replace(".", "", 1).isdigit() else width
        return drawn * view_height / view_width if view_width else 0.0

    # The table of ties: a table in a wide box, cards in a narrow one.

    def _rows(self, element: Element) -> list[Element]:
        rows = []
        for child in element.children:
            if isinstance(child, Element):
                rows.extend([child] if child.tag == "tr" else self._rows(child))
        return rows

    def _table(self, table: Element, font: Font, width: float, below: frozenset[str]) -> float:
        height = 0.0
        caption = next((c for c in table.children if isinstance(c, Element) and c.tag == "caption"), None)
        if caption is not None:
            height += self.block(caption, font, width, below, TABLE_CAPTION)
        rows = self._rows(table)
        if self.box_width >= WIDE_TABLE:
            return height + sum(self._table_row(row, font, width, below | {WIDE}) for row in rows)
        return height + sum(self._card(row, font, width, below) for row in rows if _is_body_row(row))

    def _cells(self, row: Element) -> list[Element]:
        return [c for c in row.children if isinstance(c, Element) and c.tag in ("td", "th")]

    def _table_row(self, row: Element, font: Font, width: float, below: frozenset[str]) -> float:
        vertical, horizontal = TABLE_CELL_PADDING
        rest = width - TABLE_NUMBER_WIDTH
        head = not _is_body_row(row)
        tallest = 0.0
        for cell in self._cells(row):
            share = next((share for name, share in TABLE_COLUMNS.items() if name in cell.classes), None)
            cell_width = (TABLE_NUMBER_WIDTH if share is None else rest * share) - 2 * horizontal
            style = TABLE_HEAD_ROW if head else Style()
            tallest = max(tallest, self.block(cell, font.inherit(style), cell_width, below, Style()))
        return tallest + 2 * vertical + (2 if head else 1)

    def _card(self, row: Element, font: Font, width: float, below: frozenset[str]) -> float:
        top, _right, bottom, left = CARD_ROW.padding
        inner = width - left
        sentence: list[Segment] = []
        status: list[Element] = []
        details: list[Element] = []
        for cell in self._cells(row):
            names = set(cell.classes)
            if names & {"fb-tie-who", "fb-tie-what", "fb-tie-whom"}:
                sentence.extend(self._segments(Element("span", {}, cell.children), font, below))
                sentence.append((" ", font, 0.0))
            elif "fb-tie-status" in names or ("fb-tie-date" in names and "fb-empty" not in names):
                # A date reads "Since 2024", its column's name before it.
                label = cell.attrs.get("data-label", "")
                status.append(Element("span", {}, [f"{label} ", *cell.children] if label else cell.children))
            elif "fb-tie-details" in names:
                details.append(cell)
        height = self._lines(sentence, inner, font)
        if status:
            line = Element("div", {}, status)
            height += CARD_STATUS_LINE.margin[0] + self._flex(line, CARD_STATUS_LINE, font, inner, below)
        for cell in details:
            height += CARD_DETAILS.margin[0] + self._stack(cell, font, inner, below | {"fb-tie-details"})
        return CARD_ROW.border[0] + top + height + bottom


def _is_body_row(row: Element) -> bool:
    return "fb-tie" in row.classes


def height(html: str, width: int) -> int:
    """The height, in CSS pixels, of an embed page's ``html`` in a frame ``width`` pixels wide."""
    root = parse(html)
    body = _find(root, "body") or root
    layout = _Layout()
    style = _style(body, frozenset())
    total = layout.block(body, Font(), float(width), frozenset(), replace(style, display="block"))
    return round(total)


def _find(element: Element, tag: str) -> Element | None:
    for child in element.children:
        if isinstance(child, Element):
            if child.tag == tag:
                return child
            if found := _find(child, tag):
                return found
    return None
