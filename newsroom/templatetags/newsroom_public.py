"""Template helpers for the public pages: schema.org data for a story, and its safe output."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from core import addresses
from newsroom import richtext
from newsroom.models import Article
from relations.models import Actor

register = template.Library()

PUBLISHER_NAME = "Newsroom relations"

# The escapes of django.utils.html.json_script: whatever a headline holds, the
# JSON cannot close its <script> element or open an HTML comment inside it.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

# A desk signs as an organisation, not as a person.
ORGANISATION_BYLINE_ENDINGS = {"staff", "desk", "team", "reporters", "correspondents"}

SCHEMA_TYPES = {
    Actor.Kind.COUNTRY: "Country",
    Actor.Kind.PERSON: "Person",
    Actor.Kind.ORGANISATION: "Organization",
    Actor.Kind.BLOC: "Organization",
    Actor.Kind.ARMED_GROUP: "Organization",
}


@register.filter(is_safe=True)
def json_ld(value: Any) -> SafeString:
    """Serialise ``value`` for a ``<script type="application/ld+json">`` element."""
    return mark_safe(json.dumps(value, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES))


def _author(byline: str) -> dict[str, str]:
    byline = byline.strip()
    if not byline:
        return {"@type": "Organization", "name": PUBLISHER_NAME}
    last_word = byline.split()[-1].casefold()
    return {"@type": "Organization" if last_word in ORGANISATION_BYLINE_ENDINGS else "Person", "name": byline}


def _thing(actor: Actor, request) -> dict[str, str]:
    thing = {
        "@type": SCHEMA_TYPES.get(actor.kind, "Thing"),
        "name": actor.name,
        "url": addresses.absolute_url(request, "actor", actor.slug),
    }
    if actor.wikidata_id:
        thing["sameAs"] = f"https://www.wikidata.org/wiki/{actor.wikidata_id}"
    return thing


@register.simple_tag(takes_context=True)
def news_article_data(context, article: Article) -> dict[str, Any]:
    """schema.org NewsArticle for a story page (article from ``for_story_page()``)."""
    request = context["request"]
    published = article.published_at
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.standfirst,
        "datePublished": published,
        "dateModified": article.last_modified_at or published,
        "articleSection": article.section,
        "author": _author(article.byline),
        "publisher": {"@type": "Organization", "name": PUBLISHER_NAME},
        "mainEntityOfPage": {
            "@type": "WebPage",
            "@id": addresses.absolute_url(request, "story", article.slug),
        },
        "about": [_thing(actor, request) for actor in article.public_actors],
    }


@register.simple_tag(takes_context=True)
def absolute_url(context, view_name: str, *args: Any) -> str:
    return addresses.absolute_url(context["request"], view_name, *args)


@register.filter
def sanitised(html: str) -> SafeString:
    """``html`` reduced to the rich-text allow-list, for output unescaped.

    Bodies are sanitised on every way into the database, but a row written before
    that (or by raw SQL, or restored from an old dump) never went through it; the
    page must not trust the database to have done so.
    """
    return mark_safe(richtext.sanitised_output(html or ""))


@register.filter
def xml_text(text: str) -> str:
    """``text`` without the control characters an XML document cannot hold (the news sitemap)."""
    from newsroom.feeds import xml_text

    return xml_text(text or "")


@register.filter
def web_url(url: str) -> str:
    """``url`` if it is an http(s) address, else an empty string: a reader's click must never run a link."""
    return addresses.web_url(url)


@register.simple_tag
def tie_from(relationship, actor: Actor) -> dict[str, Any]:
    """A relationship as read from ``actor``'s side: the verb and the actor at the other end."""
    if relationship.subject_id == actor.pk:
        return {"label": relationship.type.label, "other": relationship.object}
    return {"label": relationship.type.reverse_label, "other": relationship.subject}
