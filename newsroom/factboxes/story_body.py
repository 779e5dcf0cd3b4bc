"""A story's body cut into its top-level blocks, with the boxes placed between them.

The body is cut once per process for each text (``body_blocks``), and the story page
puts each placed box after its paragraph (``story_body``); the boxes themselves are
rendered by ``newsroom.factboxes.rendering``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from newsroom import richtext

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Top-level inline content (a stray sentence, a link, a line break) is gathered into one block.
INLINE_TAGS = {
    "a", "abbr", "b", "br", "cite", "code", "em", "i", "mark", "q", "s", "small", "strong", "sub", "sup", "u",
}  # fmt: skip


class _BlockSplitter(HTMLParser):
    """Cuts an HTML fragment into its top-level blocks, rebuilding each one from the parse."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = []
        self.shown: list[bool] = []  # whether each block shows the reader anything
        self.depth = 0
        self.inline_run = False  # the last block is a run of top-level inline content

    def _target(self, *, inline: bool) -> list[str]:
        if self.depth == 0:
            if not (inline and self.inline_run):
                self.blocks.append([])
                self.shown.append(False)
            self.inline_run = inline
        return self.blocks[-1]

    def handle_starttag(self, tag: str, attrs) -> None:
        self._target(inline=tag in INLINE_TAGS).append(self.get_starttag_text() or f"<{tag}>")
        if tag == "hr":
            self.shown[-1] = True
        if tag not in VOID_TAGS:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS or self.depth == 0:
            return  # a stray end tag closes nothing
        self.depth -= 1
        self.blocks[-1].append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.depth == 0 and not data.strip():
            if self.blocks:
                self.blocks[-1].append(data)
            return
        self._target(inline=True).append(escape(data, quote=False))
        self.shown[-1] = self.shown[-1] or bool(data.strip())


@functools.lru_cache(maxsize=128)
def _body_blocks(html: str) -> tuple[SafeString, ...]:
    """The top-level blocks of a story body (paragraphs, headings, lists, quotes, tables…), sanitised.

    A list or a quote is one block however deep it nests; text outside any
    block is one block with the inline elements around it. A block that shows
    nothing (an empty paragraph a rich-text editor left) is not counted: it
    stays with the block before it.
    """
    splitter = _BlockSplitter()
    splitter.feed(richtext.sanitised_output(html))
    splitter.close()
    blocks: list[str] = []
    pending = ""  # empty blocks before the first one that shows something
    for parts, shown in zip(splitter.blocks, splitter.shown, strict=True):
        piece = "".join(parts)
        if shown:
            blocks.append(pending + piece)
            pending = ""
        elif blocks:
            blocks[-1] += piece
        else:
            pending += piece
    if pending.strip():
        blocks.append(pending)
    # Each piece is rebuilt from sanitised markup with its text escaped again: it stays safe.
    return tuple(mark_safe(block) for block in blocks)


def body_blocks(html: str) -> list[SafeString]:
    # Cut once per process for each body text: a story read a thousand times is not parsed a thousand times.
    return list(_body_blocks(html or ""))


# Kinds that read well in the narrow column beside the text. A map needs the text column's whole width to be
# read, so it always runs in the text.
BESIDE_KINDS = {"key_facts", "claim_check", "timeline", "actor_profile"}


@dataclass
class StoryPart:
    """A run of the story's body, or a box placed after it (with the verdicts moved since its version)."""

    html: SafeString | None = None
    payload: dict[str, Any] | None = None
    verdicts: Mapping[int, Any] = field(default_factory=dict)
    beside: bool = False  # the one box that sits beside the text on wide screens


@dataclass
class StoryBody:
    parts: list[StoryPart] = field(default_factory=list)
    beside: StoryPart | None = None  # the box with no paragraph chosen to head the column beside the text
    after: list[StoryPart] = field(default_factory=list)  # the other boxes with no paragraph: after the text

    @property
    def has_placed(self) -> bool:
        return any(part.payload is not None for part in self.parts)

    @property
    def has_boxes(self) -> bool:
        return self.has_placed or self.beside is not None or bool(self.after)

    @property
    def has_beside(self) -> bool:
        return self.beside is not None or any(part.beside for part in self.parts)


def _fits_beside(box: StoryPart) -> bool:
    return (box.payload or {}).get("kind") in BESIDE_KINDS


def story_body(html: str, placements: Sequence, verdicts: Mapping[int, Mapping] | None = None) -> StoryBody:
    """The story's body cut where its placed boxes go: after their paragraph, or at the end past the last one.

    At most one box goes beside the text on wide screens, so that the boxes never
    run far below the text they go with: the first box with no paragraph that
    reads well in a narrow column (heading that column), or else the first
    placed one that does (level with its paragraph). Every other box runs in
    the text at its full width, at its paragraph or after the text.

    ``placements`` are FactBoxPlacement rows in running order, each with its
    box's published version loaded; ``verdicts`` the verdicts moved since each
    version, by version id (``newsroom.factboxes.notices``).
    """
    blocks = body_blocks(html)
    at: dict[int, list[StoryPart]] = {}
    body = StoryBody()
    for placement in placements:
        version = placement.factbox.published_version
        box = StoryPart(payload=version.payload, verdicts=(verdicts or {}).get(version.pk, {}))
        if placement.after_paragraph is not None:
            at.setdefault(min(placement.after_paragraph, len(blocks)), []).append(box)
        elif body.beside is None and _fits_beside(box):
            box.beside = True
            body.beside = box
        else:
            body.after.append(box)
    if body.beside is None:
        placed = (box for cut in sorted(at) for box in at[cut])
        chosen = next((box for box in placed if _fits_beside(box)), None)
        if chosen is not None:
            chosen.beside = True
    start = 0
    for cut in sorted(at):
        if cut > start:
            body.parts.append(StoryPart(html=mark_safe("".join(blocks[start:cut]))))
            start = cut
        body.parts.extend(at[cut])
    if start < len(blocks):
        body.parts.append(StoryPart(html=mark_safe("".join(blocks[start:]))))
    return body
