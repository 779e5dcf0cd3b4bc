"""Article bodies are HTML from editors; this is the one place they are made safe.

The allow-list is what a news story needs and nothing that can run code:

- tags: paragraphs and line breaks (p, br, hr), headings h2–h4, emphasis
  (strong, b, em, i, u, s, sub, sup, small, mark, abbr, cite, q, code),
  blockquote, lists (ul, ol, li), links (a), figures (figure, figcaption)
  and simple tables (table, caption, thead, tbody, tr, th, td);
- attributes: a href/title/hreflang, abbr title, blockquote and q cite,
  ol start/reversed, th scope/colspan/rowspan, td colspan/rowspan; numbers
  must be numbers, scope one of its four keywords, hreflang a language tag;
- URLs (href, cite): http, https, mailto and tel, or relative; a link gets
  rel="noopener noreferrer", so a page linked from a story cannot reach back;
- one data attribute: ``data-claim`` on ``mark``, digits only, which anchors a
  cited claim to its passage (``claim_marks`` reads them back).

Text pasted from Word or Google Docs arrives wrapped in styled spans and bold
tags that mean "not bold"; ``_unstyle`` turns the styling that carries meaning
(bold, italic) into tags and drops the rest before the allow-list runs.

Everything else goes: script, style, iframe, object, embed, SVG, MathML,
template, noscript and textarea with all they contain; any other tag (form,
img, meta, base, link…) is unwrapped to its text; event handlers, inline
styles, ids and classes are dropped, and so are comments.
"""

from __future__ import annotations

import copy
import functools
import re
from html import escape, unescape
from html.parser import HTMLParser

import nh3
from django import forms
from django.db import models
from django.db.models import Case, Value
from django.db.models.functions import Cast
from django.utils.html import strip_tags

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
    "mark": {"data-claim"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Dropped with everything inside them, not just unwrapped: their text is code, not copy.
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "template", "noscript", "textarea"}

# nh3 checks the scheme of href (and src, action…) but not of cite, and lets any text
# through as a number or a keyword; these close that gap.
_ATTRIBUTE_VALUES = {
    "start": re.compile(r"-?\d{1,9}"),
    "colspan": re.compile(r"\d{1,4}"),
    "rowspan": re.compile(r"\d{1,4}"),
    "scope": re.compile(r"row|col|rowgroup|colgroup", re.IGNORECASE),
    "hreflang": re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*"),
    "reversed": re.compile(r"|reversed", re.IGNORECASE),
    "data-claim": re.compile(r"[1-9]\d{0,17}"),
}
# Browsers drop tabs and newlines anywhere in a URL and control characters and spaces
# around it before reading its scheme: "jav\tascript:" is javascript:.
_URL_IGNORED = re.compile(r"[\t\n\r]")
_URL_SCHEME = re.compile(r"^[\x00-\x20]*([A-Za-z][A-Za-z0-9+.\-]*):")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "cite":
        match = _URL_SCHEME.match(_URL_IGNORED.sub("", value))
        return value if match is None or match.group(1).lower() in URL_SCHEMES else None
    pattern = _ATTRIBUTE_VALUES.get(attribute)
    if pattern is not None and not pattern.fullmatch(value.strip()):
        return None
    if attribute == "data-claim":
        return value.strip()
    return value


