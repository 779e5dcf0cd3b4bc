"""The front page, a section page and an actor page in a real browser, on a phone and on a desktop,
in the light and the dark theme: nothing wider than the screen, no text over other text.

A screenshot of each is kept in ``$TEST_ARTEFACTS/front-pages/`` (``test-artefacts/`` by default)."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from newsroom.demo_content import ARTICLE
from newsroom.models import Article
from tests.factories import ArticleFactory, EditorFactory
from tests.helpers import artefacts, publish_article

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("starting_vocabulary")]

WIDTHS = [390, 1280]
THEMES = ["light", "dark"]

# Every text node's boxes, and the pairs of them that overlap (by more than a sliver: anti-aliasing
# and italic overhangs touch their neighbours). Visually hidden text (clipped to nothing) is left out.
OVERLAPS = """() => {
  const clipped = (element) => {
    for (let el = element; el && el.tagName !== "MAIN"; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.clip !== "auto" && style.position === "absolute") return true;
    }
    return false;
  };
  const rects = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim() || node.parentElement.closest("svg") || clipped(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 1 && r.height > 1) rects.push({r, text: node.textContent.trim().slice(0, 40)});
    }
  }
  const found = [];
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i].r, b = rects[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 2) found.push([rects[i].text, rects[j].text]);
    }
  }
  return found.slice(0, 10);
}"""


@pytest.fixture
def pages(live_server, live_demo) -> dict[str, str]:
    """The demo, every story of it live, its story with four boxes the newest, and stories in two more
    sections and in none."""
    editor = EditorFactory()
    for article in Article.objects.exclude(status=Article.Status.PUBLISHED):
        publish_article(article=article, by=editor)
    sections = ["Diplomacy", "Diplomacy", "Security", "Security", "", ""]
    for n, section in enumerate(sections):
        story = ArticleFactory(
            title=f"Envoys meet again over the border crossings, round {n + 1}",
            standfirst="Talks resume after a month of silence; both sides claim progress.",
            section=section,
            byline="Staff reporter",
        )
        published = publish_article(article=story, by=editor)
        Article.objects.filter(pk=published.pk).update(publish_at=timezone.now() - timedelta(days=n + 2))
    # The story with four boxes leads, so that the front page shows a box's teaser.
    others = Article.objects.public().exclude(slug=ARTICLE["slug"])
    others.update(publish_at=F("publish_at") - timedelta(hours=1))
    # The actor the most ties of the demo's map involve: its page draws the busiest map.
    actor = "china"
    return {
        "front": f"{live_server.url}/",
        "section": f"{live_server.url}/sections/diplomacy/",
        "actor": f"{live_server.url}/actors/{actor}/",
    }


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_front_section_and_actor_pages_fit_and_no_text_overlaps(new_page, pages, width, theme):
    folder = artefacts("front-pages")
    page = new_page(width=width, height=900)
    page.emulate_media(color_scheme=theme)
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, name
        page.wait_for_load_state("load")
        page.screenshot(path=str(folder / f"{name}-{width}-{theme}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        assert page.evaluate(OVERLAPS) == [], name
        # The page's headings start where the masthead does.
        masthead = page.locator(".site-name").bounding_box()
        heading = page.locator("main :is(h1, h2):not(.visually-hidden)").first.bounding_box()
        assert abs(heading["x"] - masthead["x"]) < 1, name
    assert page.errors == []


def test_front_page_section_heading_and_box_links_lead_where_they_say(new_page, pages):
    page = new_page(width=1280, height=900)
    page.goto(pages["front"])
    page.get_by_role("link", name="Diplomacy", exact=True).first.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Diplomacy"
    page.goto(pages["front"])
    teaser = page.locator(".box-teaser-title a")
    target = teaser.get_attribute("href").split("#")[1]
    teaser.click()
    page.wait_for_function("id => document.getElementById(id) !== null", arg=target)
    assert page.evaluate("() => location.hash") == f"#{target}"
