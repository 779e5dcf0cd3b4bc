"""Drafts of live articles and the preview links shared with people who have no account.

A live article's content (title, standfirst, body, byline, section, actors and
citations) is edited in an ``ArticleDraft`` that readers never see, until an
editor publishes the changes (``newsroom.services.article_publish_changes``).
Workflow state is never in a draft: it stays on the article, moved only by the
workflow services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.models.articles import Article
from newsroom.richtext import SanitisedHTMLField
from relations.models import Actor, Claim


class ArticleDraft(models.Model):
    """The pending changes to a live article: its content as the editors last saved it."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="draft")
    title = models.CharField(max_length=250)
    standfirst = models.TextField(blank=True)
    body = SanitisedHTMLField(blank=True)
    byline = models.CharField(max_length=200, blank=True)
    section = models.CharField(max_length=100, blank=True)
    actors = models.ManyToManyField(Actor, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("draft of changes")
        verbose_name_plural = _("drafts of changes")
        constraints = [models.CheckConstraint(condition=~models.Q(title=""), name="articledraft_title_not_empty")]

    def __str__(self) -> str:
        return _("Draft of changes to “%(title)s”") % {"title": self.article}


class ArticleDraftClaim(models.Model):
    """A citation as the draft has it. It names the article, not the draft, so that the article's
    change form edits it as an inline; the rows exist only while the article has a draft."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="draft_citations")
    # Protected as the live citations are: a claim a draft cites cannot vanish under it.
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="draft_citations")
    position = models.PositiveIntegerField(default=0)
    passage = models.TextField(blank=True, help_text=_("The passage of the article the claim comes from."))

    class Meta:
        verbose_name = _("cited claim")
        verbose_name_plural = _("cited claims")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "claim"],
                name="articledraftclaim_unique",
                violation_error_message=_("The article already cites this claim."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.claim)


class PreviewLink(models.Model):
    """A signed preview address given out for an article. The token carries this row's id; the
    row says when it ends and whether it was revoked, so an address can be taken back before then."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["article", "-expires_at"], name="previewlink_article_expires")]

    def __str__(self) -> str:
        return _("Preview of “%(title)s” until %(when)s") % {
            "title": self.article,
            "when": timezone.localtime(self.expires_at).strftime("%d %b %Y %H:%M"),
        }

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
