"""The oEmbed 1.0 provider: rich JSON for our fact boxes and stories, the spec's errors for everything else."""

import json
import re
import urllib.error
import urllib.request
from datetime import timedelta
from html import unescape
from urllib.parse import quote

import pytest
from django.utils import timezone

from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
)
from tests.helpers import publish_article, publish_factbox

pytestmark = pytest.mark.django_db

BOX_URL = "http://testserver/embed/factboxes/axis/"
STORY_URL = "http://testserver/stories/the-story/"


def _published(slug: str = "axis", items: int = 1, **fields):
    box = FactBoxFactory(slug=slug, **fields)
    for position in range(items):
        FactBoxItemFactory(factbox=box, claim=ClaimFactory(text=f"Statement {position}."), position=position)
    return publish_factbox(factbox=box, by=EditorFactory()).factbox


def _live_story(slug: str = "the-story", **fields) -> Article:
    return publish_article(article=ArticleFactory(slug=slug, **fields), by=EditorFactory())


def _oembed(client, url: str, **params):
    query = "&".join(f"{name}={quote(str(value), safe='')}" for name, value in {"url": url, **params}.items())
    return client.get(f"/oembed/?{query}")


def _iframe_src(html: str) -> str:
    return unescape(re.search(r'<iframe src="([^"]+)"', html).group(1))


# --- Over HTTP ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_oembed_answers_rich_json_for_a_box_over_http(live_server):
    _published("axis", title="The axis at a glance")
    embed = f"{live_server.url}/embed/factboxes/axis/"
    url = f"{live_server.url}/oembed/?url={quote(embed, safe='')}&format=json"

    with urllib.request.urlopen(url, timeout=10) as response:
        headers, answer = response.headers, json.loads(response.read())

    assert headers["Content-Type"] == "application/json"
    assert headers["Cache-Control"] == "public, max-age=300"
    assert headers["ETag"] and headers["Last-Modified"]
    assert answer["version"] == "1.0" and answer["type"] == "rich"
    assert answer["provider_name"] == "Newsroom relations"
    assert answer["provider_url"] == f"{live_server.url}/"
    assert answer["title"] == "The axis at a glance"
    assert answer["cache_age"] == 300
    assert (answer["width"], answer["height"]) > (0, 0)
    assert _iframe_src(answer["html"]) == embed
    assert answer["html"].endswith(f'<script async src="{live_server.url}/embed.js"></script>')


@pytest.mark.django_db(transaction=True)
def test_oembed_of_an_unknown_address_answers_404_over_http(live_server):
    embed = f"{live_server.url}/embed/factboxes/nowhere/"
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{live_server.url}/oembed/?url={quote(embed, safe='')}", timeout=10)
    assert error.value.code == 404


# --- What it answers ----------------------------------------------------------------------------


def test_format_defaults_to_json(client):
    _published("axis")
    response = _oembed(client, BOX_URL)
    assert response.status_code == 200 and response.json()["type"] == "rich"


def test_html_is_a_frame_embed_js_recognises_and_the_script(client):
    _published("axis", title='A "quoted" <title>')
    html = _oembed(client, BOX_URL, format="json").json()["html"]

    assert re.fullmatch(r'<iframe [^>]*></iframe><script async src="http://testserver/embed\.js"></script>', html)
    assert 'data-newsroom-embed="factbox"' in html and 'loading="lazy"' in html
    assert 'title="A &quot;quoted&quot; &lt;title&gt;"' in html


def test_pinned_version_address_embeds_that_version(client):
    _published("axis")
    answer = _oembed(client, f"{BOX_URL}v/1/", format="json").json()
    assert _iframe_src(answer["html"]) == f"{BOX_URL}v/1/"


def test_theme_in_the_address_is_kept(client):
    _published("axis")
    answer = _oembed(client, f"{BOX_URL}?theme=dark").json()
    assert _iframe_src(answer["html"]) == f"{BOX_URL}?theme=dark"


def test_story_address_embeds_the_story_card(client):
    _live_story("the-story", title="An axis in name only")
    answer = _oembed(client, STORY_URL, format="json").json()
    assert answer["type"] == "rich" and answer["title"] == "An axis in name only"
    assert _iframe_src(answer["html"]) == "http://testserver/embed/stories/the-story/"
    assert 'data-newsroom-embed="story"' in answer["html"]


def test_story_card_address_is_accepted_too(client):
    _live_story("the-story")
    answer = _oembed(client, "http://testserver/embed/stories/the-story/").json()
    assert _iframe_src(answer["html"]) == "http://testserver/embed/stories/the-story/"


