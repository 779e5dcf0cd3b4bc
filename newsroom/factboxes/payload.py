"""The fact box payload: what a published version freezes, written and read in this module only.

A payload is the JSON a ``FactBoxVersion`` stores: the box's own fields and its items, each
item a claim, a relationship, an actor or a line of text with everything readers see of it
copied in (names, labels, sources, evidence), so that a version renders the same forever
without reading the rows it was built from. ``write_payload`` builds one from a draft's
items; ``read_payload`` reads one back. The shapes are the ``TypedDict`` classes below.

Stored payloads are never migrated: a version keeps the JSON it was published with, so a
reader must take whatever any version holds. ``read_payload`` returns every field of these
shapes present and of its type, so the code that uses a payload indexes it directly instead
of guessing at defaults. Reading what ``write_payload`` wrote gives it back unchanged. What
a stored payload lacks, or holds in the wrong type, reads as follows:

- text reads as ``""`` when missing, null, empty or not a string (a few fields say what an
  empty one means instead: a claim with no verification is unverified, a date with no
  precision is precise to the day and displays as its ISO form);
- a list reads as ``[]`` when missing or null; an entry of it that is not a JSON object with
  something in it is left out, as are empty aliases;
- an id, a date or a moment reads as ``None`` when missing or not valid; a flag as ``False``
  when missing;
- an actor (a claim's author, a tie's end) reads as ``None`` when missing, null or empty;
- a dated value (a tie's start and end, an item's ``when``) reads as ``{}``, undated, unless
  it holds a valid ISO date; an undated item has no ``when`` at all, as written;
- an item whose type this code does not know, or whose content is missing or empty, is left
  out: no reader has anything to show of it;
- a payload without ``number`` and ``published_at`` is a draft's, shown in the admin's preview;
- a map's ``map_layout`` (its picture's geometry, frozen when published) is kept if it is a JSON object;
  ``relationship_map`` lays the map out again when it is missing or does not fit the items.

Keys a reader does not know are dropped from what it returns, never from what is stored:
the API serves the stored JSON as it is (``with_web_urls`` empties any address that is not http(s)).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, NotRequired, TypedDict

from core.addresses import web_url
from relations import dates

if TYPE_CHECKING:
    from newsroom.models import FactBox, FactBoxItem
    from relations import models as relations

SCHEMA = 1
NAME_LENGTH = 90


# --- The shapes -----------------------------------------------------------------------------


class ActorRef(TypedDict):
    """An actor as a claim or a tie names it."""

    id: int | None
    name: str
    slug: str
    kind: str


class Actor(ActorRef):
    """An actor item: the actor and what its profile shows."""

    kind_label: str
    description: str
    wikidata_id: str
    aliases: list[str]


class Source(TypedDict):
    title: str
    url: str
    publisher: str
    published_on: str | None  # ISO date


class Claim(TypedDict):
    id: int | None
    text: str
    quote: str
    kind: str
    kind_label: str
    verification: str
    verification_label: str
    verified_at: str | None  # ISO moment
    attributed_to: ActorRef | None  # None: our own reporting
    sources: list[Source]


class Evidence(Claim):
    """A claim a relationship shows, and whether it supports the tie, contradicts it or gives its context."""

    stance: str
    stance_label: str


class TieType(TypedDict):
    name: str
    slug: str
    label: str
    reverse_label: str
    symmetric: bool
    category: str
    category_label: str


class Dated(TypedDict, total=False):
    """A date at its precision and as readers read it; ``{}`` when there is none."""

    date: str  # ISO date
    precision: str  # year, month or day
    display: str


class Relationship(TypedDict):
    id: int | None
    subject: ActorRef | None
    object: ActorRef | None
    type: TieType
    status: str
    status_label: str
    valid_from: Dated
    valid_until: Dated
    summary: str
    evidence: list[Evidence]


class ClaimItem(TypedDict):
    type: Literal["claim"]
    claim: Claim
    when: NotRequired[Dated]  # only when dated


class RelationshipItem(TypedDict):
    type: Literal["relationship"]
    relationship: Relationship
    when: NotRequired[Dated]


class ActorItem(TypedDict):
    type: Literal["actor"]
    actor: Actor
    when: NotRequired[Dated]


class TextItem(TypedDict):
    type: Literal["text"]
    text: str
    when: NotRequired[Dated]


Item = ClaimItem | RelationshipItem | ActorItem | TextItem


class Header(TypedDict):
    """The box's own fields: all a reader needs who shows no item."""

    schema: int
    title: str
    slug: str
    kind: str
    kind_label: str
    intro: str
    number: NotRequired[int]  # set when published; a draft's payload has neither
    published_at: NotRequired[str]  # ISO moment
    map_layout: NotRequired[dict[str, Any]]  # a map's, frozen when published: see relationship_map


