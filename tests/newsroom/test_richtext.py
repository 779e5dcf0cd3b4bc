"""Article bodies keep the markup a story needs and lose everything that could run code,
whichever way they reach the database."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Replace
from django.urls import reverse

from newsroom.models import Article
from newsroom.richtext import ALLOWED_TAGS, SanitisedHTMLFormField, sanitise
from tests.factories import ArticleFactory, EditorFactory
from tests.helpers import admin_form_data

# Each one has tried to get script past a sanitiser somewhere; ids name the trick.
XSS_PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "script-src-upper-case": "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "svg-onload": "<svg onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-xlink-href": '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "a-javascript": '<a href="javascript:alert(1)">click</a>',
    "a-javascript-mixed-case": '<a href="JaVaScRiPt:alert(1)">click</a>',
    "a-javascript-tab-entity": '<a href="jav&#x09;ascript:alert(1)">click</a>',
    "a-javascript-newline-entity": '<a href="jav&#x0A;ascript:alert(1)">click</a>',
    "a-javascript-all-entities": (
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">click</a>'
    ),
    "a-javascript-leading-control": '<a href=" &#14; javascript:alert(1)">click</a>',
    "a-data-base64": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    "a-vbscript": '<a href="vbscript:msgbox(1)">click</a>',
    "a-onclick": '<a href="https://example.org/" onclick="alert(1)">click</a>',
    "a-title-breaks-out": '<a href="https://example.org/" title=\'" onmouseover="alert(1)\'>click</a>',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object": '<object data="https://evil.example/x.swf" type="application/x-shockwave-flash"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "math-maction": '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    "style-import": "<style>@import 'https://evil.example/x.css';</style><p>text</p>",
    "div-style-url": '<div style="background:url(javascript:alert(1))">text</div>',
    "p-style-expression": '<p style="width: expression(alert(1))">text</p>',
    "attribute-breaker-double": '"><script>alert(1)</script>',
    "attribute-breaker-single": "'><img src=x onerror=alert(1)>",
    "p-onmouseover": '<p title="x" onmouseover="alert(1)">hover</p>',
    "form-action": "<form action=javascript:alert(1)><button>Go</button></form>",
    "button-formaction": '<button formaction="javascript:alert(1)">Go</button>',
    "input-onfocus": "<input autofocus onfocus=alert(1)>",
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base-href": '<base href="javascript:alert(1)//">',
    "link-stylesheet": '<link rel=stylesheet href="https://evil.example/x.css">',
    "body-onload": "<body onload=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "video-source-onerror": '<video><source onerror="alert(1)"></video>',
    "comment-script": "<!--<script>alert(1)</script>-->",
    "conditional-comment": "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "template": "<template><script>alert(1)</script></template>",
    "textarea": "<textarea><script>alert(1)</script></textarea>",
    "nested-script": "<scr<script>ipt>alert(1)</script>",
    "blockquote-cite-javascript": '<blockquote cite="javascript:alert(1)">quoted</blockquote>',
    "q-cite-data": '<q cite="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">q</q>',
    "ol-start-not-a-number": '<ol start="javascript:alert(1)"><li>x</li></ol>',
    "td-colspan-breaks-out": '<table><tr><td colspan="2 onmouseover=alert(1)">x</td></tr></table>',
    # Mutation XSS: markup that changes meaning when the sanitised output is parsed again.
    "mxss-noscript-title": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "mxss-svg-style": '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "mxss-math-mglyph": (
        "<math><mtext><table><mglyph><style><!--</style>"
        '<img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">'
    ),
    "mxss-form-math": "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "mxss-select-template": "<select><template><style><img src=x onerror=alert(1)>",
}
FORBIDDEN_TAGS = ("script", "iframe", "object", "embed", "svg", "math", "style", "form", "meta", "base", "link")
FORBIDDEN_SCHEMES = ("javascript:", "data:", "vbscript:")


class _Markup(HTMLParser):
    """Tags and attributes as a browser's tokenizer reads them, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag


def _parse(html: str) -> _Markup:
    markup = _Markup()
    markup.feed(html)
    markup.close()
    return markup


def _compact(text: str) -> str:
    # Browsers ignore control characters and whitespace inside and around a URL's scheme.
    return re.sub(r"[\x00-\x20]", "", unescape(text)).lower()


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    for tag in FORBIDDEN_TAGS:
        assert f"<{tag}" not in lowered, html
    markup = _parse(html)
    assert set(markup.tags) <= ALLOWED_TAGS, html
    for _tag, name, value in markup.attributes:
        assert not name.startswith("on"), html
        assert name != "style", html
        assert not _compact(value).startswith(FORBIDDEN_SCHEMES), html
    for scheme in FORBIDDEN_SCHEMES:
        assert scheme not in _compact(html), html


def _stored_body(article: Article) -> str:
    return Article.objects.values_list("body", flat=True).get(pk=article.pk)


payloads = pytest.mark.parametrize("payload", XSS_PAYLOADS.values(), ids=XSS_PAYLOADS.keys())


@payloads
def test_payload_is_harmless_once_sanitised(payload):
    assert_harmless(sanitise(payload))


@payloads
def test_sanitising_twice_changes_nothing(payload):
    once = sanitise(payload)
    assert sanitise(once) == once


@payloads
@pytest.mark.django_db
def test_payload_saved_through_the_model_is_stored_harmless(payload):
    article = ArticleFactory(body=payload)
    assert_harmless(_stored_body(article))
    assert article.body == _stored_body(article)


@payloads
@pytest.mark.django_db
def test_payload_written_by_queryset_update_is_stored_harmless(payload):
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body=payload)
    assert_harmless(_stored_body(article))


