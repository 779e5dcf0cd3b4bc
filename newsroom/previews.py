"""Previews of a story as readers will see it: the draft of a live article, or the content of one
not yet live, applied in memory to the public story page and never saved.

Editors open it in the admin; someone without an account opens it through a signed, expiring,
revocable address (``preview_url``). Either answer is private: never indexed, never kept by the
browser, a proxy or the public cache, and framed by nothing but the admin's own preview frame.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core import signing
from django.db.models import OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from newsroom.cited_passages import story_page_body
from newsroom.factboxes import notices
from newsroom.models import (
    Article,
    ArticleClaim,
    ArticleDraft,
    ArticleDraftClaim,
    FactBoxPlacement,
    FactBoxReference,
    PreviewLink,
)
from newsroom.services import PREVIEW_HOURS_MAX
from relations.models import ClaimRelationship

SALT = "newsroom.previews.link"
_signer = signing.TimestampSigner(salt=SALT)


def preview_token(link: PreviewLink) -> str:
    return _signer.sign_object({"link": link.pk, "article": link.article_id}, compress=True)


def preview_url(link: PreviewLink) -> str:
    return reverse("story_preview", args=[preview_token(link)])


def active_link(token: str) -> PreviewLink | None:
    """The link ``token`` names while it lasts: None when the signature is wrong, the link was
    revoked or its time is up. The signature's age bounds it too, so that a token outlives no
    link, whatever happens to the row."""
    try:
        data = _signer.unsign_object(token, max_age=datetime.timedelta(hours=PREVIEW_HOURS_MAX))
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(key), int) for key in ("link", "article")):
        return None
    return (
        PreviewLink.objects.filter(
            pk=data["link"], article_id=data["article"], revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        # Withdrawing revokes a story's links; this holds for a link made some other way since.
        .exclude(article__status=Article.Status.WITHDRAWN)
        .only("pk", "article_id", "expires_at")
        .first()
    )


def active_links(article: Article) -> list[PreviewLink]:
    return list(
        article.preview_links.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()).select_related(
            "created_by"
        )
    )


def _claim_prefetches() -> list[Prefetch]:
    # As ``claim_display_prefetches``, without the public filter: what the claims will show readers
    # once the story makes them public.
    links = ClaimRelationship.objects.select_related(
        "relationship__subject", "relationship__object", "relationship__type"
    ).order_by("pk")
    return [
        Prefetch("claim__sources", to_attr="public_sources"),
        Prefetch("claim__relationship_links", queryset=links, to_attr="public_relationship_links"),
    ]


def preview_article(pk: int) -> Article | None:
    """The article with its draft (if any) applied, carrying what ``StoryView`` gives the story
    page: the boxes, corrections, actors and citations readers would see. Never saved."""
    # What the verdicts given since its boxes' versions bring to the page, as on the story page.
    moved = notices.validators(FactBoxReference.objects.shown_with(OuterRef(OuterRef("pk"))))
    article = (
        Article.objects.filter(pk=pk)
        .with_publication_date()
        .annotate(**moved)
        .prefetch_related(
            Prefetch("factbox_placements", queryset=FactBoxPlacement.objects.public(), to_attr="public_factboxes"),
            Prefetch("corrections", to_attr="public_corrections"),
        )
        .first()
    )
    if article is None:
        return None
    draft = ArticleDraft.objects.filter(article=article).first()
    if draft is not None:
        for name in ("title", "standfirst", "body", "byline", "section"):
            setattr(article, name, getattr(draft, name))
        actors = draft.actors.all()
        citations = ArticleDraftClaim.objects.filter(article=article)
    else:
        actors = article.actors.all()
        citations = ArticleClaim.objects.filter(article=article)
    article.public_actors = list(actors.order_by("name", "pk"))
    article.public_citations = list(
        citations.select_related("claim__attributed_to")
        .prefetch_related(*_claim_prefetches())
        .order_by("position", "pk")
    )
    if article.published_at is None:
        # A story not yet live reads as published now, as it will on the day.
        article.published_at = timezone.now()
    return article


def private(response: HttpResponse, *, framed_by_admin: bool = False) -> HttpResponse:
    """Headers of every preview: not indexed, not stored anywhere, framed by nothing but the admin's
    own preview frame. ``Cache-Control: private`` also keeps the public cache from storing it."""
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["X-Frame-Options"] = "SAMEORIGIN" if framed_by_admin else "DENY"
    return response


def render_preview(request: HttpRequest, article: Article, **extra: Any) -> TemplateResponse:
    body, cited = story_page_body(article)
    context = {
        "article": article,
        "object": article,
        "body": body,
        "cited": cited,
        "correction": None,
        "preview": True,
        **extra,
    }
    return TemplateResponse(request, "newsroom/story.html", context)
