"""A verdict given after a box was published, as a reader sees it in Chromium: in the embed and on the story
page, in the light and the dark theme, on a phone and on a desktop."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from relations.models import Claim
from relations.services import claim_set_verification
from tests.factories import (
    ArticleClaimFactory,
    ArticleFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    VerifiedClaimFactory,
)
from tests.helpers import publish_article, publish_factbox

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("starting_vocabulary", "roles")]

FACT = "North Korea has sent troops to fight alongside Russian forces."
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# WCAG AA for text of this size.
MIN_CONTRAST = 4.5

# The contrast of an element's text against the background behind it (the first ancestor that paints one).
CONTRAST = """el => {
  const rgb = value => value.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const paint = node => {
    for (; node; node = node.parentElement) {
      const [r, g, b, a] = rgb(getComputedStyle(node).backgroundColor);
      if (a === undefined || a > 0) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const [l1, l2] = [luminance(rgb(getComputedStyle(el).color)), luminance(paint(el))].sort((a, b) => b - a);
  return (l1 + 0.05) / (l2 + 0.05);
}"""


@pytest.fixture
def noticed(live_server):
    """A key facts box published two hours ago beside the live story citing its claim, since found false."""
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=2), tick=False):
        fact = VerifiedClaimFactory(text=FACT)
        story = ArticleFactory(slug="the-story", body="<p>One.</p><p>Two.</p>")
        ArticleClaimFactory(article=story, claim=fact)
        publish_article(article=story, by=EditorFactory())
        box = FactBoxFactory(slug="key-facts", title="What binds the four")
        FactBoxItemFactory(factbox=box, claim=VerifiedClaimFactory(text="Russia and North Korea signed a treaty."))
        FactBoxItemFactory(factbox=box, claim=fact)
        publish_factbox(factbox=box, by=EditorFactory())
        FactBoxPlacementFactory(factbox=box, article=story)
    claim_set_verification(claim=Claim.objects.get(pk=fact.pk), state="false", by=EditorFactory())
    return {
        "embed": f"{live_server.url}/embed/factboxes/key-facts/",
        "story": f"{live_server.url}/stories/the-story/",
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("where", ["embed", "story"])
def test_the_notice_is_visible_legible_and_on_its_item(browser, noticed, viewport, theme, where):
    context = browser.new_context(viewport=viewport, color_scheme=theme)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # The embed takes its theme from the address too; the story page follows the reader's setting.
    page.goto(noticed[where] + (f"?theme={theme}" if where == "embed" else ""))
    page.wait_for_load_state("load")

    notice = page.locator(".factbox .fb-notice")
    assert notice.count() == 1
    notice.scroll_into_view_if_needed()
    assert notice.is_visible()
    assert notice.inner_text().startswith("✗")
    assert "Since found false on" in notice.inner_text() and "Published as verified." in notice.inner_text()
    # Tied to its item: inside the list entry of the claim it concerns, right under its words.
    item = page.locator(".factbox .fb-item", has_text=FACT)
    assert item.locator(".fb-notice").count() == 1
    text = item.locator(".fb-text")
    assert "line-through" in text.evaluate("el => getComputedStyle(el).textDecorationLine")
    assert text.bounding_box()["y"] < notice.bounding_box()["y"]
    # Legible in either theme, marked by more than colour, and inside the screen.
    assert notice.evaluate(CONTRAST) >= MIN_CONTRAST
    assert notice.locator(".fb-notice-verdict").evaluate(CONTRAST) >= MIN_CONTRAST
    assert text.evaluate(CONTRAST) >= MIN_CONTRAST
    assert float(notice.evaluate("el => parseFloat(getComputedStyle(el).borderLeftWidth)")) >= 2
    box = notice.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    scheme = page.locator(".factbox").first.evaluate("el => getComputedStyle(el).colorScheme")
    assert scheme == theme
    page.screenshot(path=f"/tmp/newsroom-notice-{where}-{theme}-{viewport['width']}.png")
    context.close()