def test_address_on_another_allowed_host_is_ours(client):
    _published("axis")
    assert _oembed(client, "https://localhost/embed/factboxes/axis/").status_code == 200


# --- Size ---------------------------------------------------------------------------------------------


def test_default_size_is_640_wide_as_the_admin_snippet(client):
    _published("axis")
    answer = _oembed(client, BOX_URL).json()
    assert answer["width"] == 640
    assert 'width="640"' in answer["html"] and "width:100%;max-width:640px" in answer["html"]


def test_height_grows_with_the_items(client):
    _published("short", items=1)
    _published("long", items=12)
    short = _oembed(client, "http://testserver/embed/factboxes/short/").json()["height"]
    long = _oembed(client, "http://testserver/embed/factboxes/long/").json()["height"]
    assert long > short


@pytest.mark.parametrize("url", [BOX_URL, STORY_URL])
def test_maxwidth_and_maxheight_are_honoured(client, url):
    _published("axis", items=20)
    _live_story("the-story")
    answer = _oembed(client, url, maxwidth=320, maxheight=100).json()
    assert answer["width"] == 320 and answer["height"] == 100
    assert 'width="320" height="100"' in answer["html"] and "max-width:320px" in answer["html"]


@pytest.mark.parametrize(("maxwidth", "width"), [(700, 700), (800, 800), (2000, 800)])
def test_maxwidth_wider_than_the_default_is_honoured_up_to_a_readable_width(client, maxwidth, width):
    _published("axis")
    answer = _oembed(client, BOX_URL, maxwidth=maxwidth).json()
    assert answer["width"] == width and f"max-width:{width}px" in answer["html"]


def test_a_narrower_frame_is_taller(client):
    _published("axis", items=6)
    heights = [_oembed(client, BOX_URL, maxwidth=width).json()["height"] for width in (800, 400, 320)]
    assert heights == sorted(heights) and heights[0] < heights[-1]


# --- Compact ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params"),
    [(BOX_URL + "?compact=1", {}), (BOX_URL, {"compact": "1"}), (BOX_URL + "?theme=dark", {"compact": "1"})],
)
def test_compact_box_is_asked_for_in_the_address_or_as_a_parameter(client, url, params):
    _published("axis", items=12)
    full = _oembed(client, BOX_URL).json()
    compact = _oembed(client, url, **params).json()

    src = _iframe_src(compact["html"])
    assert "compact=1" in src and src.startswith(BOX_URL)
    assert compact["height"] < full["height"] / 2
    assert _oembed(client, url, **params)["ETag"] != _oembed(client, BOX_URL)["ETag"]


def test_compact_means_nothing_for_a_story(client):
    _live_story("the-story")
    assert _oembed(client, STORY_URL, compact="1").json() == _oembed(client, STORY_URL).json()


@pytest.mark.parametrize("compact", ["", "1"])
def test_compact_never_reaches_what_readers_may_not_see(client, compact):
    FactBoxFactory(slug="draft")
    withdrawn = _published("withdrawn")
    factbox_withdraw(factbox=withdrawn, by=EditorFactory())
    for slug in ("draft", "withdrawn"):
        answer = _oembed(client, f"http://testserver/embed/factboxes/{slug}/?compact=1", compact=compact)
        assert answer.status_code == 404


# --- Refusals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://testserver/embed/factboxes/nowhere/",
        "http://testserver/embed/factboxes/draft-only/",
        "http://testserver/embed/factboxes/draft-only/v/1/",
        "http://testserver/embed/factboxes/withdrawn/",
        "http://testserver/embed/factboxes/withdrawn/v/1/",
        "http://testserver/embed/factboxes/axis/v/2/",
        "http://testserver/stories/draft-story/",
        "http://testserver/stories/scheduled-story/",
        "http://testserver/stories/nowhere/",
        "https://elsewhere.example/embed/factboxes/axis/",
        "http://testserver.evil.example/embed/factboxes/axis/",
        "http://user@testserver/embed/factboxes/axis/",
        "ftp://testserver/embed/factboxes/axis/",
        "javascript:alert(1)//testserver/embed/factboxes/axis/",
        "/embed/factboxes/axis/",
        "http://testserver/actors/axis/",
        "http://testserver/admin/",
        "http://testserver/embed.js",
        "not a url at all",
        "http://[::1/embed/factboxes/axis/",
    ],
)
def test_anything_but_a_published_box_or_live_story_of_ours_is_404(client, url):
    _published("axis")
    FactBoxItemFactory(factbox=FactBoxFactory(slug="draft-only"))
    factbox_withdraw(factbox=_published("withdrawn"), by=EditorFactory())
    ArticleFactory(slug="draft-story")
    scheduled = ArticleFactory(slug="scheduled-story")
    Article.objects.filter(pk=scheduled.pk).update(status="published", publish_at=timezone.now() + timedelta(days=1))

    response = _oembed(client, url, format="json")

    assert response.status_code == 404
    assert response.json()["error"]


