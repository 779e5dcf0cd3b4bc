"""Articles in the editors' workspace: writing, the review workflow, corrections and the audit trail.

Every workflow button and action calls a service in ``newsroom.services``,
which checks the user's permission again: hiding a button is a courtesy, the
service is the rule. How a button runs its move is ``newsroom.admin.workflow``'s.
"""

import datetime
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_prose_editor.config import allowlist_from_extensions
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media

from newsroom import services
from newsroom.admin import citing
from newsroom.admin.article_factboxes import ArticleFactBoxesMixin, ArticleFactBoxInline
from newsroom.admin.drafts import ArticleDraftAdminMixin
from newsroom.admin.mentions import CHOICE as TAG_CHOICE
from newsroom.admin.mentions import TAG_BUTTON, mentions_panel
from newsroom.admin.workflow import WorkflowAdminMixin, WorkflowMove, button_name, move_note
from newsroom.models import Article, ArticleClaim, ArticleEvent, Correction
from newsroom.richtext import BODY_EDITOR_EXTENSIONS, EDITOR_EQUIVALENTS, sanitised_output, tags_in
from newsroom.selectors import unverified_claims_cited
from relations.admin import ClosureAdmin, SlugHistoryAdmin, SlugHistoryForm
from relations.adminutils import (
    AutocompleteListFilter,
    AutocompleteListFilterMediaMixin,
    ListColumnsMixin,
    PreloadedAutocompleteInlineMixin,
    ReadOnlyInline,
)
from relations.history import HistoryAdmin
from relations.locking import LockedEditAdmin
from relations.querysets import count_of

TAG_MENTIONS = TAG_BUTTON
Status = Article.Status


class ArticleClaimInline(PreloadedAutocompleteInlineMixin, admin.TabularInline):
    model = ArticleClaim
    formset = citing.ArticleClaimFormSet
    extra = 1
    autocomplete_fields = ["claim"]
    fields = ["position", "claim", "passage"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 70})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim")


class CorrectionInline(ReadOnlyInline):
    """Corrections are a public record: added through the service, never edited or removed."""

    model = Correction
    # No blank row on a live story: those who may correct it get "Add a correction" instead.
    extra = 0
    fields = ["text", "published_at", "by"]
    readonly_fields = ["published_at", "by"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})}}
    verbose_name_plural = _("public corrections")

    def has_add_permission(self, request, obj=None):
        return obj is not None and services.can_correct(article=obj, user=request.user)

    def has_view_permission(self, request, obj=None):
        # Not on drafts that were never published. Shown from scheduling on, not from going
        # live, so that a form opened before the article went live still carries the table.
        published = obj is not None and obj.first_published_at is not None
        return published and super().has_view_permission(request, obj)


class _CorrectionFormSet(helpers.InlineAdminFormSet):
    """The corrections' table, whose button reads "Add a correction" rather than "Add another"
    (a story has none until one is needed)."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = str(_("Add a correction"))
        return json.dumps(data)


class ArticleEventInline(ReadOnlyInline):
    model = ArticleEvent
    fields = ["at", "kind", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    verbose_name_plural = _("audit trail")
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class ArticleAdminForm(SlugHistoryForm):
    go_live_at = forms.SplitDateTimeField(
        label=_("Publish at"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=_("Used by “Publish”: leave empty to publish at once, or set a future time to schedule."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self._choose_body_widget()
        if self.instance.pk is not None and self.instance.is_scheduled:
            # Saving a scheduled article keeps its time unless the editor changes it.
            self.fields["go_live_at"].initial = self.instance.publish_at

    def _choose_body_widget(self) -> None:
        """The rich-text editor, unless the body holds markup the editor's schema would drop on
        loading it (a table written before the editor, say): that body stays an HTML textarea,
        so that opening and saving an article never loses part of it."""
        field = self.fields["body"]
        kept = allowlist_from_extensions(BODY_EDITOR_EXTENSIONS)["tags"] | EDITOR_EQUIVALENTS.keys()
        beyond = sorted(tags_in(self.instance.body) - kept)
        if beyond:
            field.help_text = _(
                "This body holds markup the editor cannot keep (%(tags)s), so it is edited as HTML. "
                "Scripts, frames, styles and event handlers are removed when the article is saved."
            ) % {"tags": ", ".join(f"<{tag}>" for tag in beyond)}
            field.widget.attrs.update({"rows": 20, "class": "vLargeTextField body-html"})
            return
        extensions = {**BODY_EDITOR_EXTENSIONS, "CiteClaim": citing.editor_options()}
        field.widget = AdminProseEditorWidget(config={"extensions": extensions}, preset="configurable")
        field.help_text = _(
            "Paragraphs, headings, bold and italic, links, lists and quotes. Text pasted from Word or "
            "Google Docs keeps its structure and loses its styling."
        )

    class Media:
        css = {"all": ["newsroom/admin/tiptap.css", "newsroom/admin/body-editor.css"]}

    def clean_body(self):
        body = self.cleaned_data["body"]
        unknown = services.unknown_cited_claims(body)
        if unknown:
            raise ValidationError(
                _("The text cites claims that do not exist (%(ids)s): remove the marks on their passages.")
                % {"ids": ", ".join(f"#{pk}" for pk in unknown)}
            )
        return body

    def clean_go_live_at(self):
        value = self.cleaned_data["go_live_at"]
        # Only publishing uses the time: a plain save of an article whose time has just passed goes through.
        if value is not None and button_name("publish") in self.data and value < timezone.now():
            raise ValidationError(_("That time has passed. Leave it empty to publish at once."))
        return value


def _short(moment) -> str:
    return timezone.localtime(moment).strftime("%d %b %Y %H:%M")


def _moved(article: Article) -> str:
    if article.is_scheduled:
        return _("“%(title)s” is scheduled: it goes live %(when)s.") % {
            "title": article,
            "when": _short(article.publish_at),
        }
    return _("“%(title)s” is now %(status)s.") % {"title": article, "status": article.get_status_display().lower()}


def _move(run, **options) -> WorkflowMove:
    return WorkflowMove(run=run, done=_moved, refused=_("“%(obj)s” was not moved: %(reasons)s"), **options)


def _confirm_label(data) -> str:
    if data.get("go_live_at") is not None:
        return _("Yes, schedule it with these claims unverified")
    return _("Yes, publish with these claims unverified")


class CitationsFromTextMixin:
    """Derives the citations from the marks in the saved body. After the form and its tables are
    saved and before ``WorkflowAdminMixin`` makes a move (it comes first in the bases), so that
    publishing reads the citations the text shows, whichever tables the user was shown."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        synced = services.article_sync_citations(article=form.instance, by=request.user)
        for claim in synced.removed:
            self.message_user(
                request,
                _("The citation of “%(claim)s” was removed: its passage is no longer marked in the text.")
                % {"claim": claim},
                messages.WARNING,
            )


