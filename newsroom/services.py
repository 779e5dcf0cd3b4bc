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
from dataclasses import dataclass, replace
from html import unescape

import reversion
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from newsroom.models import (
    Article,
    ArticleClaim,
    ArticleDraft,
    ArticleDraftClaim,
    ArticleEvent,
    Correction,
    PreviewLink,
)
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


def _chosen(mentioned: list[Actor], actors: Collection[Actor | int] | None) -> list[Actor]:
    """Of the actors the text mentions, those the editor chose (all when ``actors`` is None).
    Choosing one the text does not mention is refused: the choice was made on a text that has
    changed since."""
    if actors is None:
        return mentioned
    chosen = {actor.pk if isinstance(actor, Actor) else int(actor) for actor in actors}
    unmentioned = chosen - {actor.pk for actor in mentioned}
    if unmentioned:
        names = Actor.objects.filter(pk__in=unmentioned).order_by("name").values_list("name", flat=True)
        raise ValidationError(
            _("The text does not mention %(names)s: nothing was tagged.")
            % {"names": ", ".join(names) or _("the actor chosen")},
            code="not_mentioned",
        )
    return [actor for actor in mentioned if actor.pk in chosen]


@transaction.atomic
def article_tag_mentioned_actors(
    *, article: Article, by: AbstractBaseUser, actors: Collection[Actor | int] | None = None
) -> list[Actor]:
    """Tag the article with the actors its text mentions (all of them, or those of ``actors`` the
    editor chose); returns those newly tagged. Choosing an actor the text does not mention is
    refused, and nothing is tagged: the choice was made on a text that has changed since."""
    if not article.editable_by(by):
        raise PermissionDenied(_("You may not change this article: ask an editor."))
    if article.is_live:
        return _tag_in_draft(article, by, actors)
    mentioned = _chosen(article_mentioned_actors(article=article), actors)
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
        draft = article_draft(article)
        if draft is not None:
            # Readers no longer see it: the draft's edits become the article, as a direct edit would.
            with _revision(article, by, _("Withdrawn with its draft of changes applied")):
                _apply_draft(article, draft, by)
            _drop_draft(article)
        article.status = Status.WITHDRAWN
        _save(article, ["status"])
        # A story taken down is shown to nobody outside the newsroom, shared previews included.
        PreviewLink.objects.filter(article=article, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
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


# --- Drafts of live articles ------------------------------------------------------------------
# Editing a live article keeps the edits in its ArticleDraft: the story page, the API, the embeds
# and the feed go on showing the live version until an editor publishes the changes. A draft
# exists only while the article is live (withdrawing applies it, as readers no longer see it).
DRAFT_FIELDS = ("title", "standfirst", "body", "byline", "section")


@dataclass(frozen=True, order=True)
class DraftCitation:
    position: int
    claim_id: int
    passage: str = ""


@dataclass(frozen=True)
class ArticleContent:
    """What editors write of a story, whether it is the live version or its draft."""

    title: str
    standfirst: str
    body: str
    byline: str
    section: str
    actor_ids: frozenset[int]
    citations: tuple[DraftCitation, ...]


def live_content(article: Article) -> ArticleContent:
    citations = article.claim_citations.values_list("position", "claim_id", "passage")
    return ArticleContent(
        **{name: getattr(article, name) for name in DRAFT_FIELDS},
        actor_ids=frozenset(article.actors.values_list("pk", flat=True)),
        citations=tuple(sorted(DraftCitation(*row) for row in citations)),
    )


def draft_content(draft: ArticleDraft) -> ArticleContent:
    citations = draft.article.draft_citations.values_list("position", "claim_id", "passage")
    return ArticleContent(
        **{name: getattr(draft, name) for name in DRAFT_FIELDS},
        actor_ids=frozenset(draft.actors.values_list("pk", flat=True)),
        citations=tuple(sorted(DraftCitation(*row) for row in citations)),
    )


def article_draft(article: Article) -> ArticleDraft | None:
    return ArticleDraft.objects.filter(article=article).select_related("updated_by").first()


def _content_from(
    *, title: str, standfirst: str, body: str, byline: str, section: str, actors, citations
) -> ArticleContent:
    """The submitted content, cleaned as the article's own fields clean it; a ValidationError
    names each field that is wrong."""
    values = {"title": title, "standfirst": standfirst, "body": body, "byline": byline, "section": section}
    errors: dict[str, list] = {}
    for name, value in values.items():
        model_field = ArticleDraft._meta.get_field(name)
        try:
            values[name] = model_field.clean(value.strip() if name == "title" else value, None)
        except ValidationError as error:
            errors[name] = error.messages
    actor_ids = {getattr(actor, "pk", actor) for actor in actors}
    if len(Actor.objects.filter(pk__in=actor_ids)) != len(actor_ids):
        errors["actors"] = [_("One of the actors no longer exists.")]
    rows = [
        DraftCitation(
            position=int(row.get("position") or 0),
            claim_id=getattr(row["claim"], "pk", row["claim"]),
            passage=row.get("passage") or "",
        )
        for row in citations
    ]
    claim_ids = [row.claim_id for row in rows]
    if len(set(claim_ids)) != len(claim_ids):
        errors["citations"] = [_("The article cites the same claim twice.")]
    elif Claim.objects.filter(pk__in=claim_ids).count() != len(claim_ids):
        errors["citations"] = [_("One of the cited claims no longer exists.")]
    if any(row.position < 0 for row in rows):
        errors.setdefault("citations", []).append(_("A position is a whole number from 0."))
    if errors:
        raise ValidationError(errors)
    return ArticleContent(**values, actor_ids=frozenset(actor_ids), citations=tuple(sorted(rows)))


def _cited_as_marked(content: ArticleContent, article: Article) -> tuple[DraftCitation, ...]:
    """A draft cites what its text marks, in the order of the text, as a saved article does
    (``article_sync_citations``); citations made without a mark follow, and a live citation whose
    mark the draft removed goes with it. So the preview shows the passages the draft marks."""
    unknown = unknown_cited_claims(content.body)
    if unknown:
        raise ValidationError(
            {
                "body": _("The text cites claims that do not exist (%(ids)s): remove their marks.")
                % {"ids": ", ".join(f"#{pk}" for pk in unknown)}
            }
        )
    marked: dict[int, str] = {}
    for pk, passage in claim_marks(content.body):
        marked.setdefault(pk, passage)
    anchored = set(ArticleClaim.objects.filter(article=article, anchored=True).values_list("claim_id", flat=True))
    unmarked = [row for row in sorted(content.citations) if row.claim_id not in marked.keys() | anchored]
    rows = [
        DraftCitation(position=n, claim_id=pk, passage=passage) for n, (pk, passage) in enumerate(marked.items(), 1)
    ]
    rows += [
        DraftCitation(position=n, claim_id=row.claim_id, passage=row.passage)
        for n, row in enumerate(unmarked, start=len(marked) + 1)
    ]
    return tuple(sorted(rows))


def _count_edit(article: Article) -> None:
    # A draft saved is an edit of the article: a change form opened before it is refused rather than
    # writing its older text into the draft. update(), not save(): the live row itself is unchanged,
    # and saving it would put the draft's text into its revisions.
    Article.objects.filter(pk=article.pk).update(edit_count=F("edit_count") + 1, updated_at=timezone.now())
    article.edit_count += 1


def _drop_draft(article: Article) -> None:
    ArticleDraftClaim.objects.filter(article=article).delete()
    ArticleDraft.objects.filter(article=article).delete()


@transaction.atomic
def article_save_draft(
    *,
    article: Article,
    by: AbstractBaseUser,
    title: str,
    standfirst: str = "",
    body: str = "",
    byline: str = "",
    section: str = "",
    actors: Collection = (),
    citations: Sequence[dict] = (),
) -> ArticleDraft | None:
    """Keep the edited content of a live article in its draft, which readers do not see.
    ``citations`` are mappings with ``claim`` (a Claim or its id), ``position`` and ``passage``.
    Content no different from the live version leaves no draft (returns None)."""
    article = _locked(article)
    if not article.editable_by(by):
        raise PermissionDenied(_("You may not change this article: ask an editor."))
    if not article.is_live:
        raise ValidationError(_("Only a live article keeps its changes in a draft: edit this one directly."))
    content = _content_from(
        title=title,
        standfirst=standfirst,
        body=body,
        byline=byline,
        section=section,
        actors=actors,
        citations=citations,
    )
    content = replace(content, citations=_cited_as_marked(content, article))
    existing = article_draft(article)
    if content == live_content(article):
        if existing is not None:
            _drop_draft(article)
            _count_edit(article)
        return None
    if existing is not None and content == draft_content(existing):
        return existing
    draft = existing or ArticleDraft(article=article, created_at=timezone.now())
    for name in DRAFT_FIELDS:
        setattr(draft, name, getattr(content, name))
    draft.updated_at, draft.updated_by = timezone.now(), by
    draft.save()
    draft.actors.set(content.actor_ids)
    ArticleDraftClaim.objects.filter(article=article).delete()
    ArticleDraftClaim.objects.bulk_create(
        ArticleDraftClaim(article=article, claim_id=row.claim_id, position=row.position, passage=row.passage)
        for row in content.citations
    )
    _count_edit(article)
    return draft


def _apply_draft(article: Article, draft: ArticleDraft, by: AbstractBaseUser) -> None:
    """Write ``draft`` into the article's own rows: its fields, actors and citations. The one
    place a draft becomes the article; the caller saves the fields it adds and drops the draft."""
    for name in DRAFT_FIELDS:
        setattr(article, name, getattr(draft, name))
    article.save(update_fields=[*DRAFT_FIELDS, "updated_at"])
    article.actors.set(draft.actors.all())
    wanted = {row.claim_id: row for row in ArticleDraftClaim.objects.filter(article=article)}
    ArticleClaim.objects.filter(article=article).exclude(claim_id__in=wanted).delete()
    # Citations that stay keep their rows (and their ids in the history); only what moved is written.
    for citation in ArticleClaim.objects.filter(article=article):
        row = wanted.pop(citation.claim_id)
        if (citation.position, citation.passage) != (row.position, row.passage):
            citation.position, citation.passage = row.position, row.passage
            citation.save(update_fields=["position", "passage"])
    ArticleClaim.objects.bulk_create(
        ArticleClaim(article=article, claim_id=row.claim_id, position=row.position, passage=row.passage)
        for row in wanted.values()
    )
    # The draft's citations already follow its marks; this marks which are anchored in the text.
    article_sync_citations(article=article, by=by)


@contextmanager
def _revision(article: Article, by: AbstractBaseUser, comment: str) -> Iterator[None]:
    """The article's new content as one revision of its history."""
    with reversion.create_revision():
        yield
        reversion.add_to_revision(article)
        # Inside an admin save, the save's own account stands.
        if not reversion.get_comment():
            reversion.set_user(by)
            reversion.set_comment(comment)


def article_has_draft(article: Article) -> bool:
    return ArticleDraft.objects.filter(article=article).exists()


@transaction.atomic
def article_publish_changes(
    *,
    article: Article,
    by: AbstractBaseUser,
    note: str = "",
    confirmed_unverified: Collection[int] = (),
) -> Article:
    """Publish the draft of a live article: readers see its content from now on. Held to what a
    publication is held to (``ensure_publishable``, unverified claims); a refusal changes nothing."""
    with _going_live_or_not(article) as article:
        if not can_publish(by):
            raise PermissionDenied(_("Only editors publish changes to a live article."))
        if not article.is_live:
            raise ValidationError(_("Only a live article has changes to publish."))
        draft = article_draft(article)
        if draft is None:
            raise ValidationError(_("There are no changes to publish: the draft matches the live version."))
        now = timezone.now()
        with _revision(article, by, _("Published the draft of changes")):
            _apply_draft(article, draft, by)
            article.ensure_publishable()
            unverified_note = unverified_claims_decision(
                article_unverified_claims(article=article), confirmed=confirmed_unverified, moved=_("Published")
            )
            article.last_published_at = article.last_modified_at = now
            _save(article, ["last_published_at", "last_modified_at"])
        _drop_draft(article)
        notes = [part for part in (note.strip(), unverified_note) if part]
        _record(
            article,
            kind=ArticleEvent.Kind.CHANGES_PUBLISHED,
            by=by,
            from_status=Status.PUBLISHED,
            note=" ".join(notes),
        )
        _tell_the_feed(article, kind=PublicChange.Kind.UPDATED, at=now)
        return article


@transaction.atomic
def article_discard_draft(*, article: Article, by: AbstractBaseUser) -> Article:
    """Throw away the draft of a live article: the change form shows the live version again."""
    article = _locked(article)
    if not article.editable_by(by):
        raise PermissionDenied(_("You may not change this article: ask an editor."))
    if not article_has_draft(article):
        raise ValidationError(_("This article has no draft of changes to discard."))
    _drop_draft(article)
    _count_edit(article)
    _record(article, kind=ArticleEvent.Kind.DRAFT_DISCARDED, by=by, from_status=article.status)
    return article


# --- Preview links ---------------------------------------------------------------------------
PREVIEW_HOURS = 48
PREVIEW_HOURS_MAX = 14 * 24


def can_share_preview(*, article: Article, user: AbstractBaseUser) -> bool:
    return article.editable_by(user)


@transaction.atomic
def article_share_preview(*, article: Article, by: AbstractBaseUser, hours: int = PREVIEW_HOURS) -> PreviewLink:
    """Give out a preview address of the article for ``hours``; ``previews.preview_url`` signs it."""
    article = _locked(article)
    if not can_share_preview(article=article, user=by):
        raise PermissionDenied(_("You may not share a preview of this article."))
    if article.status == Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn story is not shared: publish it again first."), code="withdrawn")
    if not isinstance(hours, int) or not 1 <= hours <= PREVIEW_HOURS_MAX:
        raise ValidationError(
            _("A preview link lasts from 1 hour to %(max)d hours.") % {"max": PREVIEW_HOURS_MAX}, code="hours"
        )
    now = timezone.now()
    return PreviewLink.objects.create(
        article=article, created_by=by, created_at=now, expires_at=now + datetime.timedelta(hours=hours)
    )


@transaction.atomic
def article_revoke_preview(*, link: PreviewLink, by: AbstractBaseUser) -> PreviewLink:
    """End a preview address before its time: it answers 404 from now on."""
    link = PreviewLink.objects.select_for_update().select_related("article").get(pk=link.pk)
    if not can_share_preview(article=link.article, user=by) and link.created_by_id != by.pk:
        raise PermissionDenied(_("You may not revoke this preview link."))
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = timezone.now(), by
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def _tag_in_draft(article: Article, by: AbstractBaseUser, actors: Collection[Actor | int] | None) -> list[Actor]:
    """Tagging a live article is an edit like any other: the new tags go to its draft."""
    draft = article_draft(article)
    content = draft_content(draft) if draft is not None else live_content(article)
    text = "\n\n".join(part for part in (content.title, content.standfirst, unescape(strip_tags(content.body))) if part)
    new = [actor for actor in _chosen(mentioned_actors(text), actors) if actor.pk not in content.actor_ids]
    if new:
        article_save_draft(
            article=article,
            by=by,
            **{name: getattr(content, name) for name in DRAFT_FIELDS},
            actors=[*content.actor_ids, *(actor.pk for actor in new)],
            citations=[
                {"claim": row.claim_id, "position": row.position, "passage": row.passage} for row in content.citations
            ],
        )
    return new
