"""Fact boxes alongside a story: which version shows, where it goes in the body, and what it costs."""

import datetime
import itertools
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone
from django.utils.http import parse_http_date

from newsroom.factboxes import relationship_map
from newsroom.factboxes.services import factbox_withdraw
from newsroom.factboxes.story_body import body_blocks
from newsroom.models import Article, FactBox
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    RelationshipFactory,
    SourceFactory,
    VerifiedClaimFactory,
)
from tests.helpers import editing, publish_factbox

pytestmark = pytest.mark.django_db

BODY = "<p>First paragraph.</p>\n<h2>A heading</h2>\n<p>Third block.</p>\n<ul><li><p>Nested</p></li></ul>"
STORY_QUERIES = 7  # as tests/newsroom/test_page_queries.py: boxes come with the article's prefetches


def _live(article: Article) -> Article:
    when = timezone.now() - datetime.timedelta(hours=1)
    with editing(article):
        Article.objects.filter(pk=article.pk).update(
            status=Article.Status.PUBLISHED, publish_at=when, first_published_at=when, last_published_at=when
        )
    return article


def _box(title: str = "Boxed facts", *, text: str = "A line in the box.", publish: bool = True, **fields) -> FactBox:
    box = FactBoxFactory(title=title, **fields)
    FactBoxItemFactory(factbox=box, claim=None, text=text)
    if publish:
        publish_factbox(factbox=box, by=EditorFactory())
        box.refresh_from_db()
    return box


@pytest.fixture
def axis_map_box() -> FactBox:
    box = FactBoxFactory(kind=FactBox.Kind.RELATIONSHIP_MAP, title="The map")
    FactBoxItemFactory(factbox=box, claim=None, relationship=RelationshipFactory())
    publish_factbox(factbox=box, by=EditorFactory())
    return box


def _page(client, article: Article) -> str:
    response = client.get(f"/stories/{article.slug}/")
    assert response.status_code == 200
    return response.content.decode()


