"""Fact boxes as readers see them: a frozen payload turned into the context of the box's templates, and HTML.

Everything here reads the payload only (through ``newsroom.factboxes.payload``), never the
database, so a box renders the same on the story page, in an embed on another site and in
the admin's preview, and costs no query however many items it holds. Links are absolute:
the fragment is framed on other sites.

The one thing a published version shows that it did not freeze is the verdicts its claims have
been given since (``newsroom.factboxes.notices``): the caller reads them, for every box on its
page at once, and hands them in; each claim whose verdict moved carries a dated notice.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from core.addresses import SLUG_RE, absolute_url, web_url
from newsroom.factboxes import notices, payload, relationship_map
from newsroom.factboxes.claim_review import claim_reviews
from newsroom.templatetags.newsroom_public import PUBLISHER_NAME

KINDS = ("key_facts", "relationship_map", "timeline", "actor_profile", "claim_check")
TEMPLATE = "newsroom/factbox/box.html"

# Slugs and Wikidata ids come from validated fields, but a payload is stored JSON:
# anything that lands in an address or an id attribute is checked again here.
WIKIDATA_RE = re.compile(r"Q[1-9][0-9]*")

DATETIME_FORMATS = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


class _Links:
    """Absolute addresses on this site, for a fragment that may be shown on any other."""

    def __init__(self, request) -> None:
        self.request = request

    def absolute(self, view_name: str, *args: object) -> str:
        return absolute_url(self.request, view_name, *args)

    def actor(self, slug: str) -> str:
        if not slug or not SLUG_RE.fullmatch(slug):
            return ""
        return self.absolute("actor", slug)


# --- Payload values, made ready for the templates ---------------------------------


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def when(value: payload.Dated | None) -> dict[str, str] | None:
    """A dated value as ``<time>`` needs it: the machine-readable date at its precision, and its display."""
    if not value:
        return None
    day = datetime.date.fromisoformat(value["date"])
    return {
        "date": value["date"],
        "datetime": day.strftime(DATETIME_FORMATS.get(value["precision"], "%Y-%m-%d")),
        "display": value["display"],
    }


def actor_link(actor: payload.ActorRef | None, links: _Links) -> dict[str, Any] | None:
    if not actor:
        return None
    return {"name": actor["name"], "kind": actor["kind"], "url": links.actor(actor["slug"])}


def source(value: payload.Source) -> dict[str, Any]:
    url = web_url(value["url"])
    return {
        "title": value["title"] or value["publisher"] or url or "Source",
        "url": url,
        "publisher": value["publisher"],
        "published_on": _date(value["published_on"]),
    }


def claim(value: payload.Claim, links: _Links) -> dict[str, Any]:
    return {
        "id": value["id"],
        "text": value["text"],
        "quote": value["quote"],
        "kind": value["kind"],
        "kind_label": value["kind_label"],
        "verification": value["verification"],
        "verification_label": value["verification_label"],
        "attributed_to": actor_link(value["attributed_to"], links),
        "sources": [source(item) for item in value["sources"]],
    }


def relationship(value: payload.Relationship, links: _Links) -> dict[str, Any]:
    evidence = sorted(value["evidence"], key=lambda link: relationship_map.STANCE_ORDER.get(link["stance"], 0))
    return {
        "id": value["id"],
        "subject": actor_link(value["subject"], links),
        "object": actor_link(value["object"], links),
        "label": value["type"]["label"],
        "symmetric": value["type"]["symmetric"],
        "category": relationship_map.category_of(value),
        "status": value["status"],
        "status_label": value["status_label"],
        "since": when(value["valid_from"]),
        "until": when(value["valid_until"]),
        "summary": value["summary"],
        "evidence": [
            {**claim(link, links), "stance": link["stance"], "stance_label": link["stance_label"]} for link in evidence
        ],
    }


def actor(value: payload.Actor, links: _Links) -> dict[str, Any]:
    wikidata = value["wikidata_id"]
    return {
        **actor_link(value, links),
        "kind_label": value["kind_label"],
        "description": value["description"],
        "aliases": value["aliases"],
        "wikidata_id": wikidata if WIKIDATA_RE.fullmatch(wikidata) else "",
    }


PREPARE: dict[str, Callable[[Any, _Links], Any]] = {
    "claim": claim,
    "relationship": relationship,
    "actor": actor,
    "text": lambda text, links: text,
}


def item(entry: payload.Item, links: _Links) -> dict[str, Any]:
    """One payload item ready for ``_item.html``."""
    kind = entry["type"]
    return {"type": kind, "when": when(entry.get("when")), kind: PREPARE[kind](entry[kind], links)}


# --- Verdicts given since: notices, and what a tie's evidence still amounts to ------------------------


def _current(claim: dict[str, Any]) -> str:
    return claim["notice"]["verification"] if claim.get("notice") else claim["verification"]


def _claims(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The claims a prepared item shows, as ``payload.claims_shown`` finds them in a payload's."""
    if entry["type"] == "claim":
        return [entry["claim"]]
    if entry["type"] == "relationship":
        return entry["relationship"]["evidence"]
    return []


