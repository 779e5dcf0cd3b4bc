"""Fact boxes: panels built from claims, relationships and actors, published as frozen versions.

Editors compose a box's items as a draft. Publishing freezes everything a reader
needs into a ``FactBoxVersion`` payload, so that editing the draft, or the
claims and relationships behind it, changes nothing on the sites that embed the
box until an editor publishes again. Each version lists what it was built from
(``FactBoxReference``) and how it looked then, which is how a box learns that
it needs review, and how its claims, relationships and actors join the
published closure.
"""

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.models.articles import Article
from newsroom.querysets import (
    FactBoxPlacementQuerySet,
    FactBoxQuerySet,
    FactBoxReferenceQuerySet,
    FactBoxVersionQuerySet,
)
from relations import dates
from relations.models import NOT_IN_REVISIONS, Actor, Claim, LockedEditModel, Relationship, SlugHistoryModel

PUBLISH_FACTBOX_PERMISSION = "newsroom.publish_factbox"


class FactBox(SlugHistoryModel, LockedEditModel):
    class Kind(models.TextChoices):
        KEY_FACTS = "key_facts", _("Key facts")
        RELATIONSHIP_MAP = "relationship_map", _("Relationship map")
        TIMELINE = "timeline", _("Timeline")
        ACTOR_PROFILE = "actor_profile", _("Actor profile")
        CLAIM_CHECK = "claim_check", _("Claim check")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Never published")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text=_("Part of the embed address: keep it once shared."))
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    intro = models.TextField(blank=True, help_text=_("One or two plain sentences under the title."))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # The version readers see while the box is published (and the last one they saw once withdrawn).
    published_version = models.ForeignKey(
        "FactBoxVersion", on_delete=models.RESTRICT, null=True, blank=True, editable=False, related_name="+"
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    articles = models.ManyToManyField(
        Article, through="FactBoxPlacement", blank=True, related_name="factboxes", help_text=_("Stories it runs with.")
    )

    objects = FactBoxQuerySet.as_manager()

    class Meta:
        verbose_name = "fact box"
        verbose_name_plural = "fact boxes"
        ordering = ["-updated_at"]
        permissions = [("publish_factbox", "Can publish and withdraw fact boxes")]
        # The order the API lists published boxes in: their current version's publication, newest first.
        indexes = [models.Index(fields=["-last_published_at", "-id"], name="factbox_last_published_at")]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="factbox_title_not_empty"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_version__isnull=False),
                name="factbox_published_has_version",
                violation_error_message=_("A published or withdrawn box keeps the version readers saw."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_version_id is not None

    def editable_by(self, user) -> bool:
        # Editing the draft changes nothing readers see: only publishing does, and that is the editors' move.
        return user.has_perm("newsroom.change_factbox")

    def slug_changeable_by(self, user) -> bool:
        # The slug is in every embed address shared since the first publication, withdrawn or not.
        return self.first_published_at is None or user.has_perm(PUBLISH_FACTBOX_PERMISSION)


class FactBoxItem(models.Model):
    """One entry of a box: a claim, a relationship, an actor, or a short line an editor wrote."""

    factbox = models.ForeignKey(FactBox, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="factbox_items")
    relationship = models.ForeignKey(
        Relationship, on_delete=models.PROTECT, null=True, blank=True, related_name="factbox_items"
    )
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="factbox_items")
    text = models.CharField(max_length=300, blank=True, help_text=_("A short line in our own words."))
    date = models.DateField(
        null=True, blank=True, help_text=_("For timelines. A relationship's start date is used when left empty.")
    )
    date_precision = models.CharField(max_length=5, choices=dates.Precision.choices, default=dates.Precision.DAY)

    class Meta:
        verbose_name = "item"
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(claim__isnull=False, relationship__isnull=True, actor__isnull=True, text="")
                    | Q(claim__isnull=True, relationship__isnull=False, actor__isnull=True, text="")
                    | Q(claim__isnull=True, relationship__isnull=True, actor__isnull=False, text="")
                    | (Q(claim__isnull=True, relationship__isnull=True, actor__isnull=True) & ~Q(text=""))
                ),
                name="factboxitem_exactly_one_content",
                violation_error_message=_("Each item is one claim, one relationship, one actor or one line of text."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.content)

    @property
    def content(self):
        return self.claim or self.relationship or self.actor or self.text

    def validate_constraints(self, exclude=None) -> None:
        # The one constraint is clean()'s rule, held there in Python: asking the database again would
        # cost a query per row of a box's form and of its live preview. The database still enforces it.
        return

    def clean(self) -> None:
        self.text = " ".join(self.text.split())
        chosen = [self.claim_id, self.relationship_id, self.actor_id, self.text or None]
        if sum(value is not None for value in chosen) != 1:
            raise ValidationError(_("Choose one claim, one relationship or one actor, or write a line of text."))
        if self.date is not None:
            self.date = dates.truncate(self.date, self.date_precision)


