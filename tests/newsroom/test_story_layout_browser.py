"""The demo story's layout in Chromium, on a phone, a tablet, a laptop and a wide screen, light and dark.

At most one box sits beside the text; the others run in it. The page's left edge is the masthead's, no
text overlaps other text, nothing scrolls sideways, and the page is not much longer than its text and
boxes laid one after the other. Long boxes fold with a button a keyboard works, and are whole without
scripts and in print.

A screenshot of each width and theme is kept in ``$TEST_ARTEFACTS/story-layout/`` (``test-artefacts/`` by
default), for a person to look at what the test saw.
"""

import pytest

from newsroom.demo_content import ARTICLE
from newsroom.models import Article
from tests.factories import EditorFactory
from tests.helpers import artefacts, publish_article

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("starting_vocabulary")]

WIDTHS = [390, 768, 1024, 1440]
SCHEMES = ["light", "dark"]
# The page may be this much longer than its text and boxes laid one after the other (margins, the button).
SLACK = 1.3
WHOLE = "() => [...document.querySelectorAll('.story-factbox .factbox')].every(b => b.scrollHeight <= b.clientHeight)"
NO_BUTTON = "buttons => buttons.every(el => getComputedStyle(el).display === 'none')"

# The page's geometry, measured where the reader sees it: each text element's box clipped by every ancestor
# that hides what overflows it (a folded box, a table that scrolls), so that what is folded away is not counted.
GEOMETRY = """() => {
  const rect = (el) => el.getBoundingClientRect();
  const visible = (el) => {
    let r = rect(el);
    let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    for (let up = el.parentElement; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== "visible" || style.overflowY !== "visible") {
        const clip = rect(up);
        box = { left: Math.max(box.left, clip.left), top: Math.max(box.top, clip.top),
                right: Math.min(box.right, clip.right), bottom: Math.min(box.bottom, clip.bottom) };
      }
    }
    return box;
  };
  const shown = (el) => {
    const style = getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none"
      && !el.closest(".visually-hidden, .fb-visually-hidden, [hidden]");
  };
  const selector = "main h1, main h2, main h3, main p, main li, main .fb-title, main figcaption";
  const texts = [...document.querySelectorAll(selector)]
    .filter(shown)
    .map((el) => ({ el, box: visible(el) }))
    .filter(({ box }) => box.right - box.left > 2 && box.bottom - box.top > 2);
  const overlaps = [];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i], b = texts[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (x > 1 && y > 1) overlaps.push([a.el.outerHTML.slice(0, 80), b.el.outerHTML.slice(0, 80)]);
    }
  }
  const prose = [...document.querySelectorAll(".story .prose")];
  const column = Math.max(...prose.map((el) => rect(el).right));
  const boxes = [...document.querySelectorAll(".story-factbox")];
  const height = (el) => rect(el).height;
  const story = document.querySelector(".story");
  const around = [...story.children].filter((el) => !el.classList.contains("story-body")).map(height);
  const chrome = height(document.querySelector(".site-header")) + height(document.querySelector(".site-footer"))
    + parseFloat(getComputedStyle(document.querySelector(".site-main")).paddingTop)
    + parseFloat(getComputedStyle(document.querySelector(".site-main")).paddingBottom);
  const sum = (values) => values.reduce((total, value) => total + value, 0);
  return {
    overlaps,
    beside: boxes.filter((el) => rect(el).left >= column - 1).length,
    boxes: boxes.length,
    lefts: {
      masthead: rect(document.querySelector(".site-name")).left,
      title: rect(document.querySelector(".story-title")).left,
      text: rect(prose[0]).left,
      footer: rect(document.querySelector(".site-footer p")).left,
    },
    scrollWidth: document.documentElement.scrollWidth,
    page: document.documentElement.scrollHeight,
    laidInline: chrome + sum(around) + sum(prose.map(height)) + sum(boxes.map(height)),
  };
}"""


