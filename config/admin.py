"""The editors' admin site, whose start page is the editorial queue."""

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from newsroom.factboxes.snapshots import live_review_notes
from newsroom.models import Article, ArticleClaim, ArticleEvent, FactBox
from relations.models import Claim

QUEUE_LENGTH = 10


class WorkspaceAdminSite(admin.AdminSite):
    site_header = "Newsroom relations workspace"
    site_title = "Newsroom relations"
    index_title = "Editorial workspace"
    index_template = "admin/workspace_index.html"

    def index(self, request, extra_context=None):
        if request.user.has_perm("newsroom.view_article"):
            extra_context = {**(extra_context or {}), "queue": editorial_queue(request.user)}
        return super().index(request, extra_context)


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
