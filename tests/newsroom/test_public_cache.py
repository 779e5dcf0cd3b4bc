"""The readers' pages, embeds, /embed.js and oEmbed served from the cache: the same answer as the
views', ended by every public change."""

import urllib.error
import urllib.request
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone
from django.utils.http import http_date

from core import public_state
from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article
from newsroom.services import article_withdraw
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

MIDDLEWARE = "core.public_cache.PublicCacheMiddleware"
BOX = "/embed/factboxes/axis/"
PINNED = "/embed/factboxes/axis/v/1/"
STORY = "/embed/stories/the-story/"
OEMBED_BOX = "/oembed/?url=http://testserver/embed/factboxes/axis/%3Ftheme%3Ddark&maxwidth=400"
OEMBED_STORY = "/oembed/?url=http://testserver/stories/the-story/"
EMBEDS = [BOX, f"{BOX}?theme=dark", PINNED, STORY, "/embed.js", OEMBED_BOX, OEMBED_STORY]
PAGES = ["/", "/sections/world/", "/stories/the-story/", "/actors/russia/"]
ADDRESSES = [*EMBEDS, *PAGES]


@pytest.fixture
def content(db):
    editor = EditorFactory()
    box = FactBoxFactory(slug="axis", title="The axis")
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(text="Russia and North Korea signed a treaty."))
    publish_factbox(factbox=box, by=editor)
    story = ArticleFactory(slug="the-story")
    story.actors.add(ActorFactory(slug="russia", name="Russia"))
    FactBoxPlacementFactory(factbox=box, article=story)
    publish_article(article=story, by=editor)
    box.refresh_from_db()
    return {"editor": editor, "box": box, "story": story}


@pytest.fixture
def without_cache(settings):
    """The views' own answers: the stack as it was before the middleware."""

    def use(on: bool) -> None:
        settings.MIDDLEWARE = [name for name in django_settings.MIDDLEWARE if on or name != MIDDLEWARE]

    return use


def _headers(response) -> dict[str, str]:
    return dict(response.items())


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_hit_answers_what_the_view_answered(client, content, address, django_assert_num_queries):
    miss = client.get(address)
    assert miss.status_code == 200

    with django_assert_num_queries(0):
        hit = client.get(address)

    assert hit.status_code == 200
    assert _headers(hit) == _headers(miss)
    assert hit.content == miss.content
    assert "Set-Cookie" not in hit and "Cookie" not in hit.get("Vary", "")


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_hit_answers_what_the_stack_without_the_cache_answers(client, content, address, without_cache):
    without_cache(False)
    plain = client.get(address)
    without_cache(True)
    client.get(address)
    hit = client.get(address)
    assert _headers(hit) == _headers(plain) and hit.content == plain.content


# The embeds carry an ETag; the pages are revalidated by date, if at all.
@pytest.mark.parametrize("address", EMBEDS)
@pytest.mark.parametrize("validator", ["etag", "weak", "list", "any", "etag and date", "if-match", "date"])
def test_a_304_from_the_cache_is_the_views_304(client, content, address, validator, without_cache):
    first = client.get(address)
    etag = first["ETag"]
    conditions = {
        "etag": {"HTTP_IF_NONE_MATCH": etag},
        "weak": {"HTTP_IF_NONE_MATCH": f"W/{etag}"},
        "list": {"HTTP_IF_NONE_MATCH": f'"older", {etag}'},
        "any": {"HTTP_IF_NONE_MATCH": "*"},
        "etag and date": {"HTTP_IF_NONE_MATCH": etag, "HTTP_IF_MODIFIED_SINCE": http_date(0)},
        "if-match": {"HTTP_IF_MATCH": etag, "HTTP_IF_NONE_MATCH": etag},
    }
    expected = 304
    if validator in conditions:
        condition = conditions[validator]
    elif "Last-Modified" in first:
        condition = {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]}
    else:
        # An answer without a date is revalidated by its ETag only: a date alone gets it whole, cached or not.
        condition, expected = {"HTTP_IF_MODIFIED_SINCE": http_date()}, 200
    without_cache(False)
    views_own = client.get(address, **condition)
    without_cache(True)

    cached = client.get(address, **condition)

    assert views_own.status_code == cached.status_code == expected
    assert _headers(cached) == _headers(views_own)
    assert cached.content == (b"" if expected == 304 else views_own.content)