@admin.register(Article)
class ArticleAdmin(
    ArticleDraftAdminMixin,
    ArticleFactBoxesMixin,
    WorkflowAdminMixin,
    CitationsFromTextMixin,
    ClosureAdmin,
    ListColumnsMixin,
    AutocompleteListFilterMediaMixin,
    SlugHistoryAdmin,
    LockedEditAdmin,
    HistoryAdmin,
):
    form = ArticleAdminForm
    public_route = "story"
    show_full_result_count = False
    change_form_template = "admin/newsroom/article/change_form.html"
    ordering = ["-updated_at"]
    list_display = ["title", "status", "live_state", "section", "byline", "claim_count", "updated_at"]
    list_filter = ["status", "section", AutocompleteListFilter.on("actors")]
    search_fields = ["title", "slug", "standfirst", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["actors"]
    inlines = [ArticleClaimInline, ArticleFactBoxInline, CorrectionInline, ArticleEventInline]
    # A live article edits its draft's citations instead (``ArticleDraftAdminMixin``).
    live_citations_inline = ArticleClaimInline
    date_hierarchy = "updated_at"
    readonly_fields = [
        "body_as_read",
        "mentions",
        "mentions_listed",
        "goes_live",
        "went_live",
        "status",
        "publish_at",
        "first_published_at",
        "last_published_at",
        "last_modified_at",
        "created_at",
        "updated_at",
    ]
    actions = ["tag_mentioned_actors", "submit_for_review", "publish_now", "withdraw"]

    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "byline", "section", "body"]}),
        (_("What the story is about"), {"fields": ["actors", "mentions"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "go_live_at",
                    "publish_at",
                    "first_published_at",
                    "last_published_at",
                    "last_modified_at",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read, not edited: the body as readers see it rather than its markup, and the mentions
            # listed with nothing to tick.
            fieldsets = _swapped(_swapped(fieldsets, "mentions", "mentions_listed"), "body", "body_as_read")
        # One publication time: the one to choose, for someone who may publish an article not yet
        # live; otherwise when it goes or went live, if it does.
        if obj is not None and services.PUBLISH in services.available_transitions(article=obj, user=request.user):
            return _swapped(fieldsets, "publish_at", None)
        shown = "goes_live" if obj is not None and obj.is_scheduled else "went_live"
        if obj is None or obj.publish_at is None or obj.status != Status.PUBLISHED:
            shown = None
        return _swapped(_swapped(fieldsets, "go_live_at", None), "publish_at", shown)

    def list_annotations(self, queryset):
        # No list shows the body, most of a row.
        citations = ArticleClaim.objects.filter(article=models.OuterRef("pk"))
        return queryset.defer("body").annotate(claim_count=count_of(citations))

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.editable_by(request.user):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def record_slug_change(self, request, obj, former_slug: str) -> None:
        services.article_record_slug_change(article=obj, former_slug=former_slug, by=request.user)

    def has_publish_permission(self, request) -> bool:
        return services.can_publish(request.user)

    def get_urls(self):
        new_claim = path(
            "cite/new-claim/", self.admin_site.admin_view(citing.new_cited_claim), name="newsroom_cite_new_claim"
        )
        return [new_claim, *super().get_urls()]

    @admin.display(description=_("body"))
    def body_as_read(self, obj: Article) -> str:
        return format_html('<div class="body-as-read">{}</div>', mark_safe(sanitised_output(obj.body)))

    @admin.display(description=_("cited claims"), ordering="claim_count")
    def claim_count(self, obj: Article) -> int:
        return obj.claim_count

    @admin.display(description=_("on the site"), ordering="publish_at")
    def live_state(self, obj: Article) -> str:
        if obj.is_live:
            return _("Live since %(when)s") % {"when": _short(obj.publish_at)}
        if obj.is_scheduled:
            return _("Scheduled for %(when)s") % {"when": _short(obj.publish_at)}
        return "–"

    # A moment, shown as the admin shows the form's other moments: a read-only method's value is
    # only made text (``str`` of a datetime), not localised as a model field's is.
    @admin.display(description=_("goes live"))
    def goes_live(self, obj: Article) -> str:
        return formats.localize(timezone.template_localtime(obj.publish_at))

    @admin.display(description=_("went live"))
    def went_live(self, obj: Article) -> str:
        return formats.localize(timezone.template_localtime(obj.publish_at))

    @admin.display(description=_("actors the text mentions"))
    def mentions(self, obj: Article) -> str:
        return self._mentions(obj, choosable=True)

    @admin.display(description=_("actors the text mentions"))
    def mentions_listed(self, obj: Article) -> str:
        return self._mentions(obj, choosable=False)

    def _mentions(self, obj: Article, *, choosable: bool) -> str:
        if obj.pk is None:
            return _("Save the article to see the actors its text mentions.")
        # A live article's tags are its draft's while it has one.
        draft = getattr(obj, "loaded_draft", None)
        tagged = set((draft or obj).actors.values_list("pk", flat=True))
        return mentions_panel(obj, services.article_mentioned_actors(article=obj), tagged, choosable=choosable)

    # The workflow on the change page ------------------------------------------------

    workflow_moves = {
        "submit": _move(
            lambda article, by, data: services.article_submit_for_review(article=article, by=by, note=move_note(data))
        ),
        "return": _move(
            lambda article, by, data: services.article_return_to_draft(article=article, by=by, note=move_note(data))
        ),
        # The time chosen on the form: empty publishes at once, a future one schedules. Unverified
        # claims the editor confirmed come from the confirmation page (``WorkflowAdminMixin``).
        "publish": _move(
            lambda article, by, data: services.article_publish(
                article=article,
                by=by,
                publish_at=data.get("go_live_at"),
                confirmed_unverified=data.get("confirmed_unverified", ()),
                note=move_note(data),
            ),
            carries=("go_live_at",),
            confirm_label=_confirm_label,
        ),
        "publish_now": _move(
            lambda article, by, data: services.article_publish(
                article=article,
                by=by,
                publish_at=timezone.now(),
                confirmed_unverified=data.get("confirmed_unverified", ()),
                note=move_note(data),
            )
        ),
        "withdraw": _move(
            lambda article, by, data: services.article_withdraw(article=article, by=by, note=move_note(data))
        ),
        # Saving a live article keeps its edits in the draft; this move then publishes the draft.
        "publish_changes": WorkflowMove(
            run=lambda article, by, data: services.article_publish_changes(
                article=article,
                by=by,
                confirmed_unverified=data.get("confirmed_unverified", ()),
                note=move_note(data),
            ),
            done=lambda article: _("Your changes to “%(title)s” are live.") % {"title": article},
            refused=_("The changes to “%(obj)s” were not published: %(reasons)s"),
            confirm_label=lambda data: _("Yes, publish the changes with these claims unverified"),
        ),
    }

    def workflow_buttons(self, request, obj: Article) -> list[tuple[str, str, str]]:
        """(button, label, css class) for each move this user may make from the article's state."""
        buttons = []
        for action in services.available_transitions(article=obj, user=request.user):
            if action == services.SUBMIT:
                buttons.append(("submit", _("Save and submit for review"), ""))
            elif action == services.RETURN:
                label = {
                    Status.IN_REVIEW: _("Save and return to draft"),
                    Status.WITHDRAWN: _("Return to draft"),
                }.get(obj.status, _("Unschedule (back to draft)"))
                buttons.append(("return", label, ""))
            elif action == services.PUBLISH and obj.is_scheduled:
                buttons.append(("publish", _("Save and reschedule"), "default"))
                buttons.append(("publish_now", _("Publish now"), ""))
            elif action == services.PUBLISH:
                buttons.append(("publish", _("Save and publish"), "default"))
            elif action == services.WITHDRAW:
                buttons.append(("publish_changes", _("Save and publish changes"), "default"))
                buttons.append(("withdraw", _("Withdraw from the site"), "withdraw"))
        return buttons

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None and obj.status == Status.DRAFT:
            # Sent back with a word: the reporter reads it before anything else on the page.
            last = obj.events.select_related("by").order_by("-at", "-pk").first()
            if last is not None and last.kind == ArticleEvent.Kind.RETURNED:
                context["returned"] = last
        # The editor's import map is an inline script: the page's nonce lets it past the policy.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def posted_workflow_move(self, request):
        # The tagging button saves and tags: a form posts one button, and that one makes no move.
        if TAG_MENTIONS in request.POST:
            return None
        return super().posted_workflow_move(request)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            if inline_formset.formset.model is Correction:
                inline_formset.__class__ = _CorrectionFormSet
        return inline_formsets

    def save_formset(self, request, form, formset, change):
        if formset.model is Correction:
            # The admin's change message reads these, as if the formset had saved them itself.
            formset.new_objects = [
                services.article_add_correction(article=form.instance, by=request.user, text=extra.cleaned_data["text"])
                for extra in formset.extra_forms
                if extra.has_changed()
            ]
            formset.changed_objects, formset.deleted_objects = [], []
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Only "Save and reschedule" moves a scheduled article: a plain save that changed the time says so.
        if not change or TAG_MENTIONS in request.POST or self.posted_workflow_move(request) is not None:
            return
        obj, requested = form.instance, form.cleaned_data.get("go_live_at")
        # The form shows the time to the second: an untouched one differs from the stored one by less.
        if (
            obj.is_scheduled
            and requested is not None
            and abs(requested - obj.publish_at) >= datetime.timedelta(seconds=1)
        ):
            self.message_user(
                request,
                _("The new publication time was not applied: use “Save and reschedule” to move it."),
                messages.WARNING,
            )

    def response_change(self, request, obj):
        if TAG_MENTIONS in request.POST:
            chosen = [value for value in request.POST.getlist(TAG_CHOICE) if value.isdigit()]
            if chosen:
                self._tag(request, [obj], actors=chosen)
            else:
                self.message_user(request, _("No actor was ticked: nothing was tagged."), messages.WARNING)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # Changelist actions ---------------------------------------------------------------

    @admin.action(description=_("Tag the actors their text mentions"), permissions=["change"])
    def tag_mentioned_actors(self, request, queryset):
        self._tag(request, queryset)

    @admin.action(description=_("Submit selected drafts for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        for article in queryset:
            self.make_workflow_move(request, article, "submit")

    @admin.action(description=_("Publish selected articles now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        articles = list(queryset.defer("body"))
        if services.publishing_asks_about_unverified():
            # Asked once for the whole selection, before any of it is published.
            publishable = [
                article
                for article in articles
                if services.PUBLISH in services.available_transitions(article=article, user=request.user)
            ]
            asking = {
                pk: [services.UnverifiedClaim(claim.pk, str(claim)) for claim in claims]
                for pk, claims in unverified_claims_cited(publishable).items()
            }
            question = self.ask_before_moving(request, articles, "publish_now", asking)
            if question is not None:
                return question
        confirmed = {"confirmed_unverified": self.confirmed_claims(request)}
        for article in articles:
            self.make_workflow_move(request, article, "publish_now", confirmed, ask=False)

    @admin.action(description=_("Withdraw selected articles from the site"), permissions=["publish"])
    def withdraw(self, request, queryset):
        for article in queryset:
            self.make_workflow_move(request, article, "withdraw")

    def _tag(self, request, articles, actors=None) -> None:
        for article in articles:
            try:
                added = services.article_tag_mentioned_actors(article=article, by=request.user, actors=actors)
            except PermissionDenied as refused:
                self.message_user(request, f"{article}: {refused}", messages.ERROR)
                continue
            except ValidationError as refused:
                self.message_user(request, f"{article}: {' '.join(refused.messages)}", messages.ERROR)
                continue
            if added:
                names = ", ".join(actor.name for actor in added)
                self.message_user(request, f"{article}: tagged {names}.", messages.SUCCESS)
            else:
                self.message_user(request, f"{article}: no untagged actor mentioned.", messages.INFO)


def _swapped(fieldsets, field: str, by: str | None):
    """``fieldsets`` with ``field`` replaced ``by`` another, or left out (None)."""
    return [
        (name, {**options, "fields": [by if f == field else f for f in options["fields"] if by or f != field]})
        for name, options in fieldsets
    ]
