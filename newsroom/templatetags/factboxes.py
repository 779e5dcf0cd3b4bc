"""Template tags for fact boxes: ``{% factbox payload %}``, and the story page's oEmbed discovery address."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from core.addresses import absolute_url
from newsroom.factboxes.rendering import render_factbox

register = template.Library()


@register.simple_tag(takes_context=True)
def factbox(context, payload: dict[str, Any], verdicts=None, correction=None, draft_note="") -> SafeString:
    """A box's frozen payload as its HTML fragment, with absolute links built from the request, and a
    notice on each claim whose verdict has moved since (``verdicts``, see ``newsroom.factboxes.notices``)."""
    return render_factbox(
        payload, context.get("request"), verdicts=verdicts, correction=correction, draft_note=draft_note
    )


@register.simple_tag(takes_context=True)
def oembed_discovery_url(context, view_name: str, *args: Any) -> str:
    """The oEmbed endpoint's address for the page ``view_name`` names, as discovery links give it."""
    request = context["request"]
    page = absolute_url(request, view_name, *args)
    return absolute_url(request, "oembed", query={"url": page, "format": "json"})
