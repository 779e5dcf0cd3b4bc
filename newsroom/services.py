"""State changes on articles, shared by the admin, management commands and the demo loader.

Each transition checks the user's permission and the article's state, saves
only the fields it changes, and leaves an ArticleEvent in the audit trail.
Errors are ``PermissionDenied`` or ``ValidationError`` with a message an
editor can act on; the admin shows them as messages.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from newsroom.models import Article, ArticleClaim, ArticleEvent, Correction
from newsroom.richtext import claim_marks
from newsroom.selectors import unverified_claims_cited
from relations import closure, feed
from relations.mentions import mentioned_actors
from relations.models import Actor, Claim, PublicChange
from relations.services import record_public_change, record_slug_change

Status = Article.Status
PUBLISH_PERMISSION = "newsroom.publish_article"
CHANGE_PERMISSION = "newsroom.change_article"


def can_publish(user: AbstractBaseUser) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def article_mentioned_actors(*, article: Article) -> list[Actor]:
    return mentioned_actors(article.plain_text)


@transaction.atomic
def article_tag_mentioned_actors(
    *, article: Article, by: AbstractBaseUser, actors: Collection[Actor | int] | None = None
) -> list[Actor]:
    """Tag the article with the actors its text mentions (all of them, or those of ``actors`` the
    editor chose); returns those newly tagged. Choosing an actor the text does not mention is
    refused, and nothing is tagged: the choice was made on a text that has changed since."""
    if not article.editable_by(by):
        raise PermissionDenied(_("You may not change this article: ask an editor."))
    mentioned = article_mentioned_actors(article=article)
    if actors is not None:
        chosen = {actor.pk if isinstance(actor, Actor) else int(actor) for actor in actors}
        unmentioned = chosen - {actor.pk for actor in mentioned}
        if unmentioned:
            names = Actor.objects.filter(pk__in=unmentioned).order_by("name").values_list("name", flat=True)
            raise ValidationError(
                _("The text does not mention %(names)s: nothing was tagged.")
                % {"names": ", ".join(names) or _("the actor chosen")},
                code="not_mentioned",
            )
        mentioned = [actor for actor in mentioned if actor.pk in chosen]
    already = set(article.actors.values_list("pk", flat=True))
    new = [actor for actor in mentioned if actor.pk not in already]
    if new:
        # The tags are part of the article's content: keep them in its history.
        with closure.maintained(Article.objects.filter(pk=article.pk)), reversion.create_revision():
            article.actors.add(*new)
            reversion.add_to_revision(article)
            # Inside a larger change (an admin save, the demo) that change's own account stands.
            if not reversion.get_comment():
                reversion.set_user(by)
                reversion.set_comment(_("Tagged the actors its text mentions"))
    return new


# --- Citations marked in the text --------------------------------------------------------------


@dataclass(frozen=True)
class CitationsSynced:
    added: list[Claim]
    removed: list[Claim]


def unknown_cited_claims(body: str) -> list[int]:
    """Ids the body's marks cite that name no claim (deleted since, or typed by hand)."""
    cited = {pk for pk, _passage in claim_marks(body)}
    return sorted(cited - set(Claim.objects.filter(pk__in=cited).values_list("pk", flat=True)))


