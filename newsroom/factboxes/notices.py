"""Verdicts given since a version was published: what readers of a frozen box are told has been taken back.

A published ``FactBoxVersion`` never changes: it is the record of what we said. When a claim
it shows is later found false, disputed or retracted, every public rendering of the version
(story page, embeds, the story card, oEmbed, the API, ClaimReview) shows the current verdict
beside the frozen item as a dated notice, without republishing and without touching the
payload. The verdict the version froze is its reference's ``shown`` (and, the same, the
payload's); the current one is the claim's row (``FactBoxReference.objects.verdicts_moved``).

Reading them costs one query for every box on a page, through each version's claim
references (an index of their own); the embeds' validators take a count and a moment from the
same references inside the query that finds the version, so that a 304 still costs one query.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from django.db.models import Count, Max, QuerySet, Subquery

from newsroom.factboxes import payload
from newsroom.models import FactBoxReference
from relations.models import Claim

# How a notice reads, and its icon (the verification badges' own): never colour alone.
PHRASES = {
    Claim.Verification.FALSE: "Since found false",
    Claim.Verification.DISPUTED: "Since disputed",
    Claim.Verification.RETRACTED: "Since retracted",
}
# What became of a claim, in a count of them ("2 claims found false").
OUTCOMES = {
    Claim.Verification.FALSE: "found false",
    Claim.Verification.DISPUTED: "disputed",
    Claim.Verification.RETRACTED: "retracted",
}
ICONS = {Claim.Verification.FALSE: "✗", Claim.Verification.DISPUTED: "!", Claim.Verification.RETRACTED: "⊘"}
# A claim found false or retracted no longer stands; a disputed one stands, in doubt.
TAKEN_BACK = {Claim.Verification.FALSE, Claim.Verification.RETRACTED}


@dataclass(frozen=True)
class Verdict:
    """A claim's current verdict, where it has moved since the version showing it was published."""

    claim: int
    verification: str
    since: datetime.datetime

    @property
    def label(self) -> str:
        return str(Claim.Verification(self.verification).label)

    @property
    def phrase(self) -> str:
        return PHRASES[self.verification]


Verdicts = Mapping[int, Verdict]  # by claim id, for one version


def _verdicts(references: Iterable[FactBoxReference]) -> dict[int, dict[int, Verdict]]:
    found: dict[int, dict[int, Verdict]] = {}
    for reference in references:
        claim = reference.claim
        found.setdefault(reference.version_id, {})[reference.claim_id] = Verdict(
            claim=reference.claim_id, verification=claim.verification, since=claim.verified_at
        )
    return found


def verdicts_by_version(version_ids: Iterable[int | None]) -> dict[int, dict[int, Verdict]]:
    """The moved verdicts of every version in ``version_ids``, by version: one query however many."""
    ids = sorted({pk for pk in version_ids if pk is not None})
    if not ids:
        return {}
    return _verdicts(FactBoxReference.objects.filter(version__in=ids).verdicts_moved())


def verdicts_of(version_id: int) -> dict[int, Verdict]:
    return verdicts_by_version([version_id]).get(version_id, {})


def prefetched(version) -> dict[int, Verdict]:
    """The moved verdicts of ``version`` as ``prefetch_moved`` loaded them."""
    return _verdicts(version.moved_verdicts).get(version.pk, {})


def prefetch_moved(lookup: str):
    """A ``Prefetch`` of the moved verdicts of the versions at ``lookup`` (ending in ``references``),
    as ``moved_verdicts``: one query for a page of boxes."""
    from django.db.models import Prefetch

    return Prefetch(lookup, queryset=FactBoxReference.objects.verdicts_moved(), to_attr="moved_verdicts")


# --- Validators -------------------------------------------------------------------------------------


def validators(references: QuerySet[FactBoxReference]) -> dict[str, Subquery]:
    """Annotations for a row whose page shows the versions ``references`` belong to (filtered on the
    outer row): ``notices_shown``, how many of their claims' verdicts have moved, and ``claims_saved``,
    when one of their claims was last saved. Every verdict saves its claim, so a notice that appears,
    changes or goes (the claim cleared, or found right after all) moves the second; a claim saved for
    anything else moves it too, which costs a client one full answer and is never wrong."""
    claims = references.of_claims().order_by().values("kind")  # one group: the claims
    return {
        "notices_shown": Subquery(claims.moved().values("kind").annotate(n=Count("pk")).values("n")[:1]),
        "claims_saved": Subquery(claims.annotate(at=Max("claim__updated_at")).values("at")[:1]),
    }


def etag_parts(row: Mapping[str, Any]) -> tuple[int, str]:
    saved = row.get("claims_saved")
    return row.get("notices_shown") or 0, saved.isoformat() if saved else ""


def last_modified(row: Mapping[str, Any], *moments: datetime.datetime | None) -> datetime.datetime:
    """The latest of ``moments`` and the last save of a claim the row's versions show."""
    return max(moment for moment in (*moments, row.get("claims_saved")) if moment is not None)


# --- What readers are shown ---------------------------------------------------------------------------


def notice(claim: payload.Claim, verdicts: Verdicts) -> dict[str, Any] | None:
    """The notice for ``claim`` as a version froze it, or None while its verdict stands as frozen."""
    verdict = verdicts.get(claim["id"]) if claim["id"] is not None else None
    if verdict is None or verdict.verification == claim["verification"]:
        return None
    return {
        "verification": verdict.verification,
        "label": verdict.label,
        "phrase": verdict.phrase,
        "icon": ICONS[verdict.verification],
        "taken_back": verdict.verification in TAKEN_BACK,
        "since": verdict.since,
        "was": claim["verification"],
        "was_label": claim["verification_label"],
    }


class Notice(TypedDict):
    """A notice as the API lists it beside the stored payload."""

    item: int
    claim: int
    verification: str
    verification_label: str
    was: str
    since: datetime.datetime


def listed(stored: Mapping[str, Any], verdicts: Verdicts) -> list[Notice]:
    """Every notice on a stored payload, by the index of its item in the stored ``items``: a claim
    item's own claim, or a claim a tie shows as evidence."""
    items = stored.get("items") if isinstance(stored, Mapping) else None
    if not verdicts or not isinstance(items, list):
        return []
    found: list[Notice] = []
    for index, raw in enumerate(items):
        entry = payload.read_item(raw)
        for claim in payload.claims_shown(entry) if entry else ():
            if shown := notice(claim, verdicts):
                found.append(
                    {
                        "item": index,
                        "claim": claim["id"],
                        "verification": shown["verification"],
                        "verification_label": shown["label"],
                        "was": shown["was"],
                        "since": shown["since"],
                    }
                )
    return found


def summary(verdicts: Iterable[Verdict]) -> list[dict[str, Any]]:
    """Moved verdicts in a line for each verdict, false first: how many claims moved to it, and
    when the latest did. For a box's header and a card listing boxes by title."""
    by_verdict: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        by_verdict.setdefault(verdict.verification, []).append(verdict)
    return [
        {
            "verification": verification,
            "icon": ICONS[verification],
            "count": len(by_verdict[verification]),
            "phrase": PHRASES[verification].lower(),
            "outcome": OUTCOMES[verification],
            "since": max(verdict.since for verdict in by_verdict[verification]),
        }
        for verification in (Claim.Verification.FALSE, Claim.Verification.RETRACTED, Claim.Verification.DISPUTED)
        if verification in by_verdict
    ]
