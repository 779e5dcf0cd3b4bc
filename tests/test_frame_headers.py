"""Only the embed routes may be framed by other sites, and they set no cookie; every other route says DENY."""

import re

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver, resolve

from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    SourceFactory,
)
from tests.helpers import publish_article, publish_factbox

pytestmark = pytest.mark.django_db

# Framed by any site the EMBED_FRAME_ANCESTORS setting allows.
EMBED_ROUTES = {"embed_factbox", "embed_factbox_version", "embed_story"}
# The fact box preview is framed by the box's own change page, the story preview by the article's
# preview page, and by nothing else.
SAME_ORIGIN_ROUTES = {"admin:newsroom_factbox_preview", "admin:newsroom_article_preview_page"}
# What other sites' pages load, each route by a URL that answers 200: none may set or vary on a cookie
# (embed.js and oEmbed are never framed, so they keep DENY).
COOKIE_FREE_URLS = {
    "embed_factbox": "/embed/factboxes/sample/",
    "embed_factbox_version": "/embed/factboxes/sample/v/1/",
    "embed_story": "/embed/stories/sample/",
    "embed_js": "/embed.js",
    "oembed": "/oembed/?url=http://testserver/embed/factboxes/sample/",
}
SAMPLE = "sample"


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}" if entry.name else ""


ROUTES = list(_walk(get_resolver().url_patterns))


def _object_id(route: str) -> str:
    """An existing object's id for an admin route about a model, so that its page really renders."""
    found = re.match(r"admin/(\w+)/(\w+)/", route)
    if found:
        try:
            model = apps.get_model(found[1], found[2])
        except LookupError:
            return "1"
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        return str(pk or 1)
    return "1"


def _sample(route: str, converter: str | None, name: str | None) -> str:
    if name == "app_label":
        return "newsroom"
    if name == "url":
        return "no-such-page/"
    if converter == "int" or name == "number":
        return "1"
    if converter == "slug" or name == "slug":
        return SAMPLE
    return _object_id(route)


def _concrete(route: str) -> str:
    """A URL the route matches: each converter or regex group filled with a sample value."""
    path = re.sub(r"\((?:\?P<(\w+)>)?[^()]*\)", lambda m: _sample(route, None, m[1]), route)
    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: _sample(route, m[1], m[2]), path)
    return "/" + path.replace("^", "").replace("$", "")


@pytest.fixture
def world(db):
    """A live story, a published box and an actor all called "sample", and one of everything else."""
    editor = EditorFactory(username="editor")
    story = ArticleFactory(slug=SAMPLE)
    claim = ClaimFactory()
    claim.sources.add(SourceFactory())
    ClaimRelationshipFactory(claim=claim)
    ArticleClaimFactory(article=story, claim=claim)
    story.actors.add(ActorFactory(slug=SAMPLE))
    publish_article(article=story, by=editor)
    box = FactBoxFactory(slug=SAMPLE)
    FactBoxItemFactory(factbox=box)
    FactBoxPlacementFactory(factbox=box, article=story)
    publish_factbox(factbox=box, by=editor)
    return editor


def test_every_route_is_checked():
    names = {name for _route, name in ROUTES}
    assert EMBED_ROUTES | SAME_ORIGIN_ROUTES | {"embed_js", "oembed", "home", "admin:index"} <= names
    assert len(ROUTES) > 50


@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[route or "/" for route, _ in ROUTES])
def test_only_embed_routes_may_be_framed(client, world, route, name):
    client.force_login(world)
    url = _concrete(route)
    # The URL really is this route's (a resolved route drops the regex anchors' ^).
    assert resolve(url).route == re.sub(r"(^|/)\^", r"\1", route), url

    response = client.get(url)

    policy = response.get("Content-Security-Policy", "")
    if name in EMBED_ROUTES:
        assert response.status_code == 200, url
        assert "X-Frame-Options" not in response
        assert "frame-ancestors *" in policy
    elif name in SAME_ORIGIN_ROUTES:
        assert response.status_code == 200, url
        assert response["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in policy
    else:
        assert response["X-Frame-Options"] == "DENY", (url, response.status_code)
        assert "frame-ancestors 'none'" in policy
        # The site's strict policy (docs in config/settings.py): this site's scripts and styles only,
        # and on a page that needs one (the body editor's import map) an inline script carrying the
        # page's own nonce.
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["style-src"] == "'self'", (url, policy)
        assert re.fullmatch(r"'self'( 'nonce-[A-Za-z0-9+/=]+')?", directives["script-src"]), (url, policy)
    # Nothing anywhere runs inline code a policy did not name by its hash.
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, (url, policy)


def test_every_embed_route_is_among_the_cookie_free():
    assert set(COOKIE_FREE_URLS) >= EMBED_ROUTES


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("url", list(COOKIE_FREE_URLS.values()), ids=list(COOKIE_FREE_URLS))
def test_embed_responses_set_no_cookie_and_do_not_vary_on_one(client, world, url, signed_in):
    if signed_in:
        client.force_login(world)
        client.get("/admin/")  # a CSRF cookie and a session in use, as an editor's browser has

    response = client.get(url)

    assert response.status_code == 200
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()


def test_story_url_in_oembed_sets_no_cookie_either(client, world):
    client.force_login(world)
    response = client.get("/oembed/?url=http://testserver/stories/sample/")
    assert response.status_code == 200 and not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()


def test_the_story_page_is_not_framable_even_though_it_is_embedded_through_its_card(client, world):
    response = client.get("/stories/sample/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
