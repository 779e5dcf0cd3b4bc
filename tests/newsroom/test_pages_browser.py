"""A reader opens the demo story in a real browser, on a phone and on a desktop."""

import pytest

from newsroom.demo_content import ARTICLE
from newsroom.models import Article
from newsroom.services import article_add_correction
from tests.factories import EditorFactory
from tests.helpers import publish_article

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("starting_vocabulary")]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def story_url(live_server, live_demo) -> str:
    editor = EditorFactory()
    article = Article.objects.get(slug=ARTICLE["slug"])
    if not article.is_live:
        article = publish_article(article=article, by=editor)
    article_add_correction(article=article, by=editor, text="An earlier version gave the wrong month for the treaty.")
    return f"{live_server.url}/stories/{article.slug}/"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_story_fits_the_screen_and_is_styled(page, story_url, viewport):
    page.set_viewport_size(viewport)
    page.goto(story_url)
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text().startswith("An 'axis' in name only?")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The stylesheet loaded: the corrections box has a border, which no browser default gives an <aside>.
    assert page.locator(".corrections").evaluate("el => getComputedStyle(el).borderLeftWidth") == "6px"
    # The claims' verdicts: in the list after the story (those beside cited passages open on demand).
    assert page.locator(".badge:visible").count() > 0
    page.screenshot(path=f"/tmp/newsroom-story-{viewport['width']}.png", full_page=True)