def test_a_304_from_the_cache_reads_nothing(client, content, django_assert_num_queries):
    etag = client.get(BOX)["ETag"]
    with django_assert_num_queries(0):
        assert client.get(BOX, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_story_page_revalidated_by_date_gets_its_304_from_the_cache(client, content, django_assert_num_queries):
    modified = client.get("/stories/the-story/")["Last-Modified"]
    with django_assert_num_queries(0):
        answer = client.get("/stories/the-story/", HTTP_IF_MODIFIED_SINCE=modified)
    assert answer.status_code == 304 and answer["Last-Modified"] == modified


def test_a_conditional_miss_answers_304_and_fills_the_cache(client, content, django_assert_num_queries):
    etag = client.get(BOX)["ETag"]
    public_state.forget()

    assert client.get(BOX, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(0):
        assert client.get(BOX).status_code == 200
        assert client.get(BOX, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_stale_validator_gets_the_full_answer_from_the_cache(client, content):
    first = client.get(BOX)
    stale = client.get(BOX, HTTP_IF_NONE_MATCH='"not-it"', HTTP_IF_MODIFIED_SINCE=http_date(0))
    assert stale.status_code == 200 and stale.content == first.content


def test_head_is_answered_from_the_cache_with_gets_headers(client, content):
    get = client.get(BOX)
    head = client.head(BOX)
    assert head.status_code == 200 and _headers(head) == _headers(get)


def test_each_host_and_query_is_its_own_entry(client, content):
    light = client.get(f"{BOX}?theme=light")
    dark = client.get(f"{BOX}?theme=dark")
    assert light["ETag"] != dark["ETag"]
    on_localhost = client.get(OEMBED_STORY.replace("testserver", "localhost"), HTTP_HOST="localhost")
    assert b"http://localhost/" in on_localhost.content
    assert b"http://localhost/" not in client.get(OEMBED_STORY).content


def test_a_host_not_served_is_refused_as_before(client, content):
    client.get(BOX)
    assert client.get(BOX, HTTP_HOST="evil.example").status_code == 400


def test_a_session_cookie_changes_nothing(client, content, editor):
    miss = client.get(BOX)
    client.force_login(editor)
    hit = client.get(BOX)
    assert _headers(hit) == _headers(miss) and "Set-Cookie" not in hit


# --- Nothing withdrawn or replaced is served ----------------------------------------------------------


def _fill(client, *addresses: str) -> None:
    for address in addresses:
        assert client.get(address).status_code == 200
        assert client.get(address).status_code == 200  # now a hit


def test_a_withdrawn_box_is_never_served_from_the_cache(client, content):
    _fill(client, BOX, PINNED, OEMBED_BOX, STORY, "/stories/the-story/")

    factbox_withdraw(factbox=content["box"], by=content["editor"])

    assert client.get(BOX).status_code == 410
    assert client.get(PINNED).status_code == 410
    assert client.get(OEMBED_BOX).status_code == 404
    assert b"The axis" not in client.get(STORY).content
    assert b"The axis" not in client.get("/stories/the-story/").content


def test_a_withdrawn_box_is_not_served_on_revalidation_either(client, content):
    etag = client.get(BOX)["ETag"]
    factbox_withdraw(factbox=content["box"], by=content["editor"])
    assert client.get(BOX, HTTP_IF_NONE_MATCH=etag).status_code == 410


def test_publishing_again_ends_the_cached_versions(client, content):
    _fill(client, BOX, PINNED)
    before = {address: client.get(address) for address in (BOX, PINNED)}

    FactBoxItemFactory(factbox=content["box"], claim=ClaimFactory(text="A second claim, in version 2."), position=2)
    publish_factbox(factbox=content["box"], by=content["editor"])

    latest = client.get(BOX)
    assert latest["ETag"] != before[BOX]["ETag"] and b"A second claim, in version 2." in latest.content
    pinned = client.get(PINNED)
    # Version 1 stays as it was, and now says a newer one is out.
    assert pinned["ETag"] != before[PINNED]["ETag"] and b"A second claim" not in pinned.content


def test_a_withdrawn_story_is_never_served_from_the_cache(client, content):
    _fill(client, STORY, OEMBED_STORY, *PAGES)

    article_withdraw(article=content["story"], by=content["editor"])

    assert client.get(STORY).status_code == 404
    assert client.get(OEMBED_STORY).status_code == 404
    assert client.get("/stories/the-story/").status_code == 404
    # The story was all that made its actor public.
    assert client.get("/actors/russia/").status_code == 404
    assert b"/stories/the-story/" not in client.get("/").content


def test_a_live_actor_renamed_shows_on_its_pages_at_once(client, content):
    _fill(client, *PAGES)
    actor = content["story"].actors.get()

    actor.name = "The Russian Federation"
    actor.save()

    assert b"The Russian Federation" in client.get("/actors/russia/").content
    assert b"The Russian Federation" in client.get("/stories/the-story/").content


def test_what_is_committed_ends_the_cache_again(client, content, django_capture_on_commit_callbacks):
    """Another process may have cached the old rows between the change and its commit."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        factbox_withdraw(factbox=content["box"], by=content["editor"])
    generation = public_state.current()
    for callback in callbacks:
        callback()
    assert public_state.current() != generation


# --- Scheduled moments --------------------------------------------------------------------------------


def test_the_public_state_ends_when_a_scheduled_story_goes_live(content):
    now = timezone.now() + timedelta(seconds=1)
    with time_machine.travel(now, tick=False):
        publish_article(article=ArticleFactory(slug="later"), by=content["editor"], publish_at=now + timedelta(hours=1))
        generation = public_state.current()
        assert public_state.lookup() == generation
    with time_machine.travel(now + timedelta(minutes=59), tick=False):
        assert public_state.lookup() == generation
    with time_machine.travel(now + timedelta(hours=1), tick=False):
        assert public_state.lookup() is None
        assert public_state.current() != generation


def test_answers_cached_before_a_scheduled_story_goes_live_end_at_its_moment(client, content):
    """No job runs at the moment: the generation the answers were cached under carries it."""
    now = timezone.now() + timedelta(seconds=1)
    with time_machine.travel(now, tick=False):
        later = ArticleFactory(slug="later", title="Later")
        publish_article(article=later, by=content["editor"], publish_at=now + timedelta(hours=1))
        _fill(client, STORY, "/api/v1/articles/", "/")
        assert b"Later" not in client.get("/api/v1/articles/").content
        assert b"/stories/later/" not in client.get("/").content
        assert client.get("/embed/stories/later/").status_code == 404
        assert client.get("/stories/later/").status_code == 404
    with time_machine.travel(now + timedelta(hours=1, seconds=1), tick=False):
        assert b"Later" in client.get("/api/v1/articles/").content
        assert b"/stories/later/" in client.get("/").content
        assert client.get("/embed/stories/later/").status_code == 200
        assert client.get("/stories/later/").status_code == 200


def test_the_moment_comes_from_scheduled_stories_only(content):
    assert Article.objects.scheduled().count() == 0
    public_state.current()
    assert public_state.lookup() is not None


# --- Real HTTP ----------------------------------------------------------------------------------------


def _fetch(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _served(headers) -> dict[str, str]:
    # The server's own clock, not the answer's.
    return {name: value for name, value in headers.items() if name != "Date"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("starting_vocabulary")
def test_over_http_the_cached_embed_is_the_rendered_one_until_withdrawn(live_server):
    editor = EditorFactory()
    box = FactBoxFactory(slug="axis", title="The axis")
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(text="Russia and North Korea signed a treaty."))
    publish_factbox(factbox=box, by=editor)
    url = f"{live_server.url}{BOX}"

    status, rendered, body = _fetch(url)
    again, cached, cached_body = _fetch(url)
    assert status == again == 200 and cached_body == body
    assert _served(cached) == _served(rendered)
    status, not_modified, empty = _fetch(url, **{"If-None-Match": rendered["ETag"]})
    assert status == 304 and empty == b"" and not_modified["ETag"] == rendered["ETag"]

    box.refresh_from_db()
    factbox_withdraw(factbox=box, by=editor)
    assert _fetch(url)[0] == 410
    assert _fetch(url, **{"If-None-Match": rendered["ETag"]})[0] == 410


def test_with_debug_on_an_edited_page_template_ends_the_cached_pages(settings, tmp_path):
    """The development server reloads templates without a restart: the pages it cached must go too."""
    from core.public_cache import code_digest

    code_digest()  # the deployed code's part is taken once per process, from the real checkout
    settings.DEBUG = True
    settings.BASE_DIR = tmp_path
    (tmp_path / "templates" / "admin").mkdir(parents=True)
    base = tmp_path / "templates" / "base.html"
    base.write_text("<main>{% block content %}{% endblock %}</main>")
    before = code_digest()

    (tmp_path / "templates" / "admin" / "index.html").write_text("The admin renders no reader's page.")
    assert code_digest() == before
    base.write_text("<main class='wide'>{% block content %}{% endblock %}</main>")
    assert code_digest() != before
