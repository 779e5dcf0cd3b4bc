"""Reads that join the knowledge graph to stories: for the public pages, the editorial queue on the
admin's start page, and what publishing asks about."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom.factboxes.snapshots import Snapshot, live_review_notes
from newsroom.models import Article, ArticleClaim, ArticleEvent, FactBox, FactBoxReference
from relations.models import Actor, Claim, Relationship
from relations.visibility import Showing

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
    for fact-checkers unchecked claims in stories on their way out, and for those who act on
    verdicts live content showing claims found false, disputed or retracted."""
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
        "flagged": live_content_citing_flagged_claims() if sees_flagged_claims(user) else None,
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


# --- Verdicts readers are not shown as fact ---------------------------------------------------

# A claim with one of these verdicts is not to be taken as fact: live content showing it needs an
# editor's look (a correction, a new version of the box, or taking it down).
FLAGGED_VERDICTS = (Claim.Verification.FALSE, Claim.Verification.DISPUTED, Claim.Verification.RETRACTED)
FLAGGED_COUNT_LIMIT = 1000


def sees_flagged_claims(user) -> bool:
    """Editors, who act on live content, and fact-checkers, who give the verdicts."""
    return any(
        user.has_perm(permission)
        for permission in ("newsroom.publish_article", "newsroom.publish_factbox", "relations.verify_claim")
    )


@dataclass(frozen=True)
class FlaggedClaimShown:
    """Live content showing a claim whose verdict is false, disputed or retracted."""

    content: Article | FactBox
    claim: Claim  # with ``verified_by``
    # A box shows the verdict its version was published with: when that is not the current one, which.
    shown_verdict: str = ""

    @property
    def is_story(self) -> bool:
        return isinstance(self.content, Article)


def _flagged_citations(now: datetime.datetime) -> QuerySet[ArticleClaim]:
    return ArticleClaim.objects.filter(
        article__status=Article.Status.PUBLISHED,
        article__publish_at__lte=now,
        claim__verification__in=FLAGGED_VERDICTS,
    )


def _flagged_references() -> QuerySet[FactBoxReference]:
    # The current version of a published box: the one readers see.
    return FactBoxReference.objects.filter(
        kind=FactBoxReference.Kind.CLAIM,
        version__factbox__status=FactBox.Status.PUBLISHED,
        version__factbox__published_version=F("version"),
        claim__verification__in=FLAGGED_VERDICTS,
    )


def live_content_citing_flagged_claims(*, limit: int = QUEUE_LENGTH) -> dict:
    """Live stories citing, and published boxes whose current version shows, a claim now marked
    false, disputed or retracted: the ``limit`` newest verdicts, and how many there are in all
    (up to ``FLAGGED_COUNT_LIMIT``, and whether there are ``more``).
    Three queries however many there are (each list's newest, and the count of both)."""
    now = timezone.now()
    newest_verdict_first = ("-claim__verified_at", "-pk")
    citations = (
        _flagged_citations(now)
        .select_related("article", "claim__verified_by")
        .defer("article__body")
        .order_by(*newest_verdict_first)[:limit]
    )
    references = (
        _flagged_references()
        .select_related("version__factbox", "claim__verified_by")
        .defer("version__payload")
        .order_by(*newest_verdict_first)[:limit]
    )
    rows = [FlaggedClaimShown(citation.article, citation.claim) for citation in citations]
    for reference in references:
        shown = reference.shown.get("verification", "")
        label = Claim.Verification(shown).label if shown in Claim.Verification.values else shown
        rows.append(
            FlaggedClaimShown(
                reference.version.factbox,
                reference.claim,
                shown_verdict="" if shown == reference.claim.verification else label,
            )
        )
    rows.sort(key=lambda row: row.claim.verified_at, reverse=True)
    every = (
        _flagged_citations(now).values("pk").order_by().union(_flagged_references().values("pk").order_by(), all=True)
    )
    # Counted no further than the page needs to say "more than": an archive's worth would be read otherwise.
    count = every[: FLAGGED_COUNT_LIMIT + 1].count()
    return {"rows": rows[:limit], "count": min(count, FLAGGED_COUNT_LIMIT), "more": count > FLAGGED_COUNT_LIMIT}


def shows_claim(claim: Claim, *, limit: int) -> list[Showing]:
    """The live and scheduled stories citing ``claim`` and the published boxes showing it, for the
    claim's admin page (``relations.visibility``): at most ``limit`` + 1 of each kind."""
    now = timezone.now()
    stories = (
        Article.objects.public(or_scheduled=True)
        .filter(claim_citations__claim=claim)
        .only("pk", "title", "slug", "publish_at")
        .order_by("-publish_at", "-pk")[: limit + 1]
    )
    boxes = (
        FactBox.objects.public()
        .filter(published_version__references__claim=claim)
        .select_related("published_version")
        .only("pk", "title", "slug", "published_version__published_at")
        .order_by("-published_version__published_at", "-pk")[: limit + 1]
    )
    found = [
        Showing(
            kind=_("story"),
            title=story.title,
            admin_url=reverse("admin:newsroom_article_change", args=[story.pk]),
            public_url="" if story.publish_at > now else reverse("story", args=[story.slug]),
            since=story.publish_at,
            scheduled=story.publish_at > now,
        )
        for story in stories
    ]
    return found + [
        Showing(
            kind=_("fact box"),
            title=box.title,
            admin_url=reverse("admin:newsroom_factbox_change", args=[box.pk]),
            public_url=reverse("embed_factbox", args=[box.slug]),
            since=box.published_version.published_at,
            scheduled=False,
        )
        for box in boxes
    ]


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
