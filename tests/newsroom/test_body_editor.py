"""The article body is written in a rich-text editor: what it produces passes the allow-list,
pasted Word and Google Docs copy comes out clean, old bodies became paragraphs, and a body
read without the right to edit it reads as text."""

import importlib
import re
from html import unescape

import pytest
from django.urls import reverse
from django_prose_editor.config import allowlist_from_extensions

from newsroom.demo_content import ARTICLE
from newsroom.models import Article
from newsroom.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, BODY_EDITOR_EXTENSIONS, sanitise
from tests.factories import ArticleFactory, ReporterFactory
from tests.helpers import admin_form_data, change_url, signed_in

conversion = importlib.import_module("newsroom.migrations.0014_article_body_paragraphs")


def text_of(html: str) -> str:
    """What a reader reads, however it is cut into paragraphs and lines."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# The editor and the allow-list --------------------------------------------------------------------


def test_the_editor_makes_no_tag_or_attribute_the_allow_list_drops():
    allowed = allowlist_from_extensions(BODY_EDITOR_EXTENSIONS)
    assert allowed["tags"] <= ALLOWED_TAGS
    assert {"p", "h2", "h3", "h4", "strong", "em", "a", "ul", "ol", "li", "blockquote", "br", "hr"} <= allowed["tags"]
    # The heading levels are a story's: its title is the page's h1.
    assert not allowed["tags"] & {"h1", "h5", "h6", "img", "span", "div", "table"}
    for tag, attributes in allowed["attributes"].items():
        # rel is the sanitiser's to set, and an ordered list's type is presentation.
        assert set(attributes) - {"rel", "type", "data-type"} <= ALLOWED_ATTRIBUTES.get(tag, set()), tag


def test_what_the_editor_writes_is_kept_as_written():
    written = (
        "<h2>Who backs whom</h2><p>One <strong>bold</strong> and <em>leaning</em> claim,<br>on two lines.</p>"
        '<ul><li><p>first</p></li></ul><ol start="3"><li><p>third</p></li></ol>'
        "<blockquote><p>A quote.</p></blockquote><hr>"
        '<p><a href="https://example.org/report" rel="noopener noreferrer">a link</a></p>'
    )
    assert sanitise(written) == written


# Pasted copy ---------------------------------------------------------------------------------------

GOOGLE_DOCS = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-4b1c2d3e-7fff-1a2b-3c4d">'
    '<p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;">'
    '<span style="font-size:11pt;font-family:Arial,sans-serif;color:#000000;font-weight:400;font-style:normal;">'
    "Russia and North Korea signed a </span>"
    '<span style="font-size:11pt;font-family:Arial,sans-serif;font-weight:700;">mutual defence</span>'
    '<span style="font-size:11pt;font-family:Arial,sans-serif;font-weight:400;"> treaty in </span>'
    '<span style="font-size:11pt;font-style:italic;">June 2024</span><span style="font-size:11pt;">.</span></p>'
    '<br><h2 dir="ltr" style="line-height:1.38;"><span style="font-size:16pt;font-weight:400;">Arms</span></h2>'
    '<ul style="margin-top:0;"><li dir="ltr" style="list-style-type:disc;" aria-level="1">'
    '<p dir="ltr" role="presentation"><span style="font-size:11pt;">Shells</span></p></li></ul></b>'
)
WORD = (
    "<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><meta name=Generator content='Microsoft Word 15'>"
    "<style><!-- p.MsoNormal {margin:0cm; font-size:11.0pt;} --></style>"
    "<!--[if gte mso 9]><xml><o:OfficeDocumentSettings>"
    "</o:OfficeDocumentSettings></xml><![endif]--></head><body lang=EN-GB style='tab-interval:36.0pt'>"
    "<p class=MsoNormal style='margin-bottom:0cm;line-height:normal'><b><span style='font-size:12.0pt;"
    "mso-bidi-font-family:Calibri'>Iran</span></b><span style='font-size:12.0pt'> supplied drones"
    " &amp; missiles.<o:p></o:p></span></p>"
    "<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>"
    "<![if !supportLists]><span style='font-family:Symbol;mso-fareast-font-family:Symbol'>"
    "<span style='mso-list:Ignore'>·<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp;&nbsp; </span>"
    "</span></span><![endif]><span class=SpellE>Shahed</span> drones<o:p></o:p></p>"
    "<p class=MsoNormal><i style='mso-bidi-font-style:normal'>Leaning</i> text<o:p>&nbsp;</o:p></p></body></html>"
)


def test_google_docs_copy_loses_its_styling_and_keeps_its_emphasis():
    # Docs wraps the whole paste in a <b> that means "not bold"; kept, the story would be bold throughout.
    assert sanitise(GOOGLE_DOCS) == (
        "<p>Russia and North Korea signed a <strong>mutual defence</strong> treaty in <em>June 2024</em>.</p>"
        "<br><h2>Arms</h2><ul><li><p>Shells</p></li></ul>"
    )


def test_word_copy_loses_its_styling_bullets_and_office_tags():
    cleaned = sanitise(WORD)
    assert cleaned == (
        "<p><b>Iran</b> supplied drones &amp; missiles.</p><p>Shahed drones</p><p><i>Leaning</i> text&nbsp;</p>"
    )


def test_cleaning_pasted_copy_is_safe_to_repeat():
    for pasted in (GOOGLE_DOCS, WORD):
        once = sanitise(pasted)
        assert sanitise(once) == once


def test_a_styled_span_cannot_smuggle_markup_past_the_allow_list():
    pasted = (
        '<span style="font-weight:700" onclick="x()"><img src=x onerror=alert(1)>bold</span>'
        '<span style="mso-list:Ignore"><script>alert(2)</script></span>'
        '<b style="font-weight:normal"><script>y</script></b>'
    )
    assert sanitise(pasted) == "<strong>bold</strong>"


# Old bodies become paragraphs ------------------------------------------------------------------------

EDGE_CASES = {
    "plain text": ("First paragraph\nwith a second line.\n\nSecond paragraph.\n\n\n  Third.  ",
                   "<p>First paragraph<br>with a second line.</p>\n<p>Second paragraph.</p>\n<p>Third.</p>"),
    "already HTML": ("<p>Kept.</p>\n<h2>As it was</h2>\n<ul><li>a</li></ul>", None),
    "mixed": ("Intro with <em>emphasis</em>\n\n<h2>Heading</h2>\nAfter it\n\nMore<blockquote><p>q</p></blockquote>tail",
              "<p>Intro with <em>emphasis</em></p>\n<h2>Heading</h2>\n<p>After it</p>\n<p>More</p>\n"
              "<blockquote><p>q</p></blockquote>\n<p>tail</p>"),
    "empty": ("", ""),
    "white space only": (" \n\n ", ""),
    "entities": ("Tom &amp; Jerry &quot;quoted&quot; &nbsp;— caf&eacute;",
                 "<p>Tom &amp; Jerry &quot;quoted&quot; &nbsp;— caf&eacute;</p>"),
    "less-than in text": ("3 &lt; 5 and 7 &gt; 2\n\nx &lt;y", "<p>3 &lt; 5 and 7 &gt; 2</p>\n<p>x &lt;y</p>"),
    "blank lines inside a block": ("<blockquote><p>q</p>\n\n<p>r</p></blockquote>\n\nAfter<hr>End<br>line",
                                   "<blockquote><p>q</p>\n\n<p>r</p></blockquote>\n<p>After</p>\n<hr>\n<p>End<br>line</p>"),
}  # fmt: skip


@pytest.mark.parametrize("name", EDGE_CASES)
def test_an_old_body_becomes_paragraphs_without_losing_text(name):
    body, expected = EDGE_CASES[name]
    converted = conversion.as_paragraphs(body)
    assert converted == (body if expected is None else expected)
    assert text_of(converted) == text_of(body.replace("<br>", " "))
    assert conversion.as_paragraphs(converted) == converted


def test_every_demo_article_typed_as_plain_text_converts_to_its_paragraphs(demo):
    articles = list(Article.objects.order_by("pk"))
    assert len(articles) >= 3
    for article in articles:
        # The demo's bodies are paragraphs already, and stay as they are.
        assert conversion.as_paragraphs(article.body) == article.body
        paragraphs = re.findall(r"<p>(.*?)</p>", article.body, re.DOTALL)
        typed = "\n\n".join(paragraphs)
        converted = conversion.as_paragraphs(typed)
        assert re.findall(r"<p>(.*?)</p>", converted, re.DOTALL) == paragraphs, article.slug
        assert text_of(converted) == text_of(article.body)


# The admin ------------------------------------------------------------------------------------------


def test_the_change_form_edits_the_body_in_the_editor_with_its_import_map_allowed(editor_client):
    article = ArticleFactory(body="<p>One</p><p>Two</p>")
    response = editor_client.get(change_url(article))
    page = response.content.decode()
    assert "data-django-prose-editor-configurable" in page
    nonce = re.search(r'<script type="importmap" nonce="([^"]+)">', page).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "newsroom/admin/body-editor.js" in page


def test_a_body_with_markup_the_editor_cannot_keep_stays_an_html_textarea(editor_client):
    article = ArticleFactory(body="<p>Before</p><table><tr><td>cell</td></tr></table>")
    response = editor_client.get(change_url(article))
    form = response.context["adminform"].form
    assert "data-django-prose-editor-configurable" not in str(form["body"])
    assert "&lt;table&gt;" in str(form["body"].help_text) or "<table>" in form["body"].help_text


def test_pasted_copy_posted_from_the_form_is_stored_clean(editor_client):
    article = ArticleFactory(body="<p>Old</p>")
    data = admin_form_data(editor_client.get(change_url(article)))
    response = editor_client.post(change_url(article), {**data, "body": GOOGLE_DOCS})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == sanitise(GOOGLE_DOCS)
    assert "style" not in article.body and "docs-internal-guid" not in article.body


def test_a_reporter_reading_a_live_article_sees_its_text_not_its_markup(demo):
    article = Article.objects.get(slug=ARTICLE["slug"])
    reporter = ReporterFactory()
    response = signed_in(reporter).get(reverse("admin:newsroom_article_change", args=[article.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="body-as-read"><p>' in page
    assert "&lt;p&gt;" not in page
    assert "data-django-prose-editor" not in page
