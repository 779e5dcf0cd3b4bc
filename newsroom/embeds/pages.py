"""The embed pages other sites frame (a fact box, a pinned version, a story card) and ``/embed.js``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from core.addresses import absolute_url, moved
from core.public_cache import keep_public
from newsroom.embeds import lookups, thumbnails
from newsroom.embeds.assets import Assets, assets
from newsroom.factboxes import notices
from newsroom.factboxes.payload import read_header, read_payload
from newsroom.models import Article, FactBox

THEMES = ("light", "dark")
# A compact box (``?compact=1``): its title, its first few items and a link to all of them.
COMPACT_ITEMS = 3
COLOR_SCHEMES = {"light": "light", "dark": "dark", "auto": "light dark"}
# Who may frame a page when the caller does not say (the admin preview): this site only.
SAME_SITE = ("'self'",)


def requested_theme(request: HttpRequest) -> str:
    """``light`` or ``dark`` when ``?theme=`` asks for one; anything else follows the reader's setting."""
    theme = request.GET.get("theme", "")
    return theme if theme in THEMES else "auto"


def requested_compact(request: HttpRequest) -> bool:
    """Whether ``?compact=1`` asks for the compact box; any other value is the full box, as an unknown theme is auto."""
    return request.GET.get("compact") == "1"


def compact_payload(stored: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """The payload cut to its first items, and how many the full box shows. A map's drawing of a
    few ties would misstate the whole, so a compact map lists its first ties as a list does."""
    box = read_payload(stored)
    items = box["items"]
    if box["kind"] == FactBox.Kind.RELATIONSHIP_MAP:
        items = [entry for entry in items if entry["type"] == "relationship"] or items
    kind = FactBox.Kind.KEY_FACTS if box["kind"] == FactBox.Kind.RELATIONSHIP_MAP else box["kind"]
    return {**box, "kind": kind, "items": items[:COMPACT_ITEMS]}, len(items)


def frame_ancestors_directive(frame_ancestors) -> str:
    return "frame-ancestors {}".format(" ".join(frame_ancestors) or "'none'")


def content_security_policy(page_assets: Assets, frame_ancestors) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {page_assets.style_source}",
            f"script-src {page_assets.script_source}",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
            frame_ancestors_directive(frame_ancestors),
        ]
    )


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    theme: str,
    status: int = 200,
    oembed_url: str | None = None,
    frame_ancestors=SAME_SITE,
) -> HttpResponse:
    page_assets = assets()
    # No context processors: an embed reads no user and no session, so it sets no cookie and
    # does not vary on one. The fact box tag needs only ``request``.
    html = render_to_string(
        template,
        {
            **context,
            "request": request,
            "theme": theme,
            "color_scheme": COLOR_SCHEMES[theme],
            "oembed_url": oembed_url,
            # Our own files, checked when read; verbatim, since the CSP hashes are of their exact text.
            "inline_css": mark_safe(page_assets.css),
            "inline_script": mark_safe(page_assets.script),
        },
    )
    response = HttpResponse(html, status=status)
    response["Content-Security-Policy"] = content_security_policy(page_assets, frame_ancestors)
    return response


