"""State changes on the knowledge graph, shared by the admin, commands and (later) the API."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import public_state
from relations.models import Claim, PublicChange

VERIFY_PERMISSION = "relations.verify_claim"


@transaction.atomic
def claim_set_verification(*, claim: Claim, state: str, by: AbstractBaseUser, commit: bool = True) -> Claim:
    """Record a verification state with who set it and when. Fact-checkers and editors only.

    ``commit=False`` leaves saving to the caller, for the admin form that saves
    the rest of the claim in the same write; the caller then records the change
    with ``claim_record_verdict``.
    """
    if state not in Claim.Verification.values:
        raise ValueError(f"Unknown verification state: {state!r}")
    if not by.has_perm(VERIFY_PERMISSION):
        raise PermissionDenied(_("Only fact-checkers and editors set a claim's verification state."))
    claim.verification = state
    if state == Claim.Verification.UNVERIFIED:
        claim.verified_by, claim.verified_at = None, None
    else:
        claim.verified_by, claim.verified_at = by, timezone.now()
    if commit:
        claim_record_verdict(claim=claim)
        # A verdict counts as an edit: a claim form opened before it cannot write the old one back.
        claim.version += 1
        claim.save(update_fields=["verification", "verified_by", "verified_at", "version", "updated_at"])
    return claim


def claim_record_verdict(*, claim: Claim) -> PublicChange:
    """Tell the feed of changes that the claim's verdict changed (it shows there while the claim is public)."""
    return record_public_change(
        target=claim, key=str(claim.pk), kind=PublicChange.Kind.VERDICT, at=claim.verified_at or timezone.now()
    )


def record_public_change(
    *, target: models.Model, key: str, kind: str, at: datetime.datetime | None = None, note: str = ""
) -> PublicChange:
    """Add an entry to the public feed of changes (``/api/v1/changes/``); the feed shows it from ``at`` on,
    and only while the feed's visibility rule lets readers see ``target``."""
    # Every entry is a change readers see (or will, at ``at``, which the public state's moment covers).
    public_state.forget()
    return PublicChange.objects.create(target=target, key=key, kind=kind, at=at or timezone.now(), note=note)
