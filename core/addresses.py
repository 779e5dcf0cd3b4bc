"""The shapes of public addresses, and absolute links to them for pages shown on other sites."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.validators import URLValidator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

# A slug as Django's ``<slug:>`` converter reads it: the pages, embeds and API routes agree on one shape.
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
SLUG_RE = re.compile(SLUG_PATTERN)
# Ids in addresses are bounded so that a number no column can hold answers 404, not a database error.
ID_PATTERN = r"[0-9]{1,18}"
ID_RE = re.compile(ID_PATTERN)


# The only schemes a link readers may follow can have: anything else (javascript:, data:) could run.
WEB_SCHEMES = ("http", "https")
web_url_validator = URLValidator(schemes=WEB_SCHEMES, message="Enter an http:// or https:// address.")


def is_web_url(url: str) -> bool:
    return url.lower().startswith(tuple(f"{scheme}://" for scheme in WEB_SCHEMES))


def web_url(url: str) -> str:
    """``url`` if it is an http(s) address, else an empty string: what is shown to readers and
    partners, whatever a row or a stored payload holds (one written before the rule, or by raw SQL)."""
    return url if isinstance(url, str) and is_web_url(url) else ""


def absolute_url(request: HttpRequest | None, view_name: str, *args: object, query: Mapping | None = None) -> str:
    """The address of ``view_name`` with this request's scheme and host: embeds, feeds and API answers
    are read on other sites, where a path alone would lead nowhere. Without a request (a management
    command), the path."""
    url = reverse(view_name, args=args)
    if query:
        url = f"{url}?{urlencode(query)}"
    return request.build_absolute_uri(url) if request is not None else url