@transaction.atomic
def article_sync_citations(*, article: Article, by: AbstractBaseUser) -> CitationsSynced:
    """Make the article's citations those its body marks, in the order of the text.

    Each ``<mark data-claim>`` cites its claim at its place in the text with the mark's text as
    the passage (a claim marked twice is cited once, where it is first marked). A citation whose
    mark has gone is removed; citations made without a mark (through the citation table, before
    passages were marked) stay, after the marked ones, in their order. Run on every save of the
    body, and by whatever else sets it, as the body is read from the database."""
    article = Article.objects.select_for_update().only("pk", "body", "status").get(pk=article.pk)
    if not article.editable_by(by):
        raise PermissionDenied(_("You may not change this article: ask an editor."))
    marked: dict[int, str] = {}
    for pk, passage in claim_marks(article.body):
        marked.setdefault(pk, passage)
    unknown = unknown_cited_claims(article.body)
    if unknown:
        raise ValidationError(
            _("The text cites claims that do not exist (%(ids)s): remove their marks.")
            % {"ids": ", ".join(f"#{pk}" for pk in unknown)}
        )
    with closure.maintained(Article.objects.filter(pk=article.pk)):
        existing = {
            citation.claim_id: citation
            for citation in ArticleClaim.objects.select_for_update().filter(article=article).select_related("claim")
        }
        gone = [c for c in existing.values() if c.anchored and c.claim_id not in marked]
        unmarked = sorted(
            (c for c in existing.values() if not c.anchored and c.claim_id not in marked),
            key=lambda c: (c.position, c.pk),
        )
        changed, added = [], []
        for position, (pk, passage) in enumerate(marked.items(), start=1):
            citation = existing.get(pk)
            if citation is None:
                added.append(
                    ArticleClaim(article=article, claim_id=pk, position=position, passage=passage, anchored=True)
                )
            elif (citation.position, citation.passage, citation.anchored) != (position, passage, True):
                citation.position, citation.passage, citation.anchored = position, passage, True
                changed.append(citation)
        for position, citation in enumerate(unmarked, start=len(marked) + 1):
            if citation.position != position:
                citation.position = position
                changed.append(citation)
        if gone:
            ArticleClaim.objects.filter(pk__in=[c.pk for c in gone]).delete()
        ArticleClaim.objects.bulk_create(added)
        ArticleClaim.objects.bulk_update(changed, ["position", "passage", "anchored"])
        if (added or gone or changed) and reversion.is_active():
            # Inside a larger change (an admin save) the article's revision holds its citations.
            reversion.add_to_revision(Article.objects.get(pk=article.pk))
    claims = Claim.objects.in_bulk([c.claim_id for c in added])
    return CitationsSynced(added=[claims[c.claim_id] for c in added], removed=[c.claim for c in gone])


# --- Unverified claims ---------------------------------------------------------------------
# Publishing a story or a box that shows claims nobody has checked yet takes the editor's
# confirmation, claim by claim, and the audit trail keeps it; with PUBLISH_UNVERIFIED=refuse it is
# refused until each has a verdict. Scheduling and rescheduling count as publishing.
UNVERIFIED_REFUSE = "refuse"


@dataclass(frozen=True)
class UnverifiedClaim:
    pk: int
    name: str


def _named(claims: Sequence[UnverifiedClaim]) -> str:
    return "; ".join(f"“{claim.name}” (#{claim.pk})" for claim in claims)


class UnverifiedClaimsUnconfirmed(ValidationError):
    """Publishing would show readers ``claims``, which nobody has checked, and the editor has not
    confirmed them: the admin asks, naming them, and passes the answer on as ``confirmed_unverified``."""

    def __init__(self, claims: Sequence[UnverifiedClaim]) -> None:
        self.claims = list(claims)
        super().__init__(
            ngettext(
                "It shows a claim nobody has verified yet: %(claims)s. Confirm publishing it unverified.",
                "It shows %(n)d claims nobody has verified yet: %(claims)s. Confirm publishing them unverified.",
                len(self.claims),
            )
            % {"n": len(self.claims), "claims": _named(self.claims)}
        )


def publishing_asks_about_unverified() -> bool:
    """Whether publishing unverified claims is the editor's call (asked) rather than refused."""
    return settings.PUBLISH_UNVERIFIED != UNVERIFIED_REFUSE


