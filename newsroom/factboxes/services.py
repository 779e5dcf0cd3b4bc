"""State changes on fact boxes, shared by the admin, the demo loader and commands.

Publishing freezes the draft into a new numbered version; withdrawing takes
the box off every public path. Both are editors' moves (``publish_factbox``)
and leave a ``FactBoxEvent``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from newsroom.factboxes import payload, relationship_map
from newsroom.factboxes.snapshots import Snapshot, build_snapshot
from newsroom.models import (
    Article,
    ArticleClaim,
    FactBox,
    FactBoxEvent,
    FactBoxItem,
    FactBoxPlacement,
    FactBoxReference,
    FactBoxVersion,
)
from newsroom.models.factboxes import PUBLISH_FACTBOX_PERMISSION
from newsroom.selectors import unverified_claims_shown
from newsroom.services import UnverifiedClaim, unverified_claims_decision
from relations import closure
from relations.models import Actor, Claim, PublicChange, Relationship
from relations.services import record_public_change

Kind = FactBox.Kind
REFUSED_AS_FACT = (Claim.Verification.FALSE, Claim.Verification.RETRACTED)


def can_publish_factbox(user: AbstractBaseUser) -> bool:
    return user.has_perm(PUBLISH_FACTBOX_PERMISSION)


# A name inside a sentence is kept shorter than in a list of names.
NAME_IN_MESSAGE = 70


def _name(entry: payload.Item) -> str:
    return payload.item_name(entry, limit=NAME_IN_MESSAGE)


def publication_problems(box: FactBox, snapshot: Snapshot) -> list[str]:
    """What keeps the draft from being published, in words an editor can act on."""
    entries = snapshot.payload["items"]
    if not entries:
        return [_("The box has no items yet.")]
    problems = []
    types = [entry["type"] for entry in entries]
    if box.kind == Kind.RELATIONSHIP_MAP and "relationship" not in types:
        problems.append(_("A relationship map needs at least one relationship."))
    if box.kind == Kind.ACTOR_PROFILE and types[0] != "actor":
        problems.append(_("An actor profile starts with the actor it is about: make an actor the first item."))
    if box.kind == Kind.CLAIM_CHECK:
        problems += [
            _("A claim check lists claims only: “%(item)s” is not one.") % {"item": _name(entry)}
            for entry in entries
            if entry["type"] != "claim"
        ]
    if box.kind == Kind.TIMELINE:
        problems += [
            _("Timeline entries need a date: give “%(item)s” one.") % {"item": _name(entry)}
            for entry in entries
            if not entry.get("when")
        ]
    if box.kind != Kind.CLAIM_CHECK:
        # Outside a claim check, a box states its claims as facts.
        problems += [
            _("“%(item)s” is marked %(state)s: remove it, or show it in a claim check.")
            % {"item": _name(entry), "state": entry["claim"]["verification_label"].lower()}
            for entry in entries
            if entry["type"] == "claim" and entry["claim"]["verification"] in REFUSED_AS_FACT
        ]
    return problems


def factbox_unverified_claims(*, factbox: FactBox) -> list[UnverifiedClaim]:
    """The claims publishing the draft would show that nobody has verified yet, as the box shows them."""
    return [UnverifiedClaim(pk, name) for pk, name in unverified_claims_shown(build_snapshot(factbox))]


@transaction.atomic
def factbox_publish(
    *, factbox: FactBox, by: AbstractBaseUser, confirmed_unverified: Collection[int] = (), note: str = ""
) -> FactBoxVersion:
    """Freeze the draft as the next version and show it to readers from now on.

    A draft showing unverified claims (its own, or the evidence of its relationships) is published
    only once ``confirmed_unverified`` holds the id of each (``UnverifiedClaimsUnconfirmed`` names
    them otherwise), and never with ``PUBLISH_UNVERIFIED=refuse``. ``note`` is the editor's own
    word for the audit trail, before what the workflow adds."""
    if not can_publish_factbox(by):
        raise PermissionDenied(_("Only editors publish fact boxes."))
    # What the new version shows becomes public in the same transaction. The box is locked, so that
    # two editors publishing at once get two versions, not one number twice.
    with closure.maintained(FactBox.objects.filter(pk=factbox.pk)):
        box = FactBox.objects.select_for_update().get(pk=factbox.pk)
        snapshot = build_snapshot(box)
        problems = publication_problems(box, snapshot)
        if problems:
            raise ValidationError(problems)
        decision = unverified_claims_decision(
            [UnverifiedClaim(pk, name) for pk, name in unverified_claims_shown(snapshot)],
            confirmed=confirmed_unverified,
            moved=_("Published"),
        )
        now = timezone.now()
        was_live = box.is_live
        number = (box.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = FactBoxVersion.objects.create(
            factbox=box,
            number=number,
            # A map's layout is frozen with it: the version keeps its picture when the drawing code changes.
            payload=relationship_map.with_layout(payload.published(snapshot.payload, number=number, at=now)),
            published_at=now,
            published_by=by,
        )
        for reference in snapshot.references:
            reference.version = version
        FactBoxReference.objects.bulk_create(snapshot.references)
        box.status = FactBox.Status.PUBLISHED
        box.published_version = version
        box.first_published_at = box.first_published_at or now
        box.last_published_at = now
        # Publishing counts as an edit: a form opened before it cannot write over it unnoticed.
        box.edit_count += 1
        box.save(
            update_fields=[
                "status",
                "published_version",
                "first_published_at",
                "last_published_at",
                "edit_count",
                "updated_at",
            ]
        )
        FactBoxEvent.objects.create(
            factbox=box,
            kind=FactBoxEvent.Kind.PUBLISHED,
            version=version,
            by=by,
            at=now,
            note="\n".join(part.strip() for part in (note, decision) if part.strip()),
        )
        # A box back from withdrawal is published again as far as readers can tell, not updated.
        kind = PublicChange.Kind.UPDATED if was_live else PublicChange.Kind.PUBLISHED
        record_public_change(
            target=box,
            key=box.slug,
            kind=kind,
            at=now,
            note=_("version %(number)d") % {"number": number} if number > 1 else "",
        )
        return version


@transaction.atomic
def factbox_withdraw(*, factbox: FactBox, by: AbstractBaseUser, note: str = "") -> FactBox:
    """Take a published box off every public path: its embeds answer 410 Gone from now on."""
    if not can_publish_factbox(by):
        raise PermissionDenied(_("Only editors withdraw fact boxes."))
    with closure.maintained(FactBox.objects.filter(pk=factbox.pk)):
        box = FactBox.objects.select_for_update().get(pk=factbox.pk)
        if not box.is_live:
            raise ValidationError(_("Only a published box can be withdrawn."))
        box.status = FactBox.Status.WITHDRAWN
        box.edit_count += 1
        box.save(update_fields=["status", "edit_count", "updated_at"])
        event = FactBoxEvent.objects.create(
            factbox=box, kind=FactBoxEvent.Kind.WITHDRAWN, version=box.published_version, by=by, note=note.strip()
        )
        # The editor's reason stays in the audit trail: it was written for the newsroom, not for readers.
        record_public_change(target=box, key=box.slug, kind=PublicChange.Kind.WITHDRAWN, at=event.at)
        return box


def _free_slug(title: str) -> str:
    return _free_box_slug(title, "relationship-map")


def _map_title(names: list[str]) -> str:
    """ "A, B and C", or, when that outgrows the title field, as many names as fit and how many more."""
    limit = FactBox._meta.get_field("title").max_length
    title = _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}
    shown = len(names) - 1
    while len(title) > limit and shown > 1:
        shown -= 1
        title = _("%(names)s and %(count)d others") % {"names": ", ".join(names[:shown]), "count": len(names) - shown}
    return title[:limit]


@transaction.atomic
def factbox_start_relationship_map(
    *, actors: Sequence[Actor], by: AbstractBaseUser, title: str = "", slug: str = ""
) -> FactBox:
    """A draft relationship map of ``actors``: each actor, then every relationship among them."""
    if not by.has_perm("newsroom.add_factbox"):
        raise PermissionDenied(_("You may not create fact boxes."))
    actors = list(dict.fromkeys(actors))
    if len(actors) < 2:
        raise ValidationError(_("Choose at least two actors to map the ties among them."))
    title = title.strip() or _map_title([actor.name for actor in actors])
    box = FactBox(kind=Kind.RELATIONSHIP_MAP, title=title, slug=slug or _free_slug(title))
    box.full_clean()
    box.save()
    ties = (
        Relationship.objects.filter(subject__in=actors, object__in=actors)
        .with_parties()
        .order_by("type__category", "type__name", "subject__name", "object__name")
    )
    items = [FactBoxItem(factbox=box, actor=actor) for actor in actors] + [
        FactBoxItem(factbox=box, relationship=tie) for tie in ties
    ]
    for position, item in enumerate(items, start=1):
        item.position = position
    FactBoxItem.objects.bulk_create(items)
    return box


def _free_box_slug(title: str, fallback: str) -> str:
    base = slugify(title)[:180] or fallback
    taken = set(FactBox.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def factbox_start_from_article(
    *, article: Article, by: AbstractBaseUser, title: str = "", kind: str = Kind.CLAIM_CHECK
) -> FactBox:
    """A draft box of the claims ``article`` cites, in the order it cites them, running with it.

    Where the box runs is an editors' decision (readers of a live story see it once the box is
    published): the box is placed beside the story only when ``by`` may publish boxes; otherwise
    an editor places it."""
    if not by.has_perm("newsroom.add_factbox") or not by.has_perm("newsroom.view_article"):
        raise PermissionDenied(_("You may not create fact boxes."))
    if kind not in (Kind.CLAIM_CHECK, Kind.KEY_FACTS):
        raise ValidationError(_("A box started from a story's claims is a claim check or key facts."))
    claims = list(
        ArticleClaim.objects.filter(article=article).order_by("position", "pk").values_list("claim", flat=True)
    )
    if not claims:
        raise ValidationError(_("“%(story)s” cites no claim yet: cite one, then start a box.") % {"story": article})
    title = title.strip() or _("Claims in “%(story)s”") % {"story": article.title}
    title = title[: FactBox._meta.get_field("title").max_length]
    box = FactBox(kind=kind, title=title, slug=_free_box_slug(title, "claims"))
    box.full_clean()
    box.save()
    FactBoxItem.objects.bulk_create(
        [FactBoxItem(factbox=box, claim_id=claim, position=n) for n, claim in enumerate(claims, start=1)]
    )
    if can_publish_factbox(by):
        FactBoxPlacement.objects.create(factbox=box, article=article)
    return box
