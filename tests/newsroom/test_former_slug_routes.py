"""Addresses never die: every public route given a slug its object had before answers 301 to the
object's current address, while readers may see the object, and 404 otherwise."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import public_state
from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article, FactBox
from newsroom.services import article_withdraw
from relations.models import Actor
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
)
from tests.helpers import publish_article, publish_factbox

pytestmark = pytest.mark.django_db

HOST = "http://testserver"

# Every public route addressed by a slug, as (name, address): ``{story}``, ``{actor}`` and ``{box}``
# stand for the slugs. Nested routes and query strings must survive the redirect.
ROUTES = [
    ("story page", "/stories/{story}/"),
    ("story page with a query", "/stories/{story}/?utm_source=newsletter&x=%C3%A9"),
    ("actor page", "/actors/{actor}/"),
    ("story embed", "/embed/stories/{story}/?theme=dark"),
    ("box embed", "/embed/factboxes/{box}/?theme=dark"),
    ("pinned box embed", "/embed/factboxes/{box}/v/1/"),
    ("actor feed", "/feeds/actors/{actor}.rss"),
    ("actor Atom feed", "/feeds/actors/{actor}.atom"),
    ("API story", "/api/v1/articles/{story}/"),
    ("API actor", "/api/v1/actors/{actor}/"),
    ("API actor network", "/api/v1/actors/{actor}/network/?depth=2"),
    ("API box", "/api/v1/factboxes/{box}/"),
]
ROUTE_IDS = [name for name, _ in ROUTES]
# oEmbed's addresses of ours: (name, the address it is asked about).
OEMBED_TARGETS = [
    ("story page", "/stories/{story}/"),
    ("story embed", "/embed/stories/{story}/?theme=dark"),
    ("box embed", "/embed/factboxes/{box}/?theme=light"),
    ("pinned box embed", "/embed/factboxes/{box}/v/1/"),
]
OEMBED_IDS = [name for name, _ in OEMBED_TARGETS]

OLD = {"story": "old-story", "actor": "old-actor", "box": "old-box"}
NEW = {"story": "new-story", "actor": "new-actor", "box": "new-box"}


@dataclass
class Content:
    story: Article
    actor: Actor
    box: FactBox


def _publish_box(box: FactBox) -> FactBox:
    return publish_factbox(factbox=box, by=EditorFactory()).factbox


def _public_content(slugs: dict[str, str]) -> Content:
    """A live story about a public actor, running with a published box."""
    actor = ActorFactory(slug=slugs["actor"])
    story = ArticleFactory(slug=slugs["story"])
    story.actors.add(actor)
    story = publish_article(article=story, by=EditorFactory())
    box = FactBoxFactory(slug=slugs["box"])
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(), position=1)
    box = _publish_box(box)
    FactBoxPlacementFactory(factbox=box, article=story)
    return Content(story=story, actor=actor, box=box)


def _rename(obj, slug: str):
    # As the admin does: on the row as it is now (services and the closure wrote to it since).
    obj.refresh_from_db()
    obj.slug = slug
    obj.save()
    return obj


def _rename_all(content: Content, slugs: dict[str, str]) -> None:
    for kind, slug in slugs.items():
        _rename(getattr(content, kind), slug)


@pytest.fixture
def renamed() -> Content:
    """Public content whose slugs changed from OLD to NEW after readers had them."""
    content = _public_content(OLD)
    _rename_all(content, NEW)
    return content


def _address(route: str, slugs: dict[str, str]) -> str:
    return route.format(**slugs)


def _oembed(target: str, **params) -> str:
    query = {"url": f"{HOST}{target}", "format": "json", **params}
    return "/oembed/?" + "&".join(f"{name}={quote(str(value), safe='')}" for name, value in query.items())


# --- 301 to the current address ------------------------------------------------------------------


@pytest.mark.parametrize("route", [route for _, route in ROUTES], ids=ROUTE_IDS)
def test_a_former_slug_answers_301_to_the_current_address(client, renamed, route):
    response = client.get(_address(route, OLD))
    assert response.status_code == 301
    assert response["Location"] == HOST + _address(route, NEW)
    # A permanent redirect, but not for ever: a slug taken back later must not loop in browsers.
    assert "max-age=" in response["Cache-Control"]
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("route", [route for _, route in ROUTES], ids=ROUTE_IDS)
def test_head_of_a_former_slug_answers_301_too(client, renamed, route):
    response = client.head(_address(route, OLD))
    assert response.status_code == 301
    assert response["Location"] == HOST + _address(route, NEW)


@pytest.mark.parametrize("target", [target for _, target in OEMBED_TARGETS], ids=OEMBED_IDS)
def test_oembed_of_a_former_address_answers_301_to_oembed_of_the_current_one(client, renamed, target):
    response = client.get(_oembed(_address(target, OLD), maxwidth=400, maxheight=300))
    assert response.status_code == 301
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{HOST}/oembed/"
    assert parse_qs(location.query) == {
        "url": [HOST + _address(target, NEW)],
        "format": ["json"],
        "maxwidth": ["400"],
        "maxheight": ["300"],
    }
    assert response["Access-Control-Allow-Origin"] == "*"
    followed = client.get(response["Location"])
    assert followed.status_code == 200
    assert followed.json()["width"] == 400


def test_an_embed_redirect_may_be_framed_where_the_embed_may(client, renamed, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://partner.example"]
    response = client.get(_address("/embed/factboxes/{box}/", OLD))
    assert response.status_code == 301
    assert "X-Frame-Options" not in response
    assert "frame-ancestors https://partner.example" in response["Content-Security-Policy"]


def test_every_former_slug_leads_to_the_current_address(client):
    content = _public_content(OLD)
    _rename(content.story, "second-story")
    _rename(content.story, "third-story")
    for slug in ("old-story", "second-story"):
        assert client.get(f"/stories/{slug}/")["Location"] == f"{HOST}/stories/third-story/"


def test_a_slug_taken_back_is_the_address_again_and_the_other_one_leads_to_it(client):
    content = _public_content(OLD)
    assert client.get("/stories/new-story/").status_code == 404
    _rename(content.story, "new-story")
    assert client.get("/stories/old-story/")["Location"] == f"{HOST}/stories/new-story/"
    _rename(content.story, "old-story")
    assert client.get("/stories/old-story/").status_code == 200
    assert client.get("/stories/new-story/")["Location"] == f"{HOST}/stories/old-story/"


@pytest.mark.parametrize("route", [route for _, route in ROUTES], ids=ROUTE_IDS)
def test_a_rename_ends_the_cached_answers_of_the_address(client, route):
    content = _public_content(OLD)
    first = client.get(_address(route, OLD))
    assert first.status_code == 200
    generation = public_state.current()
    _rename_all(content, NEW)
    assert public_state.current() != generation
    assert client.get(_address(route, OLD)).status_code == 301


# --- Never a redirect to what readers may not see, nor over another object's address --------------


@pytest.fixture
def renamed_out_of_sight() -> Content:
    """Content renamed and then taken off the site: a withdrawn story and box, an actor nothing
    public names any more."""
    content = _public_content(OLD)
    _rename_all(content, NEW)
    editor = EditorFactory()
    article_withdraw(article=content.story, by=editor)
    factbox_withdraw(factbox=content.box, by=editor)
    return content


@pytest.mark.parametrize("route", [route for _, route in ROUTES], ids=ROUTE_IDS)
def test_a_former_slug_of_what_readers_may_not_see_answers_404(client, renamed_out_of_sight, route):
    assert not Actor.objects.public().filter(pk=renamed_out_of_sight.actor.pk).exists()
    response = client.get(_address(route, OLD))
    assert response.status_code == 404
    assert "Location" not in response
    assert NEW["story"] not in response.content.decode()


@pytest.mark.parametrize("route", [route for _, route in ROUTES], ids=ROUTE_IDS)
def test_a_former_slug_of_a_draft_answers_404(client, route):
    _rename(ActorFactory(slug=OLD["actor"]), NEW["actor"])
    _rename(ArticleFactory(slug=OLD["story"]), NEW["story"])
    _rename(FactBoxFactory(slug=OLD["box"]), NEW["box"])
    assert client.get(_address(route, OLD)).status_code == 404


@pytest.mark.parametrize("target", [target for _, target in OEMBED_TARGETS], ids=OEMBED_IDS)
def test_oembed_of_a_former_address_of_what_readers_may_not_see_answers_404(client, renamed_out_of_sight, target):
    response = client.get(_oembed(_address(target, OLD)))
    assert response.status_code == 404
    assert NEW["story"] not in response.content.decode() and NEW["box"] not in response.content.decode()


@pytest.mark.parametrize("route", [route for _, route in ROUTES], ids=ROUTE_IDS)
def test_an_old_slug_another_object_holds_now_is_that_objects_address(client, renamed, route):
    other = _public_content(OLD)
    response = client.get(_address(route, OLD))
    assert response.status_code == 200
    if route.startswith("/api/v1/articles/"):
        assert response.json()["title"] == other.story.title
    if route.startswith("/stories/"):
        assert other.story.title in response.content.decode()


@pytest.mark.parametrize("route", [route for _, route in ROUTES], ids=ROUTE_IDS)
def test_an_old_slug_a_draft_holds_now_answers_404_not_a_redirect(client, renamed, route):
    ActorFactory(slug=OLD["actor"]), ArticleFactory(slug=OLD["story"]), FactBoxFactory(slug=OLD["box"])
    assert client.get(_address(route, OLD)).status_code == 404


@pytest.mark.parametrize("target", [target for _, target in OEMBED_TARGETS], ids=OEMBED_IDS)
def test_oembed_of_an_old_address_a_draft_holds_now_answers_404(client, renamed, target):
    ArticleFactory(slug=OLD["story"]), FactBoxFactory(slug=OLD["box"])
    assert client.get(_oembed(_address(target, OLD))).status_code == 404


def test_an_old_slug_that_was_never_anyones_still_answers_404(client, renamed):
    assert client.get("/stories/never-written/").status_code == 404
    assert client.get("/api/v1/articles/never-written/").json()["status"] == 404


# --- What a redirect costs ---------------------------------------------------------------------------


def _many_renames(content: Content) -> None:
    """Eight more former slugs for each of the objects, and eight other renamed public objects of each kind."""
    for number in range(8):
        _rename_all(content, {kind: f"{slug}-{number}" for kind, slug in NEW.items()})
        other = _public_content({kind: f"other-{kind}-{number}" for kind in OLD})
        _rename_all(other, {kind: f"other-{kind}-{number}-renamed" for kind in OLD})
    _rename_all(content, NEW)


def _count(client, address: str) -> int:
    public_state.current()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 301
    return len(queries)


# The lookup that misses, and the one that finds the current slug (plus, for the API's network and the
# embeds, what the route reads before its lookup).
REDIRECT_QUERIES = 3


@pytest.mark.parametrize("route", [route for _, route in ROUTES], ids=ROUTE_IDS)
def test_a_redirect_costs_the_same_few_queries_with_one_former_slug_or_many(
    client, renamed, route, django_assert_max_num_queries
):
    with django_assert_max_num_queries(REDIRECT_QUERIES):
        assert client.get(_address(route, OLD)).status_code == 301
    one = _count(client, _address(route, OLD))
    _many_renames(renamed)
    with django_assert_max_num_queries(REDIRECT_QUERIES):
        assert client.get(_address(route, OLD)).status_code == 301
    assert _count(client, _address(route, OLD)) == one


@pytest.mark.parametrize("target", [target for _, target in OEMBED_TARGETS], ids=OEMBED_IDS)
def test_an_oembed_redirect_costs_the_same_few_queries_with_one_former_slug_or_many(
    client, renamed, target, django_assert_max_num_queries
):
    address = _oembed(_address(target, OLD))
    with django_assert_max_num_queries(REDIRECT_QUERIES):
        assert client.get(address).status_code == 301
    one = _count(client, address)
    _many_renames(renamed)
    with django_assert_max_num_queries(REDIRECT_QUERIES):
        assert client.get(address).status_code == 301
    assert _count(client, address) == one


# --- Over HTTP ------------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _first_answer(url: str) -> tuple[int, http.client.HTTPMessage]:
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers


HTTP_ROUTES = [
    "/api/v1/articles/{story}/",
    "/api/v1/actors/{actor}/network/?depth=1",
    "/api/v1/factboxes/{box}/",
    "/embed/factboxes/{box}/?theme=dark",
    "/embed/factboxes/{box}/v/1/",
    "/embed/stories/{story}/",
]


@pytest.mark.django_db(transaction=True)
def test_partners_and_framing_sites_follow_former_addresses_over_http(live_server):
    content = _public_content(OLD)
    _rename_all(content, NEW)
    for route in HTTP_ROUTES:
        old, new = live_server.url + _address(route, OLD), live_server.url + _address(route, NEW)
        status, headers = _first_answer(old)
        assert (status, headers["Location"]) == (301, new), route
        with urllib.request.urlopen(old, timeout=10) as response:
            assert (response.status, response.url) == (200, new), route
    with urllib.request.urlopen(f"{live_server.url}/api/v1/articles/{OLD['story']}/", timeout=10) as response:
        story = json.loads(response.read().decode())
    assert story["url"] == f"{live_server.url}/api/v1/articles/{NEW['story']}/"
    embed = live_server.url + _address("/embed/factboxes/{box}/", OLD)
    oembed = f"{live_server.url}/oembed/?url={quote(embed, safe='')}&format=json&maxwidth=320"
    with urllib.request.urlopen(oembed, timeout=10) as response:
        answer = json.loads(response.read().decode())
    assert f"/embed/factboxes/{NEW['box']}/" in answer["html"] and answer["width"] == 320


# --- The feed ------------------------------------------------------------------------------------------


def test_the_feed_names_the_current_address_of_what_was_renamed(client, renamed):
    entries = client.get("/api/v1/changes/").json()["results"]
    named = {(entry["type"], entry["key"], entry["url"]) for entry in entries}
    assert named == {
        ("article", NEW["story"], f"{HOST}/api/v1/articles/{NEW['story']}/"),
        ("factbox", NEW["box"], f"{HOST}/api/v1/factboxes/{NEW['box']}/"),
    }
    for _type, _key, url in named:
        assert client.get(url).status_code == 200
