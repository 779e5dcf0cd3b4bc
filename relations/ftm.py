"""The public graph as FollowTheMoney entities, for investigators' tools such as Aleph.

Only what ``.public()`` allows is read (docs/architecture.md, "The published closure"), and every
entity is built with ``followthemoney``'s model, which cleans each value to its property's type.
Entity ids are the row's kind and key under a prefix (``FTM_ID_PREFIX``), so a later export of the
same rows carries the same ids and a loader updates what it holds instead of adding it again.

The rows are read as a fixed number of streams ordered by key (``.iterator()``), merged in Python:
the export holds one entity at a time, and its query count does not grow with the archive.
The mapping is documented in docs/architecture.md, "The FollowTheMoney export".
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry
from rigour.territories import get_territory_by_qid

from core.addresses import web_url
from relations import dates
from relations.models import Actor, ActorAlias, Claim, ClaimRelationship, Relationship, Source

ID_PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
CHUNK_SIZE = 2000

ACTOR_SCHEMATA = {
    # A state acting in the world (arming, signing, mediating) is its government: a legal entity that
    # can be party to a membership or a representation. FtM's Territory is reference data about an area,
    # can be party to none of them, and is missing from the FtM 3 model Aleph runs.
    Actor.Kind.COUNTRY: "PublicBody",
    Actor.Kind.PERSON: "Person",
    Actor.Kind.ORGANISATION: "Organization",
    # An alliance of states is an organisation of its members; PublicBody means one state's body.
    Actor.Kind.BLOC: "Organization",
    Actor.Kind.ARMED_GROUP: "Organization",
    # Nothing more is known than that it can act.
    Actor.Kind.OTHER: "LegalEntity",
}

# Verdicts under which a claim no longer stands: it is exported, but is no tie's evidence.
FALLEN = (Claim.Verification.FALSE, Claim.Verification.RETRACTED)


def entity_id(kind: str, pk: int, prefix: str | None = None) -> str:
    return f"{prefix or settings.FTM_ID_PREFIX}-{kind}-{pk}"


def ftm_date(value: datetime.date | None, precision: str) -> str | None:
    """A date at the precision it is known: "2024", "2024-06" or "2024-06-12"."""
    if value is None:
        return None
    if precision == dates.Precision.YEAR:
        return f"{value.year:04d}"
    if precision == dates.Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def country_code(name: str, wikidata_id: str) -> str | None:
    """The ISO code of a country actor: from its Wikidata item where it has one, else from its name
    as FtM's country type reads names ("North Korea" is kp); None when neither is known."""
    territory = get_territory_by_qid(wikidata_id) if wikidata_id else None
    if territory is not None and territory.ftm_country:
        return territory.ftm_country
    return model.get("Thing").get("country").type.clean(name)


def alias_property(actor_name: str, kind: str, alias: str) -> str:
    """A person's surname alone names many people: a weak alias, which tools show but do not match on."""
    if kind == Actor.Kind.PERSON and " " not in alias.strip() and alias.casefold() in actor_name.casefold().split():
        return "weakAlias"
    return "alias"


def tie_schema(type_slug: str, category: str, subject_schema: str, object_schema: str) -> str:
    """The FtM interval schema for a tie of this type between parties of these schemata.

    Ties of the membership category are memberships of an organisation (between two people, an
    association); a mediator is the closest FtM has to an intermediary acting for a party. Every other
    tie (treaties, arms, energy, troops, conflict, rivalry…) has no FtM schema of its own and is an
    UnknownLink whose role is the type's label; so is a tie whose parties a schema's range refuses.
    """
    subject, object_ = model.get(subject_schema), model.get(object_schema)
    if category == "membership":
        if subject.is_a("Person") and object_.is_a("Person"):
            return "Associate"
        if object_.is_a("Organization"):
            return "Membership"
    if type_slug == "mediation":
        return "Representation"
    return "UnknownLink"


class _Stream:
    """Rows ordered by their first value, handed out by that value as the main stream reaches it."""

    def __init__(self, rows: Iterable[tuple]):
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    def take(self, key: int) -> list[tuple]:
        found = []
        while self._next is not None and self._next[0] <= key:
            if self._next[0] == key:
                found.append(self._next[1:])
            self._next = next(self._rows, None)
        return found


def _stream(queryset) -> _Stream:
    return _Stream(queryset.iterator(chunk_size=CHUNK_SIZE))


def _labels(choices) -> dict[str, str]:
    """Choices' labels translated once, not once a row."""
    return {value: str(label) for value, label in choices.choices}


