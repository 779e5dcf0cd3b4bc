"""The knowledge graph: who the stories are about, how they are tied, and what is claimed."""

import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, router, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core import public_state
from core.addresses import web_url_validator
from relations import dates
from relations.querysets import (
    ActorQuerySet,
    ClaimQuerySet,
    ClaimRelationshipQuerySet,
    PublicChangeQuerySet,
    RelationshipQuerySet,
    SourceQuerySet,
)

WIKIDATA_ID_RE = r"^Q[1-9][0-9]*$"
# Declared on Claim (a permission needs a model), it covers every public row of the graph.
EDIT_PUBLIC_PERMISSION = "relations.edit_public"


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class LockedEditModel(TimeStampedModel):
    """Content that two editors may open at once.

    ``edit_count`` is how many times the row has been saved; an edit made from
    a stale copy is refused (see ``relations.locking``) instead of silently
    overwriting the newer one.
    """

    edit_count = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    @cached_property
    def is_published(self) -> bool:
        """Live content reaches it, or content scheduled to go live does."""
        return self.pk is not None and type(self).objects.public(or_scheduled=True).filter(pk=self.pk).exists()

    def editable_by(self, user) -> bool:
        """What readers see, or will see once scheduled content goes live, changes only in the
        hands of someone who may change it for them: a reporter may edit a claim or an actor
        until published content reaches it."""
        return user.has_perm(EDIT_PUBLIC_PERMISSION) or not self.is_published


