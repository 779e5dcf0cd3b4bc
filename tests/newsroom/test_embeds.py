"""Fact box and story embeds: they show the published version only, are self-contained, and cache well."""

import base64
import hashlib
import re
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.utils.http import http_date

from newsroom.embeds import assets as embed_assets
from newsroom.embeds import embed_page
from newsroom.factboxes.services import factbox_withdraw
from newsroom.factboxes.snapshots import build_snapshot
from newsroom.models import Article, FactBox, FactBoxPlacement
from relations.models import Claim
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

FACTBOX_CSS = "newsroom/static/newsroom/factbox.css"
CANARY = "CANARY-internal-0f3c"
# The box's row (with its version's id and date), then the frozen payload.
EMBED_QUERIES = 2
# The story with its boxes' validators, then its boxes' published titles.
STORY_CARD_QUERIES = 2


def _box(
    slug: str = "axis", claims: tuple[str, ...] = ("Russia and North Korea signed a treaty.",), **fields
) -> FactBox:
    box = FactBoxFactory(slug=slug, **fields)
    for position, text in enumerate(claims, start=1):
        FactBoxItemFactory(factbox=box, claim=ClaimFactory(text=text), position=position)
    return box


def _published(slug: str = "axis", **fields) -> FactBox:
    box = _box(slug, **fields)
    return publish_factbox(factbox=box, by=EditorFactory()).factbox


def _republish(box: FactBox) -> FactBox:
    return publish_factbox(factbox=box, by=EditorFactory()).factbox


def _live_story(slug: str = "the-story", **fields) -> Article:
    return publish_article(article=ArticleFactory(slug=slug, **fields), by=EditorFactory())


def _inline(html: str, tag: str) -> str:
    return re.search(rf"<{tag}>(.*?)</{tag}>", html, re.S).group(1)


