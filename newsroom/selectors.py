"""Reads for the public pages that join the knowledge graph to live stories."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from newsroom.models import Article
from relations.models import Actor, Claim, Relationship

# An actor page is not an archive: the newest stories say what it is in the news for,
# and the lists of ties and claims are bounded like any public list.
ACTOR_PAGE_STORIES = 50
ACTOR_PAGE_LIST = 100


def actors_for_page() -> QuerySet[Actor]:
    """Public actors, with what an actor page shows of each besides its lists."""
    return Actor.objects.public().prefetch_related("aliases")


def actor_public_relationships(actor: Actor, *, limit: int = ACTOR_PAGE_LIST) -> list[Relationship]:
    """At most ``limit`` ties, and one more to tell the page that the list goes on."""
    ties = Relationship.objects.public().involving(actor).with_parties().order_by("type__name", "pk")
    return list(ties[: limit + 1])


def actor_public_claims(actor: Actor, *, limit: int = ACTOR_PAGE_LIST) -> list[Claim]:
    """The newest public claims about the actor or attributed to it, each with what
    ``ClaimQuerySet.for_display()`` reads and the ``live_stories`` citing it: at most
    ``limit``, and one more to tell the page that the list goes on."""
    live_stories = Prefetch("articles", queryset=Article.objects.public().for_listing(), to_attr="live_stories")
    return list(
        Claim.objects.public()
        .concerning(actor)
        .for_display()
        .prefetch_related(live_stories)
        .order_by("-updated_at", "-pk")[: limit + 1]
    )


def actor_live_stories(actor: Actor, *, limit: int = ACTOR_PAGE_STORIES) -> list[Article]:
    return list(Article.objects.public().about(actor).for_listing()[:limit])
