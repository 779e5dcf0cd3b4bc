"""State changes on articles, shared by the admin, management commands and the demo loader.

Each transition checks the user's permission and the article's state, saves
only the fields it changes, and leaves an ArticleEvent in the audit trail.
Errors are ``PermissionDenied`` or ``ValidationError`` with a message an
editor can act on; the admin shows them as messages.
"""

from __future__ import annotations

import datetime

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom.models import Article, ArticleEvent, Correction
from relations.mentions import mentioned_actors
from relations.models import Actor

Status = Article.Status
PUBLISH_PERMISSION = "newsroom.publish_article"
CHANGE_PERMISSION = "newsroom.change_article"


def can_publish(user: AbstractBaseUser) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def article_mentioned_actors(*, article: Article) -> list[Actor]:
    return mentioned_actors(article.plain_text)


@transaction.atomic
def article_tag_mentioned_actors(*, article: Article, by: AbstractBaseUser) -> list[Actor]:
    """Tag the article with every actor its text mentions; returns those newly tagged."""
    if not article.editable_by(by):
        raise PermissionDenied(_("You may not change this article: ask an editor."))
    already = set(article.actors.values_list("pk", flat=True))
    new = [actor for actor in article_mentioned_actors(article=article) if actor.pk not in already]
    if new:
        # The tags are part of the article's content: keep them in its history.
        with reversion.create_revision():
            article.actors.add(*new)
            reversion.add_to_revision(article)
            # Inside a larger change (an admin save, the demo) that change's own account stands.
            if not reversion.get_comment():
                reversion.set_user(by)
                reversion.set_comment(_("Tagged the actors its text mentions"))
    return new


def _require(user: AbstractBaseUser, permission: str, action: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("You may not %(action)s articles: ask an editor.") % {"action": action})


def _locked(article: Article) -> Article:
    """The article as it is in the database now, locked until the transaction ends,
    so that two editors pressing buttons at once cannot both move it."""
    return Article.objects.select_for_update().get(pk=article.pk)


def _refuse(article: Article, action: str) -> None:
    raise ValidationError(
        _("A %(status)s article cannot be %(action)s.")
        % {"status": article.get_status_display().lower(), "action": action}
    )


def _record(article: Article, *, kind: str, by: AbstractBaseUser, from_status: str, note: str = "") -> ArticleEvent:
    return ArticleEvent.objects.create(
        article=article, kind=kind, by=by, from_status=from_status, to_status=article.status, note=note
    )


@transaction.atomic
def article_submit_for_review(*, article: Article, by: AbstractBaseUser) -> Article:
    _require(by, CHANGE_PERMISSION, _("submit"))
    article = _locked(article)
    if article.status != Status.DRAFT:
        _refuse(article, _("submitted for review"))
    article.status = Status.IN_REVIEW
    article.save(update_fields=["status", "updated_at"])
    _record(article, kind=ArticleEvent.Kind.SUBMITTED, by=by, from_status=Status.DRAFT)
    return article


@transaction.atomic
def article_return_to_draft(*, article: Article, by: AbstractBaseUser, note: str = "") -> Article:
    """Send an article back for more work: from review, from withdrawal, or off the schedule
    before it goes live. Taking a live article down is ``article_withdraw``."""
    article = _locked(article)
    previous = article.status
    if previous == Status.IN_REVIEW:
        _require(by, CHANGE_PERMISSION, _("return"))
    elif previous == Status.WITHDRAWN or article.is_scheduled:
        _require(by, PUBLISH_PERMISSION, _("unschedule or rework withdrawn"))
    else:
        _refuse(article, _("returned to draft"))
    article.status = Status.DRAFT
    fields = ["status", "updated_at"]
    if previous == Status.PUBLISHED:
        # It never went live: readers were told nothing, so nothing was published.
        article.publish_at = None
        fields.append("publish_at")
    article.save(update_fields=fields)
    _record(article, kind=ArticleEvent.Kind.RETURNED, by=by, from_status=previous, note=note)
    return article


@transaction.atomic
def article_publish(*, article: Article, by: AbstractBaseUser, publish_at: datetime.datetime | None = None) -> Article:
    """Publish now, or schedule for ``publish_at`` (the article is live once it has passed).

    Also reschedules an article that is scheduled but not yet live.
    """
    _require(by, PUBLISH_PERMISSION, _("publish"))
    article = _locked(article)
    previous = article.status
    if previous not in (Status.DRAFT, Status.IN_REVIEW) and not article.is_scheduled:
        _refuse(article, _("published"))
    now = timezone.now()
    if publish_at is not None and timezone.is_naive(publish_at):
        raise ValidationError(_("The publication time needs a time zone."))
    when = max(publish_at or now, now)
    article.ensure_publishable()
    article.status = Status.PUBLISHED
    article.publish_at = when
    if article.first_published_at is None or article.first_published_at > when:
        article.first_published_at = when
    article.last_published_at = when
    article.last_modified_at = when
    article.save(
        update_fields=[
            "status",
            "publish_at",
            "first_published_at",
            "last_published_at",
            "last_modified_at",
            "updated_at",
        ]
    )
    scheduled = when > now
    _record(
        article,
        kind=ArticleEvent.Kind.SCHEDULED if scheduled else ArticleEvent.Kind.PUBLISHED,
        by=by,
        from_status=previous,
        note=_("Goes live %(when)s") % {"when": timezone.localtime(when).strftime("%d %b %Y %H:%M %Z")}
        if scheduled
        else "",
    )
    return article


@transaction.atomic
def article_withdraw(*, article: Article, by: AbstractBaseUser, note: str = "") -> Article:
    """Take a published article off the site (it answers 404 to readers from then on)."""
    _require(by, PUBLISH_PERMISSION, _("withdraw"))
    article = _locked(article)
    if article.is_scheduled:
        raise ValidationError(_("This article is not live yet: unschedule it instead of withdrawing it."))
    if article.status != Status.PUBLISHED:
        _refuse(article, _("withdrawn"))
    article.status = Status.WITHDRAWN
    article.save(update_fields=["status", "updated_at"])
    _record(article, kind=ArticleEvent.Kind.WITHDRAWN, by=by, from_status=Status.PUBLISHED, note=note)
    return article


@transaction.atomic
def article_add_correction(*, article: Article, by: AbstractBaseUser, text: str) -> Correction:
    """Append a dated public correction to a published article; readers see it as an update."""
    _require(by, PUBLISH_PERMISSION, _("correct"))
    article = _locked(article)
    if article.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published article takes corrections; edit a draft directly."))
    correction = Correction(article=article, by=by, text=text.strip())
    correction.full_clean()
    correction.save()
    article.last_modified_at = correction.published_at
    article.save(update_fields=["last_modified_at", "updated_at"])
    _record(article, kind=ArticleEvent.Kind.CORRECTED, by=by, from_status=article.status, note=correction.text)
    return correction