def unverified_claims_decision(claims: Sequence[UnverifiedClaim], *, confirmed: Collection[int], moved: str) -> str:
    """The audit trail's note on publishing ``claims`` unverified ("" when there are none), once the
    editor has confirmed each of them (``confirmed``, their ids); refused otherwise, naming them.
    ``moved`` says what is being done ("Published", "Scheduled")."""
    if not claims:
        return ""
    if not publishing_asks_about_unverified():
        raise ValidationError(
            ngettext(
                "It shows a claim nobody has verified yet: %(claims)s. Have it checked before publishing.",
                "It shows %(n)d claims nobody has verified yet: %(claims)s. Have them checked before publishing.",
                len(claims),
            )
            % {"n": len(claims), "claims": _named(claims)}
        )
    confirmed = set(confirmed)
    if any(claim.pk not in confirmed for claim in claims):
        # Asked about all of them, not only the new ones: the editor confirms what readers will see.
        raise UnverifiedClaimsUnconfirmed(claims)
    return ngettext(
        "%(moved)s with %(n)d unverified claim, confirmed: %(claims)s.",
        "%(moved)s with %(n)d unverified claims, confirmed: %(claims)s.",
        len(claims),
    ) % {"moved": moved, "n": len(claims), "claims": _named(claims)}


def article_unverified_claims(*, article: Article) -> list[UnverifiedClaim]:
    """The claims ``article`` cites that nobody has verified yet, in the order it cites them."""
    return [UnverifiedClaim(claim.pk, str(claim)) for claim in unverified_claims_cited([article]).get(article.pk, [])]


# The workflow, stated once: from which states each move may be made, and what
# permission it takes from there. The services enforce it; the admin asks
# ``available_transitions`` which buttons to show.
SUBMIT, RETURN, PUBLISH, WITHDRAW = "submit", "return", "publish", "withdraw"
_FROM = {
    SUBMIT: lambda article: article.status == Status.DRAFT,
    RETURN: lambda article: article.status in (Status.IN_REVIEW, Status.WITHDRAWN) or article.is_scheduled,
    PUBLISH: lambda article: article.status in (Status.DRAFT, Status.IN_REVIEW) or article.is_scheduled,
    WITHDRAW: lambda article: article.is_live,
}
_NAMES = {
    SUBMIT: _("submitted for review"),
    RETURN: _("returned to draft"),
    PUBLISH: _("published"),
    WITHDRAW: _("withdrawn"),
}


def _permission(action: str, article: Article) -> str:
    # Sending back work in review is part of writing; everything touching what readers see is an editor's.
    if action == SUBMIT or (action == RETURN and article.status == Status.IN_REVIEW):
        return CHANGE_PERMISSION
    return PUBLISH_PERMISSION


def available_transitions(*, article: Article, user: AbstractBaseUser) -> list[str]:
    """The moves ``user`` may make on ``article`` as it stands, in workflow order."""
    return [
        action
        for action, allowed_from in _FROM.items()
        if allowed_from(article) and user.has_perm(_permission(action, article))
    ]


def _check(article: Article, action: str, by: AbstractBaseUser) -> None:
    if not by.has_perm(_permission(action, article)):
        raise PermissionDenied(_("You may not do this: ask an editor."))
    if not _FROM[action](article):
        if action == WITHDRAW and article.is_scheduled:
            raise ValidationError(_("This article is not live yet: unschedule it instead of withdrawing it."))
        status = article.get_status_display().lower()
        raise ValidationError(
            _("A %(status)s article cannot be %(action)s.") % {"status": status, "action": _NAMES[action]}
        )


def _locked(article: Article) -> Article:
    """The article as it is in the database now, locked until the transaction ends,
    so that two editors pressing buttons at once cannot both move it."""
    return Article.objects.select_for_update().get(pk=article.pk)


@contextmanager
def _going_live_or_not(article: Article) -> Iterator[Article]:
    """The article, locked, for a move that changes whether or when readers see it: the
    claims and actors it reaches become public, or stop being, in the same transaction."""
    with closure.maintained(Article.objects.filter(pk=article.pk)):
        yield _locked(article)