@pytest.fixture
def story_url(live_server, live_demo) -> str:
    article = Article.objects.get(slug=ARTICLE["slug"])
    if not article.is_live:
        publish_article(article=article, by=EditorFactory())
    return f"{live_server.url}/stories/{article.slug}/"


@pytest.fixture
def shots():
    return artefacts("story-layout")


def _folded(page) -> list:
    """The story's box holders that start folded, as locators that stay on their box once it unfolds."""
    holders = page.locator(".story-factbox")
    return [holders.nth(i) for i in range(holders.count()) if "is-folded" in holders.nth(i).get_attribute("class")]


def _label(button) -> str:
    return button.evaluate("el => el.firstChild.textContent")


def _open(new_page, url: str, *, width: int, scheme: str = "light"):
    page = new_page(width=width, height=900)
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    page.wait_for_load_state("load")
    return page


def test_demo_story_is_laid_out_like_a_news_site_at_every_width(new_page, story_url, shots):
    for scheme in SCHEMES:
        for width in WIDTHS:
            page = _open(new_page, story_url, width=width, scheme=scheme)
            page.screenshot(path=shots / f"story-{width}-{scheme}.png", full_page=True)
            where = f"{width}px {scheme}"
            found = page.evaluate(GEOMETRY)
            assert found["boxes"] == 4, where
            assert found["beside"] <= 1, where
            if width >= 1024:
                assert found["beside"] == 1, where  # the demo has a box that reads well beside the text
            lefts = found["lefts"]
            assert lefts["title"] == lefts["masthead"] == lefts["text"] == lefts["footer"], (where, lefts)
            assert found["overlaps"] == [], where
            assert found["scrollWidth"] <= width, where
            assert found["page"] <= SLACK * found["laidInline"], (where, found["page"], found["laidInline"])
            assert page.errors == [], where


def test_show_all_unfolds_a_long_box_by_keyboard_and_folds_it_back(new_page, story_url, shots):
    page = _open(new_page, story_url, width=390)
    holder = _folded(page)[0]
    box = holder.locator(".factbox")
    button = holder.locator("button.box-fold")
    assert button.get_attribute("aria-expanded") == "false"
    assert _label(button) == "Show all"
    assert box.evaluate("el => el.scrollHeight > el.clientHeight + 100")

    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert _label(button) == "Show less"
    assert box.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    assert button.evaluate("el => el === document.activeElement")
    page.screenshot(path=shots / "story-390-unfolded.png", full_page=True)

    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "false"
    assert box.evaluate("el => el.scrollHeight > el.clientHeight + 100")
    assert button.evaluate("el => el === document.activeElement")
    assert page.errors == []


def test_reaching_into_a_folded_box_unfolds_it(new_page, story_url):
    page = _open(new_page, story_url, width=390)
    holder, other = _folded(page)[:2]
    # A link below the fold, reached as Tab reaches it, or a source's number followed to its note.
    holder.locator(".factbox a").last.focus()
    assert "is-folded" not in holder.get_attribute("class")
    assert holder.locator("button.box-fold").get_attribute("aria-expanded") == "true"

    other.locator(".fb-ref").first.click()
    assert "is-folded" not in other.get_attribute("class")
    assert page.evaluate("() => document.querySelector(location.hash).getBoundingClientRect().height > 0")


def test_without_scripts_and_in_print_every_box_is_whole(browser, new_page, live_server, story_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(story_url)
        assert page.locator(".story-factbox").count() == 4
        assert page.locator(".is-folded, .box-fold").count() == 0
        assert page.evaluate(WHOLE)
    finally:
        context.close()

    page = _open(new_page, story_url, width=390)
    assert page.locator(".story-factbox.is-folded").count() >= 1
    page.emulate_media(media="print")
    assert page.evaluate(WHOLE)
    assert page.locator(".box-fold").evaluate_all(NO_BUTTON)
