"""Freezing a fact box: the payload readers see, what it was built from, and what changed since.

``build_snapshot`` turns a box's draft items into a self-contained JSON payload
(``newsroom.factboxes.payload``) and the list of claims, relationships and actors it shows,
each with the values it shows of them (``shown_values``). Publishing stores
both; ``review_notes`` later compares the stored values with the current rows
to tell editors which published boxes need review, and why.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Prefetch, Q, prefetch_related_objects
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from core import invalidations
from newsroom.factboxes.payload import Payload, write_payload
from newsroom.models import FactBox, FactBoxItem, FactBoxReference
from relations.models import Actor, Claim, ClaimRelationship, Relationship, Source

# Every stance a public claim takes on a tie: readers see what supports it, what contradicts it and what is
# only background, each said as such, rather than a tie that seems to rest on nothing.
EVIDENCE_STANCES = (
    ClaimRelationship.Stance.SUPPORTS,
    ClaimRelationship.Stance.CONTRADICTS,
    ClaimRelationship.Stance.CONTEXT,
)
Kind = FactBoxReference.Kind


@dataclass
class Snapshot:
    payload: Payload
    references: list[FactBoxReference] = field(default_factory=list)
    items: list[FactBoxItem] = field(default_factory=list)  # the rows, in the payload's order


# --- What readers see of each row, and what of it is watched for review ------------


def shown_values(obj: Claim | Relationship | Actor) -> dict[str, Any]:
    """The values of ``obj`` a published box shows readers: a change to any of them
    puts the box up for review. Claims and relationships name their actors by id, so
    that renaming an actor is reported once, as the actor's change. A claim's sources
    are read from ``snapshot_sources``, which every reader of claims here prefetches."""
    if isinstance(obj, Claim):
        return {
            "text": obj.text,
            "quote": obj.quote,
            "kind": obj.kind,
            "verification": obj.verification,
            "attributed_to": obj.attributed_to_id,
            "sources": sorted(
                [source.title, source.url, source.publisher, _iso(source.published_on)]
                for source in obj.snapshot_sources
            ),
        }
    if isinstance(obj, Relationship):
        return {
            "subject": obj.subject_id,
            "object": obj.object_id,
            "type": obj.type.label,
            "category": obj.type.category,
            "symmetric": obj.type.symmetric,
            "status": obj.status,
            "valid_from": _iso(obj.valid_from),
            "valid_from_precision": obj.valid_from_precision,
            "valid_until": _iso(obj.valid_until),
            "valid_until_precision": obj.valid_until_precision,
            "summary": obj.summary,
        }
    return {
        "name": obj.name,
        "kind": obj.kind,
        "description": obj.description,
        "slug": obj.slug,
        "wikidata_id": obj.wikidata_id,
    }


FIELD_LABELS = {
    "text": _("statement"),
    "quote": _("quote"),
    "kind": _("kind"),
    "verification": _("verification state"),
    "attributed_to": _("attribution"),
    "subject": _("subject"),
    "object": _("object"),
    "type": _("type"),
    "status": _("status"),
    "valid_from": _("start date"),
    "valid_from_precision": _("start date"),
    "valid_until": _("end date"),
    "valid_until_precision": _("end date"),
    "summary": _("summary"),
    "name": _("name"),
    "description": _("description"),
    "slug": _("address"),
    "sources": _("sources"),
    "category": _("category"),
    "symmetric": _("direction"),
    "wikidata_id": _("Wikidata ID"),
}
# Short values are worth quoting in the note ("unverified → verified"); prose is not.
QUOTED_FIELDS = {"verification", "status", "kind", "name", "valid_from", "valid_until", "type", "slug", "category"}


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


# --- Building the payload -------------------------------------------------------------


def _evidence(own_claims) -> Any:
    """The links of a tie to the claims readers may see beside it: public ones, and ``own_claims``."""
    # A relationship's evidence is what readers could already check, or what the box itself shows:
    # publishing a box must not publish, as a side effect, a claim that only a draft cites.
    # Each link's claim looked up by its key: "in the public claims" under an OR made the database
    # list every public claim of the archive (1.9 s at a million) for a map's few hundred links.
    public_claim = Exists(Claim.objects.public().filter(pk=OuterRef("claim")))
    return (
        ClaimRelationship.objects.filter(stance__in=EVIDENCE_STANCES)
        .filter(public_claim | Q(claim__in=own_claims))
        .select_related("claim__attributed_to")
        .prefetch_related(Prefetch("claim__sources", queryset=Source.objects.all(), to_attr="snapshot_sources"))
        .order_by("stance", "pk")
    )


def _related(own_claims) -> list[Any]:
    return [
        Prefetch("claim__sources", queryset=Source.objects.all(), to_attr="snapshot_sources"),
        Prefetch("relationship__claim_links", queryset=_evidence(own_claims), to_attr="snapshot_evidence"),
        "actor__aliases",
    ]


def _items(box: FactBox) -> list[FactBoxItem]:
    """The draft's items with everything ``write_payload`` reads, in a fixed number of queries."""
    own_claims = FactBoxItem.objects.filter(factbox=box, claim__isnull=False).values("claim")
    return list(
        box.items.select_related(
            "claim__attributed_to", "relationship__subject", "relationship__object", "relationship__type", "actor"
        )
        .prefetch_related(*_related(own_claims))
        .order_by("position", "pk")
    )