def sanitise(html: str) -> str:
    """Return ``html`` reduced to the allow-list above. Safe to apply twice."""
    if not html:
        return ""
    if _STYLED.search(html):
        html = _unstyle(html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
    return _unnested_marks(cleaned) if "<mark" in cleaned else cleaned


# nh3's output is well formed, and a mark's one attribute holds digits only, so its tags can be
# read by pattern: no ">" hides inside them.
_MARK_TAG = re.compile(r"<mark\b[^>]*>|</mark>")


def _unnested_marks(html: str) -> str:
    """``html`` with every mark inside another mark unwrapped to its content. A passage cites one
    claim: the marks are read by pattern (``CLAIM_MARK``), which sees only the outer one, so an inner
    mark's claim would be neither cited nor checked, and its id would outlive the unwrapping of
    marks readers may not see."""
    kept, depth, out, last = [], 0, [], 0
    for tag in _MARK_TAG.finditer(html):
        out.append(html[last : tag.start()])
        last = tag.end()
        if tag.group(0) != "</mark>":
            kept.append(depth == 0)
            depth += 1
            if kept[-1]:
                out.append(tag.group(0))
        elif kept:
            depth -= 1
            if kept.pop():
                out.append(tag.group(0))
    out.append(html[last:])
    return "".join(out)


# The editor's toolbar: exactly the part of the allow-list a story is written with
# (django-prose-editor's extensions; ``tests/newsroom/test_body_editor.py`` holds them to the
# allow-list). The server sanitises whatever is posted all the same.
BODY_EDITOR_EXTENSIONS = {
    "Paragraph": True,
    "HardBreak": True,
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": sorted(URL_SCHEMES)},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "History": True,
    "NewsroomBody": True,
    # Its links (the claims' autocomplete, the view that makes a new claim) are the form's to add.
    "CiteClaim": True,
}
# What the editor turns into its own equivalent on loading a body, rather than losing.
EDITOR_EQUIVALENTS = {"b": "strong", "i": "em"}
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b")


def tags_in(html: str) -> set[str]:
    return {name.lower() for name in _TAG_NAME.findall(html or "")}


# Word and Google Docs style their copy inline; without a style attribute there is nothing to undo.
_STYLED = re.compile(r"\sstyle\s*=|mso-", re.IGNORECASE)
_BOLD = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)", re.IGNORECASE)
_NOT_BOLD = re.compile(r"font-weight\s*:\s*(normal|lighter|[1-4]00)", re.IGNORECASE)
_ITALIC = re.compile(r"font-style\s*:\s*(italic|oblique)", re.IGNORECASE)
_HIDDEN = re.compile(r"mso-list\s*:\s*ignore|display\s*:\s*none", re.IGNORECASE)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Unstyler(HTMLParser):
    """Rewrites styled spans as the marks they show (bold, italic), unwraps Google Docs'
    ``<b style="font-weight:normal">`` around a whole paste, and drops Word's list bullets
    (``mso-list:Ignore``): the allow-list alone would keep the first and last as bold text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[tuple[str, str]] = []  # (tag, what closes it)
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        style = " ".join(value or "" for name, value in attrs if name == "style")
        if tag in _VOID:
            if not self.hidden:
                self.out.append(self.get_starttag_text() or "")
            return
        if self.hidden or _HIDDEN.search(style):
            self.hidden += 1
            self.open.append((tag, ""))
            return
        opening, closing = self.get_starttag_text() or "", f"</{tag}>"
        if tag in ("b", "strong") and _NOT_BOLD.search(style):
            opening, closing = "", ""
        elif tag == "span":
            opening, closing = "", ""
            if _BOLD.search(style):
                opening, closing = opening + "<strong>", "</strong>" + closing
            if _ITALIC.search(style):
                opening, closing = opening + "<em>", "</em>" + closing
        self.out.append(opening)
        self.open.append((tag, closing))

    def handle_startendtag(self, tag, attrs):
        if not self.hidden:
            self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                for _tag, closing in reversed(self.open[index:]):
                    if self.hidden:
                        self.hidden -= 1
                    else:
                        self.out.append(closing)
                del self.open[index:]
                return
        if not self.hidden:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(escape(data, quote=False))


def _unstyle(html: str) -> str:
    parser = _Unstyler()
    parser.feed(html)
    parser.close()
    return "".join(parser.out) + "".join(closing for _tag, closing in reversed(parser.open) if not parser.hidden)


CLAIM_MARK = re.compile(r'<mark data-claim="(\d+)">(.*?)</mark>', re.DOTALL)


def claim_marks(html: str) -> list[tuple[int, str]]:
    """The claims a sanitised body cites, ``(claim id, passage text)`` in the order of the text."""
    return [(int(pk), unescape_text(inner)) for pk, inner in CLAIM_MARK.findall(html or "")]


def keep_claim_marks(html: str, public: set[int]) -> str:
    """``html`` with the marks of claims outside ``public`` unwrapped to their text: a passage whose
    claim readers may not see says nothing of it, not even its id."""
    return CLAIM_MARK.sub(lambda m: m.group(0) if int(m.group(1)) in public else m.group(2), html)


def unescape_text(html: str) -> str:
    """The text a reader reads in ``html``, its white space collapsed."""
    return " ".join(unescape(strip_tags(html)).split())


@functools.lru_cache(maxsize=256)
def sanitised_output(html: str) -> str:
    """``sanitise(html)`` for pages and API answers, worked out once per process for each text.

    Stored bodies are already sanitised (``SanitisedHTMLField``); output sanitises them again
    because a row written around the field (raw SQL, an old dump) never was. Keyed by the text
    itself, so a row changed by any means is sanitised afresh, and a body read a thousand times
    is not cleaned a thousand times."""
    return sanitise(html)


def _sanitise_expression(expression) -> None:
    """Sanitise the text of ``Value("...")`` in place; refuse any other expression.

    ``update(body=Value(...))`` reaches the database without passing through
    ``get_db_prep_save`` as a plain string does, and so does ``bulk_update``
    (a CASE of values). Any other expression (a column,
    Concat, Replace…) computes the text inside the database, where no one checks
    it, so it is refused: compute the text in Python and save that.
    """
    if isinstance(expression, Value) and isinstance(expression.value, str | None):
        expression.value = sanitise(expression.value or "")
        return
    if isinstance(expression, Cast):
        # PostgreSQL's bulk_update casts its CASE to the column type.
        _sanitise_expression(expression.source_expressions[0])
        return
    if isinstance(expression, Case):
        # bulk_update writes each row's value as CASE WHEN pk = … THEN value.
        for when in expression.cases:
            _sanitise_expression(when.result)
        _sanitise_expression(expression.default)
        return
    raise TypeError(
        f"An HTML body cannot be written with {type(expression).__name__}: its result could not be "
        "sanitised. Compute the text in Python and save that."
    )


class SanitisedHTMLFormField(forms.CharField):
    def clean(self, value):
        return sanitise(super().clean(value) or "")

    def has_changed(self, initial, data):
        # Browsers post a textarea with CRLF line ends; compared as stored, an untouched body is unchanged.
        return sanitise(initial or "") != sanitise(data or "")


class SanitisedHTMLField(models.TextField):
    """A TextField whose value is sanitised on every way into the database:
    model saves, bulk_create, bulk_update and queryset ``update()`` alike,
    with a string or with a database expression."""

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if hasattr(value, "resolve_expression"):
            # Inserts compile expressions without asking get_placeholder; a copy
            # leaves the caller's expression as it was.
            value = copy.deepcopy(value)
            _sanitise_expression(value)
            return value
        value = sanitise(value or "")
        # Keep the instance in step with the row, for whatever reads it after saving.
        setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value, connection):
        if isinstance(value, str):
            value = sanitise(value)
        return super().get_db_prep_save(value, connection)

    def get_placeholder(self, value, compiler, connection):
        # Queryset updates pass each resolved expression through here before compiling it.
        if hasattr(value, "as_sql"):
            _sanitise_expression(value)
        return "%s"

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SanitisedHTMLFormField, **kwargs})