@functools.lru_cache(maxsize=65536)
def _source_url(url: str) -> str | None:
    """An http(s) address as FtM's url type cleans it; a source's address recurs with every claim citing it."""
    return registry.url.clean(web_url(url) or None)


def _make(schema: str, kind: str, pk: int, prefix: str) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.id = entity_id(kind, pk, prefix)
    return proxy


def export_entities(*, prefix: str | None = None, site_url: str = "") -> Iterator[EntityProxy]:
    """Every public actor, source, tie and claim as an FtM entity, referenced entities first.

    Runs in one transaction (on PostgreSQL a repeatable-read snapshot), so the streams agree on the
    rows whatever is published meanwhile. ``site_url`` (https://news.example.org) adds each actor's
    page as its ``sourceUrl``.
    """
    prefix = prefix or settings.FTM_ID_PREFIX
    # Inside a caller's transaction (a test's) the snapshot is the caller's to choose.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # Claims first: what they name is public from their moment on, so the sets read after them
        # (ties, sources, actors) hold everything they reference even as the clock moves.
        claims = Claim.objects.public()
        ties = Relationship.objects.public()
        sources = Source.objects.public()
        actors = Actor.objects.public()
        schemata: dict[int, str] = {}
        yield from _actors(actors, prefix, site_url.rstrip("/"), schemata)
        yield from _sources(sources, prefix)
        yield from _ties(ties, claims, prefix, schemata)
        yield from _claims(claims, prefix)


def _actors(actors, prefix: str, site_url: str, schemata: dict[int, str]) -> Iterator[EntityProxy]:
    aliases = _stream(
        ActorAlias.objects.filter(actor__in=actors).order_by("actor_id", "name").values_list("actor_id", "name")
    )
    rows = actors.order_by("pk").values_list("pk", "kind", "name", "slug", "description", "wikidata_id")
    for pk, kind, name, slug, description, wikidata_id in rows.iterator(chunk_size=CHUNK_SIZE):
        schema = ACTOR_SCHEMATA.get(kind, "LegalEntity")
        # The ties need each party's schema to choose theirs; an actor is a few bytes here.
        schemata[pk] = schema
        proxy = _make(schema, "actor", pk, prefix)
        proxy.add("name", name)
        for (alias,) in aliases.take(pk):
            proxy.add(alias_property(name, kind, alias), alias)
        proxy.add("description", description or None)
        proxy.add("wikidataId", wikidata_id or None)
        if kind == Actor.Kind.COUNTRY:
            code = country_code(name, wikidata_id)
            proxy.add("country", code)
            proxy.add("jurisdiction", code)
        if site_url:
            proxy.add("sourceUrl", site_url + reverse("actor", args=[slug]))
        yield proxy


def _sources(sources, prefix: str) -> Iterator[EntityProxy]:
    rows = sources.order_by("pk").values_list("pk", "title", "url", "publisher", "published_on")
    for pk, title, url, publisher, published_on in rows.iterator(chunk_size=CHUNK_SIZE):
        proxy = _make("Article", "source", pk, prefix)
        proxy.add("title", title)
        proxy.add("sourceUrl", _source_url(url), cleaned=True)
        proxy.add("publisher", publisher or None)
        proxy.add("publishedAt", published_on)
        yield proxy


# A tie in words, as the claims' notes name it: "Iran supplies arms to Russia".
TIE_WORDS = ("relationship__subject__name", "relationship__type__label", "relationship__object__name")

STANCE_WORDS = {
    ClaimRelationship.Stance.SUPPORTS: "Supports",
    ClaimRelationship.Stance.CONTRADICTS: "Contradicts",
    ClaimRelationship.Stance.CONTEXT: "Context",
}