def _with_notices(
    items: list[dict[str, Any]], verdicts: notices.Verdicts, correction: tuple[str, datetime.datetime] | None
) -> None:
    """Each claim whose verdict has moved since the version gets its notice, linked to the story's
    corrections when one was published since the verdict (the story page's own); each tie, the words
    for what its evidence still amounts to."""
    for entry in items:
        for claim in _claims(entry):
            shown = notices.notice(claim, verdicts)
            if shown and correction and correction[1] >= shown["since"]:
                shown["see_url"] = correction[0]
            claim["notice"] = shown
        if entry["type"] == "relationship":
            evidence = entry["relationship"]["evidence"]
            entry["relationship"]["evidence_note"] = relationship_map.evidence_note(
                (claim["stance"], _current(claim)) for claim in evidence
            )


# --- The box ----------------------------------------------------------------------------


def dom_id(box: payload.Header) -> str:
    """The prefix of the ids inside the box, safe in an attribute: unique per box and version, so that
    two versions of one box (or a version and the draft's preview) can share a page."""
    slug = box["slug"] if SLUG_RE.fullmatch(box["slug"]) else "box"
    version = f"v{box['number']}" if "number" in box else "preview"
    return f"fb-{slug}-{version}"


def _published_at(box: payload.Header) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(box["published_at"]) if "published_at" in box else None


def _map_description(geometry: relationship_map.MapGeometry) -> str:
    names = [node.name for node in geometry.nodes]
    ties = len(geometry.edges)
    return (
        f"{len(names)} actor{'s' if len(names) != 1 else ''} ({', '.join(names)}) "
        f"joined by {ties} tie{'s' if ties != 1 else ''}, numbered as in the table below."
    )


# Each kind's extras: what its own template reads besides the box's fields and items.


def _map_extras(box: payload.Payload, items: list[dict[str, Any]], request) -> dict[str, Any]:
    geometry = relationship_map.draw(box)
    ties = [entry["relationship"] for entry in items if entry["type"] == "relationship"]
    return {
        "map": geometry,
        "map_description": _map_description(geometry),
        "ties": [{"number": number, **tie} for number, tie in enumerate(ties, start=1)],
        # Actors are the map's nodes; anything else the box holds is listed under it.
        "notes": [entry for entry in items if entry["type"] not in ("relationship", "actor")],
    }


def _by_date(entry: dict[str, Any]) -> tuple[bool, str]:
    # Undated entries (a draft's preview may have some) go last, in the box's order.
    return entry["when"] is None, entry["when"]["date"] if entry["when"] else ""


def _timeline_extras(box: payload.Payload, items: list[dict[str, Any]], request) -> dict[str, Any]:
    return {"items": sorted(items, key=_by_date)}


def _profile_extras(box: payload.Payload, items: list[dict[str, Any]], request) -> dict[str, Any]:
    subject = next((entry for entry in items if entry["type"] == "actor"), None)
    return {
        "subject": subject["actor"] if subject else None,
        "items": [entry for entry in items if entry is not subject],
    }


def _claim_check_extras(box: payload.Payload, items: list[dict[str, Any]], request) -> dict[str, Any]:
    claims = [entry["claim"] for entry in items if entry["type"] == "claim"]
    # The page's own address: a theme or a tracking parameter is no part of the review's.
    page_url = request.build_absolute_uri(request.path) if request is not None else ""
    return {"reviews": claim_reviews(claims, page_url=page_url, published=box.get("published_at"))}


EXTRAS = {
    "relationship_map": _map_extras,
    "timeline": _timeline_extras,
    "actor_profile": _profile_extras,
    "claim_check": _claim_check_extras,
}


# --- Sources: cited once per box, as numbered notes ---------------------------------------------------------


