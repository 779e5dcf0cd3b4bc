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
from django.db.models import Count, F, Max, OuterRef, Subquery
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
    """Version ``number`` of a published box: ``version_id``, ``published_at``, and the box's
    ``published_version_id`` and ``last_published_at`` (a pinned page notes a newer version)."""
    rows = FactBox.objects.public().filter(slug=slug, versions__number=number)
    return _one(
        rows.values(
            "published_version_id",
            "last_published_at",
            version_id=F("versions__id"),
            published_at=F("versions__published_at"),
        )
    )


def version_payload(version_id: int) -> dict[str, Any]:
    return FactBoxVersion.objects.values_list("payload", flat=True).get(pk=version_id)


def live_story(slug: str) -> dict[str, Any] | None:
    """A live article's card fields, with what its boxes bring to its validators."""
    placed = FactBoxPlacement.objects.filter(article=OuterRef("pk")).order_by().values("article")
    shown = FactBoxPlacement.objects.public().filter(article=OuterRef("pk")).order_by().values("article")
    return _one(
        Article.objects.public()
        .with_publication_date()
        .filter(slug=slug)
        .annotate(
            # Every placed box, shown or not: withdrawing one moves its updated_at, and so this.
            boxes_changed=Subquery(placed.annotate(at=Max("factbox__updated_at")).values("at")),
            boxes_shown=Subquery(shown.annotate(n=Count("pk")).values("n")),
        )
        .values(
            "pk",
            "slug",
            "title",
            "standfirst",
            "section",
            "published_at",
            "updated_at",
            "last_modified_at",
            "boxes_changed",
            "boxes_shown",
        )
    )


def story_box_titles(story: dict[str, Any]) -> list[str]:
    """The titles readers see of the story's published boxes: their published versions', not the drafts'."""
    rows = FactBoxPlacement.objects.public().filter(article_id=story["pk"])
    return list(rows.values_list("factbox__published_version__payload__title", flat=True))


def story_modified(story: dict[str, Any]) -> datetime.datetime:
    stamps = [story["updated_at"], story["published_at"], story["last_modified_at"], story["boxes_changed"]]
    return max(stamp for stamp in stamps if stamp)


def story_etag(story: dict[str, Any], *representation: object) -> str:
    return make_etag(
        "story",
        story["pk"],
        story["updated_at"].isoformat(),
        story["boxes_changed"],
        story["boxes_shown"],
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
