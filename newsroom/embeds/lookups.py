"""What an embed or oEmbed answer shows, read as one indexed row; and its HTTP validators.

Each lookup is one query on a unique index (a box by slug, a version by box and
number, an article by slug) returning just enough to compute the ETag and
Last-Modified, so that a conditional request is answered 304 before anything
else is read or rendered.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from newsroom.models import Article, FactBox, FactBoxPlacement, FactBoxVersion


def _one(rows) -> dict[str, Any] | None:
    return next(iter(rows.order_by()[:1]), None)


def latest_version(slug: str) -> dict[str, Any] | None:
    """A published box's current version: ``published_version_id`` and ``published_at``."""
    rows = FactBox.objects.public().filter(slug=slug)
    return _one(rows.values("published_version_id", published_at=F("published_version__published_at")))


def pinned_version(slug: str, number: int) -> dict[str, Any] | None:
    """Version ``number`` of a published box, while readers may see it (``FactBoxVersion.objects.public()``):
    ``version_id``, ``published_at``, and the box's ``published_version_id`` and ``last_published_at``
    (a pinned page notes a newer version)."""
    rows = FactBoxVersion.objects.public().filter(factbox__slug=slug, number=number)
    return _one(
        rows.values(
            "published_at",
            version_id=F("pk"),
            published_version_id=F("factbox__published_version"),
            last_published_at=F("factbox__last_published_at"),
        )
    )


def version_payload(version_id: int) -> dict[str, Any]:
    return FactBoxVersion.objects.values_list("payload", flat=True).get(pk=version_id)


def live_story(slug: str) -> dict[str, Any] | None:
    """A live article's card fields, with what its published boxes bring to its ETag."""
    shown = FactBoxPlacement.objects.public().filter(article=OuterRef("pk")).order_by().values("article")
    return _one(
        Article.objects.public()
        .with_publication_date()
        .filter(slug=slug)
        .annotate(
            # The versions shown, summed and counted: adding, removing, withdrawing or republishing
            # a box beside the story changes them.
            boxes_shown=Subquery(shown.annotate(n=Count("pk")).values("n")),
            versions_shown=Subquery(shown.annotate(ids=Sum("factbox__published_version")).values("ids")),
        )
        .values(
            "pk",
            "slug",
            "title",
            "standfirst",
            "section",
            "published_at",
            "updated_at",
            "boxes_shown",
            "versions_shown",
        )
    )


def story_box_titles(story: dict[str, Any]) -> list[str]:
    """The titles readers see of the story's published boxes: their published versions', not the drafts'."""
    rows = FactBoxPlacement.objects.public().filter(article_id=story["pk"])
    return list(rows.values_list("factbox__published_version__payload__title", flat=True))


def story_etag(story: dict[str, Any], *representation: object) -> str:
    """The card's only validator. It has no Last-Modified: taking a box off the story changes the
    card without leaving a date to compare, and a date-only revalidation would then answer 304."""
    return make_etag(
        "story",
        story["pk"],
        story["updated_at"].isoformat(),
        story["boxes_shown"],
        story["versions_shown"],
        *representation,
    )


# --- HTTP caching -------------------------------------------------------------------------------


def make_etag(*parts: object) -> str:
    """A strong ETag for the representation ``parts`` describe."""
    return '"{}"'.format(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32])


def add_cache_headers(
    response: HttpResponse, *, etag: str | None = None, last_modified: datetime.datetime | None = None
) -> None:
    if etag:
        response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(response, public=True, max_age=settings.EMBED_MAX_AGE)


def not_modified(
    request: HttpRequest, *, etag: str, last_modified: datetime.datetime | None = None
) -> HttpResponse | None:
    """The 304 (or 412) answer when the client's copy is current, before anything is rendered."""
    probe = HttpResponse()
    add_cache_headers(probe, etag=etag, last_modified=last_modified)
    stamp = int(last_modified.timestamp()) if last_modified else None
    answer = get_conditional_response(request, etag=etag, last_modified=stamp, response=probe)
    return None if answer is probe else answer
