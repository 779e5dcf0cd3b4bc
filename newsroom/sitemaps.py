"""Sitemaps of the readers' pages, a Google News sitemap of recent stories, and robots.txt."""

from __future__ import annotations

import datetime
import functools

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from core.public_cache import keep_public
from newsroom.models import Article
from relations.models import Actor

# Google News reads the stories of the last two days, at most 1,000 of them.
NEWS_DAYS = 2
NEWS_LIMIT = 1000
# Each page of a sitemap is one query of this many rows; the index lists the pages.
PAGE_SIZE = 5000
# What crawlers are kept out of: the admin and preview links are not for readers; the API, oEmbed and
# search answer any number of addresses that are not pages. The embeds are left open on purpose: each
# carries ``<meta name="robots" content="noindex">``, which a crawler kept out would never read, and
# pages that frame an embed are rendered with it only when the crawler may fetch it.
DISALLOWED = ("/admin/", "/api/", "/oembed/", "/preview/", "/search/")


class StorySitemap(Sitemap):
    limit = PAGE_SIZE

    def items(self) -> QuerySet[Article]:
        return (
            Article.objects.public()
            .with_publication_date()
            .only("slug", "publish_at", "first_published_at", "last_modified_at")
            .order_by("publish_at", "pk")
        )

    def location(self, item: Article) -> str:
        return reverse("story", args=[item.slug])

    def lastmod(self, item: Article) -> datetime.datetime:
        return item.last_modified_at or item.published_at

    def get_latest_lastmod(self):
        # The default reads every item; one aggregate says the same.
        latest = Article.objects.public().aggregate(latest=Max(Coalesce("last_modified_at", "publish_at")))
        return latest["latest"]


class ActorSitemap(Sitemap):
    limit = PAGE_SIZE

    def items(self) -> QuerySet[Actor]:
        return (
            Actor.objects.public().annotate(changed=Greatest("updated_at", "public_from")).only("slug").order_by("pk")
        )

    def location(self, item: Actor) -> str:
        return reverse("actor", args=[item.slug])

    def lastmod(self, item: Actor) -> datetime.datetime:
        return item.changed

    def get_latest_lastmod(self):
        return Actor.objects.public().aggregate(latest=Max(Greatest("updated_at", "public_from")))["latest"]


class SectionSitemap(Sitemap):
    """The section pages (``/sections/<slug>/``, ``slugify(section)``) of sections live stories are filed in."""

    def items(self) -> list[dict]:
        rows = (
            Article.objects.public().exclude(section="").order_by().values("section").annotate(latest=Max("publish_at"))
        )
        # One address per section, however many ways editors spelt it: its page gathers them all.
        latest: dict[str, datetime.datetime] = {}
        for row in rows:
            if slug := slugify(row["section"]):
                latest[slug] = max(latest.get(slug, row["latest"]), row["latest"])
        return [{"slug": slug, "latest": latest[slug]} for slug in sorted(latest)]

    def location(self, item: dict) -> str:
        return reverse("section", args=[item["slug"]])

    def lastmod(self, item: dict) -> datetime.datetime:
        return item["latest"]


class NewsSitemap(Sitemap):
    """Stories first published in the last two days, for Google News (``newsroom/sitemap_news.xml``)."""

    limit = NEWS_LIMIT

    def items(self) -> QuerySet[Article]:
        since = timezone.now() - datetime.timedelta(days=NEWS_DAYS)
        return (
            Article.objects.public()
            .with_publication_date()
            .filter(published_at__gte=since)
            .only("slug", "title", "publish_at", "first_published_at", "last_modified_at")
            .order_by("-publish_at", "-pk")[:NEWS_LIMIT]
        )

    def location(self, item: Article) -> str:
        return reverse("story", args=[item.slug])

    def lastmod(self, item: Article) -> datetime.datetime:
        return item.last_modified_at or item.published_at


SITEMAPS = {"stories": StorySitemap, "actors": ActorSitemap, "sections": SectionSitemap}


def _public(view):
    @functools.wraps(view)
    def kept(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return keep_public(view(request, *args, **kwargs))

    return require_safe(kept)


@_public
def index(request: HttpRequest) -> HttpResponse:
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section")


@_public
def section(request: HttpRequest, section: str) -> HttpResponse:
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


@_public
def news(request: HttpRequest) -> HttpResponse:
    return sitemap_views.sitemap(
        request,
        {"news": NewsSitemap},
        template_name="newsroom/sitemap_news.xml",
    )


@_public
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    lines += [f"Sitemap: {request.build_absolute_uri(reverse(name))}" for name in ("sitemap", "sitemap_news")]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
