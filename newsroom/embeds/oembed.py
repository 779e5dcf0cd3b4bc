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
from newsroom.embeds import lookups
from newsroom.embeds.assets import assets
from newsroom.embeds.pages import THEMES, theme_query
from newsroom.factboxes import notices, payload
from newsroom.models import Article, FactBox

PROVIDER_NAME = "Newsroom relations"
BOX_ROUTES = {"embed_factbox", "embed_factbox_version"}
STORY_ROUTES = {"story", "embed_story"}

WIDTH = 600
# Heights for a frame no script resizes (consumers that strip scripts), measured on the demo
# boxes at 600px; /embed.js does better. A map's actors are its drawing's nodes, not rows.
BOX_CHROME_HEIGHT = 130
MAP_HEIGHT = 620
ITEM_HEIGHTS = {"claim": 105, "relationship": 140, "actor": 130, "text": 52}
KIND_ITEM_HEIGHTS = {
    "claim_check": {"claim": 170},
    "relationship_map": {"actor": 0, "relationship": 260},
}
# A verdict given since publication: a line at the top of the box and a notice on each claim it moved.
NOTICES_LINE_HEIGHT = 30
NOTICE_HEIGHT = 48
STORY_CARD_HEIGHT = 170
STORY_LINE_HEIGHT = 24


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


def _our_embeddable(request: HttpRequest, url: str) -> tuple[str, dict[str, Any], str] | None:
    """The route name, arguments and theme of ``url`` when it is one of our fact box or story
    addresses, on a host this site answers to; None otherwise."""
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
    theme = parse_qs(parts.query).get("theme", [""])[-1]
    return match.url_name, match.kwargs, theme if theme in THEMES else "auto"


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


def _narrow(height: int, width: int) -> int:
    # A narrower frame wraps more lines.
    return round(height * min(2.0, WIDTH / width))


def box_height(stored: Mapping[str, Any], width: int, moved: int = 0) -> int:
    """About how tall the box is at ``width``, with notices on ``moved`` claims."""
    box = payload.read_payload(stored)
    heights = {**ITEM_HEIGHTS, **KIND_ITEM_HEIGHTS.get(box["kind"], {})}
    height = BOX_CHROME_HEIGHT + sum(heights[item["type"]] for item in box["items"])
    if box["kind"] == FactBox.Kind.RELATIONSHIP_MAP:
        height += MAP_HEIGHT
    if moved:
        height += NOTICES_LINE_HEIGHT + NOTICE_HEIGHT * moved
    return _narrow(height, width)


def story_height(story: dict[str, Any], width: int) -> int:
    """About how tall the story card is at ``width``: its standfirst's lines, one line per box."""
    lines = len(story["standfirst"]) // 75 + 1 + (story["boxes_shown"] or 0)
    return _narrow(STORY_CARD_HEIGHT + STORY_LINE_HEIGHT * lines, width)


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
    name, kwargs, theme = target
    slug, number = kwargs["slug"], kwargs.get("number")
    width = min(WIDTH, max_width or WIDTH)
    # Everything else the answer depends on is in its own URL, which caches key on.
    representation = (request.get_host(), request.is_secure(), theme, assets().fingerprint)

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
        stored = lookups.version_payload(version_id)
        height = box_height(stored, width, row["notices_shown"] or 0)
        title, kind = payload.read_header(stored)["title"], "factbox"
        if number is None:
            src = absolute_url(request, "embed_factbox", slug, query=theme_query(theme))
        else:
            src = absolute_url(request, "embed_factbox_version", slug, number, query=theme_query(theme))
    else:
        story = lookups.live_story(slug)
        if story is None:
            if answer := _renamed(request, url, name, kwargs, Article.objects.public()):
                return answer
            raise OEmbedError(404, "No live story at that address.")
        etag, modified = lookups.story_etag(story, "oembed", *representation), None
        if answer := lookups.not_modified(request, etag=etag, last_modified=modified):
            return answer
        title, height, kind = story["title"], story_height(story, width), "story"
        src = absolute_url(request, "embed_story", slug, query=theme_query(theme))

    height = min(height, max_height or height)
    response = JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "provider_name": PROVIDER_NAME,
            "provider_url": absolute_url(request, "home"),
            "title": title,
            "html": snippet(request, src, title=title, width=width, height=height, kind=kind),
            "width": width,
            "height": height,
            "cache_age": settings.EMBED_MAX_AGE,
        }
    )
    # Public, published data: an editor's browser may ask for it directly.
    response["Access-Control-Allow-Origin"] = "*"
    lookups.add_cache_headers(response, etag=etag, last_modified=modified)
    return keep_public(response)
