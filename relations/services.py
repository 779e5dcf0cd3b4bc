"""State changes on the knowledge graph, shared by the admin, commands and (later) the API."""

import datetime
from collections.abc import Sequence

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import public_state
from relations import feed
from relations.models import (
    Actor,
    Claim,
    ClaimRelationship,
    FormerSlug,
    PublicChange,
    Relationship,
    SlugHistoryModel,
    Source,
)

VERIFY_PERMISSION = "relations.verify_claim"
ADD_CLAIM_PERMISSION = "relations.add_claim"


@transaction.atomic
def claim_create(
    *,
    by: AbstractBaseUser,
    text: str,
    kind: str = Claim.Kind.FACT,
    quote: str = "",
    attributed_to: Actor | None = None,
    actors: Sequence[Actor] = (),
    relationship: Relationship | None = None,
    stance: str = ClaimRelationship.Stance.SUPPORTS,
    source_url: str = "",
    source_title: str = "",
) -> Claim:
    """A new, unverified claim with what the newsroom knows of it at first: who says it, whom it is
    about, the relationship it bears on and one source (one already recorded under that address is
    reused). Nothing is public until live content cites it, so nothing is told to the feed."""
    if not by.has_perm(ADD_CLAIM_PERMISSION):
        raise PermissionDenied(_("You may not add claims."))
    claim = Claim(text=text.strip(), kind=kind, quote=quote.strip(), attributed_to=attributed_to)
    claim.full_clean()
    with reversion.create_revision():
        claim.save()
        claim.actors.set(actors)
        if relationship is not None:
            ClaimRelationship.objects.create(claim=claim, relationship=relationship, stance=stance)
        if source_url:
            source = Source.objects.filter(url=source_url).first()
            if source is None:
                source = Source(url=source_url, title=(source_title or source_url).strip()[:300])
                source.full_clean()
                source.save()
            claim.sources.add(source)
        reversion.set_user(by)
        reversion.set_comment(_("Added while citing it in a story"))
    return claim


@transaction.atomic
def claim_set_verification(
    *, claim: Claim, state: str, by: AbstractBaseUser, with_edits: bool = False, note: str = ""
) -> Claim:
    """Record a verification state with who set it and when, and tell the feed. Fact-checkers and editors only.

    ``with_edits=True`` writes the rest of the claim as it stands in the same save: the
    admin's form gives a verdict together with other changes (the internal note saying
    why), and may be adding the claim. Otherwise only the verdict's fields are written.
    ``note`` (why, in a word) is added to the claim's internal note, signed and dated: a verdict
    given to many claims at once has no form to say it in.
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
    fields = ["verification", "verified_by", "verified_at", "edit_count", "updated_at"]
    if note.strip():
        signed = _("%(verdict)s, %(when)s, %(who)s: %(note)s") % {
            "verdict": Claim.Verification(state).label,
            "when": timezone.localtime().strftime("%d %b %Y"),
            "who": by.get_full_name() or by.get_username(),
            "note": " ".join(note.split()),
        }
        claim.internal_note = "\n".join(part for part in (claim.internal_note.rstrip(), signed) if part)
        fields.append("internal_note")
    if claim.pk is not None:
        # A verdict counts as an edit: a claim form opened before it cannot write the old one back.
        claim.edit_count += 1
    if with_edits:
        claim.save()
    else:
        claim.save(update_fields=fields)
    # Dated with the verdict: the feed shows it while the claim is public.
    record_public_change(
        target=claim, key=str(claim.pk), kind=PublicChange.Kind.VERDICT, at=claim.verified_at or timezone.now()
    )
    return claim


@transaction.atomic
def record_public_change(
    *, target: models.Model, key: str, kind: str, at: datetime.datetime | None = None, note: str = ""
) -> PublicChange:
    """Add an entry to the public feed of changes (``/api/v1/changes/``). It is due at ``at``, or for
    a claim once the claim is public, and takes its place in the feed (``relations.feed``) when it
    is due: in this transaction, if that is now."""
    # Every entry is a change readers see (or will, at ``at``, which the public state's moment covers).
    public_state.forget()
    at = at or timezone.now()
    feed.lock()
    change = PublicChange.objects.create(target=target, key=key, kind=kind, at=at, due=feed.due(target, at), note=note)
    feed.written()
    change.refresh_from_db(fields=["position"])
    return change


@transaction.atomic
def record_slug_change(*, target: SlugHistoryModel, former_slug: str, by: AbstractBaseUser) -> FormerSlug | None:
    """Say who gave ``target`` a new slug in place of ``former_slug``, once it is saved: the save
    itself kept the former slug (``SlugHistoryModel``), whoever made it. Refused, undoing the save
    with the caller's transaction, if the address was not ``by``'s to change."""
    if not target.slug_changeable_by(by):
        raise PermissionDenied(_("Readers can see this address: only an editor may change it."))
    content_type = ContentType.objects.get_for_model(target)
    history = FormerSlug.objects.filter(content_type=content_type, object_id=target.pk, slug=former_slug)
    history.update(replaced_by=by)
    return history.first()


@transaction.atomic
def record_deletion(*, target: models.Model, key: str) -> None:
    """``target`` (a story or a fact box) is being deleted: what readers never saw of it leaves the
    feed (a publication scheduled for later), and partners who were told it is public are told
    it is withdrawn, unless that is the last thing they were told."""
    last = feed.drop_unseen(target)
    if last is not None and last != PublicChange.Kind.WITHDRAWN:
        record_public_change(target=target, key=key, kind=PublicChange.Kind.WITHDRAWN)
