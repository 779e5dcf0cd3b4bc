"""Links between the public pages: a section's page, a box's place on its story's page."""

from __future__ import annotations

from django import template
from django.urls import reverse

from newsroom.factboxes.rendering import dom_id
from newsroom.selectors import section_slug

register = template.Library()


@register.simple_tag
def section_url(name: str) -> str:
    """The address of the section ``name``; empty for a name that makes no slug, which has no page."""
    slug = section_slug(name or "")
    return reverse("section", args=[slug]) if slug else ""


@register.simple_tag
def box_url(story, placement) -> str:
    """The address of a box on its story's page (``ArticleQuerySet.with_box_links``): the story's,
    at the id the box's version renders with."""
    factbox = placement.factbox
    slug = getattr(placement, "frozen_slug", None) or factbox.slug
    anchor = dom_id({"slug": slug, "number": factbox.published_version.number})
    return f"{reverse('story', args=[story.slug])}#{anchor}"
