"""In Chromium, a reader searches the demo from the header's box, on a phone and on a desktop, in either theme.

A screenshot of each is kept in ``$TEST_ARTEFACTS/search/`` (``test-artefacts/`` by default).
"""

from pathlib import Path

import pytest

from tests.helpers import artefacts

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("starting_vocabulary")]


@pytest.fixture
def folder() -> Path:
    return artefacts("search")


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_a_reader_searches_from_the_header_with_the_keyboard(new_page, live_server, live_demo, folder, width, theme):
    page = new_page(width=width, height=900)
    page.emulate_media(color_scheme=theme)
    page.goto(f"{live_server.url}/")
    # The box is the first control after the skip link and the site's name.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "site-search-q"
    page.screenshot(path=folder / f"header-{width}-{theme}.png")
    page.keyboard.type("North Korea")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=North+Korea")
    assert page.locator("h1").inner_text() == "Search results for North Korea"  # <q> adds the marks
    assert page.locator(".search-group h2").all_inner_texts() == ["Stories", "Actors", "Claims"]
    assert page.locator(".found-actor h3").first.inner_text() == "North Korea"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    # Styled in the reader's theme: the page's own stylesheet loaded and follows it.
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(20, 20, 20)" if theme == "dark" else "rgb(251, 250, 247)")
    assert page.locator(".search-kinds [aria-current=page]").inner_text() == "Everything"
    page.screenshot(path=folder / f"results-{width}-{theme}.png", full_page=True)
    page.locator(".search-kinds a", has_text="Claims").click()
    page.wait_for_url("**type=claims")
    assert page.locator(".search-group h2").all_inner_texts() == ["Claims"]
    assert not page.errors
