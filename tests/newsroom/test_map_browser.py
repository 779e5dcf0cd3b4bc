"""The demo's relationship map as Chromium draws it, in a phone's column and a wide embed, light and dark: the
picture that fits is shown and fills its width, names stay at 12 px or more and clear of each other, of the
actors and of the tie numbers. Screenshots are kept in ``$TEST_ARTEFACTS/map/`` (``test-artefacts/`` by default)."""

import pytest

from tests.helpers import artefacts

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_MAP = "the-axis-at-a-glance"

MEASURE = """() => {
  const svg = [...document.querySelectorAll('.fb-map-svg')].find((el) => el.getBoundingClientRect().width > 0);
  const rect = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const box = document.querySelector('.factbox').getBoundingClientRect();
  return {
    shown: [...document.querySelectorAll('.fb-map-svg')].filter((el) => el.getBoundingClientRect().width > 0)
      .map((el) => el.classList.contains('fb-map-wide') ? 'wide' : 'narrow'),
    width: svg.getBoundingClientRect().width,
    figure: svg.parentElement.getBoundingClientRect().width,
    box: box.width,
    scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
    fonts: [...svg.querySelectorAll('.fb-node-label, .fb-badges text')].map(
      (el) => parseFloat(getComputedStyle(el).fontSize)),
    labels: [...svg.querySelectorAll('.fb-node-label')].map(rect),
    heights: [...svg.querySelectorAll('.fb-node-label tspan')].map((el) => el.getBoundingClientRect().height),
    marks: [...svg.querySelectorAll('.fb-node-mark')].map(rect),
    badges: [...svg.querySelectorAll('.fb-badge-number circle')].map(rect),
    fill: getComputedStyle(svg.querySelector('.fb-node-mark')).fill,
    background: getComputedStyle(document.querySelector('.factbox')).backgroundColor,
    overflow: document.documentElement.scrollWidth > window.innerWidth,
  };
}"""


def _overlap(a, b, by=0.0):
    return a[0] < b[2] - by and b[0] < a[2] - by and a[1] < b[3] - by and b[1] < a[3] - by


@pytest.fixture
def shots():
    return artefacts("map")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("width", "picture"), [(390, "narrow"), (800, "wide")])
def test_the_demo_map_is_legible_where_it_is_shown(live_demo, live_server, new_page, shots, width, picture, scheme):
    page = new_page(width=width, height=900)
    failed = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{live_server.url}/embed/factboxes/{DEMO_MAP}/")
    page.wait_for_function("() => document.querySelector('.fb-map-svg') !== null")
    seen = page.evaluate(MEASURE)
    page.locator(".factbox").screenshot(path=shots / f"demo-map-{width}-{scheme}.png")

    assert seen["shown"] == [picture]
    # The picture fills the map's width (the narrow one up to its 24rem).
    assert seen["width"] == pytest.approx(min(seen["figure"], 384 if picture == "narrow" else 10_000), abs=1)
    assert not seen["overflow"]
    # Names and numbers at 12 CSS px or more, as drawn.
    assert min(size * seen["scale"] for size in seen["fonts"]) >= 12
    assert min(seen["heights"]) >= 12
    labels, marks, badges = seen["labels"], seen["marks"], seen["badges"]
    for i, label in enumerate(labels):
        assert not any(_overlap(label, other) for other in labels[i + 1 :])
        assert not any(_overlap(label, mark) for mark in marks)
        assert not any(_overlap(label, badge, by=1) for badge in badges)
    for badge in badges:
        assert not any(_overlap(badge, mark, by=1) for mark in marks)
    # Actors stand out from the box in either theme.
    assert seen["fill"] != seen["background"]
    # Nothing the box needs is missing (a browser asks for a favicon of its own accord).
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    assert page.errors == []
