"""Passages of a story marked as where a claim comes from, as readers see them.

The body anchors each cited claim in its text (``<mark data-claim="42">…</mark>``, kept by the
allow-list in ``newsroom.richtext``). On the story page a mark whose claim is public becomes a
passage readers can open: a button (keyboard-focusable, ``aria-expanded``) and, after it, a note
with the claim's verdict, who says so and its sources, opened and closed by ``cited.js``. A mark
whose claim readers may not see is unwrapped to its text: neither the claim nor its id reaches
the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from newsroom.factboxes import notices
from newsroom.factboxes.story_body import StoryBody, story_body
from newsroom.richtext import CLAIM_MARK

# A link inside a button is not allowed (interactive content in interactive content): its text stays.
_LINK = re.compile(r"</?a\b[^>]*>")


def cited_passages(html: str, claims: Mapping[int, object], *, prefix: str) -> tuple[SafeString, bool]:
    """``html`` (a sanitised part of a body) with its marks rendered for readers, and whether any
    passage was made a control. ``claims`` are the public claims the story cites, by id, with
    what ``_cited_note.html`` shows already loaded; ``prefix`` keeps the notes' ids unique."""
    made = 0

    def render(match: re.Match) -> str:
        nonlocal made
        claim = claims.get(int(match.group(1)))
        inner = match.group(2)
        if claim is None:
            return inner
        made += 1
        return render_to_string(
            "newsroom/_cited_passage.html",
            {"claim": claim, "passage": mark_safe(_LINK.sub("", inner)), "note_id": f"{prefix}-{made}"},
        ).strip()

    rendered = CLAIM_MARK.sub(render, html)
    # The marks come from sanitised markup and each note from an escaping template.
    return mark_safe(rendered), made > 0


def story_page_body(article) -> tuple[StoryBody, bool]:
    """The body as the story page shows it, and whether a passage in it opens a claim: cut where
    the story's boxes go (``article.public_factboxes``, with the verdicts given since their
    versions when ``article.notices_shown``), each passage marked with one of
    ``article.public_citations``' claims made a control. The published page and its preview share it."""
    placements = article.public_factboxes
    verdicts = {}
    if article.notices_shown:
        verdicts = notices.verdicts_by_version(placement.factbox.published_version_id for placement in placements)
    body = story_body(article.body, placements, verdicts)
    claims = {citation.claim_id: citation.claim for citation in article.public_citations}
    cited = False
    for index, part in enumerate(body.parts):
        if part.html is not None:
            part.html, made = cited_passages(part.html, claims, prefix=f"cited-{index}")
            cited = cited or made
    return body, cited
