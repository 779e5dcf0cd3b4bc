"""oEmbed 1.0 (https://oembed.com) for our fact box embeds and stories: ``rich`` JSON with a paste-ready snippet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from core.addresses import absolute_url, current_slug, permanent_redirect
from core.public_cache import keep_public
from newsroom.embeds import heights, lookups, pages, thumbnails
from newsroom.embeds.assets import assets
from newsroom.embeds.pages import THEMES, embed_query, theme_query
from newsroom.factboxes import notices, payload, relationship_map
from newsroom.models import Article, FactBox

PROVIDER_NAME = "Newsroom relations"
BOX_ROUTES = {"embed_factbox", "embed_factbox_version"}
STORY_ROUTES = {"story", "embed_story"}

# The frame's width when the consumer gives no maxwidth, as the admin's snippet has it; a wider maxwidth
# is honoured up to MAX_WIDTH, past which a box's lines grow too long to read.
WIDTH = 640
MAX_WIDTH = 800


class OEmbedError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _dimension(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if value == "":
        return None
    # Digits only (no sign, no decimals); absurd sizes are capped rather than parsed whole.
    if not (value.isascii() and value.isdigit()) or int(value[:9]) == 0:
        raise OEmbedError(400, f"{name} must be a positive whole number of pixels.")
    return int(value) if len(value) <= 9 else 999_999_999


def _our_embeddable(request: HttpRequest, url: str) -> tuple[str, dict[str, Any], str, bool] | None:
    """The route name, arguments, theme and compactness of ``url`` when it is one of our fact box or
    story addresses, on a host this site answers to; None otherwise."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket: not an address of ours
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return None
    domain, _port = split_domain_port(parts.netloc)
    ours = parts.netloc.lower() == request.get_host().lower() or validate_host(domain, settings.ALLOWED_HOSTS)
    prefix = get_script_prefix()
    if not domain or not ours or not parts.path.startswith(prefix):
        return None
    try:
        match = resolve("/" + parts.path[len(prefix) :])
    except Resolver404:
        return None
    if match.namespace or match.url_name not in BOX_ROUTES | STORY_ROUTES:
        return None
    query = parse_qs(parts.query)
    theme = query.get("theme", [""])[-1]
    compact = query.get("compact", [""])[-1] == "1"
    return match.url_name, match.kwargs, theme if theme in THEMES else "auto", compact


def _renamed(request: HttpRequest, url: str, name: str, kwargs: dict[str, Any], queryset) -> HttpResponse | None:
    """301 to this same oEmbed request for the current address, when ``url`` names what readers may
    see by a slug it had before: the consumer then stores the address that lasts."""
    current = current_slug(queryset, kwargs["slug"])
    if current is None:
        return None
    query = request.GET.copy()
    query["url"] = urlunsplit(urlsplit(url)._replace(path=reverse(name, kwargs={**kwargs, "slug": current})))
    response = permanent_redirect(
        request.build_absolute_uri(f"{reverse('oembed')}?{query.urlencode()}"), max_age=settings.EMBED_MAX_AGE
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def snippet(request: HttpRequest, src: str, *, title: str, width: int, height: int, kind: str) -> str:
    """Paste-ready HTML: the frame, and the script that sizes it wherever scripts run."""
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" data-newsroom-embed="{}" '
        'style="width:100%;max-width:{}px;border:0"></iframe>'
        '<script async src="{}"></script>',
        src,
        title,
        width,
        height,
        kind,
        width,
        absolute_url(request, "embed_js"),
    )


def rendered_height(response: HttpResponse, width: int) -> int:
    """How tall an embed page renders in a frame ``width`` pixels wide (``newsroom.embeds.heights``)."""
    return heights.height(response.content.decode(), width)


def box_height(request: HttpRequest, stored: Mapping[str, Any], width: int) -> int:
    """How tall the embed of a box's payload renders at ``width``, as the admin's snippet frames it."""
    return rendered_height(pages.embed_page(request, stored, theme="auto"), width)


def _map_thumbnail(request: HttpRequest, slug: str, number: int, stored: Mapping[str, Any]) -> dict[str, Any]:
    """oEmbed's thumbnail fields for a relationship map: the PNG of the version shown."""
    width, height = thumbnails.size(relationship_map.layout(stored))
    return {
        "thumbnail_url": absolute_url(request, "embed_factbox_map", slug, number),
        "thumbnail_width": width,
        "thumbnail_height": height,
    }


