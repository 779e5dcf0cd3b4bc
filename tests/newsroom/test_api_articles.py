"""/api/v1/articles/: live stories with what readers see of them, filtered and ordered as partners ask."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from newsroom.demo_content import ARTICLE, AXIS_MAP, BRIEF, FACTBOXES, PARAGRAPHS, SCHEDULED
from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article, FactBox
from newsroom.services import article_add_correction, article_return_to_draft, article_withdraw
from tests.api_support import backdate, get, keys, publish, publish_box, results
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
)

pytestmark = pytest.mark.django_db

MAIN = ARTICLE["slug"]


@pytest.fixture
def story(demo, client):
    response = get(client, f"/articles/{MAIN}/")
    assert response.status_code == 200
    return response.json()


# --- The demo story -----------------------------------------------------------------------------


def test_list_holds_only_the_live_demo_story(demo, client):
    assert keys(client, "/articles/") == [MAIN]


def test_detail_gives_the_story_text_and_byline(story):
    assert story["title"] == ARTICLE["title"]
    assert story["standfirst"] == ARTICLE["standfirst"]
    assert story["byline"] == "Newsroom staff"
    assert story["section"] == "World"


def test_detail_body_is_the_sanitised_body(story):
    assert story["body"] == Article.objects.get(slug=MAIN).body
    assert re.match(r'<p><mark data-claim="\d+">Since the invasion of Ukraine', story["body"])


def test_detail_dates_are_the_first_publication(story):
    article = Article.objects.get(slug=MAIN)
    assert parse_datetime(story["published_at"]) == article.first_published_at
    assert parse_datetime(story["last_modified_at"]) == article.last_modified_at


def test_detail_addresses_are_absolute(story):
    assert story["url"] == f"http://testserver/api/v1/articles/{MAIN}/"
    assert story["html_url"] == f"http://testserver/stories/{MAIN}/"


def test_detail_names_every_tagged_actor_with_its_address(story):
    actors = {actor["slug"]: actor for actor in story["actors"]}
    assert {"china", "russia", "iran", "north-korea"} <= set(actors)
    assert actors["russia"]["name"] == "Russia"
    assert actors["russia"]["kind"] == "country"
    assert actors["russia"]["url"] == "http://testserver/api/v1/actors/russia/"


def test_detail_cites_its_claims_in_story_order_with_their_passages(story):
    cited = [passage for passage, key in PARAGRAPHS if key]
    assert [citation["position"] for citation in story["claims"]] == list(range(1, len(cited) + 1))
    assert [citation["passage"] for citation in story["claims"]] == cited


def test_detail_gives_each_cited_claim_its_verdict_and_address(story):
    first = story["claims"][0]["claim"]
    assert set(first) == {"id", "text", "kind", "verification", "url"}
    assert first["url"] == f"http://testserver/api/v1/claims/{first['id']}/"
    assert {citation["claim"]["verification"] for citation in story["claims"]} >= {"verified"}


def test_detail_lists_the_published_boxes_it_runs_with(story):
    boxes = {box["slug"]: box for box in story["factboxes"]}
    assert set(boxes) == {AXIS_MAP["slug"], *FACTBOXES}
    assert boxes[AXIS_MAP["slug"]]["title"] == AXIS_MAP["title"]
    assert boxes[AXIS_MAP["slug"]]["url"] == f"http://testserver/api/v1/factboxes/{AXIS_MAP['slug']}/"


def test_detail_of_the_demo_story_has_no_corrections_yet(story):
    assert story["corrections"] == []


def test_list_entries_leave_out_the_body_and_citations(demo, client):
    (entry,) = results(client, "/articles/")
    assert "body" not in entry and "claims" not in entry and "factboxes" not in entry
    assert entry["title"] == ARTICLE["title"] and entry["actors"]


# --- Filters on the demo -------------------------------------------------------------------------


def test_actor_filter_on_the_demo(demo, client):
    assert keys(client, "/articles/", actor="russia") == [MAIN]


def test_actor_filter_with_an_unknown_actor_answers_400_naming_it(demo, client):
    response = get(client, "/articles/", actor="no-such-actor")
    assert response.status_code == 400
    assert response.json()["errors"] == {"actor": ["No published actor has this slug."]}


@pytest.mark.parametrize(
    ("section", "expected"),
    # The brief (Briefing) waits in review and the Analysis story is scheduled: neither is found.
    [("World", [MAIN]), ("world", [MAIN]), ("Briefing", []), ("Analysis", [])],
)
def test_section_filter_on_the_demo(demo, client, section, expected):
    assert keys(client, "/articles/", section=section) == expected


def test_published_after_a_past_date_finds_the_demo_story(demo, client):
    yesterday = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
    assert keys(client, "/articles/", published_after=yesterday) == [MAIN]


def test_published_after_a_future_moment_finds_nothing(demo, client):
    later = (timezone.now() + datetime.timedelta(minutes=5)).isoformat()
    assert keys(client, "/articles/", published_after=later) == []


def test_published_before_a_future_date_finds_the_demo_story(demo, client):
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).date().isoformat()
    assert keys(client, "/articles/", published_before=tomorrow) == [MAIN]


def test_published_before_is_exclusive_of_the_moment(demo, client):
    published = Article.objects.get(slug=MAIN).first_published_at
    assert keys(client, "/articles/", published_before=published.isoformat()) == []
    assert keys(client, "/articles/", published_after=published.isoformat()) == [MAIN]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("arm's length", [MAIN]),  # the headline
        ("words, not help", [MAIN]),  # the standfirst
        ("drones and missiles", [MAIN]),  # the body
        ("AXIS bloc", [MAIN]),  # every word, anywhere, in any case
        ("axis zeppelin", []),
        ("honoured it in the field", []),  # the scheduled story's body
        ("heads to China", []),  # the headline of the brief in review
    ],
)
def test_text_search_on_the_demo(demo, client, q, expected):
    assert keys(client, "/articles/", q=q) == expected


def test_scheduled_demo_story_is_listed_once_its_time_comes(demo, client):
    scheduled = Article.objects.get(slug=SCHEDULED["slug"])
    with time_machine.travel(scheduled.publish_at + datetime.timedelta(minutes=1)):
        assert keys(client, "/articles/") == [SCHEDULED["slug"], MAIN]


def test_brief_in_review_answers_404(demo, client):
    assert get(client, f"/articles/{BRIEF['slug']}/").status_code == 404


# --- Ordering --------------------------------------------------------------------------------------


@pytest.fixture
def three_stories(db):
    editor = EditorFactory()
    stories = {}
    for minutes_ago, title in [(30, "Beta"), (10, "Alpha"), (20, "Gamma")]:
        article = publish(ArticleFactory(title=title, slug=title.lower()), editor)
        stories[title] = backdate(article, minutes_ago=minutes_ago)
    return stories


def test_newest_first_by_default(three_stories, client):
    assert keys(client, "/articles/") == ["alpha", "gamma", "beta"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("-published_at", ["alpha", "gamma", "beta"]),
        ("published_at", ["beta", "gamma", "alpha"]),
        ("title", ["alpha", "beta", "gamma"]),
        ("-title", ["gamma", "beta", "alpha"]),
    ],
)
def test_explicit_orderings(three_stories, client, ordering, expected):
    assert keys(client, "/articles/", ordering=ordering) == expected


def test_stories_tied_on_the_ordering_field_page_through_without_loss_or_repeat(db, client):
    editor = EditorFactory()
    for n in range(7):
        publish(ArticleFactory(title="Same headline", slug=f"same-{n}"), editor)
    seen = []
    response = get(client, "/articles/", ordering="title", page_size=2)
    while True:
        seen += [item["slug"] for item in response.json()["results"]]
        if not response.json()["next"]:
            break
        response = client.get(response.json()["next"])
    assert sorted(seen) == [f"same-{n}" for n in range(7)]


# --- What a story shows ---------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    return EditorFactory()


def test_published_at_stays_the_first_publication_after_a_withdrawal(client, editor):
    article = backdate(publish(ArticleFactory(slug="again"), editor), minutes_ago=60)
    first = article.first_published_at
    article_withdraw(article=article, by=editor)
    article_return_to_draft(article=article, by=editor)
    publish(Article.objects.get(pk=article.pk), editor)
    assert parse_datetime(get(client, "/articles/again/").json()["published_at"]) == first


def test_a_correction_shows_with_its_date_and_moves_last_modified(client, editor):
    article = publish(ArticleFactory(slug="corrected"), editor)
    correction = article_add_correction(article=article, by=editor, text="An earlier version misdated the treaty.")
    story = get(client, "/articles/corrected/").json()
    (shown,) = story["corrections"]
    assert shown["text"] == "An earlier version misdated the treaty."
    assert set(shown) == {"text", "published_at"}  # never who corrected it
    assert parse_datetime(shown["published_at"]) == correction.published_at
    assert parse_datetime(story["last_modified_at"]) == correction.published_at


def test_body_written_around_the_sanitiser_is_sanitised_on_the_way_out(client, editor):
    article = publish(ArticleFactory(slug="raw"), editor)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE newsroom_article SET body = %s WHERE id = %s",
            ['<p onclick="steal()">Text</p><script>alert(1)</script>', article.pk],
        )
    assert get(client, "/articles/raw/").json()["body"] == "<p>Text</p>"


def test_fact_box_title_is_the_published_versions_not_the_drafts(client, editor):
    article = publish(ArticleFactory(slug="with-box"), editor)
    box = FactBoxFactory(slug="box", title="As published")
    FactBoxItemFactory(factbox=box, claim=ClaimFactory())
    FactBoxPlacementFactory(factbox=box, article=article)
    publish_box(box, editor)
    FactBox.objects.filter(pk=box.pk).update(title="Draft retitled")
    assert [b["title"] for b in get(client, "/articles/with-box/").json()["factboxes"]] == ["As published"]


def test_unpublished_and_withdrawn_boxes_do_not_run_with_the_story(client, editor):
    article = publish(ArticleFactory(slug="with-boxes"), editor)
    for slug in ("shown", "never-published", "withdrawn"):
        box = FactBoxFactory(slug=slug)
        FactBoxItemFactory(factbox=box, claim=ClaimFactory())
        FactBoxPlacementFactory(factbox=box, article=article)
        if slug != "never-published":
            publish_box(box, editor)
    factbox_withdraw(factbox=FactBox.objects.get(slug="withdrawn"), by=editor)
    assert [b["slug"] for b in get(client, "/articles/with-boxes/").json()["factboxes"]] == ["shown"]


def test_claims_and_actors_show_in_the_detail(client, editor):
    article = ArticleFactory(slug="tagged")
    article.actors.add(ActorFactory(slug="iran", name="Iran"))
    ArticleClaimFactory(article=article, claim=ClaimFactory(text="Second."), position=2, passage="Later on.")
    ArticleClaimFactory(article=article, claim=ClaimFactory(text="First."), position=1, passage="Early on.")
    publish(article, editor)
    story = get(client, "/articles/tagged/").json()
    assert [c["claim"]["text"] for c in story["claims"]] == ["First.", "Second."]
    assert [a["slug"] for a in story["actors"]] == ["iran"]
