"""Article bodies are HTML from editors; this is the one place they are made safe.

The allow-list is what a news story needs and nothing that can run code:
paragraphs, headings, emphasis, lists, quotes, links, simple tables and
figures. No script, style, iframe, object, form or SVG; no event handlers or
inline styles; links only to http(s), mailto and tel, with rel="noopener
noreferrer" added, so a page linked from a story cannot reach back into it.
"""

from __future__ import annotations

import nh3
from django import forms
from django.db import models

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
    "abbr", "cite", "q", "code", "blockquote", "ul", "ol", "li", "a", "figure", "figcaption",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "reversed"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Dropped with everything inside them, not just unwrapped: their text is code, not copy.
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "template", "noscript", "textarea"}


def sanitise(html: str) -> str:
    """Return ``html`` reduced to the allow-list above. Safe to apply twice."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


class SanitisedHTMLFormField(forms.CharField):
    def clean(self, value):
        return sanitise(super().clean(value) or "")


class SanitisedHTMLField(models.TextField):
    """A TextField whose value is sanitised on every way into the database:
    model saves, bulk_create and queryset ``update()`` alike."""

    def pre_save(self, model_instance, add):
        value = sanitise(getattr(model_instance, self.attname) or "")
        # Keep the instance in step with the row, for whatever reads it after saving.
        setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value, connection):
        if isinstance(value, str):
            value = sanitise(value)
        return super().get_db_prep_save(value, connection)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SanitisedHTMLFormField, **kwargs})
