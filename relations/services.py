"""State changes on the knowledge graph, shared by the admin, commands and (later) the API."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relations.models import Claim

VERIFY_PERMISSION = "relations.verify_claim"


@transaction.atomic
def claim_set_verification(*, claim: Claim, state: str, by: AbstractBaseUser, commit: bool = True) -> Claim:
    """Record a verification state with who set it and when. Fact-checkers and editors only.

    ``commit=False`` leaves saving to the caller, for the admin form that saves
    the rest of the claim in the same write.
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
        # A verdict counts as an edit: a claim form opened before it cannot write the old one back.
        claim.version += 1
        claim.save(update_fields=["verification", "verified_by", "verified_at", "version", "updated_at"])
    return claim