def _save(article: Article, fields: list[str]) -> None:
    # Every move counts as an edit: a change form opened before it is then refused
    # instead of writing the old state back over it.
    article.edit_count += 1
    article.save(update_fields=[*fields, "edit_count", "updated_at"])


def _record(article: Article, *, kind: str, by: AbstractBaseUser, from_status: str, note: str = "") -> ArticleEvent:
    return ArticleEvent.objects.create(
        article=article, kind=kind, by=by, from_status=from_status, to_status=article.status, note=note
    )


# The public feed of changes (/api/v1/changes/) tells partners only what readers saw.
CORRECTION_NOTE_LENGTH = 200


def _tell_the_feed(article: Article, *, kind: str, at: datetime.datetime, note: str = "") -> None:
    record_public_change(target=article, key=article.slug, kind=kind, at=at, note=note)


def _forget_the_schedule(article: Article) -> None:
    """Drop the feed's entry for a publication that has not happened yet: the schedule moved or
    was cancelled, and partners must never be told of a publication readers did not see."""
    feed.drop_unseen(article)


def _joined(*notes: str) -> str:
    """The event's note: the person's own words first, then what the workflow adds, one a line."""
    return "\n".join(note.strip() for note in notes if note and note.strip())


@transaction.atomic
def article_submit_for_review(*, article: Article, by: AbstractBaseUser, note: str = "") -> Article:
    """Hand a draft to the editors; ``note`` is what the reporter tells them (the review queue shows it)."""
    article = _locked(article)
    _check(article, SUBMIT, by)
    article.status = Status.IN_REVIEW
    _save(article, ["status"])
    _record(article, kind=ArticleEvent.Kind.SUBMITTED, by=by, from_status=Status.DRAFT, note=_joined(note))
    return article


@transaction.atomic
def article_return_to_draft(*, article: Article, by: AbstractBaseUser, note: str = "") -> Article:
    """Send an article back for more work: from review, from withdrawal, or off the schedule
    before it goes live. Taking a live article down is ``article_withdraw``."""
    with _going_live_or_not(article) as article:
        _check(article, RETURN, by)
        previous = article.status
        fields = ["status"]
        if article.is_scheduled:
            # It never went live this time: readers were told nothing.
            _forget_the_schedule(article)
            article.publish_at = None
            fields.append("publish_at")
            if article.first_published_at is None or article.first_published_at > timezone.now():
                article.first_published_at = article.last_published_at = article.last_modified_at = None
                fields += ["first_published_at", "last_published_at", "last_modified_at"]
        article.status = Status.DRAFT
        _save(article, fields)
        _record(article, kind=ArticleEvent.Kind.RETURNED, by=by, from_status=previous, note=_joined(note))
        return article


