"""RSS and Atom feeds of live stories: all of them, a section's, and those about an actor."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.text import slugify

from core.public_cache import keep_public
from newsroom.models import Article
from relations.models import Actor

SITE_NAME = "Newsroom relations"
# Newest first; a reader polling every few hours misses nothing at the newsroom's pace.
FEED_LENGTH = 30


def live_sections() -> list[str]:
    """The sections live stories are filed in. A section's address is ``slugify(section)``, as on its page."""
    names = Article.objects.public().exclude(section="").order_by().values_list("section", flat=True).distinct()
    return sorted(set(names))


def section_named(slug: str) -> str:
    """The section of live stories whose slug is ``slug``; 404 when no live story is filed in it."""
    for name in live_sections():
        if slugify(name) == slug:
            return name
    raise Http404("No live story is filed in that section.")


class StoriesFeed(Feed):
    """The newest live stories, as RSS 2.0: title, link, standfirst, byline, dates and categories (the
    section and the actors the story is about)."""

    feed_type = Rss201rev2Feed
    title = f"{SITE_NAME}: latest stories"
    description = (
        "Stories on who backs whom among states, blocs and armed groups, with every claim sourced and checked."
    )

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Made of public rows and the address alone: kept by the public cache like the pages.
        return keep_public(super().__call__(request, *args, **kwargs))

    def link(self, obj=None) -> str:
        return reverse("home")

    def stories(self, obj) -> QuerySet[Article]:
        return Article.objects.public()

    def items(self, obj=None) -> list[Article]:
        actors = Prefetch("actors", queryset=Actor.objects.public().order_by("name", "pk"), to_attr="public_actors")
        return list(self.stories(obj).for_listing().prefetch_related(actors)[:FEED_LENGTH])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.standfirst

    def item_link(self, item: Article) -> str:
        return reverse("story", args=[item.slug])

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return max(filter(None, (item.last_modified_at, item.published_at)))

    def item_author_name(self, item: Article) -> str:
        return item.byline

    def item_categories(self, item: Article) -> list[str]:
        return [item.section] * bool(item.section) + [actor.name for actor in item.public_actors]


class StoriesAtomFeed(StoriesFeed):
    feed_type = Atom1Feed
    subtitle = StoriesFeed.description


class SectionFeed(StoriesFeed):
    """The newest live stories of one section (``/feeds/sections/<slug>.rss``)."""

    def get_object(self, request: HttpRequest, slug: str) -> str:
        return section_named(slug)

    def title(self, obj: str) -> str:
        return f"{SITE_NAME}: {obj}"

    def description(self, obj: str) -> str:
        return f"The latest stories in {obj}."

    def stories(self, obj: str) -> QuerySet[Article]:
        return Article.objects.public().filter(section=obj)


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: str) -> str:
        return self.description(obj)


class ActorFeed(StoriesFeed):
    """The newest live stories about one public actor (``/feeds/actors/<slug>.rss``): 404 for an actor
    readers may not see."""

    def get_object(self, request: HttpRequest, slug: str) -> Actor:
        return get_object_or_404(Actor.objects.public(), slug=slug)

    def title(self, obj: Actor) -> str:
        return f"{SITE_NAME}: {obj.name}"

    def link(self, obj: Actor) -> str:
        return reverse("actor", args=[obj.slug])

    def description(self, obj: Actor) -> str:
        return f"The latest stories about {obj.name}."

    def stories(self, obj: Actor) -> QuerySet[Article]:
        return Article.objects.public().about(obj)


class ActorAtomFeed(ActorFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Actor) -> str:
        return self.description(obj)


stories_rss = StoriesFeed()
stories_atom = StoriesAtomFeed()
section_rss = SectionFeed()
section_atom = SectionAtomFeed()
actor_rss = ActorFeed()
actor_atom = ActorAtomFeed()
