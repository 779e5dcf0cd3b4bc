"""Editorial work: articles and the claims they cite."""

from html import unescape

from django.db import models
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from relations.models import Actor, Claim, TimeStampedModel


class Article(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=250, unique=True)
    standfirst = models.TextField(blank=True, help_text=_("The one or two sentences under the headline."))
    body = models.TextField(blank=True)
    byline = models.CharField(max_length=200, blank=True)
    section = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    publish_at = models.DateTimeField(null=True, blank=True, db_index=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    actors = models.ManyToManyField(
        Actor, blank=True, related_name="articles", help_text=_("The actors the story is about.")
    )
    claims = models.ManyToManyField(Claim, through="ArticleClaim", blank=True, related_name="articles")

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="article_title_not_empty"),
            models.CheckConstraint(
                condition=Q(first_published_at__isnull=True) | Q(last_published_at__gte=models.F("first_published_at")),
                name="article_published_timestamps_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def plain_text(self) -> str:
        """Title, standfirst and body without markup: what a reader reads."""
        return "\n\n".join(part for part in (self.title, self.standfirst, unescape(strip_tags(self.body))) if part)


class ArticleClaim(models.Model):
    """A claim the article makes or reports, in the order it appears."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claim_citations")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveIntegerField(default=0)
    passage = models.TextField(blank=True, help_text=_("The passage of the article the claim comes from."))

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
