"""The actors an article's text mentions, shown where the text mentions them.

The article's change form proposes each actor the text mentions but the article is not tagged
with, one checkbox each, beside the places it is named; below, the text itself, read-only, with
every mention marked. The text is built from the sanitised body, split into its paragraphs, and
everything in it is escaped: the only markup on the page is the marks themselves.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from newsroom.models import Article
from newsroom.richtext import sanitised_output
from relations.mentions import find_mentions
from relations.models import Actor

# The name of the checkboxes (one per actor proposed) and of the button that tags those ticked.
CHOICE = "tag_actor"
TAG_BUTTON = "_tag_mentions"
# Characters of text shown each side of a mention in the list of places.
CONTEXT = 36
# Places listed for one actor; the marked text shows them all.
PLACES_LISTED = 3

_BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "figcaption", "caption", "tr", "hr", "br", "ul", "ol", "table"}


class _Paragraphs(HTMLParser):
    """The text of each block of a (sanitised) body, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []

    def _end(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.paragraphs.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self._end()
        elif tag in {"td", "th"}:
            self._current.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self._end()

    def handle_data(self, data):
        self._current.append(data)

    def close(self):
        super().close()
        self._end()


def paragraphs(article: Article) -> list[str]:
    """Title, standfirst and each paragraph of the body, as plain text."""
    parser = _Paragraphs()
    parser.feed(sanitised_output(article.body or ""))
    parser.close()
    return [text for text in (article.title, article.standfirst) if text] + parser.paragraphs


@dataclass
class _Place:
    anchor: str
    before: str
    text: str
    after: str


@dataclass
class MarkedText:
    """The text with its mentions marked, and where each actor is mentioned."""

    html: SafeString
    places: dict[int, list[_Place]] = field(default_factory=dict)


def marked_text(article: Article, tagged: Collection[int]) -> MarkedText:
    places: dict[int, list[_Place]] = {}
    blocks = []
    count = 0
    texts = paragraphs(article)
    found = [find_mentions(text) for text in texts]
    ids = {mention.actor_id for mentions in found for mention in mentions}
    names = dict(Actor.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    for text, mentions in zip(texts, found, strict=True):
        parts, at = [], 0
        for mention in mentions:
            count += 1
            anchor = f"mention-{count}"
            state = "tagged" if mention.actor_id in tagged else "untagged"
            parts.append(format_html("{}", text[at : mention.start]))
            parts.append(
                format_html(
                    '<mark id="{}" class="mention mention-{}" title="{}">{}</mark>',
                    anchor,
                    state,
                    names.get(mention.actor_id, ""),
                    mention.text,
                )
            )
            places.setdefault(mention.actor_id, []).append(
                _Place(
                    anchor=anchor,
                    before=_left(text[max(0, mention.start - CONTEXT) : mention.start], mention.start > CONTEXT),
                    text=mention.text,
                    after=_right(text[mention.end : mention.end + CONTEXT], mention.end + CONTEXT < len(text)),
                )
            )
            at = mention.end
        parts.append(format_html("{}", text[at:]))
        blocks.append(format_html("<p>{}</p>", mark_safe("".join(parts))))
    return MarkedText(html=mark_safe("".join(blocks)), places=places)


def _left(text: str, cut: bool) -> str:
    # Start at a word: "…the DPRK", not "…e DPRK".
    return "…" + text.split(" ", 1)[-1] if cut and " " in text else text


def _right(text: str, cut: bool) -> str:
    return text.rsplit(" ", 1)[0] + "…" if cut and " " in text else text


def _place_links(places: Sequence[_Place]) -> SafeString:
    shown = format_html_join(
        ", ",
        '<a href="#{}">“{}<mark>{}</mark>{}”</a>',
        ((place.anchor, place.before, place.text, place.after) for place in places[:PLACES_LISTED]),
    )
    more = len(places) - PLACES_LISTED
    if more > 0:
        shown = format_html("{} {}", shown, ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more})
    return shown


def mentions_panel(article: Article, mentioned: Sequence[Actor], tagged: Collection[int], *, choosable: bool) -> str:
    """The actors ``mentioned``, those not yet ``tagged`` each with a checkbox (ticked: the text
    names them, and the editor unticks what it names only in passing) when the user may tag
    (``choosable``), and the text with its mentions marked."""
    if not mentioned:
        return _("The text mentions no known actor.")
    marked = marked_text(article, tagged)
    already = [actor for actor in mentioned if actor.pk in tagged]
    untagged = [actor for actor in mentioned if actor.pk not in tagged]
    parts = []
    if already:
        parts.append(
            format_html(
                '<p class="mentions-tagged">{} {}</p>',
                _("Tagged:"),
                format_html_join(", ", '<span class="mention-tagged">{}</span>', ((a.name,) for a in already)),
            )
        )
    if untagged:
        rows = format_html_join(
            "",
            '<li><label><input type="checkbox" name="{}" value="{}"{}> <strong class="mention-untagged">{}</strong>'
            '</label> <span class="mention-places">{}</span></li>',
            (
                (
                    CHOICE,
                    actor.pk,
                    mark_safe(" checked") if choosable else mark_safe(" disabled"),
                    actor.name,
                    _place_links(marked.places.get(actor.pk, [])),
                )
                for actor in untagged
            ),
        )
        button = (
            format_html(
                '<button type="submit" class="button" name="{}" value="1">{}</button>',
                TAG_BUTTON,
                _("Save and tag the actors ticked"),
            )
            if choosable
            else ""
        )
        parts.append(
            format_html(
                '<fieldset class="mention-choices"><legend>{}</legend><ul>{}</ul>{}</fieldset>',
                ngettext(
                    "Mentioned but not tagged: tick it to tag it.",
                    "Mentioned but not tagged: tick those to tag.",
                    len(untagged),
                ),
                rows,
                button,
            )
        )
    else:
        parts.append(format_html("<p><em>{}</em></p>", _("Every actor the text mentions is tagged.")))
    parts.append(
        format_html(
            '<details class="mention-text"{}><summary>{}</summary><div class="mention-text-body">{}</div></details>',
            mark_safe(" open") if untagged else "",
            _("The text, with the mentions marked"),
            marked.html,
        )
    )
    return format_html('<div class="mentions">{}</div>', mark_safe("".join(parts)))
