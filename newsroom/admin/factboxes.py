"""Fact boxes in the editors' workspace: composing, previewing, publishing frozen versions, embedding.

Publishing, withdrawing and starting a relationship map call
``newsroom.factboxes.services``, which checks the user's permission again:
hiding a button is a courtesy, the service is the rule. How a button runs its
move is ``newsroom.admin.workflow``'s.
"""

from __future__ import annotations

from adminsortable2.admin import CustomInlineFormSet, SortableAdminBase, SortableInlineAdminMixin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import NON_FIELD_ERRORS, BadRequest, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin

from newsroom.admin.article_factboxes import paragraph_choices
from newsroom.admin.factbox_versions import compare_payloads, embed_snippets
from newsroom.admin.workflow import WorkflowAdminMixin, WorkflowMove, move_note
from newsroom.embeds import embed_page, preview_refused, requested_theme
from newsroom.factboxes.relationship_map import unsupported_ties
from newsroom.factboxes.rendering import reader_places
from newsroom.factboxes.services import (
    can_publish_factbox,
    factbox_publish,
    factbox_start_relationship_map,
    factbox_withdraw,
)
from newsroom.factboxes.snapshots import (
    boxes_needing_review,
    build_snapshot,
    live_review_notes,
    review_notes,
    same_content,
)
from newsroom.models import FactBox, FactBoxEvent, FactBoxItem, FactBoxPlacement
from relations.admin import SlugHistoryAdmin
from relations.adminutils import PreloadedAutocompleteInlineMixin, ReadOnlyInline
from relations.dateforms import EnteredDatesForm
from relations.history import HistoryAdmin
from relations.locking import LockedEditAdmin
from relations.models import Actor, Relationship

# Bounded so that a huge number answers 400 instead of overflowing the database driver.
MAX_VERSION = 2**31 - 1


class NeedsReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "needs_review"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=boxes_needing_review())
        if self.value() == "no":
            return queryset.exclude(pk__in=boxes_needing_review())
        return queryset


class FactBoxChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # The review state of every published box, kept between requests: each row reads its own notes.
        notes = live_review_notes()
        for box in self.result_list:
            box.review_notes = notes.get(box.pk, [])


ITEM_KINDS = ("claim", "relationship", "actor", "text")
KIND_LABELS = {
    "claim": _("Claim"),
    "relationship": _("Relationship"),
    "actor": _("Actor"),
    "text": _("Text line"),
}
MISSING = {
    "claim": _("Choose the claim, or remove this item."),
    "relationship": _("Choose the relationship, or remove this item."),
    "actor": _("Choose the actor, or remove this item."),
    "text": _("Write the line of text, or remove this item."),
}


def kind_of(item: FactBoxItem) -> str:
    """Which of the four contents a saved row holds ("" for none yet)."""
    for kind in ("claim", "relationship", "actor"):
        if getattr(item, f"{kind}_id") is not None:
            return kind
    return "text" if item.text else ""


