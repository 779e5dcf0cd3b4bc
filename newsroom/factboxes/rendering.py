"""Fact boxes as readers see them: a frozen payload turned into HTML, and boxes placed between a story's paragraphs.

Everything here reads the payload only, never the database, so a box renders
the same on the story page, in an embed on another site and in the admin's
preview, and costs no query however many items it holds. Links are absolute:
the fragment is framed on other sites.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from newsroom import richtext
from newsroom.factboxes import relationship_map
from newsroom.templatetags.newsroom_public import PUBLISHER_NAME, web_url

KINDS = ("key_facts", "relationship_map", "timeline", "actor_profile", "claim_check")
TEMPLATE = "newsroom/factbox/box.html"

# Slugs and Wikidata ids come from validated fields, but a payload is stored JSON:
# anything that lands in an address or an id attribute is checked again here.
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")
WIKIDATA_RE = re.compile(r"Q[1-9][0-9]*")

# A verdict as a 1–5 rating for ClaimReview. Unverified claims have no review to publish, and a
# retraction says the claim was taken back, not how true it is.
RATINGS = {"verified": 5, "disputed": 3, "false": 1}

DATETIME_FORMATS = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


class _Links:
    """Absolute addresses on this site, for a fragment that may be shown on any other."""

    def __init__(self, request) -> None:
        self.request = request

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path) if self.request is not None else path

    def actor(self, slug: str | None) -> str:
        if not slug or not SLUG_RE.fullmatch(slug):
            return ""
        return self.absolute(reverse("actor", args=[slug]))


# --- Payload values, made ready for the templates ---------------------------------


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def when(value: dict[str, Any] | None) -> dict[str, str] | None:
    """A dated value as ``<time>`` needs it: the machine-readable date at its precision, and its display."""
    if not value or not value.get("date"):
        return None
    day = _date(value["date"])
    if day is None:
        return None
    precision = value.get("precision") or "day"
    return {
        "date": day.isoformat(),
        "datetime": day.strftime(DATETIME_FORMATS.get(precision, "%Y-%m-%d")),
        "display": value.get("display") or day.isoformat(),
    }


def actor_link(actor: dict[str, Any] | None, links: _Links) -> dict[str, Any] | None:
    if not actor:
        return None
    return {
        "name": actor.get("name") or "",
        "kind": actor.get("kind") or "",
        "url": links.actor(actor.get("slug")),
    }


def source(value: dict[str, Any]) -> dict[str, Any]:
    url = web_url(value.get("url") or "")
    return {
        "title": value.get("title") or value.get("publisher") or url or "Source",
        "url": url,
        "publisher": value.get("publisher") or "",
        "published_on": _date(value.get("published_on")),
    }


def claim(value: dict[str, Any], links: _Links) -> dict[str, Any]:
    return {
        "id": value.get("id"),
        "text": value.get("text") or "",
        "quote": value.get("quote") or "",
        "kind": value.get("kind") or "",
        "kind_label": value.get("kind_label") or "",
        "verification": value.get("verification") or "unverified",
        "verification_label": value.get("verification_label") or "Unverified",
        "attributed_to": actor_link(value.get("attributed_to"), links),
        "sources": [source(item) for item in value.get("sources") or []],
    }


def relationship(value: dict[str, Any], links: _Links) -> dict[str, Any]:
    kind = value.get("type") or {}
    evidence = []
    for link in value.get("evidence") or []:
        evidence.append(
            {**claim(link, links), "stance": link.get("stance") or "", "stance_label": link.get("stance_label") or ""}
        )
    return {
        "id": value.get("id"),
        "subject": actor_link(value.get("subject"), links),
        "object": actor_link(value.get("object"), links),
        "label": kind.get("label") or "",
        "symmetric": bool(kind.get("symmetric")),
        "category": relationship_map.category_of(value),
        "status": value.get("status") or "",
        "status_label": value.get("status_label") or "",
        "since": when(value.get("valid_from")),
        "until": when(value.get("valid_until")),
        "summary": value.get("summary") or "",
        "evidence": evidence,
    }


def actor(value: dict[str, Any], links: _Links) -> dict[str, Any]:
    wikidata = value.get("wikidata_id") or ""
    return {
        **actor_link(value, links),
        "kind_label": value.get("kind_label") or "",
        "description": value.get("description") or "",
        "aliases": [alias for alias in value.get("aliases") or [] if alias],
        "wikidata_id": wikidata if WIKIDATA_RE.fullmatch(wikidata) else "",
    }


def item(entry: dict[str, Any], links: _Links) -> dict[str, Any] | None:
    """One payload item ready for ``_item.html``; ``None`` for a type this code does not know."""
    kind = entry.get("type")
    value = entry.get(kind) if kind else None
    if not value:
        return None
    prepared: dict[str, Any] = {"type": kind, "when": when(entry.get("when"))}
    if kind == "claim":
        prepared["claim"] = claim(value, links)
    elif kind == "relationship":
        prepared["relationship"] = relationship(value, links)
    elif kind == "actor":
        prepared["actor"] = actor(value, links)
    elif kind == "text":
        prepared["text"] = str(value)
    else:
        return None
    return prepared


# --- Structured data ------------------------------------------------------------------


def claim_reviews(claims: Iterable[dict[str, Any]], *, page_url: str, published: str | None) -> list[dict[str, Any]]:
    """schema.org ClaimReview for each claim with a verdict."""
    reviews = []
    for value in claims:
        rating = RATINGS.get(value["verification"])
        if rating is None:
            continue
        reviewed: dict[str, Any] = {"@type": "Claim"}
        if value["attributed_to"]:
            who = value["attributed_to"]
            # A claim's author is a person or a body speaking; a country speaks through its government.
            author = {"@type": "Person" if who["kind"] == "person" else "Organization", "name": who["name"]}
            if who["url"]:
                author["url"] = who["url"]
            reviewed["author"] = author
        appearances = [{"@type": "CreativeWork", "url": item["url"]} for item in value["sources"] if item["url"]]
        if appearances:
            reviewed["appearance"] = appearances
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": page_url,
            "claimReviewed": value["text"],
            "author": {"@type": "Organization", "name": PUBLISHER_NAME},
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": rating,
                "bestRating": max(RATINGS.values()),
                "worstRating": min(RATINGS.values()),
                "alternateName": value["verification_label"],
            },
            "itemReviewed": reviewed,
        }
        if published:
            review["datePublished"] = published[:10]
        reviews.append(review)
    return reviews


# --- The box ----------------------------------------------------------------------------


def _published_at(value: str | None) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def dom_id(payload: dict[str, Any]) -> str:
    """The prefix of the ids inside the box, safe in an attribute: unique per box and version, so that
    two versions of one box (or a version and the draft's preview) can share a page."""
    slug = payload.get("slug") or ""
    number = payload.get("number")
    version = f"v{number}" if isinstance(number, int) else "preview"
    return f"fb-{slug if SLUG_RE.fullmatch(slug) else 'box'}-{version}"


def _timeline(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Undated entries (a draft's preview may have some) go last, in the box's order.
    return sorted(items, key=lambda entry: (entry["when"] is None, entry["when"]["date"] if entry["when"] else ""))


def _map_description(geometry: relationship_map.MapGeometry) -> str:
    names = [node.name for node in geometry.nodes]
    ties = len(geometry.edges)
    return (
        f"{len(names)} actor{'s' if len(names) != 1 else ''} ({', '.join(names)}) "
        f"joined by {ties} tie{'s' if ties != 1 else ''}, numbered as in the table below."
    )


def factbox_context(payload: dict[str, Any], request) -> dict[str, Any]:
    """What the box's templates read: the payload made ready, and each kind's extras."""
    links = _Links(request)
    kind = payload.get("kind") if payload.get("kind") in KINDS else "key_facts"
    items = [prepared for prepared in (item(entry, links) for entry in payload.get("items") or []) if prepared]
    published = payload.get("published_at")
    context: dict[str, Any] = {
        "uid": dom_id(payload),
        "kind": kind,
        "kind_label": payload.get("kind_label") or "",
        "title": payload.get("title") or "",
        "intro": payload.get("intro") or "",
        "slug": payload.get("slug") or "",
        "number": payload.get("number"),
        "published_at": _published_at(published),
        "publisher": PUBLISHER_NAME,
        "publisher_url": links.absolute(reverse("home")),
        "items": items,
    }
    if kind == "relationship_map":
        geometry = relationship_map.layout(payload)
        ties = [entry for entry in items if entry["type"] == "relationship"]
        context["map"] = geometry
        context["map_description"] = _map_description(geometry)
        context["ties"] = [{"number": number, **entry["relationship"]} for number, entry in enumerate(ties, start=1)]
        # Actors are the map's nodes; anything else the box holds is listed under it.
        context["notes"] = [entry for entry in items if entry["type"] not in ("relationship", "actor")]
    elif kind == "timeline":
        context["items"] = _timeline(items)
    elif kind == "actor_profile":
        subject = next((entry for entry in items if entry["type"] == "actor"), None)
        context["subject"] = subject["actor"] if subject else None
        context["items"] = [entry for entry in items if entry is not subject]
    elif kind == "claim_check":
        claims = [entry["claim"] for entry in items if entry["type"] == "claim"]
        # The page's own address: a theme or a tracking parameter is no part of the review's.
        page_url = request.build_absolute_uri(request.path) if request is not None else ""
        context["reviews"] = claim_reviews(claims, page_url=page_url, published=published)
    return context


def render_factbox(payload: dict[str, Any], request) -> SafeString:
    """The box as one ``<section class="factbox factbox-<kind>">`` element, every text in it escaped."""
    # No request is handed to the template engine: context processors could read the
    # database, and the fragment needs nothing but what factbox_context gives it.
    return mark_safe(render_to_string(TEMPLATE, factbox_context(payload, request)).strip())


# --- Boxes between a story's paragraphs ------------------------------------------------

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


@dataclass
class StoryPart:
    """A run of the story's body, or a box placed after it."""

    html: SafeString | None = None
    payload: dict[str, Any] | None = None


@dataclass
class StoryBody:
    parts: list[StoryPart] = field(default_factory=list)
    beside: list[dict[str, Any]] = field(default_factory=list)  # boxes with no paragraph: beside the story

    @property
    def has_placed(self) -> bool:
        return any(part.payload is not None for part in self.parts)

    @property
    def has_boxes(self) -> bool:
        return self.has_placed or bool(self.beside)


def story_body(html: str, placements: Sequence) -> StoryBody:
    """The story's body cut where its placed boxes go: after their paragraph, or at the end past the last one.

    ``placements`` are FactBoxPlacement rows in running order, each with its
    box's published version loaded.
    """
    blocks = body_blocks(html)
    after: dict[int, list[dict[str, Any]]] = {}
    body = StoryBody()
    for placement in placements:
        payload = placement.factbox.published_version.payload
        if placement.after_paragraph is None:
            body.beside.append(payload)
        else:
            after.setdefault(min(placement.after_paragraph, len(blocks)), []).append(payload)
    start = 0
    for cut in sorted(after):
        if cut > start:
            body.parts.append(StoryPart(html=mark_safe("".join(blocks[start:cut]))))
            start = cut
        body.parts.extend(StoryPart(payload=payload) for payload in after[cut])
    if start < len(blocks):
        body.parts.append(StoryPart(html=mark_safe("".join(blocks[start:]))))
    return body
