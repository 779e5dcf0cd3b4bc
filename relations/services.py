"""State changes on the knowledge graph, shared by the admin, commands and (later) the API."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from relations.models import Claim


@transaction.atomic
def claim_set_verification(*, claim: Claim, state: str, by: AbstractBaseUser | None, commit: bool = True) -> Claim:
    """Record a verification state with who set it and when.

    ``commit=False`` leaves saving to the caller, for the admin form that saves
    the rest of the claim in the same write.
    """
    if state not in Claim.Verification.values:
        raise ValueError(f"Unknown verification state: {state!r}")
    claim.verification = state
    if state == Claim.Verification.UNVERIFIED:
        claim.verified_by, claim.verified_at = None, None
    else:
        claim.verified_by, claim.verified_at = by, timezone.now()
    if commit:
        claim.save(update_fields=["verification", "verified_by", "verified_at", "updated_at"])
    return claim