def _claims_in_reading_order(kind: str, context: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The claims a box shows, in the order its kind's template shows them, so that the notes number up
    from the top: a map's ties (in the table's order) before the lines under it, a timeline by date."""
    if kind == "relationship_map":
        entries = [{"type": "relationship", "relationship": tie} for tie in context["ties"]] + context["notes"]
    else:
        entries = context["items"]
    return [claim for entry in entries for claim in _claims(entry)]


def _source_key(source: Mapping[str, Any]) -> tuple:
    # One source cited by several claims is one note: the same address, or with none the same title and publisher.
    if source["url"]:
        return ("url", source["url"])
    return ("title", source["title"].casefold().strip(), (source["publisher"] or "").casefold().strip())


def number_sources(uid: str, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The box's sources, each once, numbered in the order readers meet them; each claim's ``notes`` are
    the numbers and ids of its own, for the links from the item to the list at the foot of the box. The
    ids start with the box's, which is unique per box and version, so two boxes on one page never share one."""
    notes: dict[tuple, dict[str, Any]] = {}
    for claim in claims:
        refs = []
        for source in claim["sources"]:
            key = _source_key(source)
            if key not in notes:
                number = len(notes) + 1
                notes[key] = {**source, "number": number, "id": f"{uid}-source-{number}"}
            if notes[key] not in refs:
                refs.append(notes[key])
        claim["notes"] = sorted(refs, key=lambda note: note["number"])
    return list(notes.values())


def factbox_context(
    stored: Mapping[str, Any],
    request,
    *,
    verdicts: notices.Verdicts | None = None,
    correction: tuple[str, datetime.datetime] | None = None,
    draft_note: str = "",
) -> dict[str, Any]:
    """What the box's templates read: the payload made ready, and its kind's extras. ``verdicts`` are
    the verdicts moved since the version (``notices``), by claim; ``correction`` the address and date
    of the latest correction of the story the box is shown with, if it has one; ``draft_note`` what the
    footer of a draft's preview says of the box's state (readers never see a draft)."""
    box = payload.read_payload(stored)
    links = _Links(request)
    kind = box["kind"] if box["kind"] in KINDS else "key_facts"
    items = [item(entry, links) for entry in box["items"]]
    verdicts = verdicts or {}
    _with_notices(items, verdicts, correction)
    # Each claim once, however many items show it.
    noticed = {claim["id"]: verdicts[claim["id"]] for entry in items for claim in _claims(entry) if claim["notice"]}
    context: dict[str, Any] = {
        "uid": dom_id(box),
        "kind": kind,
        "kind_label": box["kind_label"],
        "title": box["title"],
        "intro": box["intro"],
        "slug": box["slug"],
        "number": box.get("number"),
        "published_at": _published_at(box),
        "publisher": PUBLISHER_NAME,
        "publisher_url": links.absolute("home"),
        "items": items,
        "notice_summary": notices.summary(noticed.values()),
        "draft_note": draft_note,
    }
    if kind in EXTRAS:
        context.update(EXTRAS[kind](box, items, request))
    context["sources"] = number_sources(context["uid"], _claims_in_reading_order(kind, context))
    return context


def render_factbox(
    stored: Mapping[str, Any],
    request,
    *,
    verdicts: notices.Verdicts | None = None,
    correction: tuple[str, datetime.datetime] | None = None,
    draft_note: str = "",
) -> SafeString:
    """The box as one ``<section class="factbox factbox-<kind>">`` element, every text in it escaped."""
    # No request is handed to the template engine: context processors could read the
    # database, and the fragment needs nothing but what factbox_context gives it.
    context = factbox_context(stored, request, verdicts=verdicts, correction=correction, draft_note=draft_note)
    return mark_safe(render_to_string(TEMPLATE, context).strip())


# --- Where readers find each item ----------------------------------------------------------------


def reader_places(box: Mapping[str, Any]) -> list[str]:
    """Where readers find each item of a payload, in the payload's order, as the box's kind shows it:
    the number a relationship map gives a tie (its place among the ties, not among all items), a
    timeline's place by date, a list's place. The admin shows these beside the rows it edits, so that
    an editor reads the numbers a reader reads."""
    entries = [entry for entry in box.get("items", []) if isinstance(entry, Mapping)]
    kind = box.get("kind")
    if kind == "relationship_map":
        places, ties = [], 0
        for entry in entries:
            if entry.get("type") == "relationship":
                ties += 1
                places.append(f"Tie {ties}")
            else:
                places.append("On the map" if entry.get("type") == "actor" else "Under the map")
        return places
    if kind == "timeline":
        dated = sorted(
            (i for i, entry in enumerate(entries) if entry.get("when")), key=lambda i: entries[i]["when"]["date"]
        )
        rank = {i: n for n, i in enumerate(dated, start=1)}
        return [f"{rank[i]} by date" if i in rank else "Date to come" for i in range(len(entries))]
    if kind == "actor_profile":
        subject = next((i for i, entry in enumerate(entries) if entry.get("type") == "actor"), None)
        places, n = [], 0
        for i in range(len(entries)):
            if i == subject:
                places.append("The profile")
            else:
                n += 1
                places.append(str(n))
        return places
    return [str(n) for n in range(1, len(entries) + 1)]
