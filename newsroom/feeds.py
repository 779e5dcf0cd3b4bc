"""RSS and Atom feeds of live stories: all of them, a section's, and those about an actor."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from core.addresses import moved
from core.public_cache import keep_public
from newsroom import selectors
from newsroom.models import Article
from relations.models import Actor

SITE_NAME = "Newsroom relations"
# Newest first; a reader polling every few hours misses nothing at the newsroom's pace.
FEED_LENGTH = 30


# Characters XML 1.0 cannot carry: a stray one (Word's line break is \x0b) would make the feed unwritable.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the control characters XML cannot hold."""
    return XML_ILLEGAL.sub("", text)


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
        return xml_text(item.title)

    def item_description(self, item: Article) -> str:
        return xml_text(item.standfirst)

    def item_link(self, item: Article) -> str:
        return reverse("story", args=[item.slug])

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return max(filter(None, (item.last_modified_at, item.published_at)))

    def item_author_name(self, item: Article) -> str:
        return xml_text(item.byline)

    def item_categories(self, item: Article) -> list[str]:
        names = [item.section] * bool(item.section) + [actor.name for actor in item.public_actors]
        return [xml_text(name) for name in names]


class StoriesAtomFeed(StoriesFeed):
    feed_type = Atom1Feed
    subtitle = StoriesFeed.description


class SectionFeed(StoriesFeed):
    """The newest live stories of one section (``/feeds/sections/<slug>.rss``): the stories its page
    lists, every spelling of the section included; 404 when no live story is filed in it."""

    def get_object(self, request: HttpRequest, slug: str) -> tuple[str, list[str]]:
        names = selectors.live_section_names(slug)
        if not names:
            raise Http404("No live story is filed in that section.")
        return slug, names

    def title(self, obj: tuple[str, list[str]]) -> str:
        return xml_text(f"{SITE_NAME}: {obj[1][0]}")

    def link(self, obj: tuple[str, list[str]]) -> str:
        return reverse("section", args=[obj[0]])

    def description(self, obj: tuple[str, list[str]]) -> str:
        return xml_text(f"The latest stories in {obj[1][0]}.")

    def stories(self, obj: tuple[str, list[str]]) -> QuerySet[Article]:
        return Article.objects.public().filter(section__in=obj[1])


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: tuple[str, list[str]]) -> str:
        return self.description(obj)


class ActorFeed(StoriesFeed):
    """The newest live stories about one public actor (``/feeds/actors/<slug>.rss``): 404 for an actor
    readers may not see."""

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # A renamed actor's subscribers follow it to its feed's new address, as its page does.
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            answer = moved(request, Actor.objects.public(), kwargs["slug"], max_age=settings.EMBED_MAX_AGE)
            if answer is None:
                raise
            return answer

    def get_object(self, request: HttpRequest, slug: str) -> Actor:
        return get_object_or_404(Actor.objects.public(), slug=slug)

    def title(self, obj: Actor) -> str:
        return xml_text(f"{SITE_NAME}: {obj.name}")

    def link(self, obj: Actor) -> str:
        return reverse("actor", args=[obj.slug])

    def description(self, obj: Actor) -> str:
        return xml_text(f"The latest stories about {obj.name}.")

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
