"""The knowledge graph in the editors' workspace.

Built for an archive of a million claims: counts are correlated subqueries
computed for the changelist's page only (``ListColumnsMixin``), changelists skip
the count of the whole table (``show_full_result_count``), autocompletes and
inlines read each related row with the row that names it, and the actor filters
are autocompletes (``relations.adminutils``).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from relations import closure, visibility
from relations.adminutils import (
    AutocompleteListFilter,
    AutocompleteListFilterMediaMixin,
    IndexedSearchMixin,
    ListColumnsMixin,
    PreloadedAutocompleteInlineMixin,
    ReadOnlyInline,
)
from relations.dateforms import EnteredDatesForm
from relations.history import HistoryAdmin
from relations.locking import LockedEditAdmin, LockedEditForm
from relations.models import (
    Actor,
    ActorAlias,
    Claim,
    ClaimRelationship,
    Relationship,
    RelationshipType,
    Source,
)
from relations.querysets import count_of
from relations.services import VERIFY_PERMISSION, claim_set_verification, record_slug_change


class ActorAliasFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        # The unique constraint is on Lower(name): Django's formset checks only
        # plain field uniqueness, so two new aliases differing in case would
        # otherwise reach the database together.
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form) or "name" not in form.cleaned_data:
                continue
            key = " ".join(form.cleaned_data["name"].split()).casefold()
            if key in seen:
                form.add_error("name", _("This alias is listed twice."))
            seen.add(key)


class ClosureAdmin(admin.ModelAdmin):
    """Saves and deletes keep the published closure true: what the object reaches (``reaches()``
    on its queryset) is read before the admin writes and settled after, in the admin's transaction
    (``relations.closure``)."""

    def _watched(self, object_id: str) -> models.QuerySet:
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return self.model._default_manager.none()
        return self.model._default_manager.filter(pk=pk)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is None:
            # Nothing new reaches the public by being created: an added object reaches nothing yet.
            return super().changeform_view(request, object_id, form_url, extra_context)
        with closure.maintained(self._watched(object_id)):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        with closure.maintained(self._watched(object_id)):
            return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        with closure.maintained(queryset):
            super().delete_queryset(request, queryset)


SLUG_HELP = _(
    "Part of its public addresses. Changing it keeps the old addresses working: they lead to the new "
    "one. Once readers can see it, only an editor may change it."
)


class SlugHistoryForm(LockedEditForm):
    """The change form of content that keeps its former slugs: a slug readers have is changed only
    by those who may change it (``slug_changeable_by`` on the model)."""

    # Who is editing: set by ``SlugHistoryAdmin.get_form`` on the class it makes for the request.
    slug_changed_by = None

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        instance = self.instance
        # The instance still holds what was loaded: the form's values reach it after cleaning.
        changed = instance.pk is not None and slug != instance.slug
        if changed and (self.slug_changed_by is None or not instance.slug_changeable_by(self.slug_changed_by)):
            raise ValidationError(
                _("Readers can find this %(model)s at its address: only an editor may change it."),
                code="slug_public",
                params={"model": instance._meta.verbose_name},
            )
        return slug


class SlugHistoryAdmin(admin.ModelAdmin):
    """For content that keeps its former slugs (``relations.models.SlugHistoryModel``): the slug's
    help says that old addresses lead on, the change form lists them with who replaced each and
    when, and a save that changes the slug says who did (``record_slug_change``)."""

    form = SlugHistoryForm
    # The public route an address of the object is, to show former slugs as the addresses they were.
    public_route: str | None = None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The admin makes a new form class on every call (modelform_factory): this one is the request's.
        form.slug_changed_by = request.user
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug" and formfield is not None:
            formfield.help_text = SLUG_HELP
        return formfield

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "former_addresses"] if obj is not None else readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        shown = []
        for name, options in fieldsets:
            fields = list(options["fields"])
            if "slug" in fields:
                fields.insert(fields.index("slug") + 1, "former_addresses")
            shown.append((name, {**options, "fields": fields}))
        return shown

    @admin.display(description=_("former addresses"))
    def former_addresses(self, obj) -> str:
        rows = list(obj.former_slugs.select_related("replaced_by"))
        if not rows:
            return _("None: it has always had this address.")
        return format_html(
            '<ul class="former-addresses">{}</ul>',
            format_html_join(
                "",
                "<li><code>{}</code> until {}{}</li>",
                (
                    (
                        reverse(self.public_route, args=[row.slug]) if self.public_route else row.slug,
                        timezone.localtime(row.replaced_at).strftime("%d %b %Y %H:%M"),
                        _(", changed by %(user)s") % {"user": row.replaced_by.get_username()}
                        if row.replaced_by
                        else "",
                    )
                    for row in rows
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        former = obj.slug_in_db if change else None
        super().save_model(request, obj, form, change)
        if former and former != obj.slug:
            self.record_slug_change(request, obj, former)

    def record_slug_change(self, request, obj, former_slug: str) -> None:
        record_slug_change(target=obj, former_slug=former_slug, by=request.user)


class PublicContentAdmin(admin.ModelAdmin):
    """Rows readers can see are read-only to those who may not change what readers see."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.editable_by(request.user):
            return False
        return super().has_change_permission(request, obj)


