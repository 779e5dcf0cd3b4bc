"""Articles, the claims they cite, their corrections and their audit trail."""

from html import unescape

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from newsroom.querysets import ArticleClaimQuerySet, ArticleQuerySet
from newsroom.richtext import SanitisedHTMLField
from relations.models import NOT_IN_REVISIONS, Actor, Claim, LockedEditModel, SlugHistoryModel


class Article(SlugHistoryModel, LockedEditModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=250, unique=True)
    standfirst = models.TextField(blank=True, help_text=_("The one or two sentences under the headline."))
    body = SanitisedHTMLField(
        blank=True,
        help_text=_(
            "HTML. Paragraphs, headings, emphasis, lists, quotes, links and simple tables are kept; "
            "scripts, frames, styles and event handlers are removed when the article is saved."
        ),
    )
    byline = models.CharField(max_length=200, blank=True)
    section = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the article goes (or went) live: set by publishing or scheduling it."),
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_modified_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The last change readers were told of: a publication or a correction."),
    )
    actors = models.ManyToManyField(
        Actor, blank=True, related_name="articles", help_text=_("The actors the story is about.")
    )
    claims = models.ManyToManyField(Claim, through="ArticleClaim", blank=True, related_name="articles")
    # Whose story it is: the reporter's start page lists their drafts by it. Set once, when the
    # article is added; a story started before it existed got the author of its first revision.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("started by"),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        permissions = [("publish_article", "Can publish, schedule and withdraw articles and correct them")]
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="article_status_publish_at"),
            # The order the API lists stories in (``with_publication_date``: first published, newest first).
            models.Index(
                Coalesce("first_published_at", "publish_at").desc(), F("id").desc(), name="article_published_at"
            ),
            models.Index(fields=["updated_at", "id"], name="article_updated_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="article_title_not_empty"),
            models.CheckConstraint(
                condition=Q(first_published_at__isnull=True) | Q(last_published_at__gte=models.F("first_published_at")),
                name="article_published_timestamps_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="article_published_has_publish_at",
                violation_error_message=_("A published article needs the time it goes live."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def plain_text(self) -> str:
        """Title, standfirst and body without markup: what a reader reads."""
        return "\n\n".join(part for part in (self.title, self.standfirst, unescape(strip_tags(self.body))) if part)

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED and self.publish_at is not None and self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at is not None and self.publish_at > timezone.now()

    def editable_by(self, user) -> bool:
        """What readers can see, or saw, changes only in the hands of someone who may publish."""
        if self.status in (self.Status.PUBLISHED, self.Status.WITHDRAWN):
            return user.has_perm("newsroom.publish_article")
        return user.has_perm("newsroom.change_article")

    def ensure_publishable(self) -> None:
        """Raise a ValidationError an editor can act on if the article may not go live."""
        problems = []
        if not self.body.strip():
            problems.append(_("The article has no body."))
        refused = Claim.Verification.FALSE, Claim.Verification.RETRACTED
        for claim in Claim.objects.filter(citations__article=self, verification__in=refused).order_by("pk"):
            problems.append(
                _("It cites a claim marked %(state)s: “%(claim)s”. Remove the citation or have the claim re-checked.")
                % {"state": claim.get_verification_display().lower(), "claim": claim}
            )
        if problems:
            raise ValidationError(problems)


class ArticleClaim(models.Model):
    """A claim the article makes or reports, in the order it appears."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claim_citations")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveIntegerField(default=0)
    passage = models.TextField(blank=True, help_text=_("The passage of the article the claim comes from."))
    anchored = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Derived from a passage marked in the body: its place and passage follow the text."),
    )

    objects = ArticleClaimQuerySet.as_manager()

    class Meta:
        verbose_name = "cited claim"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "claim"],
                name="articleclaim_unique",
                violation_error_message=_("The article already cites this claim."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.claim)


class Correction(models.Model):
    """A public, dated note telling readers what was wrong and what changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(help_text=_("Shown to readers under the story, e.g. “An earlier version misdated…”."))
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["published_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="correction_text_not_empty")]

    def __str__(self) -> str:
        return f"Correction of {self.published_at:%d %b %Y %H:%M}"

    def clean(self) -> None:
        if not self.text.strip():
            raise ValidationError({"text": _("Say what was corrected.")})


class ArticleEvent(models.Model):
    """The audit trail: who moved an article through the workflow, and when."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned to draft")
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CORRECTED = "corrected", _("Corrected")
        RENAMED = "renamed", _("Address changed")
        CHANGES_PUBLISHED = "changes_published", _("Changes published")
        DRAFT_DISCARDED = "draft_discarded", _("Draft of changes discarded")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    from_status = models.CharField(max_length=20, choices=Article.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Article.Status.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["article", "-at"], name="articleevent_article_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.by} at {self.at:%d %b %Y %H:%M}"


# Workflow state is left out of revisions: restoring old text must not unpublish,
# republish or reschedule anything (the audit trail, ArticleEvent, keeps that).
reversion.register(
    Article,
    exclude=[
        *NOT_IN_REVISIONS,
        # Restoring an old text does not change whose story it is.
        "created_by",
        "status",
        "publish_at",
        "first_published_at",
        "last_published_at",
        "last_modified_at",
    ],
    follow=["claim_citations"],
)
reversion.register(ArticleClaim)