class Payload(Header):
    items: list[Item]


# --- Writing: a draft's rows as a payload ----------------------------------------------------
# The rows come with what these read already loaded (snapshots._items): writing runs no query.


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def write_actor_ref(actor: relations.Actor | None) -> ActorRef | None:
    if actor is None:
        return None
    return {"id": actor.pk, "name": actor.name, "slug": actor.slug, "kind": actor.kind}


def write_dated(value: datetime.date | None, precision: str) -> Dated:
    if not value:
        return {}
    return {"date": value.isoformat(), "precision": precision, "display": dates.display(value, precision)}


def write_source(source: relations.Source) -> Source:
    return {
        "title": source.title,
        "url": source.url,
        "publisher": source.publisher,
        "published_on": _iso(source.published_on),
    }


def write_claim(claim: relations.Claim) -> Claim:
    return {
        "id": claim.pk,
        "text": claim.text,
        "quote": claim.quote,
        "kind": claim.kind,
        "kind_label": claim.get_kind_display(),
        "verification": claim.verification,
        "verification_label": claim.get_verification_display(),
        "verified_at": _iso(claim.verified_at),
        "attributed_to": write_actor_ref(claim.attributed_to),
        "sources": [write_source(source) for source in claim.snapshot_sources],
    }


def write_evidence(link: relations.ClaimRelationship) -> Evidence:
    return {"stance": link.stance, "stance_label": link.get_stance_display(), **write_claim(link.claim)}


def write_relationship(tie: relations.Relationship) -> Relationship:
    return {
        "id": tie.pk,
        "subject": write_actor_ref(tie.subject),
        "object": write_actor_ref(tie.object),
        "type": {
            "name": tie.type.name,
            "slug": tie.type.slug,
            "label": tie.type.label,
            "reverse_label": tie.type.reverse_label,
            "symmetric": tie.type.symmetric,
            "category": tie.type.category,
            "category_label": tie.type.get_category_display(),
        },
        "status": tie.status,
        "status_label": tie.get_status_display(),
        "valid_from": write_dated(tie.valid_from, tie.valid_from_precision),
        "valid_until": write_dated(tie.valid_until, tie.valid_until_precision),
        "summary": tie.summary,
        "evidence": [write_evidence(link) for link in tie.snapshot_evidence],
    }


def write_actor(actor: relations.Actor) -> Actor:
    return {
        **write_actor_ref(actor),
        "kind_label": actor.get_kind_display(),
        "description": actor.description,
        "wikidata_id": actor.wikidata_id,
        "aliases": [alias.name for alias in actor.aliases.all()],
    }


def write_item(item: FactBoxItem) -> Item:
    entry: Item
    if item.claim_id:
        entry = {"type": "claim", "claim": write_claim(item.claim)}
    elif item.relationship_id:
        entry = {"type": "relationship", "relationship": write_relationship(item.relationship)}
    elif item.actor_id:
        entry = {"type": "actor", "actor": write_actor(item.actor)}
    else:
        entry = {"type": "text", "text": item.text}
    if item.date:
        entry["when"] = write_dated(item.date, item.date_precision)
    elif item.relationship_id and item.relationship.valid_from:
        entry["when"] = write_dated(item.relationship.valid_from, item.relationship.valid_from_precision)
    return entry