def _unsaved_items(items: list[FactBoxItem]) -> list[FactBoxItem]:
    """``items`` as a form holds them, not yet saved, with everything ``write_payload`` reads loaded in a
    fixed number of queries, in the order saving them would give: rows by position, new rows last."""
    own_claims = [item.claim_id for item in items if item.claim_id]
    prefetch_related_objects(
        items,
        "claim__attributed_to",
        "relationship__subject",
        "relationship__object",
        "relationship__type",
        *_related(own_claims),
    )
    # Saving gives a new row (no position yet) the next position after every other row's.
    return sorted(items, key=lambda item: (not item.position, item.position or 0, item.pk is None, item.pk or 0))


class _References:
    """Every row a payload shows, once each, with the values it shows."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, int], FactBoxReference] = {}

    def add(self, obj: Claim | Relationship | Actor | None) -> None:
        if obj is None:
            return
        kind = {Claim: Kind.CLAIM, Relationship: Kind.RELATIONSHIP, Actor: Kind.ACTOR}[type(obj)]
        if (kind, obj.pk) not in self.found:
            self.found[kind, obj.pk] = FactBoxReference(
                kind=kind, label=str(obj)[:300], shown=shown_values(obj), **{kind: obj}
            )

    def add_claim(self, claim: Claim) -> None:
        self.add(claim)
        self.add(claim.attributed_to)

    def add_item(self, item: FactBoxItem) -> None:
        if item.claim_id:
            self.add_claim(item.claim)
        elif item.relationship_id:
            tie = item.relationship
            self.add(tie)
            self.add(tie.subject)
            self.add(tie.object)
            for link in tie.snapshot_evidence:
                self.add_claim(link.claim)
        elif item.actor_id:
            self.add(item.actor)


def build_snapshot(box: FactBox, items: list[FactBoxItem] | None = None) -> Snapshot:
    """The payload the box's draft would publish, and the rows it would show. ``items``: rows a form
    holds, unsaved (the admin's live preview), shown in place of the saved ones; nothing is written."""
    items = _items(box) if items is None else _unsaved_items(items)
    references = _References()
    for item in items:
        references.add_item(item)
    return Snapshot(payload=write_payload(box, items), references=list(references.found.values()), items=items)


def same_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two payloads show readers the same thing (publication stamps, and the map's layout computed
    from the rest, aside)."""
    stamps = {"number", "published_at", "map_layout"}
    return {k: v for k, v in a.items() if k not in stamps} == {k: v for k, v in b.items() if k not in stamps}


# --- Review -------------------------------------------------------------------------------


def _note(reference: FactBoxReference) -> str | None:
    target = reference.target
    kind = reference.get_kind_display()
    if target is None:
        return _("%(kind)s “%(label)s” was deleted.") % {"kind": kind, "label": reference.label}
    now = shown_values(target)
    changed = [name for name, value in reference.shown.items() if now.get(name) != value]
    if not changed:
        return None
    parts: dict[str, str] = {}  # label -> how it reads; a date and its precision are one change
    for name in changed:
        label = FIELD_LABELS.get(name, name)
        if name in QUOTED_FIELDS:
            parts[label] = f"{label} ({reference.shown[name] or '–'} → {now.get(name) or '–'})"
        else:
            parts.setdefault(label, label)
    return _("%(kind)s “%(label)s”: %(changes)s changed.") % {
        "kind": kind,
        "label": reference.label if len(reference.label) <= 80 else reference.label[:79] + "…",
        "changes": ", ".join(parts.values()),
    }


# A row saved in a transaction that began before a publication but committed after it carries a
# timestamp older than the version it is missing from: rows changed this shortly before publishing
# are compared too. A wider net costs nothing but the comparison of a few more references.
CLOCK_MARGIN = datetime.timedelta(minutes=10)


def _type_changed() -> Q:
    """References to a relationship whose type now reads differently than the version showed."""
    return (
        ~Q(Exact(KeyTextTransform("type", "shown"), F("relationship__type__label")))
        | ~Q(Exact(KeyTextTransform("category", "shown"), F("relationship__type__category")))
        | Q(shown__symmetric=True, relationship__type__symmetric=False)
        | Q(shown__symmetric=False, relationship__type__symmetric=True)
    )


def may_have_changed() -> Q:
    """References (of ``FactBoxReference``) whose row may show readers something else than when
    their version was published: the row was deleted (its key is cleared), or it or one of its
    claim's sources was saved since, or its relationship's type reads differently now. Every
    value ``shown_values`` reads lives on one of these rows; every write to a claim, relationship,
    actor or source moves its ``updated_at`` (a claim's verdict also moves ``verified_at``; linking
    or unlinking a claim's sources moves the claim's, see ``relations.signals``), so the
    references left out are unchanged and need no comparison.

    Relationship types carry no timestamp: the few values a box shows of them (label, category,
    direction) are compared with the stored ones in SQL instead."""
    since = F("version__published_at") - CLOCK_MARGIN
    sources_saved = Claim.sources.through.objects.filter(
        claim=OuterRef("claim"), source__updated_at__gt=OuterRef("version__published_at") - CLOCK_MARGIN
    )
    claim = (
        Q(claim__isnull=True) | Q(claim__updated_at__gt=since) | Q(claim__verified_at__gt=since) | Exists(sources_saved)
    )
    relationship = Q(relationship__isnull=True) | Q(relationship__updated_at__gt=since) | _type_changed()
    actor = Q(actor__isnull=True) | Q(actor__updated_at__gt=since)
    return Q(kind=Kind.CLAIM) & claim | Q(kind=Kind.RELATIONSHIP) & relationship | Q(kind=Kind.ACTOR) & actor


def review_notes(boxes: Iterable[FactBox]) -> dict[int, list[str]]:
    """For each published box among ``boxes`` whose published version shows something that
    has changed since, what changed. Two queries (the references that may have changed, their
    claims' sources), however many boxes and references: the database narrows the references
    down to those whose rows were saved since (``may_have_changed``), and only those are compared
    value by value."""
    versions = {box.published_version_id: box.pk for box in boxes if box.is_live}
    references = FactBoxReference.objects.filter(version__in=versions)
    return _notes_by_box(references, lambda reference: versions[reference.version_id])


def _notes_by_box(references, box_of: Callable[[FactBoxReference], int]) -> dict[int, list[str]]:
    notes: dict[int, list[str]] = {}
    references = (
        references.filter(may_have_changed())
        .select_related("claim", "relationship__type", "actor")
        .prefetch_related(Prefetch("claim__sources", queryset=Source.objects.all(), to_attr="snapshot_sources"))
    )
    for reference in references.order_by("version", "kind", "pk"):
        note = _note(reference)
        if note:
            notes.setdefault(box_of(reference), []).append(note)
    return notes


# The review state of every published box, kept in Django's cache between requests (see
# ``live_review_notes``): ``{"as_of": when it was true, "token": see below,
# "notes": {version id: {reference id: (kind, note)}}}``.
REVIEW_STATE_KEY = "newsroom:factbox-review:v1"
# Replaced whenever a relationship type changes: a state taken under another token is not used.
REVIEW_TOKEN_KEY = "newsroom:factbox-review:types"


def changed_since(moment: datetime.datetime) -> Q:
    """References (of ``FactBoxReference``) whose row was saved or deleted after ``moment``, or whose
    claim's sources were: the only ones whose review note can differ from one taken at ``moment``.
    Each part starts from the rows saved since (their ``updated_at`` indexes) and reaches the
    references through their keys, so that the cost follows what changed, not the archive."""
    claims = Claim.objects.filter(Q(updated_at__gt=moment) | Q(verified_at__gt=moment)).values("pk")
    sourced = Claim.sources.through.objects.filter(source__updated_at__gt=moment).values("claim")
    relationships = Relationship.objects.filter(updated_at__gt=moment).values("pk")
    actors = Actor.objects.filter(updated_at__gt=moment).values("pk")
    parts = [
        FactBoxReference.objects.filter(claim__isnull=True, relationship__isnull=True, actor__isnull=True),
        FactBoxReference.objects.filter(claim__in=claims),
        FactBoxReference.objects.filter(claim__in=sourced),
        FactBoxReference.objects.filter(relationship__in=relationships),
        FactBoxReference.objects.filter(actor__in=actors),
    ]
    first, *rest = (part.values("pk").order_by() for part in parts)
    return Q(pk__in=first.union(*rest))


def live_review_notes() -> dict[int, list[str]]:
    """``review_notes`` of every published box, by box id, in three queries.

    The first call compares every published reference that ``may_have_changed`` and keeps what
    it found in Django's cache, with the moment it was true. Later calls compare only the
    references whose rows changed since that moment (``changed_since``, less ``CLOCK_MARGIN``)
    and update the kept notes, so that the start page and the "needs review" filter cost what
    changed since they were last shown. Versions no longer published drop out as they are read;
    a new version starts with no notes, which holds until a row it shows changes. A relationship
    type carries no timestamp: changing one forgets the kept state (``newsroom.signals``)."""
    now = timezone.now()
    token = cache.get(REVIEW_TOKEN_KEY)
    if token is None:
        cache.add(REVIEW_TOKEN_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(REVIEW_TOKEN_KEY)
    live = dict(FactBox.objects.public().values_list("published_version_id", "pk"))
    state = cache.get(REVIEW_STATE_KEY)
    if state is not None and state.get("token") != token:
        # A relationship type changed while this state was being taken, or since.
        state = None
    references = FactBoxReference.objects.filter(version__in=FactBox.objects.public().values("published_version"))
    if state is None:
        notes: dict[int, dict[int, tuple[str, str]]] = {}
        # Each reference against its own version, in one pass over the published references
        # (1.7 s for 360,000 of them on PostgreSQL). Narrowing first by ``changed_since`` the
        # oldest version helps nothing once one box is years old, and its union of every row
        # saved since then, too large to hash, was scanned once per reference.
        references = references.filter(may_have_changed())
    else:
        notes = {version: entries for version, entries in state["notes"].items() if version in live}
        references = references.filter(changed_since(state["as_of"] - CLOCK_MARGIN))
    references = references.select_related("claim", "relationship__type", "actor").prefetch_related(
        Prefetch("claim__sources", queryset=Source.objects.all(), to_attr="snapshot_sources")
    )
    for reference in references:
        entries = notes.setdefault(reference.version_id, {})
        note = _note(reference)
        if note:
            entries[reference.pk] = (reference.kind, note)
        else:
            entries.pop(reference.pk, None)
    notes = {version: entries for version, entries in notes.items() if entries}
    cache.set(REVIEW_STATE_KEY, {"as_of": now, "token": token, "notes": notes}, timeout=None)
    return {
        live[version]: [entries[pk][1] for pk in sorted(entries, key=lambda pk: (entries[pk][0], pk))]
        for version, entries in notes.items()
    }


def forget_review_state() -> None:
    """The kept review state no longer holds (a relationship type changed): the next check
    compares every published reference again."""
    invalidations.write(REVIEW_TOKEN_KEY, uuid.uuid4().hex)


def boxes_needing_review() -> list[int]:
    """The ids of every published box that needs review (the admin's list filter)."""
    return list(live_review_notes())