def _ties(ties, claims, prefix: str, schemata: dict[int, str]) -> Iterator[EntityProxy]:
    # A public claim's ties and sources are public (the closure): only the claims need the rule.
    bearing = _stream(
        ClaimRelationship.objects.filter(relationship__in=ties, claim__in=claims)
        .order_by("relationship_id", "claim_id")
        .values_list("relationship_id", "stance", "claim__text", "claim__verification")
    )
    # The tie's evidence: the sources of the claims that support it and still stand.
    evidence = _stream(
        Claim.sources.through.objects.filter(
            claim__in=claims.exclude(verification__in=FALLEN),
            claim__relationship_links__relationship__in=ties,
            claim__relationship_links__stance=ClaimRelationship.Stance.SUPPORTS,
        )
        .order_by("claim__relationship_links__relationship_id", "source_id")
        .values_list("claim__relationship_links__relationship_id", "source__url", "source__publisher")
    )
    rows = (
        ties.order_by("pk")
        .values_list(
            "pk",
            "subject_id",
            "subject__name",
            "object_id",
            "object__name",
            "type__slug",
            "type__category",
            "type__label",
            "status",
            "valid_from",
            "valid_from_precision",
            "valid_until",
            "valid_until_precision",
            "summary",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    statuses, verdicts = _labels(Relationship.Status), _labels(Claim.Verification)
    for (
        pk,
        subject_id,
        subject_name,
        object_id,
        object_name,
        type_slug,
        category,
        label,
        status,
        valid_from,
        from_precision,
        valid_until,
        until_precision,
        summary,
    ) in rows:
        parties = schemata.get(subject_id, "LegalEntity"), schemata.get(object_id, "LegalEntity")
        schema = model.get(tie_schema(type_slug, category, *parties))
        proxy = _make(schema.name, "tie", pk, prefix)
        proxy.add(schema.edge_source, entity_id("actor", subject_id, prefix))
        proxy.add(schema.edge_target, entity_id("actor", object_id, prefix))
        proxy.add("relationship" if schema.is_a("Associate") else "role", label)
        if schema.get("status") is not None:
            proxy.add("status", statuses.get(status, status))
        proxy.add("startDate", ftm_date(valid_from, from_precision))
        proxy.add("endDate", ftm_date(valid_until, until_precision))
        proxy.add("summary", summary or None)
        proxy.add("description", f"{subject_name} {label} {object_name}.")
        for stance, text, verification in bearing.take(pk):
            words = STANCE_WORDS.get(stance, stance)
            proxy.add("description", f"{words} ({verdicts.get(verification, verification).lower()}): {text}")
        for url, publisher in evidence.take(pk):
            proxy.add("sourceUrl", _source_url(url), cleaned=True)
            proxy.add("publisher", publisher or None)
        yield proxy


def _claims(claims, prefix: str) -> Iterator[EntityProxy]:
    about = _stream(
        Claim.actors.through.objects.filter(claim__in=claims)
        .order_by("claim_id", "actor_id")
        .values_list("claim_id", "actor_id")
    )
    bearing = _stream(
        ClaimRelationship.objects.filter(claim__in=claims)
        .order_by("claim_id", "relationship_id")
        .values_list("claim_id", "stance", *TIE_WORDS)
    )
    cited = _stream(
        Claim.sources.through.objects.filter(claim__in=claims)
        .order_by("claim_id", "source_id")
        .values_list("claim_id", "source_id", "source__url")
    )
    kinds, verdicts = _labels(Claim.Kind), _labels(Claim.Verification)
    rows = claims.order_by("pk").values_list(
        "pk", "text", "quote", "kind", "verification", "attributed_to_id", "attributed_to__name"
    )
    for pk, text, quote, kind, verification, attributed_id, attributed_name in rows.iterator(chunk_size=CHUNK_SIZE):
        proxy = _make("Note", "claim", pk, prefix)
        proxy.add("description", text)
        proxy.add("notes", quote or None)
        kind_label, verdict = kinds.get(kind, kind), verdicts.get(verification, verification)
        proxy.add("keywords", [kind_label, verdict])
        proxy.add("summary", f"{kind_label}, {verdict.lower()}.")
        if attributed_id is not None:
            proxy.add("summary", f"Attributed to {attributed_name}.")
            proxy.add("entity", entity_id("actor", attributed_id, prefix))
        for (actor_id,) in about.take(pk):
            proxy.add("entity", entity_id("actor", actor_id, prefix))
        for stance, subject_name, label, object_name in bearing.take(pk):
            proxy.add("summary", f"{STANCE_WORDS.get(stance, stance)}: {subject_name} {label} {object_name}.")
        for source_id, url in cited.take(pk):
            proxy.add("proof", entity_id("source", source_id, prefix))
            proxy.add("sourceUrl", _source_url(url), cleaned=True)
        yield proxy


def entity_line(proxy: EntityProxy) -> dict[str, Any]:
    """The entity as one line of FtM's JSON Lines: id, schema and properties, as ``ftm`` and
    ``alephclient write-entities`` read them."""
    data = proxy.to_dict()
    return {"id": data["id"], "schema": data["schema"], "properties": data["properties"]}