def embed_page(
    request: HttpRequest,
    payload: Mapping[str, Any],
    *,
    theme: str,
    newer_url: str | None = None,
    oembed_url: str | None = None,
    frame_ancestors=SAME_SITE,
    verdicts: notices.Verdicts | None = None,
    draft_note: str = "",
    preview_data: Any = None,
    more: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The self-contained page showing a fact box ``payload``: a published version, or a draft's
    for the admin preview. It sends no caching headers, and only this site may frame it unless
    ``frame_ancestors`` says otherwise; the public views add both. ``verdicts``: those moved since
    a published version (``notices``), each shown as a notice on its claim. A draft's preview says
    what readers see meanwhile (``draft_note``) and may carry ``preview_data`` for the admin page
    framing it, as inert JSON (never a script the page runs). ``more``: a compact box's link to
    all its items (``url`` and ``count``)."""
    return _page(
        request,
        "newsroom/embed/factbox.html",
        {
            "payload": payload,
            "title": read_header(payload)["title"],
            "newer_url": newer_url,
            "verdicts": verdicts,
            "draft_note": draft_note,
            "preview_data": preview_data,
            "more": more,
        },
        theme=theme,
        oembed_url=oembed_url,
        frame_ancestors=frame_ancestors,
    )


def preview_refused(request: HttpRequest, errors: list[str], *, theme: str) -> HttpResponse:
    """What the admin's live preview of a box shows while the form it was sent holds errors: the
    errors, in the frame the preview was in (400: the draft was not rendered)."""
    return _page(
        request,
        "newsroom/embed/factbox_preview_refused.html",
        {"errors": errors, "preview_data": {"errors": errors}},
        theme=theme,
        status=400,
    )


def theme_query(theme: str) -> dict[str, str] | None:
    """The query that keeps a chosen theme on a link to another embed; "auto" is the default and needs none."""
    return {"theme": theme} if theme in THEMES else None


def embed_query(theme: str, compact: bool = False) -> dict[str, str] | None:
    """The query of an embed's address that keeps its theme and compactness."""
    query = {**(theme_query(theme) or {}), **({"compact": "1"} if compact else {})}
    return query or None


def _oembed_link(request: HttpRequest, compact: bool = False) -> str:
    page = request.build_absolute_uri(request.path) + ("?compact=1" if compact else "")
    return absolute_url(request, "oembed", query={"url": page, "format": "json"})


def box_page(
    request: HttpRequest,
    slug: str,
    version_id: int,
    *,
    number: int | None = None,
    theme: str,
    compact: bool,
    newer_url: str | None = None,
    noticed: bool = False,
    stored: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """A published version's embed page: version ``number`` when pinned, the latest otherwise. The
    embed views send it, and oEmbed lays it out to say how tall it is (``stored``: the version's
    payload, when the caller has read it)."""
    if stored is None:
        stored = lookups.version_payload(version_id)
    more = None
    if compact:
        stored, count = compact_payload(stored)
        args = (slug,) if number is None else (slug, number)
        full = absolute_url(
            request, "embed_factbox" if number is None else "embed_factbox_version", *args, query=theme_query(theme)
        )
        more = {"url": full, "count": count}
    return embed_page(
        request,
        stored,
        theme=theme,
        newer_url=newer_url,
        oembed_url=_oembed_link(request, compact),
        frame_ancestors=settings.EMBED_FRAME_ANCESTORS,
        verdicts=notices.verdicts_of(version_id) if noticed else None,
        more=more,
    )


def story_page(request: HttpRequest, story: dict[str, Any], *, theme: str) -> HttpResponse:
    """A live story's card, as the embed view sends it and oEmbed lays it out."""
    slug = story["slug"]
    context = {
        "story": story,
        "story_url": absolute_url(request, "story", slug),
        "boxes": lookups.story_boxes(story),
    }
    return _page(
        request,
        "newsroom/embed/story.html",
        context,
        theme=theme,
        oembed_url=_oembed_link(request),
        frame_ancestors=settings.EMBED_FRAME_ANCESTORS,
    )


def _moved(request: HttpRequest, queryset, slug: str) -> HttpResponse | None:
    """301 to the current address of what ``slug`` addressed before, when readers may see it; a
    frame follows it, so the answer may be framed wherever the embed may."""
    response = moved(request, queryset, slug, max_age=settings.EMBED_MAX_AGE)
    if response is not None:
        ancestors = frame_ancestors_directive(settings.EMBED_FRAME_ANCESTORS)
        response["Content-Security-Policy"] = f"default-src 'none'; {ancestors}"
    return response


def _unavailable(request: HttpRequest, theme: str, **box: object) -> HttpResponse:
    """410 Gone for what readers could see once (a withdrawn box, or an earlier version that shows
    what is no longer published), which a framing site shows as such; 404 for anything else."""
    if not FactBox.objects.filter(**box).exclude(status=FactBox.Status.DRAFT).exists():
        raise Http404("No published fact box here.")
    response = _page(
        request,
        "newsroom/embed/gone.html",
        {"home_url": absolute_url(request, "home")},
        theme=theme,
        status=410,
        frame_ancestors=settings.EMBED_FRAME_ANCESTORS,
    )
    lookups.add_cache_headers(response)
    return response


@require_safe
@xframe_options_exempt
def factbox_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest published version of a box, as a page other sites may frame."""
    theme, compact = requested_theme(request), requested_compact(request)
    row = lookups.latest_version(slug)
    if row is None:
        return _moved(request, FactBox.objects.public(), slug) or _unavailable(request, theme, slug=slug)
    version_id = row["published_version_id"]
    etag = lookups.make_etag("box", version_id, *notices.etag_parts(row), theme, compact, assets().fingerprint)
    modified = notices.last_modified(row, row["published_at"])
    if answer := lookups.not_modified(request, etag=etag, last_modified=modified):
        return answer
    response = box_page(request, slug, version_id, theme=theme, compact=compact, noticed=bool(row["notices_shown"]))
    lookups.add_cache_headers(response, etag=etag, last_modified=modified)
    return keep_public(response)


@require_safe
@xframe_options_exempt
def factbox_version_embed(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Version ``number`` of a published box, pinned: it says so when a newer one is out."""
    theme, compact = requested_theme(request), requested_compact(request)
    row = lookups.pinned_version(slug, number)
    if row is None:
        return _moved(request, FactBox.objects.public(), slug) or _unavailable(
            request, theme, slug=slug, versions__number=number
        )
    latest = row["version_id"] == row["published_version_id"]
    # A newer publication changes this page too (the note), hence the current version in both validators.
    etag = lookups.make_etag(
        "pinned",
        row["version_id"],
        row["published_version_id"],
        *notices.etag_parts(row),
        theme,
        compact,
        assets().fingerprint,
    )
    modified = notices.last_modified(row, row["published_at"], row["last_published_at"])
    if answer := lookups.not_modified(request, etag=etag, last_modified=modified):
        return answer
    response = box_page(
        request,
        slug,
        row["version_id"],
        number=number,
        theme=theme,
        compact=compact,
        newer_url=None if latest else absolute_url(request, "embed_factbox", slug, query=embed_query(theme, compact)),
        noticed=bool(row["notices_shown"]),
    )
    lookups.add_cache_headers(response, etag=etag, last_modified=modified)
    return keep_public(response)


@require_safe
@xframe_options_exempt
def story_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """A small card for a live story: what oEmbed consumers show for a story's address."""
    theme = requested_theme(request)
    story = lookups.live_story(slug)
    if story is None:
        if answer := _moved(request, Article.objects.public(), slug):
            return answer
        raise Http404("No live story here.")
    etag = lookups.story_etag(story, theme, assets().fingerprint)
    if answer := lookups.not_modified(request, etag=etag):
        return answer
    response = story_page(request, story, theme=theme)
    lookups.add_cache_headers(response, etag=etag)
    return keep_public(response)


@require_safe
def map_thumbnail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Version ``number`` of a published relationship map as a PNG (oEmbed's ``thumbnail_url``). A
    version's picture never changes, hence ``immutable``; it is fresh no longer than an embed, so a
    withdrawn box's picture leaves caches as its embed does."""
    row = lookups.pinned_version(slug, number)
    if row is None:
        # oEmbed consumers keep thumbnail addresses: a renamed box's picture moves with it.
        if answer := _moved(request, FactBox.objects.public(), slug):
            return answer
        raise Http404("No published fact box version here.")
    etag = lookups.make_etag("map.png", row["version_id"], assets().fingerprint)
    if answer := lookups.not_modified(request, etag=etag):
        return answer
    stored = lookups.version_payload(row["version_id"])
    if read_header(stored)["kind"] != FactBox.Kind.RELATIONSHIP_MAP:
        raise Http404("Only a relationship map has a picture.")
    response = HttpResponse(thumbnails.map_png(stored), content_type="image/png")
    lookups.add_cache_headers(response, etag=etag)
    patch_cache_control(response, immutable=True)
    return keep_public(response)


@require_safe
def embed_js(request: HttpRequest) -> HttpResponse:
    """The script host pages include to turn placeholders and iframes into self-sizing embeds."""
    script = assets().host_script
    etag = lookups.make_etag("embed.js", script)
    if answer := lookups.not_modified(request, etag=etag):
        return answer
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    lookups.add_cache_headers(response, etag=etag)
    return keep_public(response)