def write_payload(box: FactBox, items: Iterable[FactBoxItem]) -> Payload:
    """The payload of ``box`` showing ``items``: a draft's, until ``published`` stamps it."""
    return {
        "schema": SCHEMA,
        "title": box.title,
        "slug": box.slug,
        "kind": box.kind,
        "kind_label": box.get_kind_display(),
        "intro": box.intro,
        "items": [write_item(item) for item in items],
    }


def published(draft: Payload, *, number: int, at: datetime.datetime) -> Payload:
    """``draft`` as version ``number``, published ``at``."""
    return {**draft, "number": number, "published_at": at.isoformat()}


# --- Reading: stored JSON as these shapes, whatever version wrote it -----------------------------


def _object(value: Any) -> dict[str, Any] | None:
    return value if type(value) is dict and value else None


def _objects(value: Any) -> list[dict[str, Any]]:
    if type(value) is not list:
        return []
    return [entry for entry in value if type(entry) is dict and entry]


def _text(raw: Mapping[str, Any], key: str, empty: str = "") -> str:
    value = raw.get(key)
    return value if type(value) is str and value else empty


def _int(value: Any) -> int | None:
    return value if type(value) is int else None


def _id(raw: Mapping[str, Any]) -> int | None:
    return _int(raw.get("id"))


