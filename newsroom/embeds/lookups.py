"""What an embed or oEmbed answer shows, read as one indexed row; and its HTTP validators.

Each lookup is one query on a unique index (a box by slug, a version by box and
number, an article by slug) returning just enough to compute the ETag and
Last-Modified, so that a conditional request is answered 304 before anything
else is read or rendered. That includes what the verdicts given since a version
was published bring to its validators (``notices.validators``: a count and a
moment, from the version's claim references).
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

from newsroom.factboxes import notices
from newsroom.models import Article, FactBox, FactBoxPlacement, FactBoxReference, FactBoxVersion


def _one(rows) -> dict[str, Any] | None:
    return next(iter(rows.order_by()[:1]), None)


NOTICE_FIELDS = ("notices_shown", "claims_saved")


def latest_version(slug: str) -> dict[str, Any] | None:
    """A published box's current version: ``published_version_id`` and ``published_at``, and its
    ``notices.validators``."""
    rows = FactBox.objects.public().filter(slug=slug)
    rows = rows.annotate(**notices.validators(FactBoxReference.objects.filter(version=OuterRef("published_version"))))
    return _one(rows.values("published_version_id", *NOTICE_FIELDS, published_at=F("published_version__published_at")))


def pinned_version(slug: str, number: int) -> dict[str, Any] | None:
    """Version ``number`` of a published box, while readers may see it (``FactBoxVersion.objects.public()``):
    ``version_id``, ``published_at``, and the box's ``published_version_id`` and ``last_published_at``
    (a pinned page notes a newer version), and the version's ``notices.validators``."""
    rows = FactBoxVersion.objects.public().filter(factbox__slug=slug, number=number)
    rows = rows.annotate(**notices.validators(FactBoxReference.objects.filter(version=OuterRef("pk"))))
    return _one(
        rows.values(
            "published_at",
            *NOTICE_FIELDS,
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
            **notices.validators(FactBoxReference.objects.shown_with(OuterRef(OuterRef("pk")))),
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
            *NOTICE_FIELDS,
        )
    )


def story_boxes(story: dict[str, Any]) -> list[dict[str, Any]]:
    """The story's published boxes as the card lists them: the titles readers see (their published
    versions', not the drafts'), and a line for each verdict moved since, read only when there is one."""
    rows = FactBoxPlacement.objects.public().filter(article_id=story["pk"])
    boxes = list(rows.values_list("factbox__published_version", "factbox__published_version__payload__title"))
    moved = notices.verdicts_by_version(version for version, _title in boxes) if story["notices_shown"] else {}
    return [{"title": title, "notices": notices.summary(moved.get(version, {}).values())} for version, title in boxes]


def story_etag(story: dict[str, Any], *representation: object) -> str:
    """The card's only validator. It has no Last-Modified: taking a box off the story changes the
    card without leaving a date to compare, and a date-only revalidation would then answer 304."""
    return make_etag(
        "story",
        story["pk"],
        story["updated_at"].isoformat(),
        story["boxes_shown"],
        story["versions_shown"],
        *notices.etag_parts(story),
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
