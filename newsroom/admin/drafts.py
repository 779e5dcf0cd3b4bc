"""A live article's change form edits its draft; previews, shared preview links and the
comparison of the draft with the live version.

``ArticleDraftAdminMixin`` goes into ``ArticleAdmin``'s bases. While an article is live, its form
shows the draft's content (or the live content, when there is no draft yet) and saving keeps the
edits in the draft through ``services.article_save_draft``, never in the article's own rows;
"Publish changes" is a workflow move (``services.article_publish_changes``).
"""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_replace
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from reversion_compare.helpers import html_diff

from newsroom import previews, services
from newsroom.admin.citing import KeepsMarkedCitations
from newsroom.models import Article, ArticleClaim, ArticleDraftClaim, PreviewLink
from relations.adminutils import PreloadedAutocompleteInlineMixin
from relations.models import Actor, Claim
from relations.revisions import children_in, followed_children, restore_comment, stored_values


class DraftRefused(Exception):
    """The service refused a live story's draft after the form was valid: the change form's whole
    save is undone (``changeform_view``) and the editor told why."""


class DraftCitationFormSet(KeepsMarkedCitations, forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        # Rows that start as the live citations are not validated while untouched: check them here.
        seen: set = set()
        for row in _draft_rows(self):
            claim = getattr(row["claim"], "pk", row["claim"])
            if claim in seen:
                raise ValidationError(_("The article cites the same claim twice: remove one of the rows."))
            seen.add(claim)


class DraftCitationInline(PreloadedAutocompleteInlineMixin, admin.TabularInline):
    """The citations of a live article's draft. With no draft yet, the rows start as the live
    citations (``initial``), so that the editor edits what readers see."""

    model = ArticleDraftClaim
    formset = DraftCitationFormSet
    autocomplete_fields = ["claim"]
    fields = ["position", "claim", "passage"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 70})}}
    verbose_name = gettext_lazy("cited claim")
    verbose_name_plural = gettext_lazy("cited claims")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim")

    # The rows are part of the article: whoever may edit it edits them, with no permissions of their own.
    def _may_edit(self, request, obj) -> bool:
        return request.user.has_perm("newsroom.change_article") and (obj is None or obj.editable_by(request.user))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("newsroom.view_article") or self._may_edit(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def get_extra(self, request, obj=None, **kwargs):
        return len(_starting_citations(obj)) + 1


def _starting_citations(article: Article | None) -> list[dict]:
    """The live citations as the rows a draft starts from; none once the article has a draft."""
    if article is None or getattr(article, "loaded_draft", None) is not None:
        return []
    if not hasattr(article, "_starting_citations"):
        article._starting_citations = [
            {"claim": row.claim_id, "position": row.position, "passage": row.passage}
            for row in ArticleClaim.objects.filter(article=article).order_by("position", "pk")
        ]
    return article._starting_citations


LIVE_CITATIONS_POSTED = "claim_citations-TOTAL_FORMS"


def keeps_draft(article: Article | None) -> bool:
    return article is not None and article.pk is not None and article.is_live


class ShareForm(forms.Form):
    hours = forms.TypedChoiceField(
        label=gettext_lazy("Link works for"),
        coerce=int,
        initial=services.PREVIEW_HOURS,
        choices=[
            (2, gettext_lazy("2 hours")),
            (24, gettext_lazy("1 day")),
            (48, gettext_lazy("2 days")),
            (168, gettext_lazy("1 week")),
            (336, gettext_lazy("2 weeks")),
        ],
    )


class ArticleDraftAdminMixin:
    """For ``ArticleAdmin``: drafts of live articles, previews and shared preview links."""

    draft_inline = DraftCitationInline

    # Loading: the form shows the draft ---------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        request.edits_article_draft = True
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DraftRefused as refused:
            # Raised out of the admin's transaction, which undid whatever of the save came first.
            self.message_user(
                request, _("Your changes were not saved: %(reasons)s") % {"reasons": refused}, messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        # Only the change form shows the draft: history, restoring and the workflow's pages read the
        # article as it is.
        if article is not None and getattr(request, "edits_article_draft", False):
            draft = services.article_draft(article)
            article.loaded_draft = draft
            if draft is not None:
                # In memory only: the form starts from the draft; nothing here is saved to the article.
                # Boxes are placed on the live story at once: they are placed by its paragraphs.
                article.live_body = article.body
                for name in services.DRAFT_FIELDS:
                    setattr(article, name, getattr(draft, name))
        return article

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        draft = getattr(obj, "loaded_draft", None)
        if draft is None:
            return form
        actor_ids = list(draft.actors.values_list("pk", flat=True))

        class DraftForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial["actors"] = actor_ids

        return DraftForm

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        if request.method == "POST" and LIVE_CITATIONS_POSTED in request.POST:
            # A form opened before the article went live posts the live rows: read as they are
            # posted, they still go to the draft (``save_formset``).
            return inlines
        if keeps_draft(obj) or getattr(obj, "loaded_draft", None) is not None:
            return [self.draft_inline if inline is self.live_citations_inline else inline for inline in inlines]
        return inlines

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, DraftCitationInline):
            kwargs["initial"] = _starting_citations(obj)
        return kwargs

    # Saving: a live article's edits go to its draft ---------------------------------------

    def save_model(self, request, obj, form, change):
        if not (change and keeps_draft(obj)):
            super().save_model(request, obj, form, change)
            if change and getattr(obj, "loaded_draft", None) is not None:
                # No longer live (withdrawn since the form was opened): the draft was saved directly.
                services._drop_draft(obj)
            return
        # The address is not content: an editor's new slug applies at once, as on any article.
        live = Article.objects.get(pk=obj.pk)
        former = live.slug
        if form.cleaned_data["slug"] != former:
            live.slug = form.cleaned_data["slug"]
            live.edit_count += 1
            live.save(update_fields=["slug", "edit_count", "updated_at"])
            obj.edit_count = live.edit_count
            self.record_slug_change(request, live, former)
        # The tags are the draft's: they reach the draft with the citations, below.
        form.save_m2m = lambda: None
        obj.saves_draft = True

    def save_formset(self, request, form, formset, change):
        if formset.model is ArticleDraftClaim or (
            formset.model is ArticleClaim and getattr(form.instance, "saves_draft", False)
        ):
            # The admin's change message reads these; the draft's rows are the service's to write.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if getattr(form.instance, "saves_draft", False):
                self._save_draft(request, form, formset)
            return
        super().save_formset(request, form, formset, change)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # The admin's "was changed successfully" would contradict the draft's own message: the live
        # version did not change (or, refused, nothing did).
        if getattr(request, "told_of_draft", False) and "was changed successfully" in str(message):
            return
        super().message_user(request, message, level, *args, **kwargs)

    def _save_draft(self, request, form, formset) -> None:
        article = form.instance
        request.told_of_draft = True
        try:
            draft = services.article_save_draft(
                article=article,
                by=request.user,
                **{name: form.cleaned_data[name] for name in services.DRAFT_FIELDS},
                actors=form.cleaned_data["actors"],
                citations=_draft_rows(formset),
            )
        except (PermissionDenied, ValidationError) as error:
            # The form and its rows were validated already (a claim deleted meanwhile, say): nothing of the
            # save may be kept, and the rest of the admin's save must not run on a refused one.
            raise DraftRefused(" ".join(getattr(error, "messages", [str(error)]))) from error
        # The service counted the edit on its own copy of the row: a move made next (publishing the
        # changes, or asking first about unverified claims) must see the count as it now stands.
        article.edit_count = Article.objects.values_list("edit_count", flat=True).get(pk=article.pk)
        if draft is None:
            self.message_user(
                request, _("Nothing differs from the live version, so there is no draft of changes."), messages.INFO
            )
        else:
            self.message_user(
                request,
                _("Your changes are saved as a draft: readers still see the live version until you publish them."),
                messages.SUCCESS,
            )

    # Restoring a revision: a live article's goes into its draft --------------------------

    def restore_note(self, request, obj):
        if not keeps_draft(obj):
            return super().restore_note(request, obj)
        note = _(
            "This story is live: the revision goes into its draft, and readers keep the live version until "
            "you publish the changes. Its address stays as it is."
        )
        draft = services.article_draft(obj)
        if draft is not None:
            note += " " + _("It replaces the draft of changes saved %(when)s.") % {"when": _when(draft.updated_at)}
        return note

    def restore_revision(self, request, obj, version):
        if not keeps_draft(obj):
            return super().restore_revision(request, obj, version)
        comment = _("%(comment)s into the draft") % {"comment": restore_comment(version)}
        try:
            with transaction.atomic(using=router.db_for_write(Article)):
                draft = services.article_save_draft(article=obj, by=request.user, **revision_content(obj, version))
                self.log_change(request, obj, comment)
        except (PermissionDenied, ValidationError) as error:
            reasons = " ".join(getattr(error, "messages", [str(error)]))
            self.message_user(
                request, _("This revision cannot be restored: %(reasons)s") % {"reasons": reasons}, messages.ERROR
            )
            return HttpResponseRedirect(request.path)
        if draft is None:
            self.message_user(
                request,
                _("The revision matches the live version, so there is no draft of changes."),
                messages.INFO,
            )
        else:
            self.message_user(
                request,
                _("The revision is in the draft: readers see the live version until you publish the changes."),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._admin_url("change", quote(obj.pk)))

    # Pages: preview, shared preview, comparison, discarding ----------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        framed = csp_replace({"frame-ancestors": [SELF]})(xframe_options_sameorigin(self.preview_page_view))
        return [
            path("<path:object_id>/preview/", view(self.preview_view), name="{}_{}_preview".format(*info)),
            path("<path:object_id>/preview/page/", view(framed), name="{}_{}_preview_page".format(*info)),
            path("<path:object_id>/preview/share/", view(self.share_view), name="{}_{}_share".format(*info)),
            path(
                "<path:object_id>/preview/revoke/<int:link_id>/",
                view(self.revoke_view),
                name="{}_{}_revoke_preview".format(*info),
            ),
            path(
                "<path:object_id>/draft/compare/",
                view(self.draft_compare_view),
                name="{}_{}_draft_compare".format(*info),
            ),
            path(
                "<path:object_id>/draft/discard/",
                view(self.discard_draft_view),
                name="{}_{}_discard_draft".format(*info),
            ),
            *super().get_urls(),
        ]

    def _admin_url(self, name: str, *args) -> str:
        return reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def _viewable(self, request, object_id) -> Article:
        article = Article.objects.filter(pk=_pk(object_id)).first()
        if article is None:
            raise Http404(_("No article with this id."))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def preview_view(self, request, object_id):
        article = self._viewable(request, object_id)
        link = request.session.pop("preview_link_made", None)
        links = previews.active_links(article)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview of “%(title)s”") % {"title": (services.article_draft(article) or article).title},
            "subtitle": None,
            "opts": self.opts,
            "original": article,
            "change_url": self._admin_url("change", quote(article.pk)),
            "page_url": self._admin_url("preview_page", quote(article.pk)),
            "live_url": reverse("story", args=[article.slug]) if article.is_live else None,
            "has_draft": services.article_has_draft(article),
            "can_share": services.can_share_preview(article=article, user=request.user),
            "share_form": ShareForm(),
            "share_url": self._admin_url("share", quote(article.pk)),
            "links": [
                (
                    item,
                    request.build_absolute_uri(previews.preview_url(item)),
                    self._admin_url("revoke_preview", quote(article.pk), item.pk),
                )
                for item in links
            ],
            "new_link": link,
        }
        request.current_app = self.admin_site.name
        return previews.private(TemplateResponse(request, "admin/newsroom/article/preview.html", context))

    def preview_page_view(self, request, object_id):
        """The story page with the draft applied, for the preview page's frame."""
        article = self._viewable(request, object_id)
        return previews.private(
            previews.render_preview(request, previews.preview_article(article.pk)), framed_by_admin=True
        )

    def share_view(self, request, object_id):
        article = self._viewable(request, object_id)
        back = self._admin_url("preview", quote(article.pk))
        if request.method != "POST":
            return HttpResponseRedirect(back)
        form = ShareForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Choose how long the link works."), messages.ERROR)
            return HttpResponseRedirect(back)
        try:
            link = services.article_share_preview(article=article, by=request.user, hours=form.cleaned_data["hours"])
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
            return HttpResponseRedirect(back)
        request.session["preview_link_made"] = link.pk
        self.message_user(
            request,
            _("Anyone with the new link can read this preview until %(when)s, or until you revoke it.")
            % {"when": _when(link.expires_at)},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(back)

    def revoke_view(self, request, object_id, link_id):
        article = self._viewable(request, object_id)
        back = self._admin_url("preview", quote(article.pk))
        if request.method != "POST":
            return HttpResponseRedirect(back)
        link = PreviewLink.objects.filter(pk=link_id, article=article).first()
        if link is None:
            raise Http404(_("No such preview link."))
        try:
            services.article_revoke_preview(link=link, by=request.user)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(back)
        self.message_user(request, _("The preview link was revoked: it no longer opens."), messages.SUCCESS)
        return HttpResponseRedirect(back)

    def discard_draft_view(self, request, object_id):
        article = self._viewable(request, object_id)
        change_url = self._admin_url("change", quote(article.pk))
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        try:
            with transaction.atomic(using=router.db_for_write(Article)):
                services.article_discard_draft(article=article, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
        else:
            self.message_user(request, _("The draft was discarded: the form shows the live version."), messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def draft_compare_view(self, request, object_id):
        article = self._viewable(request, object_id)
        draft = services.article_draft(article)
        if draft is None:
            self.message_user(request, _("This article has no draft of changes."), messages.INFO)
            return HttpResponseRedirect(self._admin_url("change", quote(article.pk)))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Draft of “%(title)s” compared with the live version") % {"title": article},
            "subtitle": None,
            "opts": self.opts,
            "original": article,
            "draft": draft,
            "rows": compare_with_live(article, draft),
            "change_url": self._admin_url("change", quote(article.pk)),
            "preview_url": self._admin_url("preview", quote(article.pk)),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/newsroom/article/draft_compare.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            draft = getattr(obj, "loaded_draft", None)
            context["draft_state"] = {
                "live": obj.is_live,
                "draft": draft,
                "compare_url": self._admin_url("draft_compare", quote(obj.pk)),
                "discard_url": self._admin_url("discard_draft", quote(obj.pk)),
                "preview_url": self._admin_url("preview", quote(obj.pk)),
                "can_discard": draft is not None and obj.editable_by(request.user),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def view_on_site(self, obj):
        # "View live": only what readers can open now.
        return reverse("story", args=[obj.slug]) if obj.pk is not None and obj.is_live else None


def revision_content(article: Article, version) -> dict:
    """The content a revision of ``article`` recorded, as ``services.article_save_draft`` takes it.
    What the revision did not store (a field added since) is taken from the live article."""
    stored = {model_field.name: value for model_field, value in stored_values(version).items()}
    content = {name: stored.get(name, getattr(article, name)) for name in services.DRAFT_FIELDS}
    content["actors"] = stored["actors"] if "actors" in stored else list(article.actors.values_list("pk", flat=True))
    (citations,) = [r for r in followed_children(Article) if r.related_model is ArticleClaim]
    rows = [
        {model_field.name: value for model_field, value in stored_values(child).items()}
        for child in children_in(list(version.revision.version_set.all()), article, citations)
    ]
    content["citations"] = [
        {"claim": row["claim"], "position": row.get("position") or 0, "passage": row.get("passage") or ""}
        for row in rows
    ]
    return content


def _pk(object_id: str) -> int | None:
    value = unquote(object_id)
    return int(value) if value.isdecimal() and len(value) < 19 else None


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d %b %Y %H:%M")


def _draft_rows(formset) -> list[dict]:
    """The citations the inline's rows hold, deleted rows left out. A row that started as a live
    citation and was not touched is not validated by the formset (it has not changed), so its
    starting values are read instead."""
    rows = []
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if form.has_changed():
            data = form.cleaned_data
        elif form.instance.pk is not None:
            data = {
                "claim": form.instance.claim_id,
                "position": form.instance.position,
                "passage": form.instance.passage,
            }
        else:
            data = form.initial
        if data.get("claim"):
            rows.append(data)
    return rows


def compare_with_live(article: Article, draft) -> list[dict]:
    """Field by field, what the draft changes: label, live, draft (the text fields as diffs)."""
    live, pending = services.live_content(article), services.draft_content(draft)
    rows = []
    labels = {name: Article._meta.get_field(name).verbose_name for name in services.DRAFT_FIELDS}
    for name in services.DRAFT_FIELDS:
        before, after = getattr(live, name), getattr(pending, name)
        if before != after:
            rows.append({"label": labels[name], "name": name, "diff": html_diff(before, after)})
    if live.actor_ids != pending.actor_ids:
        names = dict(Actor.objects.filter(pk__in=live.actor_ids | pending.actor_ids).values_list("pk", "name"))
        rows.append(
            {
                "label": _("actors"),
                "name": "actors",
                "added": sorted(names[pk] for pk in pending.actor_ids - live.actor_ids),
                "removed": sorted(names[pk] for pk in live.actor_ids - pending.actor_ids),
            }
        )
    if live.citations != pending.citations:
        claim_ids = {row.claim_id for row in (*live.citations, *pending.citations)}
        claims = {claim.pk: str(claim) for claim in Claim.objects.filter(pk__in=claim_ids)}
        before = {row.claim_id: row for row in live.citations}
        after = {row.claim_id: row for row in pending.citations}
        changed = []
        for pk in after.keys() & before.keys():
            if after[pk] != before[pk]:
                changes = []
                if after[pk].position != before[pk].position:
                    changes.append((_("position"), html_diff(str(before[pk].position), str(after[pk].position))))
                if after[pk].passage != before[pk].passage:
                    changes.append((_("passage"), html_diff(before[pk].passage, after[pk].passage)))
                changed.append((claims[pk], changes))
        rows.append(
            {
                "label": _("cited claims"),
                "name": "citations",
                "added": [claims[pk] for pk in sorted(after.keys() - before.keys(), key=lambda pk: after[pk])],
                "removed": [claims[pk] for pk in sorted(before.keys() - after.keys(), key=lambda pk: before[pk])],
                "changed": changed,
            }
        )
    return rows
