"""RSS and Atom feeds, sitemaps and robots.txt: valid to their readers, live content only, flat in cost."""

import re
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from django.utils import timezone
from lxml import etree

from newsroom import feeds
from newsroom.models import Article
from newsroom.services import article_withdraw
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
)
from tests.helpers import editing, publish_article

pytestmark = pytest.mark.django_db

CANARY = "CANARY-feeds"
NOT_LIVE = ["draft", "in_review", "withdrawn", "scheduled"]
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def _live(article: Article, *, days_ago: float) -> Article:
    when = timezone.now() - timedelta(days=days_ago)
    with editing(article):
        Article.objects.filter(pk=article.pk).update(
            status=Article.Status.PUBLISHED,
            publish_at=when,
            first_published_at=when,
            last_published_at=when,
            last_modified_at=when,
        )
    article.refresh_from_db()
    return article


@pytest.fixture
def world(db):
    """Live stories in two sections about Russia, one of them a week old; and for each way of not being
    live, a story in a section of its own about an actor only it reaches, each carrying the canary."""
    editor = EditorFactory()
    russia = ActorFactory(name="Russia", slug="russia")
    live = []
    for n, (section, days) in enumerate([("World", 0.1), ("Middle East", 0.5), ("World", 7)]):
        article = ArticleFactory(title=f"Live story {n}", section=section, byline="Ana Reporter")
        article.actors.add(russia)
        ArticleClaimFactory(article=article, claim=ClaimFactory())
        live.append(_live(article, days_ago=days))
    for kind in NOT_LIVE:
        article = ArticleFactory(
            title=f"{CANARY} {kind}",
            slug=f"hidden-{kind.replace('_', '-')}",
            standfirst=f"{CANARY} standfirst",
            section=f"{CANARY} section {kind}",
        )
        article.actors.add(russia, ActorFactory(name=f"{CANARY} actor {kind}", slug=f"hidden-actor-{kind}"))
        if kind == "in_review":
            with editing(article):
                Article.objects.filter(pk=article.pk).update(status=Article.Status.IN_REVIEW)
        elif kind == "withdrawn":
            article_withdraw(article=publish_article(article=article, by=editor), by=editor)
        elif kind == "scheduled":
            publish_article(article=article, by=editor, publish_at=timezone.now() + timedelta(hours=2))
    return live


# --- Feeds ----------------------------------------------------------------------------------------

FEEDS = {
    "all": "/feeds/stories",
    "section": "/feeds/sections/world",
    "actor": "/feeds/actors/russia",
}


def _parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return response, parsed


@pytest.mark.parametrize("form", ["rss", "atom"])
def test_the_feed_of_all_stories_lists_the_live_ones_newest_first(client, world, form):
    response, parsed = _parsed(client, f"/feeds/stories.{form}")
    assert response["Content-Type"].startswith("application/rss+xml" if form == "rss" else "application/atom+xml")
    assert parsed.version == ("rss20" if form == "rss" else "atom10")
    assert [entry.title for entry in parsed.entries] == ["Live story 0", "Live story 1", "Live story 2"]
    first = parsed.entries[0]
    assert first.link == f"http://testserver/stories/{world[0].slug}/"
    assert first.summary == "What happened, in two lines."
    assert first.author == "Ana Reporter"
    assert {tag.term for tag in first.tags} == {"World", "Russia"}
    assert first.published_parsed[:5] == world[0].publish_at.utctimetuple()[:5]


@pytest.mark.parametrize("form", ["rss", "atom"])
def test_a_section_feed_lists_the_sections_live_stories(client, world, form):
    _response, parsed = _parsed(client, f"/feeds/sections/world.{form}")
    assert [entry.title for entry in parsed.entries] == ["Live story 0", "Live story 2"]
    _response, parsed = _parsed(client, f"/feeds/sections/middle-east.{form}")
    assert [entry.title for entry in parsed.entries] == ["Live story 1"]
    assert parsed.feed.title == "Newsroom relations: Middle East"


