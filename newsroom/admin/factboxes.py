"""Fact boxes in the editors' workspace: composing, previewing, publishing frozen versions, embedding.

Publishing, withdrawing and starting a relationship map call
``newsroom.factboxes.services``, which checks the user's permission again:
hiding a button is a courtesy, the service is the rule. How a button runs its
move is ``newsroom.admin.workflow``'s.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import NON_FIELD_ERRORS, BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin

from newsroom.admin.factbox_versions import compare_payloads, embed_snippets
from newsroom.admin.workflow import WorkflowAdminMixin, WorkflowMove, move_note
from newsroom.embeds import embed_page, requested_theme
from newsroom.factboxes.relationship_map import unsupported_ties
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


class FactBoxItemForm(EnteredDatesForm):
    def full_clean(self):
        super().full_clean()
        # FactBoxItem.clean and the database constraint behind it refuse the same row in two
        # wordings; the editor needs one, the one saying what to do.
        errors = self.errors.get(NON_FIELD_ERRORS)
        constraint = next(c for c in FactBoxItem._meta.constraints if c.name == "factboxitem_exactly_one_content")
        repeated = str(constraint.get_violation_error_message())
        if errors is not None and len(errors) > 1:
            errors.data[:] = [error for error in errors.data if repeated not in error.messages]


class FactBoxItemInline(PreloadedAutocompleteInlineMixin, admin.TabularInline):
    model = FactBoxItem
    form = FactBoxItemForm
    extra = 1
    ordering = ["position", "pk"]
    fields = ["position", "claim", "relationship", "actor", "text", "date", "date_precision"]
    autocomplete_fields = ["claim", "relationship", "actor"]
    verbose_name_plural = _("items (each one claim, one relationship, one actor or one line of text)")

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
class FactBoxAdmin(WorkflowAdminMixin, SlugHistoryAdmin, LockedEditAdmin, HistoryAdmin):
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
        """The draft exactly as readers would see it once published, for the change page's frame.

        ``embed_page`` lets only this site frame it, whatever partner sites the public embeds allow.
        """
        box = self._viewable(request, object_id)
        return embed_page(request, build_snapshot(box).payload, theme=requested_theme(request))

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
        draft = build_snapshot(box).payload
        return {
            "version": version,
            "draft_differs": version is not None and not same_content(draft, version.payload),
            # Before publishing: the ties readers would see resting on no standing claim, and what they read.
            "unsupported_ties": unsupported_ties(draft),
            "review_notes": review_notes([box]).get(box.pk, []),
            "versions": [(v, _pinned_url(box, v)) for v in versions],
            "snippets": embed_snippets(request, box) if box.is_live else None,
            "pinned_snippets": embed_snippets(request, box, version) if box.is_live else None,
            "preview_url": self._admin_url("preview", quote(box.pk)),
            "compare_url": self._admin_url("versions_compare", quote(box.pk)),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["publication"] = self.publication(request, FactBox.objects.get(pk=obj.pk))
        return super().render_change_form(request, context, add, change, form_url, obj)


class VersionPairForm(forms.Form):
    a = forms.IntegerField(min_value=1, max_value=MAX_VERSION)
    b = forms.IntegerField(min_value=1, max_value=MAX_VERSION)


def _pinned_url(box: FactBox, version) -> str:
    return reverse("embed_factbox_version", args=[box.slug, version.number])