@payloads
@pytest.mark.django_db
def test_payload_posted_through_the_admin_is_stored_harmless(client, payload):
    client.force_login(EditorFactory())
    article = ArticleFactory()
    url = reverse("admin:newsroom_article_change", args=[article.pk])
    data = admin_form_data(client.get(url))
    assert data["edit_count_seen"] == str(article.edit_count)
    response = client.post(url, data | {"body": payload})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert_harmless(_stored_body(article))


# Other ways into the database: bulk writes and database expressions.


@pytest.mark.django_db
def test_bulk_create_and_bulk_update_store_harmless_bodies():
    (created,) = Article.objects.bulk_create([Article(title="T", slug="t", body=XSS_PAYLOADS["img-onerror"])])
    assert_harmless(_stored_body(created))
    article = ArticleFactory()
    article.body = XSS_PAYLOADS["svg-onload"] + "<p>kept</p>"
    Article.objects.bulk_update([article], ["body"])
    assert _stored_body(article) == "<p>kept</p>"


@pytest.mark.django_db
def test_update_with_a_value_expression_is_sanitised():
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(body=Value("<script>alert(1)</script><p>kept</p>"))
    assert _stored_body(article) == "<p>kept</p>"


@pytest.mark.django_db
def test_create_with_a_value_expression_is_sanitised():
    article = Article(title="T", slug="t", body=Value('<img src=x onerror="alert(1)"><p>kept</p>'))
    article.save()
    assert _stored_body(article) == "<p>kept</p>"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "expression",
    [
        F("standfirst"),
        Replace(F("body"), Value("&lt;"), Value("<")),
        Concat(F("body"), Value("<scr"), Value("ipt>alert(1)</script>")),
    ],
    ids=["unsanitised-column", "text-rewriting-function", "joined-in-the-database"],
)
def test_update_with_an_expression_that_cannot_be_checked_is_refused(expression):
    article = ArticleFactory(standfirst="<script>alert(1)</script>", body="<p>&lt;script&gt;</p>")
    with pytest.raises(TypeError, match="HTML body"), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(body=expression)
    assert _stored_body(article) == "<p>&lt;script&gt;</p>"


def test_form_field_cleans_what_the_editor_typed():
    assert SanitisedHTMLFormField(required=False).clean('<p onclick="x()">Hi</p><script>x()</script>') == "<p>Hi</p>"


# What a story needs comes through unchanged.

KEPT_AS_IS = {
    "paragraphs": "<p>First.</p><p>Second, with a<br>break.</p>",
    "headings": "<h2>Part one</h2><h3>Detail</h3><h4>Smaller detail</h4>",
    "emphasis": "<p><strong>Strong</strong>, <em>stressed</em>, <b>bold</b>, <i>a term</i>, <mark>marked</mark>.</p>",
    "inline": '<p><abbr title="Shanghai Cooperation Organization">SCO</abbr>, <cite>a title</cite>, <code>x</code></p>',
    "lists": '<ul><li>One</li><li>Two</li></ul><ol start="3" reversed=""><li>Three</li></ol>',
    "blockquote": '<blockquote cite="https://example.org/speech"><p>We will not take sides.</p></blockquote>',
    "quote": '<p>He said <q cite="https://example.org/interview">no comment</q>.</p>',
    "table": (
        '<table><caption>Pacts</caption><thead><tr><th scope="col">Pair</th><th scope="col">Treaty</th></tr>'
        "</thead><tbody><tr><td>Russia–North Korea</td><td>Yes</td></tr>"
        '<tr><td colspan="2">No other pair</td></tr></tbody></table>'
    ),
    "figure": "<figure><blockquote><p>Quoted.</p></blockquote><figcaption>A caption.</figcaption></figure>",
    "entities": "<p>Russia’s allies &amp; partners &lt;not&gt; “an axis”</p>",
}


@pytest.mark.parametrize("html", KEPT_AS_IS.values(), ids=KEPT_AS_IS.keys())
def test_story_markup_is_kept_as_is(html):
    assert sanitise(html) == html


@pytest.mark.parametrize("href", ["https://example.org/report?id=1&amp;page=2", "http://example.org/", "/stories/x/"])
def test_links_keep_their_address_and_cannot_reach_back(href):
    assert sanitise(f'<p><a href="{href}" title="The report">report</a></p>') == (
        f'<p><a href="{href}" title="The report" rel="noopener noreferrer">report</a></p>'
    )


def test_a_links_own_rel_and_target_give_way_to_noopener():
    cleaned = sanitise('<a href="https://example.org/" target="_blank" rel="opener">x</a>')
    assert cleaned == '<a href="https://example.org/" rel="noopener noreferrer">x</a>'


@pytest.mark.parametrize("href", ["mailto:desk@example.org", "tel:+441234567890"])
def test_mail_and_phone_links_are_kept(href):
    assert f'href="{href}"' in sanitise(f'<a href="{href}">desk</a>')


@pytest.mark.django_db
def test_story_markup_survives_a_save():
    body = "".join(KEPT_AS_IS.values())
    article = ArticleFactory(body=body)
    assert _stored_body(article) == body


def test_other_tags_are_unwrapped_to_their_text():
    assert sanitise('<h1>Headline</h1><div class="x" id="y"><span>Text</span></div>') == "HeadlineText"


def test_an_untouched_body_posted_with_browser_line_ends_is_not_a_change():
    stored = sanitise("<p>One.</p>\n<p>Two.</p>")
    assert not SanitisedHTMLFormField().has_changed(stored, stored.replace("\n", "\r\n"))
    assert SanitisedHTMLFormField().has_changed(stored, "<p>One.</p>")
