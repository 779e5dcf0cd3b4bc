"""The page for partner developers: how to embed a fact box and call the API, with examples that run as written."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from core.addresses import absolute_url
from newsroom.embeds import oembed
from newsroom.factboxes import payload
from newsroom.models import FactBox
from newsroom.views import PublicPage
from relations.models import Relationship

# What the examples name when nothing is published yet: plainly a stand-in, never a draft's slug.
PLACEHOLDER_BOX = {"slug": "your-box-slug", "title": "Your fact box", "version": 1, "iframe_height": 600}
PLACEHOLDER_ACTOR = "your-actor-slug"
# DRF reads a rate's period by its first letter.
PERIODS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


@dataclass(frozen=True)
class Example:
    """The live rows the examples name, so that each one can be pasted and run as it stands."""

    box_slug: str
    box_title: str
    box_version: int
    iframe_height: int
    actor_slug: str
    placeholder: bool


def _examples(request) -> Example:
    # The newest published box and an actor with a public tie: two indexed reads, however much is
    # published, each from ``.public()`` so that an example never names what readers cannot see.
    box = (
        FactBox.objects.public()
        .select_related("published_version")
        .only("slug", "title", "published_version__number", "published_version__payload")
        .order_by("-last_published_at", "-pk")
        .first()
    )
    tie = Relationship.objects.public().select_related("subject").only("subject__slug").order_by("-pk").first()
    if box is None:
        shown = PLACEHOLDER_BOX
    else:
        stored = box.published_version.payload
        shown = {
            "slug": box.slug,
            "title": payload.read_header(stored)["title"] or box.title,
            "version": box.published_version.number,
            "iframe_height": oembed.box_height(request, stored, oembed.WIDTH),
        }
    return Example(
        box_slug=shown["slug"],
        box_title=shown["title"],
        box_version=shown["version"],
        iframe_height=shown["iframe_height"],
        actor_slug=tie.subject.slug if tie is not None else PLACEHOLDER_ACTOR,
        placeholder=box is None or tie is None,
    )


def _rate(setting: str) -> str:
    """``600/minute`` (or ``600/m``, as DRF also reads it) in words: "600 requests a minute"."""
    number, period = setting.split("/")
    return f"{number} requests a {PERIODS[period[0]]}"


@method_decorator(require_safe, name="dispatch")
class DevelopersView(PublicPage, TemplateView):
    template_name = "newsroom/developers.html"

    @cached_property
    def urls(self) -> dict[str, str]:
        request = self.request
        example = self.example
        embed = absolute_url(request, "embed_factbox", example.box_slug)
        return {
            "home": absolute_url(request, "home"),
            "api": absolute_url(request, "api-root"),
            "docs": absolute_url(request, "api-docs"),
            "schema": absolute_url(request, "api-schema"),
            "embed_js": absolute_url(request, "embed_js"),
            "oembed": absolute_url(request, "oembed"),
            "embed": embed,
            "pinned": absolute_url(request, "embed_factbox_version", example.box_slug, example.box_version),
            "oembed_box": absolute_url(request, "oembed", query={"url": embed, "maxwidth": 400}),
        }

    @cached_property
    def example(self) -> Example:
        return _examples(self.request)

    def get_context_data(self, **kwargs):
        urls, example = self.urls, self.example
        snippet = format_html(
            '<div data-factbox="{}"><a href="{}">{}</a></div>\n<script async src="{}"></script>',
            example.box_slug,
            urls["embed"],
            example.box_title,
            urls["embed_js"],
        )
        iframe = oembed.snippet(
            self.request,
            urls["embed"],
            title=example.box_title,
            width=oembed.WIDTH,
            height=example.iframe_height,
            kind="factbox",
        )
        return super().get_context_data(
            urls=urls,
            example=example,
            snippet=snippet,
            iframe=iframe.replace("></iframe><script", "></iframe>\n<script"),
            # The shell quotes the address: its "&" would otherwise end the command.
            oembed_curl=f"curl -s '{urls['oembed_box']}'",
            iframe_width=oembed.WIDTH,
            box_title_json=json.dumps(example.box_title, ensure_ascii=False),
            api_max_age=settings.API_MAX_AGE,
            embed_max_age=settings.EMBED_MAX_AGE,
            api_rate=_rate(settings.API_ANON_RATE),
            **kwargs,
        )


developers = DevelopersView.as_view()
