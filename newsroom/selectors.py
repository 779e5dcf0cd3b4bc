"""Reads that join the knowledge graph to stories: for the public pages, the editorial queue on the
admin's start page, and what publishing asks about."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from newsroom.factboxes.snapshots import Snapshot, live_review_notes
from newsroom.models import Article, ArticleClaim, ArticleEvent, FactBox, FactBoxReference
from relations.models import Actor, Claim, Relationship

# An actor page is not an archive: the newest stories say what it is in the news for,
# and the lists of ties and claims are bounded like any public list.
ACTOR_PAGE_STORIES = 50
ACTOR_PAGE_LIST = 100
# Each list of the editorial queue shows this many, with a count of the rest.
QUEUE_LENGTH = 10


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


# --- The editorial queue ---------------------------------------------------------------------


def editorial_queue(user) -> dict:
    """What awaits the newsroom: stories to review, stories scheduled, stories just published,
    and, for fact-checkers, unchecked claims in stories on their way out."""
    now = timezone.now()
    submitted = ArticleEvent.objects.filter(article=OuterRef("pk"), kind=ArticleEvent.Kind.SUBMITTED)
    in_review = (
        Article.objects.in_review()
        .annotate(
            submitted_at=Subquery(submitted.values("at")[:1]),
            submitted_by=Subquery(submitted.values("by__username")[:1]),
        )
        .order_by("submitted_at", "pk")
    )
    # In review or scheduled: on their way out, not yet live.
    upcoming = Article.objects.in_review() | Article.objects.scheduled(at=now)
    # A subquery rather than a join: no DISTINCT over the archive's claims.
    cited = ArticleClaim.objects.filter(article__in=upcoming).values("claim")
    unchecked = Claim.objects.filter(verification=Claim.Verification.UNVERIFIED, pk__in=cited).order_by("pk")
    return {
        "in_review": in_review[:QUEUE_LENGTH],
        "in_review_count": in_review.count(),
        "scheduled": Article.objects.scheduled(at=now).order_by("publish_at")[:QUEUE_LENGTH],
        "recently_published": Article.objects.public(at=now).order_by("-publish_at")[:QUEUE_LENGTH],
        "unchecked_claims": unchecked[:QUEUE_LENGTH] if user.has_perm("relations.verify_claim") else None,
        "factboxes_to_review": factboxes_needing_review() if user.has_perm("newsroom.view_factbox") else None,
        "username": user.get_username(),
    }


def factboxes_needing_review() -> dict:
    """Published fact boxes showing readers something that has changed since, longest waiting
    first, each with what changed: three queries however many there are."""
    notes = live_review_notes()
    flagged = (
        FactBox.objects.filter(pk__in=list(notes))
        .only("pk", "title", "status", "published_version", "last_published_at")
        .order_by("last_published_at", "pk")[:QUEUE_LENGTH]
    )
    return {"boxes": [(box, notes[box.pk]) for box in flagged], "count": len(notes)}


# --- Unverified claims, which publishing asks about -------------------------------------------


def unverified_claims_cited(articles: Iterable[Article]) -> dict[int, list[Claim]]:
    """For each of ``articles`` citing claims nobody has checked yet, those claims in the order it
    cites them: one query for any number of articles."""
    cited: dict[int, list[Claim]] = {}
    citations = (
        ArticleClaim.objects.filter(
            article__in=[article.pk for article in articles], claim__verification=Claim.Verification.UNVERIFIED
        )
        .select_related("claim")
        .order_by("article", "position", "pk")
    )
    for citation in citations:
        cited.setdefault(citation.article_id, []).append(citation.claim)
    return cited


def unverified_claims_shown(snapshot: Snapshot) -> list[tuple[int, str]]:
    """The claims a box's snapshot would show that nobody has checked yet, as ``(id, name)`` in the
    order the box shows them: its own claim items and the evidence of its relationships alike."""
    return [
        (reference.claim_id, reference.label)
        for reference in snapshot.references
        if reference.kind == FactBoxReference.Kind.CLAIM
        and reference.shown.get("verification") == Claim.Verification.UNVERIFIED
    ]
