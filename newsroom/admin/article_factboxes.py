"""A story's fact boxes on its change page: the boxes it runs with (state, version, links), the
paragraph each follows, and starting a box from the claims the story cites.

Where a box runs is an editors' decision, as on the box's own page: others see the list read-only.
Starting a box calls ``factbox_start_from_article``, which checks the user's permission again.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext_lazy as _

from newsroom.factboxes.services import can_publish_factbox, factbox_start_from_article
from newsroom.factboxes.story_body import body_blocks
from newsroom.models import ArticleClaim, FactBox, FactBoxPlacement
from relations.adminutils import PreloadedAutocompleteInlineMixin

FIRST_WORDS = 9
BESIDE = _("Beside the story (after it on phones)")


def paragraph_choices(body: str, current: int | None = None) -> list[tuple[str, str]]:
    """ "After paragraph 3: “The first words of it…”" for each paragraph the story page counts
    (``story_body.body_blocks``), so that an editor chooses by the text, not by a number."""
    choices = [("", BESIDE)]
    blocks = body_blocks(body)
    for number, block in enumerate(blocks, start=1):
        words = strip_tags(block).split()
        start = " ".join(words[:FIRST_WORDS]) + ("…" if len(words) > FIRST_WORDS else "")
        choices.append((str(number), _("After paragraph %(n)d: “%(start)s”") % {"n": number, "start": start}))
    if current is not None and current > len(blocks):
        # The story has fewer paragraphs than when the box was placed: the page puts it at the end.
        choices.append((str(current), _("After paragraph %(n)d (the story now ends before it)") % {"n": current}))
    return choices


class ArticleFactBoxInline(PreloadedAutocompleteInlineMixin, admin.TabularInline):
    model = FactBoxPlacement
    fk_name = "article"
    extra = 0
    fields = ["factbox", "after_paragraph", "box_state", "box_links"]
    readonly_fields = ["box_state", "box_links"]
    autocomplete_fields = ["factbox"]
    ordering = ["position", "pk"]
    verbose_name = _("fact box")
    verbose_name_plural = _("fact boxes running with the story")
    template = "admin/newsroom/article/factbox_inline.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("factbox__published_version")
            .defer("factbox__published_version__payload")
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "factbox":
            formfield.label = _("Fact box")
            # Each row links to its box ("Open the box"); a new box starts from its own page or from the claims.
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A placement applies to the live story at once, so a live story's draft does not place it.
        body = getattr(obj, "live_body", obj.body) if obj is not None else ""

        class Form(formset.form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                field = self.fields.get("after_paragraph")
                if field is not None:
                    self.fields["after_paragraph"] = forms.TypedChoiceField(
                        label=_("Where it goes"),
                        choices=paragraph_choices(body, self.instance.after_paragraph),
                        coerce=int,
                        empty_value=None,
                        required=False,
                    )

        formset.form = Form
        return formset

    def has_add_permission(self, request, obj=None):
        return can_publish_factbox(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return can_publish_factbox(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_publish_factbox(request.user) and super().has_delete_permission(request, obj)

    @admin.display(description=_("state"))
    def box_state(self, placement: FactBoxPlacement) -> str:
        box = placement.factbox if placement.factbox_id else None
        if box is None:
            return "–"
        if box.published_version_id is None:
            return box.get_status_display()
        return _("%(status)s, version %(n)d") % {
            "status": box.get_status_display(),
            "n": box.published_version.number,
        }

    @admin.display(description=_("links"))
    def box_links(self, placement: FactBoxPlacement) -> str:
        if not placement.factbox_id:
            return "–"
        box = placement.factbox
        edit = format_html(
            '<a href="{}">{}</a>', reverse("admin:newsroom_factbox_change", args=[quote(box.pk)]), _("Open the box")
        )
        if not box.is_live:
            return edit
        live = reverse("embed_factbox", args=[box.slug])
        return format_html('{}<br><a href="{}">{}</a>', edit, live, _("View live"))


class StartFromClaimsForm(forms.Form):
    title = forms.CharField(
        max_length=200, required=False, help_text=_("Leave empty to call it “Claims in” the story's title.")
    )
    kind = forms.ChoiceField(
        choices=[
            (FactBox.Kind.CLAIM_CHECK, _("Claim check: each claim with its verdict and sources")),
            (FactBox.Kind.KEY_FACTS, _("Key facts: the claims stated as facts (verified claims only)")),
        ],
        initial=FactBox.Kind.CLAIM_CHECK,
        widget=forms.RadioSelect,
    )


class ArticleFactBoxesMixin:
    """The article admin's page for starting a box from the story's claims."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/start-factbox/",
                self.admin_site.admin_view(self.start_factbox_view),
                name="{}_{}_start_factbox".format(*info),
            ),
            *super().get_urls(),
        ]

    def start_factbox_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No article with this id."))
        if not (self.has_view_or_change_permission(request, article) and request.user.has_perm("newsroom.add_factbox")):
            raise PermissionDenied
        form = StartFromClaimsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                box = factbox_start_from_article(
                    article=article, by=request.user, title=form.cleaned_data["title"], kind=form.cleaned_data["kind"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_addition(request, box, [{"added": {}}])
                placed = box.placements.exists()
                message = (
                    _("“%(box)s” was started with the story's %(n)d claims and runs beside it: check, then publish it.")
                    if placed
                    else _("“%(box)s” was started with the story's %(n)d claims: an editor places and publishes it.")
                )
                self.message_user(request, message % {"box": box, "n": box.items.count()}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:newsroom_factbox_change", args=[quote(box.pk)]))
        claims = [citation.claim for citation in ArticleClaim.objects.filter(article=article).select_related("claim")]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Start a box from the claims in “%(story)s”") % {"story": article},
            "subtitle": None,
            "opts": self.opts,
            "original": article,
            "claims": claims,
            "form": form,
            "change_url": reverse("admin:newsroom_article_change", args=[quote(article.pk)]),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/newsroom/article/start_factbox.html", context)
