"""The public pages answer over real HTTP, stylesheet included."""

import urllib.error
import urllib.request

import pytest

from tests.factories import ActorFactory, ArticleClaimFactory, ArticleFactory, ClaimFactory, EditorFactory
from tests.helpers import publish_article

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("starting_vocabulary")]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read().decode()


def test_public_pages_answer_200_over_http(live_server):
    article = ArticleFactory(title="Over the wire", slug="over-the-wire")
    ArticleClaimFactory(article=article, claim=ClaimFactory(text="A claim read over HTTP."))
    article.actors.add(ActorFactory(name="Iran", slug="iran"))
    publish_article(article=article, by=EditorFactory())

    status, _, home = _get(f"{live_server.url}/")
    assert status == 200 and "Over the wire" in home
    status, headers, story = _get(f"{live_server.url}/stories/over-the-wire/")
    assert status == 200 and "A claim read over HTTP." in story
    assert headers["Last-Modified"]
    status, _, actor = _get(f"{live_server.url}/actors/iran/")
    assert status == 200 and "Iran</h1>" in actor
    status, headers, css = _get(f"{live_server.url}/static/newsroom/site.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css") and ".badge" in css


def test_missing_page_answers_404_with_the_friendly_page_over_http(live_server):
    with pytest.raises(urllib.error.HTTPError) as error:
        _get(f"{live_server.url}/stories/not-yet-written/")
    assert error.value.code == 404
    assert "We could not find that page" in error.value.read().decode()