class FactBoxEvent(models.Model):
    """The audit trail of a box's publication: who published or withdrew it, and when."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    factbox = models.ForeignKey(FactBox, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    version = models.ForeignKey("FactBoxVersion", on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = "publication event"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.by} at {self.at:%d %b %Y %H:%M}"


class FactBoxVersion(models.Model):
    """What readers saw of a box from one publication on: immutable once written."""

    factbox = models.ForeignKey(FactBox, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    payload = models.JSONField(help_text=_("Everything needed to render this version, frozen when published."))
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = FactBoxVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "published version"
        ordering = ["factbox", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["factbox", "number"], name="factboxversion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="factboxversion_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.factbox_id} v{self.number}"


class FactBoxReference(models.Model):
    """A claim, relationship or actor a published version shows, with the values it showed.

    The foreign key is cleared if the row is deleted later; ``label`` still
    names it then, so the box can say what it lost.
    """

    class Kind(models.TextChoices):
        CLAIM = "claim", _("Claim")
        RELATIONSHIP = "relationship", _("Relationship")
        ACTOR = "actor", _("Actor")

    version = models.ForeignKey(FactBoxVersion, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    claim = models.ForeignKey(Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    relationship = models.ForeignKey(Relationship, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(Actor, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    label = models.CharField(max_length=300)
    shown = models.JSONField(help_text=_("The values readers saw, compared with the current ones for review."))

    objects = FactBoxReferenceQuerySet.as_manager()

    class Meta:
        indexes = [
            # A version's claims, and nothing else it shows: every public rendering of the version reads
            # their current verdicts (``verdicts_moved``), and a map holds many more ties and actors.
            models.Index(fields=["version", "claim"], condition=Q(kind="claim"), name="factboxreference_claims"),
            # The few references whose row was deleted: every review check reads them.
            models.Index(
                fields=["version"],
                condition=Q(claim__isnull=True, relationship__isnull=True, actor__isnull=True),
                name="factboxreference_target_gone",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="claim", relationship__isnull=True, actor__isnull=True)
                    | Q(kind="relationship", claim__isnull=True, actor__isnull=True)
                    | Q(kind="actor", claim__isnull=True, relationship__isnull=True)
                ),
                name="factboxreference_one_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def target(self):
        return getattr(self, self.kind)


class FactBoxPlacement(models.Model):
    """A story a box runs alongside, and where in it."""

    factbox = models.ForeignKey(FactBox, on_delete=models.CASCADE, related_name="placements")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="factbox_placements")
    after_paragraph = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "On narrow screens the box follows this paragraph of the story (beside it on wide screens). "
            "Empty: beside the story, after it on narrow screens."
        ),
    )
    position = models.PositiveIntegerField(default=0)

    objects = FactBoxPlacementQuerySet.as_manager()

    class Meta:
        verbose_name = "story it runs with"
        verbose_name_plural = "stories it runs with"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["factbox", "article"],
                name="factboxplacement_unique",
                violation_error_message=_("The box already runs with this story."),
            ),
            models.CheckConstraint(
                condition=Q(after_paragraph__isnull=True) | Q(after_paragraph__gte=1),
                name="factboxplacement_paragraph_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factbox} with {self.article}"


# The draft's content is versioned; what was published is in FactBoxVersion, and
# restoring an old draft must not publish, withdraw or re-point anything.
reversion.register(
    FactBox,
    exclude=[*NOT_IN_REVISIONS, "status", "published_version", "first_published_at", "last_published_at"],
    follow=["items"],
)
reversion.register(FactBoxItem)