class PublicContentInline(admin.TabularInline):
    """Rows of a parent readers can see follow the parent's rule."""

    def _parent_editable(self, request, obj) -> bool:
        return obj is None or obj.editable_by(request.user)

    def has_add_permission(self, request, obj=None):
        return self._parent_editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_editable(request, obj) and super().has_delete_permission(request, obj)


class ActorAliasInline(PublicContentInline):
    model = ActorAlias
    formset = ActorAliasFormSet
    extra = 1


@admin.register(Actor)
class ActorAdmin(
    ListColumnsMixin, IndexedSearchMixin, PublicContentAdmin, SlugHistoryAdmin, LockedEditAdmin, HistoryAdmin
):
    public_route = "actor"
    ordering = ["name"]

    def view_on_site(self, obj):
        # "View live": an actor has a page once live content names it.
        if obj.pk is None or not Actor.objects.public().filter(pk=obj.pk).exists():
            return None
        return reverse("actor", args=[obj.slug])

    show_full_result_count = False
    list_display = ["name", "kind", "aliases_list", "wikidata_id", "relationship_count", "claim_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases__name", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActorAliasInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "slug", "description", "wikidata_id"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def list_annotations(self, queryset):
        return queryset.with_counts().prefetch_related("aliases")

    def search_condition(self, term: str) -> models.Q:
        own = Actor.objects.filter(
            models.Q(name__icontains=term) | models.Q(slug__icontains=term) | models.Q(wikidata_id__icontains=term)
        )
        aliased = ActorAlias.objects.filter(name__icontains=term).values("actor")
        return models.Q(pk__in=_union(own.values("pk"), aliased))

    def autocomplete_rank(self, term: str) -> list[models.Q]:
        # "Russia" finds Russia before an actor whose alias merely contains "Russian".
        aliases = ActorAlias.objects.filter(actor=models.OuterRef("pk"))
        return [
            models.Q(name__iexact=term),
            models.Q(name__istartswith=term),
            models.Q(models.Exists(aliases.filter(name__iexact=term))),
            models.Q(models.Exists(aliases.filter(name__istartswith=term))),
        ]

    @admin.display(description=_("aliases"))
    def aliases_list(self, obj: Actor) -> str:
        return ", ".join(alias.name for alias in obj.aliases.all())

    @admin.display(description=_("relationships"), ordering="relationship_count")
    def relationship_count(self, obj: Actor) -> int:
        return obj.relationship_count

    @admin.display(description=_("claims about"), ordering="claim_count")
    def claim_count(self, obj: Actor) -> int:
        return obj.claim_count


class DirectionFilter(admin.SimpleListFilter):
    """The field's own filter would read "By symmetric": this one says what it means."""

    title = _("direction")
    parameter_name = "reads"

    def lookups(self, request, model_admin):
        return [("both", _("Reads the same both ways")), ("one", _("Reads one way"))]

    def queryset(self, request, queryset):
        if self.value() in ("both", "one"):
            return queryset.filter(symmetric=self.value() == "both")
        return queryset


@admin.register(RelationshipType)
class RelationshipTypeAdmin(ListColumnsMixin, admin.ModelAdmin):
    ordering = ["name"]
    list_display = ["name", "label", "inverse_label", "reads_both_ways", "category", "relationship_count"]
    list_filter = ["category", DirectionFilter]
    search_fields = ["name", "label", "inverse_label"]
    prepopulated_fields = {"slug": ["name"]}

    def list_annotations(self, queryset):
        return queryset.annotate(relationship_count=count_of(Relationship.objects.filter(type=models.OuterRef("pk"))))

    @admin.display(description=_("relationships"), ordering="relationship_count")
    def relationship_count(self, obj: RelationshipType) -> int:
        return obj.relationship_count

    @admin.display(description=_("reads both ways"), boolean=True, ordering="symmetric")
    def reads_both_ways(self, obj: RelationshipType) -> bool:
        return obj.symmetric


class ClaimRelationshipInline(PreloadedAutocompleteInlineMixin, PublicContentInline):
    model = ClaimRelationship
    extra = 1
    autocomplete_fields = ["relationship"]

    def get_queryset(self, request):
        # Each row's autocomplete names its relationship by both actors and the type.
        return (
            super()
            .get_queryset(request)
            .select_related("relationship__subject", "relationship__object", "relationship__type")
        )


class RelationshipClaimInline(ReadOnlyInline):
    """The claims that bear on a relationship, seen from the relationship.

    Read-only: a stance belongs to its claim and is edited there, so that one
    edit count (the claim's) guards it against lost updates.
    """

    model = ClaimRelationship
    fields = ["claim", "stance"]
    readonly_fields = ["claim", "stance"]
    verbose_name = _("claim bearing on this relationship")
    verbose_name_plural = _("claims bearing on this relationship")

    def get_queryset(self, request):
        # Each row names its claim and, in its title, the relationship with both actors and the type.
        return (
            super()
            .get_queryset(request)
            .select_related("claim", "relationship__subject", "relationship__object", "relationship__type")
        )


class RelationshipForm(EnteredDatesForm, LockedEditForm):
    pass


@admin.register(Relationship)
class RelationshipAdmin(
    ClosureAdmin, ListColumnsMixin, IndexedSearchMixin, PublicContentAdmin, LockedEditAdmin, HistoryAdmin
):
    form = RelationshipForm
    ordering = ["subject__name", "type__name", "object__name"]
    show_full_result_count = False
    list_display = ["__str__", "type", "status", "valid_from_display", "valid_until_display", "claim_count"]
    list_filter = ["status", "type__category", "type"]
    list_select_related = ["subject", "object", "type"]
    search_fields = ["subject__name", "object__name", "type__name", "type__label", "summary"]
    autocomplete_fields = ["subject", "object", "type"]
    inlines = [RelationshipClaimInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["subject", "type", "object", "status", "summary"]}),
        (
            _("Validity"),
            {
                "fields": [("valid_from", "valid_from_precision"), ("valid_until", "valid_until_precision")],
                "description": _(
                    "Type a date as precisely as it is known (2023, September 2023 or 12 September 2023) "
                    "and choose that precision beside it. Readers see it at that precision."
                ),
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        # Every page naming a relationship (autocompletes included) names both actors and the type.
        return super().get_queryset(request).with_parties()

    def list_annotations(self, queryset):
        return queryset.annotate(
            claim_count=count_of(ClaimRelationship.objects.filter(relationship=models.OuterRef("pk")))
        )

    def search_condition(self, term: str) -> models.Q:
        actors = Actor.objects.filter(name__icontains=term).values("pk")
        types = RelationshipType.objects.filter(models.Q(name__icontains=term) | models.Q(label__icontains=term))
        return models.Q(
            pk__in=_union(
                Relationship.objects.filter(subject__in=actors).values("pk"),
                Relationship.objects.filter(object__in=actors).values("pk"),
                Relationship.objects.filter(type__in=types.values("pk")).values("pk"),
                Relationship.objects.filter(summary__icontains=term).values("pk"),
            )
        )

    def autocomplete_rank(self, term: str) -> list[models.Q]:
        # The ties of the actor named, then of actors whose name begins so, then of a type so called.
        return [
            models.Q(subject__name__iexact=term) | models.Q(object__name__iexact=term),
            models.Q(subject__name__istartswith=term) | models.Q(object__name__istartswith=term),
            models.Q(type__label__istartswith=term) | models.Q(type__name__istartswith=term),
        ]

    @admin.display(description=_("from"), ordering="valid_from")
    def valid_from_display(self, obj: Relationship) -> str:
        return obj.valid_from_display

    @admin.display(description=_("until"), ordering="valid_until")
    def valid_until_display(self, obj: Relationship) -> str:
        return obj.valid_until_display

    @admin.display(description=_("claims"), ordering="claim_count")
    def claim_count(self, obj: Relationship) -> int:
        return obj.claim_count


@admin.register(Source)
class SourceAdmin(ListColumnsMixin, PublicContentAdmin, LockedEditAdmin, HistoryAdmin):
    ordering = ["-published_on", "title"]
    show_full_result_count = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "publisher", "published_on", "url", "claim_count"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "url"]
    date_hierarchy = "published_on"

    def list_annotations(self, queryset):
        return queryset.annotate(
            claim_count=count_of(Claim.sources.through.objects.filter(source=models.OuterRef("pk")))
        )

    @admin.display(description=_("claims"), ordering="claim_count")
    def claim_count(self, obj: Source) -> int:
        return obj.claim_count


class AttributionFilter(admin.SimpleListFilter):
    title = _("attribution")
    parameter_name = "attribution"

    def lookups(self, request, model_admin):
        return [("ours", _("Our own reporting")), ("attributed", _("Attributed to someone"))]

    def queryset(self, request, queryset):
        if self.value() == "ours":
            return queryset.filter(attributed_to__isnull=True)
        if self.value() == "attributed":
            return queryset.filter(attributed_to__isnull=False)
        return queryset


class OnSiteFilter(admin.SimpleListFilter):
    """Whether readers see the claim: live content shows it, only scheduled content will, or none."""

    # The admin says "By …" before it.
    title = _("what readers see")
    parameter_name = "on_site"

    def lookups(self, request, model_admin):
        return [("live", _("Live")), ("scheduled", _("Only scheduled")), ("no", _("Not shown"))]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.public()
        if self.value() == "scheduled":
            return queryset.filter(public_from__gt=timezone.now())
        if self.value() == "no":
            return queryset.filter(public_from__isnull=True)
        return queryset


# The claim's page lists this many stories, and as many boxes, showing it.
SHOWN_IN_LENGTH = 50


class VerdictForm(forms.Form):
    """The verdict given to every claim selected on the claims list (or the fact-checker's start page)."""

    verification = forms.ChoiceField(
        label=_("Verdict"),
        choices=[("", _("Choose a verdict")), *Claim.Verification.choices],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("Optional: why. Added, signed and dated, to each claim's internal note; never published."),
    )


@admin.register(Claim)
class ClaimAdmin(
    ClosureAdmin, ListColumnsMixin, IndexedSearchMixin, AutocompleteListFilterMediaMixin, LockedEditAdmin, HistoryAdmin
):
    ordering = ["-updated_at"]
    show_full_result_count = False
    list_display = ["__str__", "kind", "attributed_to", "verification", "relationship_count", "article_count"]
    list_filter = ["verification", OnSiteFilter, "kind", AttributionFilter, AutocompleteListFilter.on("actors")]
    list_select_related = ["attributed_to"]
    search_fields = ["text", "quote", "attributed_to__name", "actors__name"]
    autocomplete_fields = ["attributed_to", "actors", "sources"]
    inlines = [ClaimRelationshipInline]
    actions = ["set_verdict"]
    readonly_fields = ["verified_by", "verified_at", "shown_in", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["text", "kind", "quote", "attributed_to", "actors", "sources"]}),
        (_("Verification"), {"fields": ["verification", "verified_by", "verified_at"]}),
        (_("Shown to readers"), {"fields": ["shown_in"]}),
        (_("Internal"), {"fields": ["internal_note"], "description": _("Never shown to the public.")}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            # A claim being added is shown nowhere yet.
            return [(name, options) for name, options in fieldsets if "shown_in" not in options["fields"]]
        return fieldsets

    def list_annotations(self, queryset):
        # Citations belong to a content app (relations imports none): reached through the reverse relation.
        citations = Claim._meta.get_field("citations").related_model
        return queryset.annotate(
            relationship_count=count_of(ClaimRelationship.objects.filter(claim=models.OuterRef("pk"))),
            article_count=count_of(citations.objects.filter(claim=models.OuterRef("pk"))),
        )

    def search_condition(self, term: str) -> models.Q:
        actors = Actor.objects.filter(name__icontains=term).values("pk")
        return models.Q(
            pk__in=_union(
                Claim.objects.filter(text__icontains=term).values("pk"),
                Claim.objects.filter(quote__icontains=term).values("pk"),
                Claim.objects.filter(attributed_to__in=actors).values("pk"),
                Claim.actors.through.objects.filter(actor__in=actors).values("claim"),
            )
        )

    def autocomplete_rank(self, term: str) -> list[models.Q]:
        # A statement as typed, then one beginning so, then one attributed to the actor named.
        return [
            models.Q(text__iexact=term),
            models.Q(text__istartswith=term),
            models.Q(attributed_to__name__iexact=term),
        ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.editable_by(request.user):
            # A fact-checker may still give a claim readers can see its verdict, and only that.
            return request.user.has_perm(VERIFY_PERMISSION) and super().has_change_permission(request, obj)
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not obj.editable_by(request.user):
            # The internal note stays open: it is where a fact-checker says why, and readers never see it.
            return [*readonly, "text", "kind", "quote", "attributed_to", "actors", "sources"]
        if not request.user.has_perm(VERIFY_PERMISSION):
            # Reporters see the verdict but cannot set it; the service refuses them anyway.
            readonly = ["verification", *readonly]
        return readonly

    def save_model(self, request, obj, form, change):
        if "verification" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        # The service writes the verdict with the rest of the form, counts the edit and tells the feed,
        # so that a verdict given here is the same write as one given anywhere else.
        claim_set_verification(claim=obj, state=obj.verification, by=request.user, with_edits=True)

    def has_verify_permission(self, request) -> bool:
        return request.user.has_perm(VERIFY_PERMISSION)

    @admin.action(description=_("Give the selected claims a verdict"), permissions=["verify"])
    def set_verdict(self, request, queryset):
        """Django's action with an intermediate page: choose the verdict (and a note), then every
        selected claim gets it through ``claim_set_verification``, all in one transaction, so that a
        claim the service refuses leaves every other as it was. The fact-checker's start page posts
        here with the verdict already chosen, and a ``next`` address to come back to."""
        form = VerdictForm(request.POST if "apply" in request.POST else None)
        claims = list(queryset.select_related("attributed_to").order_by("pk"))
        if form.is_bound and form.is_valid():
            state, note = form.cleaned_data["verification"], form.cleaned_data["note"]
            label = Claim.Verification(state).label
            try:
                with transaction.atomic(using=router.db_for_write(Claim)):
                    for claim in claims:
                        claim_set_verification(claim=claim, state=state, by=request.user, note=note)
            except (PermissionDenied, ValidationError, ValueError) as refused:
                reasons = " ".join(getattr(refused, "messages", None) or [str(refused)])
                self.message_user(
                    request,
                    _("No verdict was given, to any of the claims: %(reasons)s") % {"reasons": reasons},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)d claim is now marked “%(verdict)s”.",
                        "%(n)d claims are now marked “%(verdict)s”.",
                        len(claims),
                    )
                    % {"n": len(claims), "verdict": label},
                    messages.SUCCESS,
                )
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return HttpResponseRedirect(back)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Give the selected claims a verdict"),
            "subtitle": None,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "claims": claims,
            "form": form,
            "action": request.POST.get("action", "set_verdict"),
            "selected_name": helpers.ACTION_CHECKBOX_NAME,
            "next": request.POST.get("next", ""),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/relations/claim/set_verdict.html", context)

    @admin.display(description=_("live and scheduled content"))
    def shown_in(self, obj: Claim) -> str:
        """The stories and fact boxes that show the claim to readers, or will once scheduled: what a
        new verdict on it reaches. The content apps say which (``relations.visibility``)."""
        shown, more = visibility.content_showing_claim(obj, limit=SHOWN_IN_LENGTH)
        if not shown:
            return _("No live or scheduled story or fact box shows this claim.")
        entries = format_html_join(
            "",
            "<li>{}</li>",
            ((_showing(entry),) for entry in shown),
        )
        tail = format_html("<p>{}</p>", _("… and more, not listed here.")) if more else ""
        return format_html('<ul class="shown-in">{}</ul>{}', entries, tail)

    @admin.display(description=_("relationships"), ordering="relationship_count")
    def relationship_count(self, obj: Claim) -> int:
        return obj.relationship_count

    @admin.display(description=_("cited in"), ordering="article_count")
    def article_count(self, obj: Claim) -> int:
        return obj.article_count


def _showing(entry: visibility.Showing) -> str:
    when = timezone.localtime(entry.since).strftime("%d %b %Y %H:%M")
    if entry.scheduled:
        state = format_html(
            '<strong class="shown-scheduled">{}</strong>', _("scheduled: goes live %(when)s") % {"when": when}
        )
    else:
        state = _("live since %(when)s") % {"when": when}
    public = format_html(' · <a href="{}">{}</a>', entry.public_url, _("view on site")) if entry.public_url else ""
    return format_html(
        '{} <a href="{}">{}</a> — {}{}', entry.kind.capitalize(), entry.admin_url, entry.title, state, public
    )


def _union(*querysets: models.QuerySet) -> models.QuerySet:
    """The ids any of ``querysets`` (each of one column) selects: each part reads its own index."""
    first, *rest = (queryset.order_by() for queryset in querysets)
    return first.union(*rest)
