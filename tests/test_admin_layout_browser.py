"""In a real browser: the workspace's pages fit a 1280 px window and a 1024 px tablet, with the
demo's content and the navigation open, without scrolling sideways (the page, a list or an inline
table), and list titles read as lines rather than a word a line."""

import pytest

from newsroom.demo import DEMO_PASSWORD
from newsroom.models import Article, FactBox
from relations.models import Actor, Claim, Relationship

pytestmark = [pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 1024]
LISTS = ["newsroom/article", "relations/claim", "relations/relationship", "relations/actor", "newsroom/factbox"]

# Everything wider than the window, and every box that would scroll its content sideways.
OVERFLOW = """() => {
    const width = document.documentElement.scrollWidth;
    const page = width > innerWidth ? [`page ${width}`] : [];
    const scrolling = '#content .results, #content .inline-group, #content fieldset, #content .module';
    const boxes = [...document.querySelectorAll(scrolling)]
        .filter(e => e.scrollWidth > e.clientWidth + 1)
        .map(e => `${e.id || e.className}: ${e.scrollWidth} > ${e.clientWidth}`);
    return page.concat(boxes);
}"""


@pytest.fixture
def signed_in(browser, live_server, live_demo):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    yield page
    context.close()


def _pages() -> dict[str, str]:
    live = Article.objects.filter(status=Article.Status.PUBLISHED).order_by("publish_at").first()
    in_review = Article.objects.get(status=Article.Status.IN_REVIEW)
    pages = {f"{name} list": f"/admin/{name}/" for name in LISTS}
    pages |= {
        "live article": f"/admin/newsroom/article/{live.pk}/change/",
        "article in review": f"/admin/newsroom/article/{in_review.pk}/change/",
        "new article": "/admin/newsroom/article/add/",
        "claim": f"/admin/relations/claim/{Claim.objects.order_by('pk').first().pk}/change/",
        "relationship": f"/admin/relations/relationship/{Relationship.objects.order_by('pk').first().pk}/change/",
        "actor": f"/admin/relations/actor/{Actor.objects.get(name='Russia').pk}/change/",
        "fact box": f"/admin/newsroom/factbox/{FactBox.objects.order_by('pk').first().pk}/change/",
    }
    return pages


@pytest.mark.parametrize("width", WIDTHS)
def test_workspace_pages_fit_the_window(signed_in, live_server, width):
    page = signed_in
    page.set_viewport_size({"width": width, "height": 900})
    overflowing = {}
    for name, path in _pages().items():
        page.goto(live_server.url + path)
        page.wait_for_selector("#content")
        found = page.evaluate(OVERFLOW)
        if found:
            overflowing[name] = found
    assert overflowing == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_list_titles_take_more_than_a_word_a_line(signed_in, live_server, width):
    page = signed_in
    page.set_viewport_size({"width": width, "height": 900})
    for name in LISTS:
        page.goto(f"{live_server.url}/admin/{name}/")
        # The first column names each row (its link); 12em is a line of a few words.
        em = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#result_list tbody')).fontSize)")
        widths = page.evaluate(
            "[...document.querySelectorAll('#result_list tbody tr > th')].map(c => c.getBoundingClientRect().width)"
        )
        assert widths, name
        assert min(widths) >= 12 * em - 1, (name, widths, em)