@transaction.atomic
def article_publish(
    *,
    article: Article,
    by: AbstractBaseUser,
    publish_at: datetime.datetime | None = None,
    confirmed_unverified: Collection[int] = (),
    note: str = "",
) -> Article:
    """Publish a draft or an article in review now, or schedule it for ``publish_at``
    (it is live once that moment has passed, with no job to run).

    A scheduled article is rescheduled to ``publish_at``, which it must then be
    given (pass the current time to publish it at once): an empty time there
    would otherwise break its embargo.

    An article citing unverified claims is published only once ``confirmed_unverified``
    holds the id of each (``UnverifiedClaimsUnconfirmed`` names them otherwise), and
    never with ``PUBLISH_UNVERIFIED=refuse``. ``note`` is the editor's own word for the audit trail.
    """
    with _going_live_or_not(article) as article:
        _check(article, PUBLISH, by)
        now = timezone.now()
        if publish_at is None and article.is_scheduled:
            raise ValidationError(_("Give the new publication time, or publish it now."))
        if publish_at is not None and timezone.is_naive(publish_at):
            raise ValidationError(_("The publication time needs a time zone."))
        when = max(publish_at or now, now)
        article.ensure_publishable()
        scheduled = when > now
        unverified_note = unverified_claims_decision(
            article_unverified_claims(article=article),
            confirmed=confirmed_unverified,
            moved=_("Scheduled") if scheduled else _("Published"),
        )
        if article.is_scheduled:
            _forget_the_schedule(article)
        previous = article.status
        article.status = Status.PUBLISHED
        article.publish_at = when
        # A first publication still in the future never happened: it moves with the schedule.
        if article.first_published_at is None or article.first_published_at > now:
            article.first_published_at = when
        article.last_published_at = article.last_modified_at = when
        _save(article, ["status", "publish_at", "first_published_at", "last_published_at", "last_modified_at"])
        notes = [unverified_note] if unverified_note else []
        if scheduled:
            notes.insert(0, _("Goes live %(when)s") % {"when": timezone.localtime(when).strftime("%d %b %Y %H:%M %Z")})
        kind = ArticleEvent.Kind.SCHEDULED if scheduled else ArticleEvent.Kind.PUBLISHED
        _record(article, kind=kind, by=by, from_status=previous, note=_joined(note, ". ".join(notes)))
        # Dated when readers see it: a scheduled publication shows in the feed once its time comes.
        _tell_the_feed(article, kind=PublicChange.Kind.PUBLISHED, at=when)
        return article


@transaction.atomic
def article_withdraw(*, article: Article, by: AbstractBaseUser, note: str = "") -> Article:
    """Take a live article off the site (it answers 404 to readers from then on)."""
    with _going_live_or_not(article) as article:
        _check(article, WITHDRAW, by)
        article.status = Status.WITHDRAWN
        _save(article, ["status"])
        _record(article, kind=ArticleEvent.Kind.WITHDRAWN, by=by, from_status=Status.PUBLISHED, note=_joined(note))
        # The editor's reason stays in the audit trail: it was written for the newsroom, not for readers.
        _tell_the_feed(article, kind=PublicChange.Kind.WITHDRAWN, at=timezone.now())
        return article


def can_correct(*, article: Article, user: AbstractBaseUser) -> bool:
    return article.is_live and can_publish(user)


@transaction.atomic
def article_add_correction(*, article: Article, by: AbstractBaseUser, text: str) -> Correction:
    """Append a dated public correction to a live article; readers see it as an update."""
    article = _locked(article)
    if not can_publish(by):
        raise PermissionDenied(_("Only editors correct published articles."))
    if not article.is_live:
        raise ValidationError(_("Only a live article takes corrections; edit one that is not live directly."))
    correction = Correction(article=article, by=by, text=text.strip())
    correction.full_clean()
    correction.save()
    article.last_modified_at = correction.published_at
    _save(article, ["last_modified_at"])
    _record(article, kind=ArticleEvent.Kind.CORRECTED, by=by, from_status=article.status, note=correction.text)
    # The correction is printed under the story, so its words may go to the feed too.
    _tell_the_feed(
        article,
        kind=PublicChange.Kind.UPDATED,
        at=correction.published_at,
        note=Truncator(" ".join(correction.text.split())).chars(CORRECTION_NOTE_LENGTH),
    )
    return correction


@transaction.atomic
def article_record_slug_change(*, article: Article, former_slug: str, by: AbstractBaseUser) -> ArticleEvent | None:
    """Record who changed the slug of a saved article (``relations.services.record_slug_change``)
    and, once readers have had its address, say so in its audit trail too."""
    record_slug_change(target=article, former_slug=former_slug, by=by)
    if article.first_published_at is None:
        return None
    note = _("The address changed from “%(old)s” to “%(new)s”; the old one leads to the new one.") % {
        "old": former_slug,
        "new": article.slug,
    }
    return _record(article, kind=ArticleEvent.Kind.RENAMED, by=by, from_status=article.status, note=note)