def _parsed(value: Any, parse: Callable[[str], object]) -> str | None:
    """``value`` if it is a string ``parse`` takes, else None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parse(value)
    except ValueError:
        return None
    return value


def read_actor_ref(raw: Any) -> ActorRef | None:
    raw = _object(raw)
    if raw is None:
        return None
    return {"id": _id(raw), "name": _text(raw, "name"), "slug": _text(raw, "slug"), "kind": _text(raw, "kind")}


def read_dated(raw: Any) -> Dated:
    raw = _object(raw) or {}
    try:
        iso = datetime.date.fromisoformat(raw.get("date")).isoformat()
    except (TypeError, ValueError):
        return {}
    return {"date": iso, "precision": _text(raw, "precision", "day"), "display": _text(raw, "display", iso)}


def read_source(raw: Mapping[str, Any]) -> Source:
    return {
        "title": _text(raw, "title"),
        "url": _text(raw, "url"),
        "publisher": _text(raw, "publisher"),
        "published_on": _parsed(raw.get("published_on"), datetime.date.fromisoformat),
    }


def read_claim(raw: Any) -> Claim | None:
    raw = _object(raw)
    if raw is None:
        return None
    return {
        "id": _id(raw),
        "text": _text(raw, "text"),
        "quote": _text(raw, "quote"),
        "kind": _text(raw, "kind"),
        "kind_label": _text(raw, "kind_label"),
        "verification": _text(raw, "verification", "unverified"),
        "verification_label": _text(raw, "verification_label", "Unverified"),
        "verified_at": _parsed(raw.get("verified_at"), datetime.datetime.fromisoformat),
        "attributed_to": read_actor_ref(raw.get("attributed_to")),
        "sources": [read_source(source) for source in _objects(raw.get("sources"))],
    }


def read_evidence(raw: Mapping[str, Any]) -> Evidence:
    return {"stance": _text(raw, "stance"), "stance_label": _text(raw, "stance_label"), **read_claim(raw)}


def read_tie_type(raw: Any) -> TieType:
    raw = _object(raw) or {}
    return {
        "name": _text(raw, "name"),
        "slug": _text(raw, "slug"),
        "label": _text(raw, "label"),
        "reverse_label": _text(raw, "reverse_label"),
        "symmetric": bool(raw.get("symmetric")),
        "category": _text(raw, "category"),
        "category_label": _text(raw, "category_label"),
    }


def read_relationship(raw: Any) -> Relationship | None:
    raw = _object(raw)
    if raw is None:
        return None
    return {
        "id": _id(raw),
        "subject": read_actor_ref(raw.get("subject")),
        "object": read_actor_ref(raw.get("object")),
        "type": read_tie_type(raw.get("type")),
        "status": _text(raw, "status"),
        "status_label": _text(raw, "status_label"),
        "valid_from": read_dated(raw.get("valid_from")),
        "valid_until": read_dated(raw.get("valid_until")),
        "summary": _text(raw, "summary"),
        "evidence": [read_evidence(link) for link in _objects(raw.get("evidence"))],
    }


def read_actor(raw: Any) -> Actor | None:
    ref = read_actor_ref(raw)
    if ref is None:
        return None
    aliases = raw.get("aliases") if isinstance(raw.get("aliases"), list) else []
    return {
        **ref,
        "kind_label": _text(raw, "kind_label"),
        "description": _text(raw, "description"),
        "wikidata_id": _text(raw, "wikidata_id"),
        "aliases": [alias for alias in aliases if isinstance(alias, str) and alias],
    }


def read_text(raw: Any) -> str | None:
    return raw if isinstance(raw, str) and raw else None


# Each item type's content, read by its own reader: a new type is one shape, one writer and one reader.
ITEM_READERS: dict[str, Callable[[Any], Any]] = {
    "claim": read_claim,
    "relationship": read_relationship,
    "actor": read_actor,
    "text": read_text,
}


def read_item(raw: Any) -> Item | None:
    """One item, or None when there is nothing of it to show (see the module's notes)."""
    raw = _object(raw)
    kind = raw.get("type") if raw else None
    reader = ITEM_READERS.get(kind) if isinstance(kind, str) else None
    content = reader(raw.get(kind)) if reader else None
    if content is None:
        return None
    item = {"type": kind, kind: content}
    if when := read_dated(raw.get("when")):
        item["when"] = when
    return item


def read_header(raw: Mapping[str, Any]) -> Header:
    schema = _int(raw.get("schema"))
    header: Header = {
        "schema": SCHEMA if schema is None else schema,
        "title": _text(raw, "title"),
        "slug": _text(raw, "slug"),
        "kind": _text(raw, "kind"),
        "kind_label": _text(raw, "kind_label"),
        "intro": _text(raw, "intro"),
    }
    if (number := _int(raw.get("number"))) is not None:
        header["number"] = number
    if published_at := _parsed(raw.get("published_at"), datetime.datetime.fromisoformat):
        header["published_at"] = published_at
    # Read as it is: relationship_map checks it fits the payload, and lays the map out again if not.
    if (layout := _object(raw.get("map_layout"))) is not None:
        header["map_layout"] = layout
    return header


def read_payload(raw: Mapping[str, Any]) -> Payload:
    """A stored payload as a ``Payload``, every field present (see the module's notes)."""
    items = raw.get("items")
    read = (read_item(entry) for entry in items) if isinstance(items, list) else ()
    return {**read_header(raw), "items": [item for item in read if item is not None]}


def claims_shown(item: Item) -> list[Claim]:
    """The claims an item shows readers: a claim item's own, a tie's evidence; none of an actor or a line."""
    if item["type"] == "claim":
        return [item["claim"]]
    if item["type"] == "relationship":
        return list(item["relationship"]["evidence"])
    return []


# --- Names -------------------------------------------------------------------------------------


def _name(actor: ActorRef | None) -> str:
    return actor["name"] if actor else ""


def item_name(item: Item, limit: int = NAME_LENGTH) -> str:
    """How an editor recognises an item, on one line of at most ``limit`` characters: the
    claim's words, the tie, the actor's name or the line of text."""
    if item["type"] == "claim":
        name = item["claim"]["text"]
    elif item["type"] == "relationship":
        tie = item["relationship"]
        name = f"{_name(tie['subject'])} {tie['type']['label']} {_name(tie['object'])}"
    elif item["type"] == "actor":
        name = item["actor"]["name"]
    else:
        name = item["text"]
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1] + "…"


def with_web_urls(stored: Any) -> Any:
    """``stored`` with every ``url`` that is not an http(s) address emptied, for serving a payload as
    it is stored: the sources it copied may predate the rule that holds them to http(s)."""
    if isinstance(stored, dict):
        return {
            key: web_url(value) if key == "url" and isinstance(value, str) else with_web_urls(value)
            for key, value in stored.items()
        }
    if isinstance(stored, list):
        return [with_web_urls(value) for value in stored]
    return stored