@require_safe
def oembed(request: HttpRequest) -> HttpResponse:
    """The oEmbed answer for one of our fact box or story addresses (``?url=``)."""
    try:
        return _answer(request)
    except OEmbedError as error:
        return JsonResponse({"error": error.reason}, status=error.status)


def _answer(request: HttpRequest) -> HttpResponse:
    url = request.GET.get("url", "").strip()
    if not url:
        raise OEmbedError(400, "The url parameter is required: the address of one of our stories or fact boxes.")
    # The spec's answer to a format the provider does not serve.
    if (request.GET.get("format") or "json") != "json":
        raise OEmbedError(501, "Only format=json is provided.")
    max_width, max_height = _dimension(request, "maxwidth"), _dimension(request, "maxheight")
    target = _our_embeddable(request, url)
    if target is None:
        raise OEmbedError(404, "That address is not a story or fact box published here.")
    name, kwargs, theme, compact = target
    # A compact box may be asked for in the embed's address or as a parameter of this request.
    compact = name in BOX_ROUTES and (compact or request.GET.get("compact") == "1")
    slug, number = kwargs["slug"], kwargs.get("number")
    width = min(max_width, MAX_WIDTH) if max_width else WIDTH
    # Everything else the answer depends on is in its own URL, which caches key on.
    representation = (request.get_host(), request.is_secure(), theme, compact, assets().fingerprint)

    thumbnail: dict[str, Any] = {}
    if name in BOX_ROUTES:
        row = lookups.latest_version(slug) if number is None else lookups.pinned_version(slug, number)
        if row is None:
            if answer := _renamed(request, url, name, kwargs, FactBox.objects.public()):
                return answer
            raise OEmbedError(404, "No published fact box at that address.")
        version_id = row.get("version_id", row["published_version_id"])
        # The frame shows the verdicts moved since the version, and is sized for their notices.
        etag = lookups.make_etag("oembed", version_id, *notices.etag_parts(row), *representation)
        modified = notices.last_modified(row, row["published_at"])
        if answer := lookups.not_modified(request, etag=etag, last_modified=modified):
            return answer
        if number is None:
            src = absolute_url(request, "embed_factbox", slug, query=embed_query(theme, compact))
            newer_url = None
        else:
            src = absolute_url(request, "embed_factbox_version", slug, number, query=embed_query(theme, compact))
            latest = row["version_id"] == row["published_version_id"]
            newer_url = (
                None if latest else absolute_url(request, "embed_factbox", slug, query=embed_query(theme, compact))
            )
        # The frame's page, laid out as the browser will lay it out: with its notices, its note of a
        # newer version, or cut to its first items.
        stored = lookups.version_payload(version_id)
        page = pages.box_page(
            request,
            slug,
            version_id,
            number=number,
            theme=theme,
            compact=compact,
            newer_url=newer_url,
            noticed=bool(row["notices_shown"]),
            stored=stored,
        )
        height = rendered_height(page, width)
        header = payload.read_header(stored)
        title, kind = header["title"], "factbox"
        if header["kind"] == FactBox.Kind.RELATIONSHIP_MAP and "number" in header:
            thumbnail = _map_thumbnail(request, slug, header["number"], stored)
    else:
        story = lookups.live_story(slug)
        if story is None:
            if answer := _renamed(request, url, name, kwargs, Article.objects.public()):
                return answer
            raise OEmbedError(404, "No live story at that address.")
        etag, modified = lookups.story_etag(story, "oembed", *representation), None
        if answer := lookups.not_modified(request, etag=etag, last_modified=modified):
            return answer
        page = pages.story_page(request, story, theme=theme)
        title, height, kind = story["title"], rendered_height(page, width), "story"
        src = absolute_url(request, "embed_story", slug, query=theme_query(theme))

    height = min(height, max_height or height)
    answer = {
        "version": "1.0",
        "type": "rich",
        "provider_name": PROVIDER_NAME,
        "provider_url": absolute_url(request, "home"),
        "title": title,
        "html": snippet(request, src, title=title, width=width, height=height, kind=kind),
        "width": width,
        "height": height,
        "cache_age": settings.EMBED_MAX_AGE,
        **thumbnail,
    }
    response = JsonResponse(answer)
    # Public, published data: an editor's browser may ask for it directly.
    response["Access-Control-Allow-Origin"] = "*"
    lookups.add_cache_headers(response, etag=etag, last_modified=modified)
    return keep_public(response)