@pytest.mark.parametrize("fmt", ["xml", "XML", "yaml"])
def test_formats_other_than_json_answer_501(client, fmt):
    _published("axis")
    assert _oembed(client, BOX_URL, format=fmt).status_code == 501


@pytest.mark.parametrize("query", ["", "?format=json", "?url=", "?url=%20%20"])
def test_missing_url_answers_400_with_a_reason(client, query):
    response = client.get(f"/oembed/{query}")
    assert response.status_code == 400
    assert "url" in response.json()["error"]


@pytest.mark.parametrize("name", ["maxwidth", "maxheight"])
@pytest.mark.parametrize("value", ["abc", "-5", "0", "1.5", "1e3", " 40", "٣٤"])
def test_bad_dimensions_answer_400(client, name, value):
    _published("axis")
    response = _oembed(client, BOX_URL, **{name: value})
    assert response.status_code == 400
    assert name in response.json()["error"]


def test_huge_dimensions_are_no_limit_rather_than_an_error(client):
    _published("axis")
    answer = _oembed(client, BOX_URL, maxwidth="9" * 5000, maxheight="9" * 5000).json()
    assert answer["width"] == 800 and answer["height"] < 10_000


def test_writes_are_refused(client):
    assert client.post(f"/oembed/?url={BOX_URL}").status_code == 405


# --- Caching ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [BOX_URL, f"{BOX_URL}v/1/", STORY_URL])
def test_oembed_answers_304_to_its_etag_after_one_query(client, url, django_assert_max_num_queries):
    FactBoxPlacementFactory(factbox=_published("axis"), article=_live_story("the-story"))
    first = _oembed(client, url)
    assert first["Cache-Control"] == "public, max-age=300"

    with django_assert_max_num_queries(1):
        by_etag = client.get(first.wsgi_request.get_full_path(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert by_etag.status_code == 304


@pytest.mark.parametrize("url", [BOX_URL, f"{BOX_URL}v/1/"])
def test_oembed_of_a_box_answers_304_to_its_date_after_one_query(client, url, django_assert_max_num_queries):
    _published("axis")
    first = _oembed(client, url)

    with django_assert_max_num_queries(1):
        by_date = client.get(first.wsgi_request.get_full_path(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert by_date.status_code == 304


def test_oembed_etag_changes_when_the_box_is_published_again(client):
    box = _published("axis")
    before = _oembed(client, BOX_URL)["ETag"]
    publish_factbox(factbox=box, by=EditorFactory())
    assert _oembed(client, BOX_URL)["ETag"] != before


@pytest.mark.parametrize("items", [1, 50])
@pytest.mark.parametrize("url", [BOX_URL, BOX_URL + "?compact=1", BOX_URL.replace("axis/", "axis/v/1/")])
def test_oembed_queries_do_not_grow_with_items(client, django_assert_num_queries, items, url):
    _published("axis", items=items)
    with django_assert_num_queries(2):
        assert _oembed(client, url).status_code == 200


@pytest.mark.parametrize("boxes", [1, 20])
def test_story_oembed_queries_do_not_grow_with_boxes(client, django_assert_num_queries, boxes):
    story = _live_story("the-story")
    for i in range(boxes):
        FactBoxPlacementFactory(factbox=_published(f"box-{i}"), article=story)
    # The story with its boxes' validators, then its boxes' titles for the card it lays out.
    with django_assert_num_queries(2):
        assert _oembed(client, STORY_URL).status_code == 200


# --- Discovery --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/embed/factboxes/axis/", "/embed/factboxes/axis/v/1/", "/embed/stories/the-story/"])
def test_embed_pages_link_to_their_oembed_answer(client, path):
    _published("axis")
    _live_story("the-story")
    html = client.get(path).content.decode()

    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
    discovered = unescape(link.group(1)).removeprefix("http://testserver")

    assert discovered == f"/oembed/?url={quote(f'http://testserver{path}', safe='')}&format=json"
    assert client.get(discovered).status_code == 200