class KindField(forms.ChoiceField):
    """The kind of a row, chosen with the "Add …" buttons: a row whose kind is all that is set is a
    row the editor added and left empty, and is skipped as Django skips an untouched blank row."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data) -> bool:
        return False


class PreloadedChoiceField(forms.ModelChoiceField):
    """A foreign key of an item, looked up in ``found`` (every row's choice, read at once) when the
    form holding it was given one, instead of one query per row (``preload_choices``)."""

    found: dict | None = None

    def to_python(self, value):
        if self.found is None or value in self.empty_values:
            return super().to_python(value)
        try:
            return self.found[int(value)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None


def preload_choices(formset) -> None:
    """Every claim, relationship and actor the posted rows chose, read in one query per kind."""
    forms_ = formset.forms
    if not forms_:
        return
    for name in ("claim", "relationship", "actor"):
        keys = {form.data.get(form.add_prefix(name), "") for form in forms_}
        ids = {int(key) for key in keys if key.isdigit() and len(key) < 12}
        found = forms_[0].fields[name].queryset.in_bulk(ids) if ids else {}
        for form in forms_:
            form.fields[name].found = found


class FactBoxItemFormSet(CustomInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Each posted row names the item it edits: found among the box's items, read once, rather than
        # looked up again row by row.
        name = self.model._meta.pk.name
        field = form.fields.get(name)
        if type(field) is forms.ModelChoiceField:
            preloaded = PreloadedChoiceField(field.queryset, initial=field.initial, required=False, widget=field.widget)
            preloaded.found = {item.pk: item for item in self.get_queryset()}
            form.fields[name] = preloaded


class FactBoxItemForm(EnteredDatesForm):
    kind = KindField(choices=[("", ""), *KIND_LABELS.items()], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved = kind_of(self.instance) if self.instance.pk else ""
        self.fields["kind"].initial = saved
        posted = self.data.get(self.add_prefix("kind"), "") if self.is_bound else ""
        # The kind decides which one field the row shows (the template reads it).
        self.item_kind = posted if posted in ITEM_KINDS else saved
        self.item_kind_label = KIND_LABELS.get(self.item_kind, "")
        self.reader_place = ""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in ITEM_KINDS:
            # The row shows one field: the others, hidden from the editor, are not its content.
            for other in ITEM_KINDS:
                if other != kind:
                    cleaned[other] = "" if other == "text" else None
            if not cleaned.get(kind) and kind not in self.errors:
                self.add_error(kind, MISSING[kind])
        return cleaned

    def _get_validation_exclusions(self):
        # The form's choice fields found the chosen claim, relationship or actor already: the model's own
        # check that it exists would read it again, a query per row.
        return super()._get_validation_exclusions() | {"claim", "relationship", "actor"}

    def full_clean(self):
        super().full_clean()
        # A row of a kind without its content breaks the model's rule too (FactBoxItem.clean); the
        # error on the row's one field already says what to do.
        if self.item_kind in self.errors and NON_FIELD_ERRORS in self.errors:
            del self.errors[NON_FIELD_ERRORS]


class FactBoxItemInline(SortableInlineAdminMixin, PreloadedAutocompleteInlineMixin, admin.TabularInline):
    """One row per item, showing only its kind's field; rows are added with one button per kind and
    reordered by dragging (or with the up and down buttons): positions are never typed."""

    model = FactBoxItem
    form = FactBoxItemForm
    formset = FactBoxItemFormSet
    template = "admin/newsroom/factbox/items_inline.html"
    extra = 0
    ordering = ["position", "pk"]
    fields = ["kind", "claim", "relationship", "actor", "text", "date", "date_precision"]
    autocomplete_fields = ["claim", "relationship", "actor"]
    verbose_name = _("item")
    verbose_name_plural = _("items")
    content_fields = ITEM_KINDS
    when_fields = ("date", "date_precision")
    kind_labels = KIND_LABELS

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("claim", "relationship__subject", "relationship__object", "relationship__type", "actor")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "relationship":
            # The chosen relationship is named by both actors and its type.
            kwargs["queryset"] = Relationship.objects.select_related("subject", "object", "type")
        kwargs["form_class"] = PreloadedChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.autocomplete_fields:
            # Composing a box picks claims, relationships and actors (or adds one); changing or
            # deleting them from here would reach every story and box that shows them.
            formfield.widget.can_change_related = formfield.widget.can_delete_related = False
        return formfield


class FactBoxPlacementInline(PreloadedAutocompleteInlineMixin, admin.TabularInline):
    """Where the box runs changes what readers of a live story see: an editors' decision."""

    model = FactBoxPlacement
    extra = 1
    ordering = ["position", "pk"]
    fields = ["article", "after_paragraph", "position"]
    autocomplete_fields = ["article"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class Form(formset.form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                # A saved row's story is known: its paragraph is chosen by its first words, as on the story's page.
                if self.instance.article_id and "after_paragraph" in self.fields:
                    self.fields["after_paragraph"] = forms.TypedChoiceField(
                        label=_("Where it goes"),
                        choices=paragraph_choices(self.instance.article.body, self.instance.after_paragraph),
                        coerce=int,
                        empty_value=None,
                        required=False,
                    )

        formset.form = Form
        return formset

    def get_extra(self, request, obj=None, **kwargs):
        return self.extra if can_publish_factbox(request.user) else 0

    def has_add_permission(self, request, obj=None):
        return can_publish_factbox(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return can_publish_factbox(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_publish_factbox(request.user) and super().has_delete_permission(request, obj)


class FactBoxEventInline(ReadOnlyInline):
    model = FactBoxEvent
    fields = ["at", "kind", "version_number", "by", "note"]
    readonly_fields = fields
    verbose_name_plural = _("publication record")
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "version").defer("version__payload")

    @admin.display(description=_("version"))
    def version_number(self, event: FactBoxEvent) -> int:
        return event.version.number


class StartMapForm(forms.Form):
    title = forms.CharField(
        max_length=200, required=False, help_text=_("Leave empty to name the box after its actors.")
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin's own autocomplete, searching actors as the items' actor field does.
        self.fields["actors"] = forms.ModelMultipleChoiceField(
            queryset=Actor.objects.order_by("name"),
            widget=AutocompleteSelectMultiple(FactBoxItem._meta.get_field("actor"), admin_site),
            help_text=_("The box lists each actor, then every relationship among them."),
        )

    def clean_actors(self):
        actors = self.cleaned_data["actors"]
        if len(actors) < 2:
            raise ValidationError(_("Choose at least two actors to map the ties among them."))
        return actors


@admin.register(FactBox)
class FactBoxAdmin(SortableAdminBase, WorkflowAdminMixin, SlugHistoryAdmin, LockedEditAdmin, HistoryAdmin):
    public_route = "embed_factbox"
    change_form_template = "admin/newsroom/factbox/change_form.html"

    def view_on_site(self, obj):
        # "View live": the box's public page, its embed, while readers have a version of it.
        return reverse("embed_factbox", args=[obj.slug]) if obj.pk is not None and obj.is_live else None

    change_list_template = "admin/newsroom/factbox/change_list.html"
    ordering = ["-updated_at"]
    list_display = ["title", "kind", "status", "published_number", "last_published_at", "needs_review"]
    list_filter = ["kind", "status", NeedsReviewFilter]
    list_select_related = ["published_version"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [FactBoxItemInline, FactBoxPlacementInline, FactBoxEventInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "intro"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    class Media:
        js = ["newsroom/admin/factboxes.js"]

    def get_changelist(self, request, **kwargs):
        return FactBoxChangeList

    def get_queryset(self, request):
        # The changelist shows the published version's number, never its payload.
        return super().get_queryset(request).select_related("published_version").defer("published_version__payload")

    def has_delete_permission(self, request, obj=None):
        # A box readers have seen keeps its record of who published what: withdraw it instead.
        if obj is not None and obj.first_published_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("version"), ordering="published_version__number")
    def published_number(self, box: FactBox) -> str | int:
        return box.published_version.number if box.published_version_id else "–"

    @admin.display(description=_("needs review"))
    def needs_review(self, box: FactBox) -> str:
        notes = getattr(box, "review_notes", None)
        if not notes:
            return "–"
        count = ngettext("%(n)d change", "%(n)d changes", len(notes)) % {"n": len(notes)}
        return format_html('<strong class="factbox-needs-review" title="{}">{}</strong>', "\n".join(notes), count)

    # Extra pages: preview, version comparison, starting a map ------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("start-map/", view(self.start_map_view), name="{}_{}_start_map".format(*info)),
            path(
                "<path:object_id>/preview/",
                view(xframe_options_sameorigin(self.preview_view)),
                name="{}_{}_preview".format(*info),
            ),
            path(
                "<path:object_id>/versions/compare/",
                view(self.versions_compare_view),
                name="{}_{}_versions_compare".format(*info),
            ),
            *super().get_urls(),
        ]

    def _viewable(self, request, object_id) -> FactBox:
        box = self.get_object(request, unquote(object_id))
        if box is None:
            raise Http404(_("No fact box with this id."))
        if not self.has_view_or_change_permission(request, box):
            raise PermissionDenied
        return box

    def preview_view(self, request, object_id):
        """The draft exactly as readers would see it once published, for the change page's frame: the
        saved draft (GET), or the change form as posted (POST, the live preview), unsaved.

        ``embed_page`` lets only this site frame it, whatever partner sites the public embeds allow.
        """
        box = self._viewable(request, object_id)
        theme = requested_theme(request)
        if request.method == "POST":
            return self._posted_preview(request, box, theme)
        return embed_page(request, build_snapshot(box).payload, theme=theme, draft_note=draft_note(box))

    def _posted_preview(self, request, box: FactBox, theme: str):
        """The change form's data validated as "Save" would, rendered as the box readers would see,
        and nothing written: the forms' edits stay on unsaved objects, and the transaction that holds
        the edit count's lock is rolled back whatever happens. Returns the places readers find each
        row at (``reader_places``) beside the page, as inert JSON the change page reads."""
        if not self.has_change_permission(request, box):
            raise PermissionDenied
        with transaction.atomic():
            try:
                return self._render_posted(request, box, theme)
            finally:
                transaction.set_rollback(True)

    def _render_posted(self, request, box: FactBox, theme: str):
        published_number = box.published_version.number if box.published_version_id else None
        note = draft_note(box, published_number)
        form = self.get_form(request, box, change=True)(request.POST, request.FILES, instance=box)
        inline = next(i for i in self.get_inline_instances(request, box) if isinstance(i, FactBoxItemInline))
        formset_class = inline.get_formset(request, box)
        prefix = formset_class.get_default_prefix()
        formset = formset_class(**self.get_formset_kwargs(request, box, inline, prefix))
        preload_choices(formset)
        form_valid = form.is_valid()
        if not (form_valid and formset.is_valid()):
            return preview_refused(request, _form_errors(form, formset), theme=theme)
        deleted = set(map(id, formset.deleted_forms))
        rows = [f for f in formset.forms if id(f) not in deleted and (f.instance.pk is not None or f.has_changed())]
        prefixes = {id(f.instance): f.prefix for f in rows}
        snapshot = build_snapshot(form.instance, items=[f.instance for f in rows])
        places = reader_places(snapshot.payload)
        numbers = {prefixes[id(item)]: place for item, place in zip(snapshot.items, places, strict=True)}
        return embed_page(request, snapshot.payload, theme=theme, draft_note=note, preview_data={"places": numbers})

    def versions_compare_view(self, request, object_id):
        box = self._viewable(request, object_id)
        pair = VersionPairForm(request.GET)
        if not pair.is_valid():
            raise BadRequest("Two version numbers are needed to compare.")
        numbers = [pair.cleaned_data["a"], pair.cleaned_data["b"]]
        found = {version.number: version for version in box.versions.filter(number__in=numbers)}
        if len(found) != len(set(numbers)):
            raise Http404(_("This fact box has no such version."))
        before, after = found[numbers[0]], found[numbers[1]]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Changes in “%(box)s” from version %(a)d to version %(b)d")
            % {"box": box, "a": before.number, "b": after.number},
            "subtitle": None,
            "opts": self.opts,
            "original": box,
            "before": before,
            "after": after,
            "diff": compare_payloads(before.payload, after.payload),
            "numbers": list(box.versions.order_by("number").values_list("number", flat=True)),
            "change_url": self._admin_url("change", quote(box.pk)),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/newsroom/factbox/compare_versions.html", context)

    def start_map_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StartMapForm(request.POST or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            try:
                box = factbox_start_relationship_map(
                    actors=list(form.cleaned_data["actors"]), by=request.user, title=form.cleaned_data["title"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_addition(request, box, [{"added": {}}])
                ties = box.items.filter(relationship__isnull=False).count()
                self.message_user(
                    request,
                    ngettext(
                        "“%(box)s” was started with %(ties)d relationship among its actors: check it, then publish it.",
                        "“%(box)s” was started with the %(ties)d relationships among its actors: "
                        "check it, then publish it.",
                        ties,
                    )
                    % {"box": box, "ties": ties},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._admin_url("change", quote(box.pk)))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Start a relationship map from actors"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/newsroom/factbox/start_map.html", context)

    # The change page: publication state, workflow, versions, preview, snippets --------

    workflow_moves = {
        "publish": WorkflowMove(
            run=lambda box, by, data: factbox_publish(
                factbox=box, by=by, confirmed_unverified=data.get("confirmed_unverified", ()), note=move_note(data)
            ),
            done=lambda version: (
                _("“%(box)s” is published: readers now see version %(number)d.")
                % {"box": version.factbox, "number": version.number}
            ),
            refused=_("“%(obj)s” was not published: %(reasons)s"),
        ),
        "withdraw": WorkflowMove(
            run=lambda box, by, data: factbox_withdraw(factbox=box, by=by, note=move_note(data)),
            done=lambda box: _("“%(box)s” is withdrawn: its embeds now say it is gone.") % {"box": box},
            refused=_("“%(obj)s” was not withdrawn: %(reasons)s"),
        ),
    }

    def workflow_buttons(self, request, box: FactBox) -> list[tuple[str, str, str]]:
        """(button, label, css class) for each move this user may make."""
        if not can_publish_factbox(request.user):
            return []
        label = _("Save and publish a new version") if box.published_version_id else _("Save and publish")
        buttons = [("publish", label, "default")]
        if box.is_live:
            buttons.append(("withdraw", _("Withdraw"), "withdraw"))
        return buttons

    def publication(self, request, box: FactBox) -> dict:
        version = box.published_version
        if version is not None:
            version = box.versions.select_related("published_by").get(pk=version.pk)
        versions = box.versions.select_related("published_by").defer("payload").order_by("-number")
        snapshot = build_snapshot(box)
        draft = snapshot.payload
        return {
            # Where readers find each saved row, by the row's key: shown beside the items.
            "places": {item.pk: place for item, place in zip(snapshot.items, reader_places(draft), strict=True)},
            "version": version,
            "draft_differs": version is not None and not same_content(draft, version.payload),
            # Before publishing: the ties readers would see resting on no standing claim, and what they read.
            "unsupported_ties": unsupported_ties(draft),
            "review_notes": review_notes([box]).get(box.pk, []),
            "versions": [(v, _pinned_url(box, v)) for v in versions],
            "snippets": embed_snippets(request, box) if box.is_live else None,
            "pinned_snippets": embed_snippets(request, box, version) if box.is_live else None,
            "preview_url": self._admin_url("preview", quote(box.pk)),
            "can_preview_edits": self.has_change_permission(request, box),
            "compare_url": self._admin_url("versions_compare", quote(box.pk)),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["publication"] = self.publication(request, FactBox.objects.get(pk=obj.pk))
            _show_reader_places(context, context["publication"].pop("places"))
        return super().render_change_form(request, context, add, change, form_url, obj)


def draft_note(box: FactBox, published_number: int | None = None) -> str:
    """What the preview of the draft says of what readers see meanwhile."""
    if published_number is None and box.published_version_id:
        published_number = box.published_version.number
    if box.is_live:
        return _("Draft preview: readers see version %(n)d until this draft is published.") % {"n": published_number}
    if box.status == FactBox.Status.WITHDRAWN:
        return _("Draft preview: the box is withdrawn, and readers see none of it.")
    return _("Draft preview: never published, and readers see none of it yet.")


def _show_reader_places(context, places: dict[int, str]) -> None:
    for inline in context.get("inline_admin_formsets", []):
        if isinstance(inline.opts, FactBoxItemInline):
            for form in inline.formset.forms:
                form.reader_place = places.get(form.instance.pk, "") if form.instance.pk else ""


def _form_errors(form, formset) -> list[str]:
    """Every error of the box's form and its items, each saying where it is."""
    errors = []
    for name, messages_ in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        errors += [f"{label}: {message}" if label else str(message) for message in messages_]
    errors += [str(message) for message in formset.non_form_errors()]
    for item_form in formset.forms:
        where = item_form.item_kind_label or _("An item")
        for messages_ in item_form.errors.values():
            errors += [f"{where}: {message}" for message in messages_]
    return errors


class VersionPairForm(forms.Form):
    a = forms.IntegerField(min_value=1, max_value=MAX_VERSION)
    b = forms.IntegerField(min_value=1, max_value=MAX_VERSION)


def _pinned_url(box: FactBox, version) -> str:
    return reverse("embed_factbox_version", args=[box.slug, version.number])
