"""How far the heights oEmbed and the admin's snippet give are from the embeds' rendered heights.

The heights come from a model (``newsroom.embeds.heights``) because a page that strips scripts never
resizes its frame. This measures the model against Chromium: each published box's embed (and the live
stories' cards, and the compact boxes) is loaded at each width, its content height read, and compared
with what oEmbed answers for that ``maxwidth``. After a change to how boxes render, run it, adjust the
constants in ``newsroom/embeds/heights.py`` until every row is within the tolerance, and commit both.

Run by ``tests/newsroom/test_embed_heights_browser.py`` against the demo, which prints the table; it
needs Playwright and Chromium, which production does not have.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass

WIDTHS = (320, 400, 640, 800)
TOLERANCE = 0.10  # |predicted − measured| / measured


@dataclass(frozen=True)
class Row:
    name: str
    width: int
    predicted: int
    measured: int

    @property
    def error(self) -> float:
        return (self.predicted - self.measured) / self.measured

    @property
    def ok(self) -> bool:
        return abs(self.error) <= TOLERANCE


def embeds(base_url: str) -> list[tuple[str, str]]:
    """(name, embed address) of every published box, its compact form, and every live story's card."""
    from newsroom.models import Article, FactBox

    found = []
    for slug in FactBox.objects.public().order_by("slug").values_list("slug", flat=True):
        found.append((slug, f"{base_url}/embed/factboxes/{slug}/"))
        found.append((f"{slug} (compact)", f"{base_url}/embed/factboxes/{slug}/?compact=1"))
    for slug in Article.objects.public().order_by("slug").values_list("slug", flat=True):
        found.append((f"story {slug}", f"{base_url}/embed/stories/{slug}/"))
    return found


def predicted(base_url: str, embed_url: str, width: int) -> int:
    """The height oEmbed answers for ``embed_url`` at ``maxwidth=width``."""
    query = urllib.parse.urlencode({"url": embed_url, "maxwidth": width, "format": "json"})
    with urllib.request.urlopen(f"{base_url}/oembed/?{query}", timeout=10) as response:
        answer = json.load(response)
    if answer["width"] != width:
        raise AssertionError(f"oEmbed gave width {answer['width']} for maxwidth={width}")
    return answer["height"]


def measured(browser, embed_url: str, width: int) -> int:
    """The embed's content height in a frame ``width`` pixels wide (a viewport of that width)."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(embed_url)
        page.wait_for_load_state("load")
        return page.evaluate("() => Math.ceil(document.documentElement.getBoundingClientRect().height)")
    finally:
        context.close()


def measure(browser, base_url: str, widths=WIDTHS) -> list[Row]:
    return [
        Row(name, width, predicted(base_url, url, width), measured(browser, url, width))
        for name, url in embeds(base_url)
        for width in widths
    ]


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table, each saying whether it is within the tolerance."""
    lines = [
        "| embed | width | predicted | measured | error | within 10% |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {row.width} | {row.predicted:,} | {row.measured:,} | {row.error:+.1%} | "
            f"{'yes' if row.ok else 'no'} |"
        )
    return "\n".join(lines)