class Links(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "link":
            self.links.append(dict(attrs))


# --- What shows ------------------------------------------------------------------------------------------------


def test_story_shows_the_published_version_of_its_box_not_the_draft(client):
    article = _live(ArticleFactory())
    box = _box("As published", text="Published line.")
    FactBoxPlacementFactory(factbox=box, article=article)
    FactBox.objects.filter(pk=box.pk).update(title="Edited title")
    box.items.update(text="Edited line.")
    page = _page(client, article)
    assert "As published" in page and "Published line." in page
    assert "Edited title" not in page and "Edited line." not in page


def test_story_shows_the_box_again_as_republished(client):
    article = _live(ArticleFactory())
    box = _box(text="Published line.")
    FactBoxPlacementFactory(factbox=box, article=article)
    box.items.update(text="Second edition.")
    publish_factbox(factbox=box, by=EditorFactory())
    page = _page(client, article)
    assert "Second edition." in page and "Version 2" in page


def test_story_shows_nothing_of_an_unpublished_box(client):
    article = _live(ArticleFactory())
    FactBoxPlacementFactory(factbox=_box("Never out", text="Draft only.", publish=False), article=article)
    page = _page(client, article)
    assert "Never out" not in page and "Draft only." not in page
    assert "factbox" not in page


def test_story_shows_nothing_of_a_withdrawn_box(client):
    article = _live(ArticleFactory())
    box = _box("Taken down", text="Withdrawn line.")
    FactBoxPlacementFactory(factbox=box, article=article)
    factbox_withdraw(factbox=box, by=EditorFactory())
    page = _page(client, article)
    assert "Taken down" not in page and "Withdrawn line." not in page
    assert "factbox.css" not in page


def test_story_links_the_box_stylesheet_when_it_has_boxes(client):
    article = _live(ArticleFactory())
    FactBoxPlacementFactory(factbox=_box(), article=article)
    assert "/static/newsroom/factbox.css" in _page(client, article)


# --- Where it goes ---------------------------------------------------------------------------------------------------


def test_placed_box_follows_its_paragraph(client):
    article = _live(ArticleFactory(body=BODY))
    FactBoxPlacementFactory(factbox=_box("After two"), article=article, after_paragraph=2)
    page = _page(client, article)
    assert page.index("A heading</h2>") < page.index("After two") < page.index("Third block.")


def test_box_placed_past_the_last_paragraph_follows_the_body(client):
    article = _live(ArticleFactory(body=BODY))
    FactBoxPlacementFactory(factbox=_box("Far down"), article=article, after_paragraph=40)
    page = _page(client, article)
    assert page.index("Nested") < page.index('<div class="story-factbox') < page.index("Far down")


def test_boxes_after_the_same_paragraph_keep_their_running_order(client):
    article = _live(ArticleFactory(body=BODY))
    FactBoxPlacementFactory(factbox=_box("Second box"), article=article, after_paragraph=1, position=2)
    FactBoxPlacementFactory(factbox=_box("First box"), article=article, after_paragraph=1, position=1)
    page = _page(client, article)
    assert page.index("First paragraph.") < page.index("First box") < page.index("Second box") < page.index("A heading")


def test_unplaced_box_goes_beside_the_story_after_its_body(client):
    article = _live(ArticleFactory(body=BODY))
    FactBoxPlacementFactory(factbox=_box("Alongside"), article=article)
    page = _page(client, article)
    assert page.index("Nested") < page.index("story-factbox-beside story-beside") < page.index("Alongside")
    assert 'class="story-body has-boxes has-beside"' in page


def test_only_one_box_goes_beside_the_text(client):
    article = _live(ArticleFactory(body=BODY))
    for position, title in enumerate(["First aside", "Second aside"]):
        FactBoxPlacementFactory(factbox=_box(title), article=article, position=position)
    for position, title in enumerate(["First placed", "Second placed"], start=2):
        FactBoxPlacementFactory(factbox=_box(title), article=article, after_paragraph=1, position=position)
    page = _page(client, article)
    assert page.count("story-factbox-beside") == 1
    assert page.index("story-factbox-beside") < page.index("First aside") < page.index("story-after")
    # The other unplaced box follows the text at its full width; the placed ones stay at their paragraph.
    assert page.index("story-after") < page.index("Second aside")
    assert page.count("story-factbox-inline") == 3


def test_a_placed_box_goes_beside_the_text_when_none_is_unplaced(client):
    article = _live(ArticleFactory(body=BODY))
    FactBoxPlacementFactory(factbox=_box("Later"), article=article, after_paragraph=3, position=1)
    FactBoxPlacementFactory(factbox=_box("Earlier"), article=article, after_paragraph=1, position=2)
    page = _page(client, article)
    # The first the reader meets, by paragraph, not by running order.
    assert page.count("story-factbox-beside") == 1
    holder = page.rindex('<div class="story-factbox', 0, page.index("Earlier"))
    assert page.startswith('<div class="story-factbox story-factbox-beside"', holder)
    assert "story-after" not in page


def test_a_map_never_goes_beside_the_text(client, axis_map_box):
    article = _live(ArticleFactory(body=BODY))
    FactBoxPlacementFactory(factbox=axis_map_box, article=article, position=1)
    FactBoxPlacementFactory(factbox=_box("Placed facts"), article=article, after_paragraph=2, position=2)
    page = _page(client, article)
    assert page.count("story-factbox-beside") == 1
    assert page.index("story-factbox-beside") < page.index("Placed facts") < page.index("story-after")
    assert page.index("story-after") < page.index("factbox-relationship_map")


def test_a_story_with_only_maps_has_nothing_beside_the_text(client, axis_map_box):
    article = _live(ArticleFactory(body=BODY))
    FactBoxPlacementFactory(factbox=axis_map_box, article=article, after_paragraph=1)
    page = _page(client, article)
    assert "story-factbox-beside" not in page and "has-beside" not in page
    assert 'class="story-body has-boxes"' in page


def test_unplaced_boxes_follow_the_placed_ones_when_there_are_both(client):
    article = _live(ArticleFactory(body=BODY))
    FactBoxPlacementFactory(factbox=_box("Alongside"), article=article, position=1)
    FactBoxPlacementFactory(factbox=_box("Placed"), article=article, after_paragraph=1, position=2)
    page = _page(client, article)
    assert page.index("Placed") < page.index("Third block.") < page.index("Alongside")
    assert 'class="story-body has-boxes has-beside"' in page


def test_story_without_boxes_keeps_its_body_whole(client):
    article = _live(ArticleFactory(body=BODY))
    page = _page(client, article)
    assert page.count('<div class="prose">') == 1
    assert "has-boxes" not in page


def test_body_is_still_sanitised_around_its_boxes(client):
    article = _live(ArticleFactory())
    Article.objects.filter(pk=article.pk).update(body='<p>Safe.</p><script>alert(1)</script><p onclick="x()">Two</p>')
    FactBoxPlacementFactory(factbox=_box(), article=article, after_paragraph=1)
    page = _page(client, article)
    assert "alert(1)" not in page and "onclick" not in page
    assert "<p>Two</p>" in page


# --- Cutting the body ---------------------------------------------------------------------------------------------


def test_body_blocks_are_the_top_level_elements():
    assert body_blocks(BODY) == [
        "<p>First paragraph.</p>\n",
        "<h2>A heading</h2>\n",
        "<p>Third block.</p>\n",
        "<ul><li><p>Nested</p></li></ul>",
    ]


def test_body_blocks_keep_nested_lists_and_quotes_whole():
    html = "<blockquote><p>One</p><p>Two</p></blockquote><ol><li>a<ul><li>b</li></ul></li></ol>"
    assert body_blocks(html) == [
        "<blockquote><p>One</p><p>Two</p></blockquote>",
        "<ol><li>a<ul><li>b</li></ul></li></ol>",
    ]


def test_body_blocks_gather_loose_text_and_inline_elements_into_one():
    assert body_blocks("Loose <b>bold</b> text<br>more<p>Para</p>tail") == [
        "Loose <b>bold</b> text<br>more",
        "<p>Para</p>",
        "tail",
    ]


def test_body_blocks_keep_text_escaped():
    assert body_blocks("<p>1 &lt; 2 &amp; &lt;script&gt;</p>") == ["<p>1 &lt; 2 &amp; &lt;script&gt;</p>"]


def test_body_blocks_do_not_count_empty_paragraphs():
    assert body_blocks("<p></p><p>One</p><p><br></p><p> </p><p>Two</p><hr>") == [
        "<p></p><p>One</p><p><br></p><p> </p>",
        "<p>Two</p>",
        "<hr>",
    ]


def test_body_blocks_survive_stray_end_tags():
    assert body_blocks("</div><p>One</p></p></li><p>Two</p>") == ["<p>One</p><p></p>", "<p>Two</p>"]


# --- Discovery ----------------------------------------------------------------------------------------------


def test_story_page_advertises_its_oembed_endpoint(client):
    article = _live(ArticleFactory(slug="the-story", title='An "axis"?'))
    (link,) = [link for link in Links(_page(client, article)).links if link.get("type") == "application/json+oembed"]
    address = urlsplit(link["href"])
    assert link["rel"] == "alternate"
    assert link["title"] == 'An "axis"?'
    assert f"{address.scheme}://{address.netloc}{address.path}" == "http://testserver/oembed/"
    assert parse_qs(address.query) == {"url": ["http://testserver/stories/the-story/"], "format": ["json"]}


# --- Cost ------------------------------------------------------------------------------------------------------


def _full_box(n: int) -> FactBox:
    """A relationship map with actors, ties, claims with sources and lines of text."""
    box = FactBoxFactory(kind=FactBox.Kind.RELATIONSHIP_MAP, title=f"Map {n}")
    actors = [ActorFactory() for _ in range(4)]
    for actor in actors:
        FactBoxItemFactory(factbox=box, claim=None, actor=actor)
    for first, second in itertools.pairwise(actors):
        FactBoxItemFactory(factbox=box, claim=None, relationship=RelationshipFactory(subject=first, object=second))
    for _ in range(3):
        claim = VerifiedClaimFactory()
        claim.sources.add(SourceFactory(), SourceFactory())
        FactBoxItemFactory(factbox=box, claim=claim)
    FactBoxItemFactory(factbox=box, claim=None, text="Our own line.")
    publish_factbox(factbox=box, by=EditorFactory())
    return box


@pytest.mark.parametrize("n", [1, 30])
def test_story_page_queries_do_not_grow_with_boxes_or_their_items(client, django_assert_max_num_queries, n):
    article = _live(ArticleFactory(body="".join(f"<p>Paragraph {i}.</p>" for i in range(10))))
    for position in range(n):
        FactBoxPlacementFactory(
            factbox=_full_box(position), article=article, position=position, after_paragraph=position % 12 or None
        )
    with django_assert_max_num_queries(STORY_QUERIES):
        page = _page(client, article)
    assert page.count('<section class="factbox factbox-relationship_map"') == n


# --- In a browser ------------------------------------------------------------------------------------------------

PHONE = {"width": 375, "height": 800}
NARROWEST = {"width": 280, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
LONG_BODY = "".join(f"<p>Paragraph {i}. " + "Words that fill a line of the story. " * 8 + "</p>" for i in range(1, 13))


@pytest.fixture
def browser_story(live_server):
    """A live story with an unplaced relationship map and a key-facts box after its third paragraph."""
    article = _live(ArticleFactory(slug="in-a-browser", body=LONG_BODY))
    tie = RelationshipFactory(subject=ActorFactory(name="Democratic People's Republic of Korea"))
    box = FactBoxFactory(kind=FactBox.Kind.RELATIONSHIP_MAP, slug="the-map", title="The map")
    FactBoxItemFactory(factbox=box, claim=None, relationship=tie)
    publish_factbox(factbox=box, by=EditorFactory())
    FactBoxPlacementFactory(factbox=box, article=article, position=1)
    FactBoxPlacementFactory(factbox=_box("Placed facts"), article=article, after_paragraph=3, position=2)
    return f"{live_server.url}/stories/in-a-browser/"


def _rect(page, selector: str) -> dict:
    return page.locator(selector).first.evaluate("el => el.getBoundingClientRect().toJSON()")


@pytest.mark.django_db(transaction=True)
def test_on_a_wide_screen_one_box_sits_beside_the_text_and_the_map_runs_in_it(page, browser_story):
    page.set_viewport_size(DESKTOP)
    page.goto(browser_story)
    text = _rect(page, ".prose p")
    third = _rect(page, ".prose p:nth-of-type(3)")
    beside = _rect(page, ".story-factbox-beside")
    assert beside["left"] >= text["right"] and beside["right"] <= DESKTOP["width"]
    # The placed box hangs level with the paragraph it follows; the map follows the text, as wide as it.
    assert abs(beside["top"] - third["bottom"]) < 40
    the_map = _rect(page, ".story-after .story-factbox")
    assert the_map["left"] == text["left"] and the_map["right"] >= text["right"] - 1
    paragraphs = page.locator(".prose p")
    assert the_map["top"] >= paragraphs.nth(paragraphs.count() - 1).evaluate("el => el.getBoundingClientRect().bottom")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_a_placed_box_follows_its_paragraph_and_the_other_the_story(page, browser_story):
    page.set_viewport_size(PHONE)
    page.goto(browser_story)
    placed = _rect(page, ".story-factbox-beside")
    assert _rect(page, ".prose p:nth-of-type(3)")["bottom"] <= placed["top"]
    assert placed["bottom"] <= _rect(page, ".story-factbox-beside + .prose p")["top"]
    paragraphs = page.locator(".prose p")
    last = paragraphs.nth(paragraphs.count() - 1).evaluate("el => el.getBoundingClientRect().bottom")
    assert _rect(page, ".story-after")["top"] >= last
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_map_and_its_table_fit_the_narrowest_screen(page, browser_story):
    page.set_viewport_size(NARROWEST)
    page.goto(browser_story)
    box = _rect(page, ".factbox-relationship_map")
    svg = _rect(page, ".fb-map-narrow")
    assert box["right"] <= NARROWEST["width"]
    assert svg["left"] >= box["left"] and svg["right"] <= box["right"]
    # The picture shrinks with the box, but its names stay readable.
    scale = page.locator(".fb-map-narrow").evaluate("el => el.getBoundingClientRect().width / el.viewBox.baseVal.width")
    assert scale * relationship_map.FONT >= 10
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # A narrow box shows each tie as a sentence rather than as table columns.
    assert page.locator(".fb-ties thead").evaluate("el => el.getBoundingClientRect().height") <= 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("scheme", "stroke"), [("light", "rgb(194, 65, 12)"), ("dark", "rgb(253, 186, 116)")])
def test_map_colours_follow_the_readers_theme(browser, browser_story, scheme, stroke):
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(browser_story)
        assert (
            page.locator(".fb-map-wide path.fb-edge.fb-cat-military").first.evaluate(
                "el => getComputedStyle(el).stroke"
            )
            == stroke
        )
    finally:
        context.close()


def test_a_box_republished_beside_the_story_moves_its_last_modified(client):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=2)
    editor = EditorFactory()
    with time_machine.travel(start, tick=False):
        article = _live(ArticleFactory())
        box = FactBoxFactory()
        FactBoxItemFactory(factbox=box)
        FactBoxPlacementFactory(factbox=box, article=article)
        publish_factbox(factbox=box, by=editor)
    with time_machine.travel(start + datetime.timedelta(days=1), tick=False):
        publish_factbox(factbox=box, by=editor)
    response = client.get(f"/stories/{article.slug}/")
    assert parse_http_date(response["Last-Modified"]) == int((start + datetime.timedelta(days=1)).timestamp())