@pytest.mark.parametrize("form", ["rss", "atom"])
def test_a_section_feed_gathers_every_spelling_of_the_section_and_links_its_page(client, world, form):
    _live(ArticleFactory(title="Spelt otherwise", section="Middle-East"), days_ago=0.2)
    _response, parsed = _parsed(client, f"/feeds/sections/middle-east.{form}")
    assert [entry.title for entry in parsed.entries] == ["Spelt otherwise", "Live story 1"]
    assert parsed.feed.link == "http://testserver/sections/middle-east/"
    sitemap = _valid(client.get("/sitemap-sections.xml").content, "sitemap.xsd")
    assert sorted(_locations(sitemap)) == [
        "http://testserver/sections/middle-east/",
        "http://testserver/sections/world/",
    ]
    front = client.get("/").content.decode()
    # One group on the front page, not one per spelling.
    assert len(re.findall(r'class="front-section-title"[^>]*><a href="/sections/middle-east/"', front)) == 1


@pytest.mark.parametrize("form", ["rss", "atom"])
def test_control_characters_pasted_into_a_story_do_not_break_its_feeds(client, world, form):
    # Word's manual line break (\x0b) and other C0 controls are not allowed in XML.
    Article.objects.filter(pk=world[0].pk).update(
        title="Live\x0b story 0", standfirst="Two\x0c lines", byline="Ana\x08 Reporter", section="World\x1f"
    )
    for address in (f"/feeds/stories.{form}", f"/feeds/actors/russia.{form}"):
        _response, parsed = _parsed(client, address)
        assert parsed.entries[0].title == "Live story 0"
        assert parsed.entries[0].summary == "Two lines"
    news = _valid(client.get("/sitemap-news.xml").content, "news-urlset.xsd")
    assert "Live story 0" in [title.text for title in news.iterfind(".//news:title", NS)]


@pytest.mark.parametrize("form", ["rss", "atom"])
def test_an_actor_feed_lists_the_live_stories_about_it(client, world, form):
    _response, parsed = _parsed(client, f"/feeds/actors/russia.{form}")
    assert [entry.title for entry in parsed.entries] == ["Live story 0", "Live story 1", "Live story 2"]
    assert parsed.feed.link == "http://testserver/actors/russia/"


@pytest.mark.parametrize("form", ["rss", "atom"])
@pytest.mark.parametrize("feed", list(FEEDS))
def test_no_feed_carries_the_canary(client, world, feed, form):
    response, parsed = _parsed(client, f"{FEEDS[feed]}.{form}")
    assert CANARY not in response.content.decode()
    assert parsed.entries


@pytest.mark.parametrize("form", ["rss", "atom"])
def test_feeds_of_sections_and_actors_only_non_live_stories_reach_answer_404(client, world, form):
    for kind in NOT_LIVE:
        assert client.get(f"/feeds/sections/canary-feeds-section-{kind.replace('_', '-')}.{form}").status_code == 404
        assert client.get(f"/feeds/actors/hidden-actor-{kind}.{form}").status_code == 404
    assert client.get(f"/feeds/sections/no-such-section.{form}").status_code == 404
    assert client.get(f"/feeds/actors/no-such-actor.{form}").status_code == 404


def test_a_feed_is_bounded(client, db):
    editor = EditorFactory()
    for n in range(feeds.FEED_LENGTH + 2):
        publish_article(article=ArticleFactory(title=f"Story {n}"), by=editor)
    _response, parsed = _parsed(client, "/feeds/stories.rss")
    assert len(parsed.entries) == feeds.FEED_LENGTH


@pytest.mark.parametrize("n", [1, 12])
def test_feed_queries_do_not_grow_with_stories(client, django_assert_max_num_queries, n):
    russia = ActorFactory(slug="russia")
    for i in range(n):
        article = ArticleFactory(section="World")
        article.actors.add(russia, ActorFactory())
        ArticleClaimFactory(article=article, claim=ClaimFactory())
        _live(article, days_ago=i / 10)
    # The stories and their actors; a section's feed first finds the section, an actor's the actor.
    for url, most in [("/feeds/stories.rss", 2), ("/feeds/sections/world.atom", 3), ("/feeds/actors/russia.rss", 3)]:
        with django_assert_max_num_queries(most):
            response = client.get(url)
        assert response.status_code == 200
        assert len(feedparser.parse(response.content).entries) == n