class FormerSlug(models.Model):
    """A slug an object was addressed by before its current one: public routes given it answer
    301 to the object's current address while the object is public (``core.addresses.moved``).

    One row per old slug and kind of object: the object that held it most recently has it,
    and an object taking its old slug back removes the row. Written by ``SlugHistoryModel``
    whatever saved the object; ``replaced_by`` is filled in where a person is known (the
    admin's save, a restored revision).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    # The unique constraint below indexes it.
    slug = models.SlugField(max_length=250, db_index=False)
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-replaced_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="formerslug_target")]
        constraints = [models.UniqueConstraint(fields=["content_type", "slug"], name="formerslug_unique")]

    def __str__(self) -> str:
        return f"{self.slug} (until {self.replaced_at:%d %b %Y %H:%M})"


class SlugHistoryModel(models.Model):
    """Content whose slug is part of public addresses: a change of slug keeps the old one as a
    ``FormerSlug``, and the feed's entries name the new one.

    Caught in ``save()``, so every write path that saves the object records it (the admin,
    services, a shell, a restored revision); ``QuerySet.update()`` and raw SQL do not. The slug
    as last read from the database is remembered when the row is loaded, so a save costs no
    extra query to find out whether it changed.
    """

    former_slugs = GenericRelation(FormerSlug)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        writes_slug = update_fields is None or "slug" in update_fields
        if self._state.adding or self.pk is None or not writes_slug:
            super().save(*args, **kwargs)
            if writes_slug:
                self._slug_in_db = self.slug
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        former = self.slug_in_db
        if former is None:
            former = type(self)._base_manager.using(using).filter(pk=self.pk).values_list("slug", flat=True).first()
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            if former and former != self.slug:
                _record_former_slug(self, former, using=using)
        self._slug_in_db = self.slug

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Absent when the slug was deferred: the save then reads it.
        instance._slug_in_db = instance.__dict__.get("slug")
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "slug" in fields:
            self._slug_in_db = self.__dict__.get("slug")

    @property
    def slug_in_db(self) -> str | None:
        """The slug the row has in the database, as far as this instance knows: what a save
        would record as a former slug."""
        return getattr(self, "_slug_in_db", None)

    def slug_changeable_by(self, user) -> bool:
        """Whether ``user`` may change the slug: once readers can see an object (or will, once
        scheduled content goes live), its address is shared, and changing it is an editor's
        decision. The models whose editing rule is looser say so themselves."""
        return self.editable_by(user)


def _record_former_slug(obj: SlugHistoryModel, former: str, *, using: str) -> None:
    content_type = ContentType.objects.db_manager(using).get_for_model(obj)
    history = FormerSlug.objects.using(using)
    # Taken back: the slug is its address again, not a former one.
    history.filter(content_type=content_type, object_id=obj.pk, slug=obj.slug).delete()
    history.update_or_create(
        content_type=content_type,
        slug=former,
        defaults={"object_id": obj.pk, "replaced_at": timezone.now(), "replaced_by": None},
    )
    # The feed names the object by the address partners can follow.
    entries = PublicChange.objects.using(using).filter(content_type=content_type, object_id=obj.pk)
    entries.exclude(key=obj.slug).update(key=obj.slug)
    # Answers naming the object by its old slug (its pages, the feed) are no longer true.
    public_state.forget()


class InClosure(models.Model):
    """A row of the published closure: readers may see it from ``public_from`` on.

    Kept by ``relations.closure`` inside the transactions of the services that
    change what live content reaches; never edited, never in a revision.
    """

    public_from = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When live content first reaches it (a future moment if only scheduled content does)."),
    )

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["public_from"], name="%(class)s_public_from")]


class Actor(SlugHistoryModel, LockedEditModel, InClosure):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")
        BLOC = "bloc", _("Bloc")
        ARMED_GROUP = "armed_group", _("Armed group")
        OTHER = "other", _("Other")

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text=_("One or two sentences a reader can rely on."))
    wikidata_id = models.CharField(
        "Wikidata ID",
        max_length=20,
        blank=True,
        validators=[RegexValidator(WIKIDATA_ID_RE, _("A Wikidata ID is Q followed by digits, e.g. Q159."))],
        help_text=_("e.g. Q159 for Russia. Leave empty if unknown."),
    )

    # How many claims and relationships live or scheduled content reaches name the actor, kept with the closure.
    published_claim_count = models.PositiveIntegerField(default=0, editable=False)
    published_relationship_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ActorQuerySet.as_manager()

    class Meta(InClosure.Meta):
        ordering = ["name"]
        indexes = [
            *InClosure.Meta.indexes,
            models.Index(fields=["name", "-id"], name="actor_name"),
            models.Index(fields=["updated_at"], name="actor_updated_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="actor_wikidata_id_unique",
                violation_error_message=_("Another actor already has this Wikidata ID."),
            ),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=WIKIDATA_ID_RE),
                name="actor_wikidata_id_format",
                violation_error_message=_("A Wikidata ID is Q followed by digits, e.g. Q159."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="actor_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class ActorAlias(models.Model):
    """Another name an actor goes by in copy (Moscow, the Kremlin, DPRK, Pyongyang)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200, db_index=True)

    class Meta:
        verbose_name_plural = "actor aliases"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "actor",
                name="actoralias_unique_per_actor",
                violation_error_message=_("This actor already has that alias."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="actoralias_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        try:
            # Set even while unsaved, when the alias is added along with a new actor.
            actor = self.actor
        except Actor.DoesNotExist:
            actor = None
        if actor is not None and self.name.casefold() == actor.name.casefold():
            raise ValidationError({"name": _("An alias must differ from the actor's own name.")})


class RelationshipType(models.Model):
    class Category(models.TextChoices):
        SECURITY = "security", _("Security")
        MILITARY = "military", _("Military")
        ECONOMIC = "economic", _("Economic")
        DIPLOMATIC = "diplomatic", _("Diplomatic")
        CONFLICT = "conflict", _("Conflict")
        MEMBERSHIP = "membership", _("Membership")

    label = models.CharField(max_length=100, help_text=_('Read from subject to object: "supplies arms to".'))
    inverse_label = models.CharField(
        max_length=100,
        blank=True,
        help_text=_('Read from object to subject: "receives arms from". Symmetric types use their label.'),
    )
    name = models.CharField(max_length=100, unique=True, help_text=_('What editors call it: "Arms supply".'))
    slug = models.SlugField(max_length=100, unique=True)
    symmetric = models.BooleanField(
        default=False, help_text=_("A tie that reads the same both ways, such as a treaty or a partnership.")
    )
    category = models.CharField(max_length=20, choices=Category.choices, db_index=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(symmetric=False) | Q(inverse_label="") | Q(inverse_label=F("label")),
                name="relationshiptype_symmetric_has_no_inverse",
                violation_error_message=_("A symmetric type reads the same both ways: leave the inverse label empty."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.symmetric and self.inverse_label and self.inverse_label != self.label:
            raise ValidationError(
                {"inverse_label": _("A symmetric type reads the same both ways: leave the inverse label empty.")}
            )
        if not self.symmetric and not self.inverse_label:
            raise ValidationError({"inverse_label": _("A directed type needs an inverse label.")})

    @property
    def reverse_label(self) -> str:
        return self.inverse_label or self.label


class Relationship(LockedEditModel, InClosure):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        SUSPENDED = "suspended", _("Suspended")
        ALLEGED = "alleged", _("Alleged")

    subject = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="relationships_as_subject")
    object = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="relationships_as_object")
    type = models.ForeignKey(RelationshipType, on_delete=models.PROTECT, related_name="relationships")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_from_precision = models.CharField(max_length=5, choices=dates.Precision.choices, default=dates.Precision.DAY)
    valid_until = models.DateField(null=True, blank=True)
    valid_until_precision = models.CharField(max_length=5, choices=dates.Precision.choices, default=dates.Precision.DAY)
    summary = models.TextField(blank=True, help_text=_("One sentence in our words on what the tie amounts to."))

    objects = RelationshipQuerySet.as_manager()

    class Meta(InClosure.Meta):
        ordering = ["subject__name", "type__name", "object__name"]
        indexes = [*InClosure.Meta.indexes, models.Index(fields=["updated_at"], name="relationship_updated_at")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(subject=F("object")),
                name="relationship_not_self",
                violation_error_message=_("A relationship links two different actors."),
            ),
            models.UniqueConstraint(
                fields=["subject", "object", "type"],
                name="relationship_unique_per_pair_and_type",
                violation_error_message=_(
                    "These two actors already have a relationship of this type: edit that one instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="relationship_valid_until_after_from",
                violation_error_message=_("A relationship cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        type_label = self.type.label if self.type_id else "?"
        return f"{self.subject} {type_label} {self.object}" if self.subject_id and self.object_id else type_label

    def clean(self) -> None:
        if self.subject_id and self.subject_id == self.object_id:
            raise ValidationError({"object": _("A relationship links two different actors.")})
        # One row per symmetric tie: always the lower id first, so that
        # "Russia–China" and "China–Russia" meet the same unique constraint.
        if (
            self.type_id
            and self.type.symmetric
            and self.subject_id
            and self.object_id
            and self.subject_id > self.object_id
        ):
            self.subject, self.object = self.object, self.subject
        for field in ("valid_from", "valid_until"):
            value = getattr(self, field)
            if value is not None:
                setattr(self, field, dates.truncate(value, getattr(self, f"{field}_precision")))

    @property
    def valid_from_display(self) -> str:
        return dates.display(self.valid_from, self.valid_from_precision)

    @property
    def valid_until_display(self) -> str:
        return dates.display(self.valid_until, self.valid_until_precision)


class Source(LockedEditModel, InClosure):
    url = models.URLField("URL", max_length=500, blank=True, validators=[web_url_validator])
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta(InClosure.Meta):
        ordering = ["-published_on", "title"]
        indexes = [
            *InClosure.Meta.indexes,
            models.Index(fields=["-published_on", "title", "-id"], name="source_published_on_title"),
            models.Index(fields=["publisher"], name="source_publisher"),
            models.Index(fields=["updated_at"], name="source_updated_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="source_url_unique",
                violation_error_message=_("A source with this URL already exists: pick it instead."),
            ),
            models.CheckConstraint(condition=~Q(title=""), name="source_title_not_empty"),
            # What full_clean checks, held for rows written any other way (an import, a restore, a shell).
            models.CheckConstraint(
                condition=Q(url="") | Q(url__istartswith="http://") | Q(url__istartswith="https://"),
                name="source_url_web",
                violation_error_message=_("Enter an http:// or https:// address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher})" if self.publisher else self.title


class Claim(LockedEditModel, InClosure):
    class Kind(models.TextChoices):
        FACT = "fact", _("Fact")
        ASSESSMENT = "assessment", _("Assessment")
        QUOTE = "quote", _("Quote")
        ALLEGATION = "allegation", _("Allegation")

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", _("Unverified")
        VERIFIED = "verified", _("Verified")
        DISPUTED = "disputed", _("Disputed")
        FALSE = "false", _("False")
        RETRACTED = "retracted", _("Retracted")

    text = models.TextField("statement", help_text=_("The claim in our own words."))
    quote = models.TextField(blank=True, help_text=_("The exact words, when the claim is a quote."))
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FACT, db_index=True)
    attributed_to = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attributed_claims",
        help_text=_("Who says so. Leave empty for our own reporting."),
    )
    actors = models.ManyToManyField(Actor, blank=True, related_name="claims", help_text=_("Who the claim is about."))
    relationships = models.ManyToManyField(Relationship, through="ClaimRelationship", blank=True, related_name="claims")
    sources = models.ManyToManyField(Source, blank=True, related_name="claims")
    verification = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.UNVERIFIED, db_index=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    internal_note = models.TextField(blank=True, help_text=_("For the newsroom only. Never published."))

    objects = ClaimQuerySet.as_manager()

    class Meta(InClosure.Meta):
        ordering = ["-updated_at"]
        indexes = [
            *InClosure.Meta.indexes,
            models.Index(fields=["updated_at", "id"], name="claim_updated_at"),
            models.Index(fields=["verified_at"], name="claim_verified_at"),
        ]
        permissions = [
            ("verify_claim", "Can set a claim's verification state"),
            ("edit_public", "Can change the claims, relationships, actors and sources readers can see"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="claim_text_not_empty"),
            models.CheckConstraint(
                condition=~Q(kind="quote") | ~Q(quote=""),
                name="claim_quote_has_words",
                violation_error_message=_("A quote needs its exact words."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["fact", "allegation"]) | Q(attributed_to__isnull=False),
                name="claim_attributed_when_assessment_or_quote",
                violation_error_message=_("Assessments and quotes must say who they are attributed to."),
            ),
            models.CheckConstraint(
                condition=Q(verification="unverified") | Q(verified_at__isnull=False),
                name="claim_verification_dated",
                violation_error_message=_("A verification state needs the time it was set."),
            ),
        ]

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 90 else text[:89] + "…"

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.QUOTE and not self.quote.strip():
            errors["quote"] = _("A quote needs its exact words.")
        if self.kind in (self.Kind.ASSESSMENT, self.Kind.QUOTE) and self.attributed_to_id is None:
            errors["attributed_to"] = _("Assessments and quotes must say who they are attributed to.")
        if errors:
            raise ValidationError(errors)


class ClaimRelationship(models.Model):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        CONTRADICTS = "contradicts", _("Contradicts")
        CONTEXT = "context", _("Context")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relationship_links")
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="claim_links")
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.SUPPORTS, db_index=True)

    objects = ClaimRelationshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("relationship the claim bears on")
        verbose_name_plural = _("relationships the claim bears on")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "relationship"],
                name="claimrelationship_unique",
                violation_error_message=_("The claim is already linked to this relationship."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.relationship}"


class ClaimReach(models.Model):
    """An actor a published (or scheduled) claim is about or attributed to, from the claim's moment.

    Kept by ``relations.closure`` with the claim's ``public_from``, so that an actor's
    claims are one index range whatever its coverage: the claims about Russia newest
    first, or how many of them only scheduled content reaches yet. Claims nothing
    live or scheduled reaches have no rows here.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    # The two indexes below start with the actor.
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+", db_index=False)
    public_from = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "claim"], name="claimreach_unique")]
        indexes = [models.Index(fields=["actor", "public_from"], name="claimreach_actor_public_from")]

    def __str__(self) -> str:
        return f"{self.claim_id} names {self.actor_id} from {self.public_from:%d %b %Y %H:%M}"


class PublicChange(models.Model):
    """One entry of the public feed of changes: something became public, changed or was withdrawn.

    The content apps record their own changes here (a story published, a fact box
    republished, a verdict given), so that partners can sync from one feed. ``at``
    is when the change was made, as readers are told: a scheduled publication is
    recorded with its future time. ``due`` is when readers may first see it: ``at``,
    or for a claim's entry not before the claim is public (``None`` while it is not).
    Once due, an entry is given ``position``, the next number of the feed, by
    ``relations.feed``: partners sync by it. ``key`` (a slug or an id) still names the
    object after it is deleted.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Published")
        UPDATED = "updated", _("Updated")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        VERDICT = "verdict", _("Verification changed")

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    key = models.CharField(max_length=250, help_text=_("The slug or id the API addresses the object by."))
    note = models.CharField(max_length=300, blank=True, help_text=_("What changed, for readers of the feed."))
    due = models.DateTimeField(
        null=True, blank=True, help_text=_("When readers may first see it; empty while its claim is not public.")
    )
    position = models.BigIntegerField(
        null=True, blank=True, help_text=_("Its place in the feed, given once it is visible; empty while it is not.")
    )

    objects = PublicChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            # Partial: the entries waiting for a place are found by when they are due, not here.
            models.UniqueConstraint(
                fields=["position"], condition=Q(position__isnull=False), name="publicchange_position"
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="publicchange_target"),
            # The entries waiting for a position, by when they are due (``relations.feed.catch_up``).
            models.Index(fields=["due"], condition=Q(position__isnull=True), name="publicchange_pending"),
            # The visible ones by the same moment: those whose claim stopped being public lose their place.
            models.Index(fields=["due"], condition=Q(position__isnull=False), name="publicchange_placed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.content_type.model} {self.key} at {self.at:%d %b %Y %H:%M}"


class FeedCounter(models.Model):
    """The last position the feed of changes gave: one row, locked by whoever writes the feed
    until its transaction ends (``relations.feed``), so that positions are given, and committed,
    in order. Kept apart from the entries because an entry's position can be taken back."""

    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Feed position {self.last}"


# Revisions (django-reversion). Registered here, not by the admin, so that saves
# from services and commands are versioned the same way. Bookkeeping is left
# out: restoring an old revision keeps the current edit count and timestamps.
NOT_IN_REVISIONS = ["edit_count", "created_at", "updated_at"]
# The closure is derived from other rows, not content: a restore leaves it to ``relations.closure``.
CLOSURE_FIELDS = ["public_from"]
reversion.register(
    Actor,
    exclude=[*NOT_IN_REVISIONS, *CLOSURE_FIELDS, "published_claim_count", "published_relationship_count"],
    follow=["aliases"],
)
reversion.register(ActorAlias)
reversion.register(Relationship, exclude=[*NOT_IN_REVISIONS, *CLOSURE_FIELDS], follow=["claim_links"])
reversion.register(Source, exclude=[*NOT_IN_REVISIONS, *CLOSURE_FIELDS])
# A verdict is set by a fact-checker through its service, never by restoring old text.
reversion.register(
    Claim,
    exclude=[*NOT_IN_REVISIONS, *CLOSURE_FIELDS, "verification", "verified_by", "verified_at"],
    follow=["relationship_links"],
)
reversion.register(ClaimRelationship)
