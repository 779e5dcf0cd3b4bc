"""Articles in the editors' workspace."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.models import Article, ArticleClaim
from newsroom.services import article_mentioned_actors, article_tag_mentioned_actors
from relations.history import HistoryAdmin
from relations.locking import LockedEditAdmin

TAG_MENTIONS = "_tag_mentions"


class ArticleClaimInline(admin.TabularInline):
    model = ArticleClaim
    extra = 1
    autocomplete_fields = ["claim"]
    fields = ["position", "claim", "passage"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 70})}}


@admin.register(Article)
class ArticleAdmin(LockedEditAdmin, HistoryAdmin):
    ordering = ["-updated_at"]
    list_display = ["title", "status", "section", "byline", "claim_count", "publish_at", "updated_at"]
    list_filter = ["status", "section", ("actors", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "slug", "standfirst", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["actors"]
    inlines = [ArticleClaimInline]
    date_hierarchy = "updated_at"
    readonly_fields = ["mentions", "first_published_at", "last_published_at", "created_at", "updated_at"]
    actions = ["tag_mentioned_actors"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "byline", "section", "body"]}),
        (_("What the story is about"), {"fields": ["actors", "mentions"]}),
        (_("Publication"), {"fields": ["status", "publish_at", "first_published_at", "last_published_at"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=Count("claim_citations"))

    @admin.display(description=_("cited claims"), ordering="claim_count")
    def claim_count(self, obj: Article) -> int:
        return obj.claim_count

    @admin.display(description=_("actors the text mentions"))
    def mentions(self, obj: Article) -> str:
        if obj.pk is None:
            return _("Save the article to see the actors its text mentions.")
        mentioned = article_mentioned_actors(article=obj)
        if not mentioned:
            return _("The text mentions no known actor.")
        tagged = set(obj.actors.values_list("pk", flat=True))
        untagged = [actor for actor in mentioned if actor.pk not in tagged]
        items = format_html_join(
            ", ",
            "{}",
            (
                (
                    format_html('<span class="mention-tagged">{}</span>', actor)
                    if actor.pk in tagged
                    else format_html('<strong class="mention-untagged">{}</strong> ({})', actor, _("untagged")),
                )
                for actor in mentioned
            ),
        )
        if not untagged:
            return format_html("{} <em>({})</em>", items, _("all tagged"))
        label = ngettext("Save and tag %(n)d untagged actor", "Save and tag %(n)d untagged actors", len(untagged))
        return format_html(
            '{}<br><button type="submit" class="button" name="{}" value="1">{}</button>',
            items,
            TAG_MENTIONS,
            label % {"n": len(untagged)},
        )

    def response_change(self, request, obj):
        if TAG_MENTIONS in request.POST:
            self._tag(request, [obj])
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description=_("Tag the actors their text mentions"))
    def tag_mentioned_actors(self, request, queryset):
        self._tag(request, queryset)

    def _tag(self, request, articles) -> None:
        for article in articles:
            added = article_tag_mentioned_actors(article=article)
            if added:
                names = ", ".join(actor.name for actor in added)
                self.message_user(request, f"{article}: tagged {names}.", messages.SUCCESS)
            else:
                self.message_user(request, f"{article}: no untagged actor mentioned.", messages.INFO)