def test_pages_name_their_feeds_for_readers_to_discover(client, world):
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in home and 'href="/feeds/stories.rss"' in home
    assert 'href="/feeds/actors/russia.rss"' in client.get("/actors/russia/").content.decode()
    assert 'href="/feeds/sections/world.rss"' in client.get(f"/stories/{world[0].slug}/").content.decode()
    section = client.get("/sections/world/").content.decode()
    assert 'href="/feeds/sections/world.rss"' in section and 'href="/feeds/sections/world.atom"' in section


# --- Sitemaps -------------------------------------------------------------------------------------


def _valid(content: bytes, schema: str) -> etree._Element:
    document = etree.fromstring(content)
    validator = etree.XMLSchema(etree.parse(str(SCHEMAS / schema)))
    assert validator.validate(document), validator.error_log
    return document


def _locations(document) -> list[str]:
    return [loc.text for loc in document.iterfind(".//s:loc", NS)]


def test_the_sitemap_index_is_valid_and_names_each_sitemap(client, world):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    document = _valid(response.content, "siteindex.xsd")
    assert _locations(document) == [
        "http://testserver/sitemap-stories.xml",
        "http://testserver/sitemap-actors.xml",
        "http://testserver/sitemap-sections.xml",
    ]


def test_the_sitemaps_are_valid_and_list_live_content_only(client, world):
    pages = {}
    for section in ("stories", "actors", "sections"):
        response = client.get(f"/sitemap-{section}.xml")
        assert response.status_code == 200
        assert CANARY.lower() not in response.content.decode().lower()
        pages[section] = set(_locations(_valid(response.content, "sitemap.xsd")))
    assert pages["stories"] == {f"http://testserver/stories/{article.slug}/" for article in world}
    assert pages["actors"] == {"http://testserver/actors/russia/"}
    assert pages["sections"] == {"http://testserver/sections/world/", "http://testserver/sections/middle-east/"}
    for hidden in ("hidden-draft", "hidden-actor-draft", "hidden-scheduled"):
        assert not any(hidden in url for urls in pages.values() for url in urls)


def test_the_news_sitemap_lists_the_last_two_days_live_stories(client, world):
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    document = _valid(response.content, "news-urlset.xsd")
    assert _locations(document) == [f"http://testserver/stories/{article.slug}/" for article in world[:2]]
    assert [title.text for title in document.iterfind(".//news:title", NS)] == ["Live story 0", "Live story 1"]
    assert {name.text for name in document.iterfind(".//news:name", NS)} == {"Newsroom relations"}
    assert CANARY not in response.content.decode()


def test_a_sitemap_page_out_of_range_or_unknown_answers_404(client, world):
    assert client.get("/sitemap-stories.xml", {"p": "2"}).status_code == 404
    assert client.get("/sitemap-stories.xml", {"p": "two"}).status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.parametrize("n", [1, 12])
def test_sitemap_queries_do_not_grow_with_content(client, django_assert_max_num_queries, n):
    for i in range(n):
        article = ArticleFactory(section=f"Section {i}")
        article.actors.add(ActorFactory())
        _live(article, days_ago=i / 10)
    # The index: each sitemap's latest change and its count; a sitemap: its count and its page.
    for url, most in [
        ("/sitemap.xml", 6),
        ("/sitemap-stories.xml", 2),
        ("/sitemap-actors.xml", 2),
        ("/sitemap-sections.xml", 1),
        ("/sitemap-news.xml", 2),
    ]:
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200, url


# --- robots.txt -----------------------------------------------------------------------------------


def test_robots_txt_keeps_crawlers_from_what_is_not_a_page_and_names_the_sitemaps(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/api/", "/oembed/", "/preview/", "/search/"):
        assert f"Disallow: {path}" in lines
    # The embeds say noindex themselves, which a crawler kept out could not read.
    assert not any(line.startswith("Disallow: /embed") for line in lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


# --- Cache ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/feeds/stories.rss", "/sitemap-stories.xml", "/sitemap-news.xml"])
def test_feeds_and_sitemaps_come_from_the_public_cache_until_a_story_is_withdrawn(
    client, world, django_assert_max_num_queries, url
):
    assert world[0].slug in client.get(url).content.decode()
    with django_assert_max_num_queries(0):
        assert client.get(url).status_code == 200
    article_withdraw(article=world[0], by=EditorFactory())
    assert world[0].slug not in client.get(url).content.decode()
