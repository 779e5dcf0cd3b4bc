"""Bodies written before the rich-text editor become the paragraphs their writers typed.

A body typed into the old textarea as plain text, paragraphs separated by blank lines, was stored
as one run of text and shown as one paragraph. Each run of text outside a block element (a
paragraph, heading, list, quote, table, figure) becomes paragraphs, one per blank-line-separated
part, with its single line breaks kept as <br>; block elements already there are kept as they are.
"""

import re
from html.parser import HTMLParser

from django.db import migrations

BLOCKS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "table", "figure", "hr", "pre", "div",
    "caption", "thead", "tbody", "tr", "th", "td", "figcaption",
}  # fmt: skip
VOID = {"br", "hr", "img", "wbr"}
BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")


class _TopLevel(HTMLParser):
    """Cuts a body into its top-level block elements and the runs of text and inline markup between them."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0] + [index + 1 for index, char in enumerate(source) if char == "\n"]
        self.depth = 0
        self.block_from: int | None = None
        self.blocks: list[tuple[int, int]] = []

    def _here(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _end_of_tag(self) -> int:
        return self.source.index(">", self._here()) + 1

    def handle_starttag(self, tag, attrs):
        if self.depth == 0 and tag in BLOCKS:
            self.block_from = self._here()
        if tag in VOID:
            if self.block_from is not None and self.depth == 0:
                self.blocks.append((self.block_from, self._end_of_tag()))
                self.block_from = None
            return
        if self.block_from is not None:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0 and tag in BLOCKS:
            self.blocks.append((self._here(), self._end_of_tag()))

    def handle_endtag(self, tag):
        if self.block_from is None or tag in VOID:
            return
        self.depth -= 1
        if self.depth == 0:
            self.blocks.append((self.block_from, self._end_of_tag()))
            self.block_from = None

    def close(self):
        super().close()
        if self.block_from is not None:
            # A block never closed runs to the end, as a browser reads it.
            self.blocks.append((self.block_from, len(self.source)))


def _paragraphs(run: str) -> list[str]:
    return [
        "<p>" + "<br>".join(line.strip() for line in part.strip().split("\n")) + "</p>"
        for part in BLANK_LINE.split(run)
        if part.strip()
    ]


def as_paragraphs(body: str) -> str:
    """``body`` with each top-level run of text made paragraphs; unchanged if it has none."""
    if not body or not body.strip():
        return ""
    parser = _TopLevel(body)
    parser.feed(body)
    parser.close()
    parts, at, changed = [], 0, False
    for start, end in [*parser.blocks, (len(body), len(body))]:
        run = body[at:start]
        if run.strip():
            parts += _paragraphs(run)
            changed = True
        if start < end:
            parts.append(body[start:end])
        at = end
    return "\n".join(parts) if changed else body


def convert_bodies(apps, schema_editor):
    Article = apps.get_model("newsroom", "Article")
    changed = []
    for article in Article.objects.only("pk", "body").iterator(chunk_size=500):
        converted = as_paragraphs(article.body)
        if converted != article.body:
            article.body = converted
            changed.append(article)
    # The field sanitises what bulk_update writes, as it does every save.
    Article.objects.bulk_update(changed, ["body"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0013_article_created_by")]

    operations = [migrations.RunPython(convert_bodies, migrations.RunPython.noop, elidable=True)]