def _csp_source(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


# --- Real HTTP ----------------------------------------------------------------------------------


def _fetch(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.mark.django_db(transaction=True)
def test_embed_answers_the_published_box_over_http(live_server):
    _published("axis", title="The axis at a glance", claims=("Only Russia and North Korea have a defence treaty.",))

    status, headers, html = _fetch(f"{live_server.url}/embed/factboxes/axis/")

    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "The axis at a glance" in html and "Only Russia and North Korea have a defence treaty." in html
    assert "X-Frame-Options" not in headers
    assert "frame-ancestors *" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "public, max-age=300"
    assert headers["ETag"].startswith('"') and headers["Last-Modified"]


@pytest.mark.django_db(transaction=True)
def test_editing_the_draft_changes_no_embed_until_it_is_published_again(live_server):
    box = _published("axis", title="Published title", claims=("The published statement.",))
    claim = Claim.objects.get(factbox_items__factbox=box)
    embed, pinned = f"{live_server.url}/embed/factboxes/axis/", f"{live_server.url}/embed/factboxes/axis/v/1/"
    oembed = f"{live_server.url}/oembed/?url={embed}&format=json"
    before = {url: _fetch(url) for url in (embed, oembed)}

    FactBox.objects.filter(pk=box.pk).update(title="Draft title")
    Claim.objects.filter(pk=claim.pk).update(text="The edited statement.")
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(text="A statement added to the draft."), position=9)

    for url, (status, headers, body) in before.items():
        status_now, headers_now, body_now = _fetch(url)
        assert (status_now, body_now, headers_now["ETag"]) == (status, body, headers["ETag"]), url

    assert _republish(box).published_version.number == 2
    _, _, html = _fetch(embed)
    assert "Draft title" in html and "The edited statement." in html and "A statement added to the draft." in html
    assert "The published statement." not in html
    _, _, answer = _fetch(oembed)
    assert '"title": "Draft title"' in answer
    _, _, old = _fetch(pinned)
    assert "Published title" in old and "The published statement." in old and "The edited statement." not in old


@pytest.mark.django_db(transaction=True)
def test_withdrawn_box_embed_answers_410_over_http(live_server):
    box = _published("axis", title="A box we took down")
    factbox_withdraw(factbox=box, by=EditorFactory())

    status, headers, html = _fetch(f"{live_server.url}/embed/factboxes/axis/")

    assert status == 410
    assert "withdrawn" in html and "A box we took down" not in html
    assert "X-Frame-Options" not in headers


@pytest.mark.django_db(transaction=True)
def test_conditional_request_answers_304_over_http(live_server):
    _published("axis")
    url = f"{live_server.url}/embed/factboxes/axis/"
    _, headers, _ = _fetch(url)

    status, headers_304, body = _fetch(url, **{"If-None-Match": headers["ETag"]})

    assert status == 304 and body == ""
    assert headers_304["ETag"] == headers["ETag"]
    assert headers_304["Cache-Control"] == "public, max-age=300"


# --- Visibility -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/embed/factboxes/axis/", "/embed/factboxes/axis/v/1/"])
def test_never_published_box_has_no_embed(client, path):
    _box("axis", title="Only a draft")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/embed/factboxes/nowhere/", "/embed/factboxes/nowhere/v/1/"])
def test_unknown_box_has_no_embed(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/embed/factboxes/axis/", "/embed/factboxes/axis/v/1/"])
def test_withdrawn_box_answers_410_and_shows_nothing_of_it(client, path):
    box = _published("axis", title="Taken down", claims=("A statement we took down.",))
    factbox_withdraw(factbox=box, by=EditorFactory())

    response = client.get(path)

    assert response.status_code == 410
    html = response.content.decode()
    assert "Taken down" not in html and "A statement we took down." not in html
    assert "frame-ancestors" in response["Content-Security-Policy"]


def test_pinned_version_that_does_not_exist_is_404(client):
    _published("axis")
    assert client.get("/embed/factboxes/axis/v/2/").status_code == 404


def test_pinned_version_of_a_withdrawn_box_that_never_existed_is_404(client):
    factbox_withdraw(factbox=_published("axis"), by=EditorFactory())
    assert client.get("/embed/factboxes/axis/v/7/").status_code == 404


def test_internal_notes_never_reach_an_embed(client):
    box = _box("axis")
    Claim.objects.filter(factbox_items__factbox=box).update(internal_note=CANARY)
    publish_factbox(factbox=box, by=EditorFactory())
    story = _live_story("the-story")
    FactBoxPlacementFactory(factbox=box, article=story)
    paths = [
        "/embed/factboxes/axis/",
        "/embed/factboxes/axis/v/1/",
        "/embed/stories/the-story/",
        "/oembed/?url=http://testserver/embed/factboxes/axis/",
        "/oembed/?url=http://testserver/stories/the-story/",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert CANARY not in response.content.decode(), path


# --- Pinned versions -----------------------------------------------------------------------------------


def test_pinned_latest_version_has_no_newer_version_note(client):
    _published("axis")
    assert "A newer version of this box exists" not in client.get("/embed/factboxes/axis/v/1/").content.decode()


def test_pinned_older_version_links_to_the_latest(client):
    box = _published("axis", claims=("First wording.",))
    Claim.objects.filter(factbox_items__factbox=box).update(text="Second wording.")
    _republish(box)

    html = client.get("/embed/factboxes/axis/v/1/?theme=dark").content.decode()

    assert "First wording." in html and "Second wording." not in html
    assert "A newer version of this box exists" in html
    assert 'href="http://testserver/embed/factboxes/axis/?theme=dark"' in html


# --- The page ------------------------------------------------------------------------------------------


THEMES = [("", "auto"), ("?theme=light", "light"), ("?theme=dark", "dark"), ("?theme=%22%3E", "auto")]


@pytest.mark.parametrize(("query", "theme"), THEMES)
def test_theme_parameter_sets_the_page_theme(client, query, theme):
    _published("axis")
    html = client.get(f"/embed/factboxes/axis/{query}").content.decode()
    assert f'<html lang="en" data-theme="{theme}">' in html


def test_embed_page_loads_nothing_from_elsewhere(client):
    _published("axis")
    html = client.get("/embed/factboxes/axis/").content.decode()

    assert '<link rel="stylesheet"' not in html and "<script src" not in html
    assert '<base target="_blank">' in html
    assert '<meta name="robots" content="noindex">' in html


def test_embed_page_inlines_the_factbox_stylesheet(client, settings):
    _published("axis")
    css = (settings.BASE_DIR / FACTBOX_CSS).read_text()
    assert css in _inline(client.get("/embed/factboxes/axis/").content.decode(), "style")


def test_content_security_policy_allows_exactly_the_inline_style_and_script(client):
    _published("axis")
    response = client.get("/embed/factboxes/axis/")
    html = response.content.decode()

    policy = dict(part.split(" ", 1) for part in response["Content-Security-Policy"].split("; "))

    assert policy["default-src"] == "'none'"
    assert policy["style-src"] == _csp_source(_inline(html, "style"))
    assert policy["script-src"] == _csp_source(_inline(html, "script"))
    assert policy["img-src"] == "'self' data:"
    assert policy["base-uri"] == "'none'" and policy["form-action"] == "'none'"
    assert policy["frame-ancestors"] == "*"


def test_frame_ancestors_come_from_the_setting(client, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://partner.example", "https://*.example.net"]
    _published("axis")
    policy = client.get("/embed/factboxes/axis/")["Content-Security-Policy"]
    assert policy.endswith("frame-ancestors https://partner.example https://*.example.net")


def test_frame_script_posts_only_its_height(client):
    _published("axis")
    script = _inline(client.get("/embed/factboxes/axis/").content.decode(), "script")
    assert 'postMessage({ type: "newsroom:factbox-height", height: height, href: location.href }, "*")' in script
    assert "ResizeObserver" in script


def test_embed_page_renders_a_draft_payload_for_the_preview():
    box = _box("axis", title="A draft in preview")
    request = RequestFactory().get("/admin/preview/")

    response = embed_page(request, build_snapshot(box).payload, theme="dark")

    html = response.content.decode()
    assert response.status_code == 200
    assert "A draft in preview" in html and 'data-theme="dark"' in html
    assert response["Content-Security-Policy"].endswith("frame-ancestors 'self'")
    assert "ETag" not in response and "Cache-Control" not in response
    assert "application/json+oembed" not in html


# --- The story card ------------------------------------------------------------------------------------


def test_story_card_shows_a_live_story_and_its_published_boxes(client):
    story = _live_story("the-story", title="An axis in name only", standfirst="How far they stand together.")
    Article.objects.filter(pk=story.pk).update(section="World")
    box = _published("axis", title="The published title")
    FactBox.objects.filter(pk=box.pk).update(title="A draft title")
    FactBoxPlacementFactory(factbox=box, article=story)
    FactBoxPlacementFactory(factbox=_box("draft-only", title="A box never published"), article=story)

    response = client.get("/embed/stories/the-story/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "World" in html and "An axis in name only" in html and "How far they stand together." in html
    assert 'href="http://testserver/stories/the-story/"' in html
    assert "The published title" in html
    assert "A draft title" not in html and "A box never published" not in html
    assert "frame-ancestors *" in response["Content-Security-Policy"]


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "withdrawn"])
def test_story_card_is_404_unless_the_story_is_live(client, state):
    story = ArticleFactory(slug="the-story")
    if state == "scheduled":
        Article.objects.filter(pk=story.pk).update(status="published", publish_at=timezone.now() + timedelta(days=1))
    else:
        Article.objects.filter(pk=story.pk).update(status=state)
    assert client.get("/embed/stories/the-story/").status_code == 404


# --- Caching -------------------------------------------------------------------------------------------


BOX_PATHS = ["/embed/factboxes/axis/", "/embed/factboxes/axis/v/1/"]
EMBED_PATHS = [*BOX_PATHS, "/embed/stories/the-story/"]


@pytest.fixture
def embeds(db):
    box = _published("axis")
    FactBoxPlacementFactory(factbox=box, article=_live_story("the-story"))
    return box


@pytest.mark.parametrize("path", EMBED_PATHS)
def test_embed_carries_an_etag_and_public_cache_control(client, embeds, path):
    response = client.get(path)
    assert response.status_code == 200
    assert re.fullmatch(r'"[^"]+"', response["ETag"])  # strong: no W/
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("path", BOX_PATHS)
def test_box_embeds_carry_last_modified(client, embeds, path):
    assert client.get(path)["Last-Modified"]


def test_story_card_has_no_last_modified_to_revalidate_by(client, embeds):
    # Taking a box off the story changes the card but leaves no date to compare.
    assert "Last-Modified" not in client.get("/embed/stories/the-story/")


def test_story_card_etag_changes_when_a_box_is_taken_off_the_story(client, embeds):
    before = client.get("/embed/stories/the-story/")
    FactBoxPlacement.objects.all().delete()
    after = client.get("/embed/stories/the-story/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]


def test_cache_age_comes_from_the_setting(client, embeds, settings):
    settings.EMBED_MAX_AGE = 60
    assert client.get("/embed/factboxes/axis/")["Cache-Control"] == "public, max-age=60"


def test_box_last_modified_is_its_publication(client, embeds):
    published = embeds.published_version.published_at
    assert client.get("/embed/factboxes/axis/")["Last-Modified"] == http_date(published.timestamp())


@pytest.mark.parametrize("path", EMBED_PATHS)
def test_if_none_match_answers_304_after_one_query(client, embeds, path, django_assert_max_num_queries):
    etag = client.get(path)["ETag"]
    with django_assert_max_num_queries(1):
        response = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag and response["Cache-Control"] == "public, max-age=300"
    assert response.content == b""


@pytest.mark.parametrize("path", BOX_PATHS)
def test_if_modified_since_answers_304_after_one_query(client, embeds, path, django_assert_max_num_queries):
    last_modified = client.get(path)["Last-Modified"]
    with django_assert_max_num_queries(1):
        response = client.get(path, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


def test_stale_etag_gets_the_full_page(client, embeds):
    response = client.get("/embed/factboxes/axis/", HTTP_IF_NONE_MATCH='"something-else"')
    assert response.status_code == 200 and b"factbox" in response.content


def test_etag_and_last_modified_change_when_the_box_is_published_again(client, embeds):
    # Last-Modified counts seconds: the first publication, and the claims it shows, are moved an hour back.
    an_hour_ago = timezone.now() - timedelta(hours=1)
    embeds.versions.update(published_at=an_hour_ago)
    FactBox.objects.filter(pk=embeds.pk).update(last_published_at=an_hour_ago)
    Claim.objects.update(updated_at=an_hour_ago - timedelta(minutes=1))
    before = client.get("/embed/factboxes/axis/")

    _republish(embeds)
    after = client.get("/embed/factboxes/axis/", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"] and after["Last-Modified"] != before["Last-Modified"]


def test_pinned_version_etag_changes_when_a_newer_version_is_published(client, embeds):
    before = client.get("/embed/factboxes/axis/v/1/")["ETag"]
    _republish(embeds)
    after = client.get("/embed/factboxes/axis/v/1/", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before


def test_each_theme_is_its_own_representation(client, embeds):
    etags = {client.get(f"/embed/factboxes/axis/?theme={theme}")["ETag"] for theme in ("light", "dark", "auto")}
    assert len(etags) == 3


def test_a_new_stylesheet_is_a_new_representation(client, embeds, monkeypatch):
    before = client.get("/embed/factboxes/axis/")
    read = embed_assets._static
    restyled = {"newsroom/factbox.css": read("newsroom/factbox.css") + "\n.factbox{}"}
    monkeypatch.setattr(embed_assets, "_static", lambda name: restyled.get(name) or read(name))
    embed_assets._load.cache_clear()
    try:
        after = client.get("/embed/factboxes/axis/", HTTP_IF_NONE_MATCH=before["ETag"])
    finally:
        embed_assets._load.cache_clear()

    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert ".factbox{}" in _inline(after.content.decode(), "style")
    assert after["Content-Security-Policy"] != before["Content-Security-Policy"]


def test_story_card_etag_changes_when_a_box_with_it_is_withdrawn(client, embeds):
    before = client.get("/embed/stories/the-story/")
    factbox_withdraw(factbox=embeds, by=EditorFactory())
    after = client.get("/embed/stories/the-story/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]


@pytest.mark.parametrize("path", EMBED_PATHS)
def test_head_answers_the_headers_without_a_body(client, embeds, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"] and head["Content-Security-Policy"] == get["Content-Security-Policy"]


@pytest.mark.parametrize("path", EMBED_PATHS)
def test_embeds_refuse_writes(client, embeds, path):
    assert client.post(path).status_code == 405


@pytest.mark.parametrize("n", [1, 50])
def test_embed_queries_do_not_grow_with_items(client, django_assert_num_queries, n):
    _published("axis", claims=tuple(f"Statement {i}." for i in range(n)))
    with django_assert_num_queries(EMBED_QUERIES):
        assert client.get("/embed/factboxes/axis/").status_code == 200
    with django_assert_num_queries(EMBED_QUERIES):
        assert client.get("/embed/factboxes/axis/v/1/").status_code == 200


@pytest.mark.parametrize("n", [1, 50])
def test_compact_embed_queries_do_not_grow_with_items(client, django_assert_num_queries, n):
    _published("axis", claims=tuple(f"Statement {i}." for i in range(n)))
    with django_assert_num_queries(EMBED_QUERIES):
        assert client.get("/embed/factboxes/axis/?compact=1").status_code == 200
    with django_assert_num_queries(EMBED_QUERIES):
        assert client.get("/embed/factboxes/axis/v/1/?compact=1").status_code == 200


@pytest.mark.parametrize("n", [1, 30])
def test_story_card_queries_do_not_grow_with_boxes(client, django_assert_num_queries, n):
    story = _live_story("the-story")
    for i in range(n):
        FactBoxPlacementFactory(factbox=_published(f"box-{i}"), article=story)
    with django_assert_num_queries(STORY_CARD_QUERIES):
        assert client.get("/embed/stories/the-story/").status_code == 200


# --- /embed.js ------------------------------------------------------------------------------------------


def test_embed_script_is_served_as_javascript_with_cache_headers(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300" and response["ETag"]
    assert b"data-factbox" in response.content and b"newsroom:factbox-height" in response.content


def test_embed_script_answers_304_without_a_query(client, django_assert_num_queries):
    etag = client.get("/embed.js")["ETag"]
    with django_assert_num_queries(0):
        assert client.get("/embed.js", HTTP_IF_NONE_MATCH=etag).status_code == 304


# --- Compact ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/embed/factboxes/axis/?compact=1", "/embed/factboxes/axis/v/1/?compact=1&theme=dark"]
)
def test_compact_box_shows_its_title_first_items_and_a_link_to_all(client, path):
    _published("axis", title="The axis at a glance", claims=tuple(f"Statement {i}." for i in range(7)))
    html = client.get(path).content.decode()

    assert "The axis at a glance" in html
    assert [f"Statement {i}." in html for i in range(7)] == [True] * 3 + [False] * 4
    full = path.split("?")[0] + ("?theme=dark" if "theme=dark" in path else "")
    assert f'<a href="http://testserver{full}" target="_blank" rel="noopener">See all 7 items</a>' in html


def test_compact_is_its_own_representation(client):
    _published("axis")
    full, compact = client.get("/embed/factboxes/axis/"), client.get("/embed/factboxes/axis/?compact=1")
    assert full["ETag"] != compact["ETag"]
    assert "See all" not in full.content.decode()
    assert client.get("/embed/factboxes/axis/?compact=yes").content == full.content


def test_compact_map_lists_its_first_ties_without_the_drawing(client, demo):
    html = client.get("/embed/factboxes/the-axis-at-a-glance/?compact=1").content.decode()
    assert "<svg" not in html.split('class="factbox')[1] or 'class="fb-map-svg"' not in html
    assert html.count('class="fb-item fb-item-relationship"') == 3
    assert re.search(r"See all \d+ items", html)


@pytest.mark.parametrize("path", ["/embed/factboxes/draft/?compact=1", "/embed/factboxes/draft/v/1/?compact=1"])
def test_compact_draft_is_never_shown(client, path):
    FactBoxFactory(slug="draft")
    assert client.get(path).status_code == 404
