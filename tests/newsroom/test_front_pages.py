"""The front page, the section pages, the actor page's map and the story cards' links to their boxes."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom import selectors
from newsroom.models import Article
from relations.models import ClaimRelationship
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    RelationshipFactory,
)
from tests.helpers import editing, publish_article, publish_factbox
from tests.newsroom.test_page_visibility import CANARY, NOT_LIVE, World, world  # noqa: F401

pytestmark = pytest.mark.django_db


def live(minutes_ago: int = 60, **fields) -> Article:
    """A story that went live ``minutes_ago``, as the publish service leaves it."""
    when = timezone.now() - timedelta(minutes=minutes_ago)
    return ArticleFactory(
        status=Article.Status.PUBLISHED,
        publish_at=when,
        first_published_at=when,
        last_published_at=when,
        last_modified_at=when,
        **fields,
    )


def with_box(article: Article, *, title: str = "The key facts", published: bool = True, items: int = 1):
    box = FactBoxFactory(title=title)
    for _ in range(items):
        FactBoxItemFactory(factbox=box)
    if published:
        publish_factbox(factbox=box, by=EditorFactory())
    FactBoxPlacementFactory(factbox=box, article=article)
    return box


def html(response) -> str:
    return response.content.decode()


# The front page


def test_front_page_leads_with_the_newest_story_and_a_teaser_of_its_first_box(client):
    live(minutes_ago=90, title="Older story")
    lead = live(minutes_ago=5, title="The newest story", slug="the-newest-story", standfirst="What it says.")
    box = with_box(lead, title="Who backs whom", items=5)
    with_box(lead, title="A second box")
    response = client.get("/")
    assert response.context["lead"] == lead
    page = html(response)
    assert page.index("The newest story") < page.index("Older story")
    assert 'class="lead-title" id="lead-title"><a href="/stories/the-newest-story/">The newest story</a>' in page
    anchor = f"fb-{box.slug}-v1"
    assert f'<a href="/stories/the-newest-story/#{anchor}">Who backs whom</a>' in page
    assert "2 more in the box" in page
    # The anchor is the box's id on the story page.
    assert f'id="{anchor}"' in html(client.get("/stories/the-newest-story/"))


def test_front_page_groups_the_other_stories_by_section_newest_section_first(client):
    live(minutes_ago=1, title="Lead", section="World")
    live(minutes_ago=2, title="Talks resume", section="Middle East")
    live(minutes_ago=3, title="Sanctions bite", section="Economy")
    live(minutes_ago=4, title="Envoy recalled", section="Middle East")
    live(minutes_ago=5, title="Unfiled", section="")
    response = client.get("/")
    groups = response.context["sections"]
    assert [(group.name, [story.title for story in group.stories]) for group in groups] == [
        ("Middle East", ["Talks resume", "Envoy recalled"]),
        ("Economy", ["Sanctions bite"]),
        ("", ["Unfiled"]),
    ]
    page = html(response)
    assert '<a href="/sections/middle-east/">Middle East<span class="front-section-arrow"' in page
    assert ">More stories</h2>" in page


def test_front_pages_after_the_first_list_older_stories_by_date(client):
    for n in range(25):
        live(minutes_ago=n + 1, title=f"Numbered story {n:02d}", section=["A", "B"][n % 2])
    second = client.get("/", {"page": 2})
    assert "lead" not in second.context
    assert [story.title for story in second.context["stories"]] == [f"Numbered story {n:02d}" for n in range(20, 25)]
    assert "Latest stories" in html(second)


def test_story_cards_link_each_published_box_at_its_place_in_the_story(client):
    live(minutes_ago=1, title="Lead")
    card = live(minutes_ago=10, title="A card", slug="a-card")
    first = with_box(card, title="First box")
    with_box(card, title=f"{CANARY} unpublished box", published=False)
    second = with_box(card, title="Second box")
    page = html(client.get("/"))
    assert f'<a href="/stories/a-card/#fb-{first.slug}-v1">First box</a>' in page
    assert f'<a href="/stories/a-card/#fb-{second.slug}-v1">Second box</a>' in page
    assert CANARY not in page


def test_cards_and_the_lead_name_a_box_by_its_published_title_not_an_unpublished_edit(client):
    from newsroom.models import FactBox

    lead = live(minutes_ago=1, title="Lead", section="World")
    card = live(minutes_ago=10, title="A card", section="World")
    boxes = [with_box(lead, title="Lead box"), with_box(lead, title="Lead second box")]
    boxes.append(with_box(card, title="Card box"))
    # An editor retitles each box in the admin and has not published the change.
    FactBox.objects.filter(pk__in=[box.pk for box in boxes]).update(title=f"{CANARY} retitled")
    for address in ("/", "/sections/world/"):
        page = html(client.get(address))
        assert CANARY not in page
        assert ">Card box</a>" in page
    assert ">Lead second box</a>" in html(client.get("/"))


def test_story_kicker_links_its_section(client):
    live(title="Filed", slug="filed", section="Middle East")
    assert '<p class="kicker"><a href="/sections/middle-east/">Middle East</a></p>' in html(
        client.get("/stories/filed/")
    )


def test_a_section_with_no_letters_to_make_an_address_from_is_shown_unlinked(client):
    live(minutes_ago=1, title="Lead", section="!!!")
    assert '<p class="kicker">!!!</p>' in html(client.get("/"))


# Section pages


def test_section_page_lists_its_live_stories_newest_first(client):
    live(minutes_ago=30, title="Older talks", section="Middle East")
    live(minutes_ago=10, title="Newer talks", section="Middle East")
    live(minutes_ago=5, title="Elsewhere", section="Economy")
    response = client.get("/sections/middle-east/")
    assert response.status_code == 200
    assert [story.title for story in response.context["stories"]] == ["Newer talks", "Older talks"]
    page = html(response)
    assert '<h1 class="page-title">Middle East</h1>' in page
    assert "Elsewhere" not in page
    assert '<link rel="canonical" href="http://testserver/sections/middle-east/">' in page


def test_section_page_gathers_the_spellings_of_one_section(client):
    live(minutes_ago=10, title="Spelt one way", section="Middle East")
    live(minutes_ago=5, title="Spelt another", section="middle-east")
    response = client.get("/sections/middle-east/")
    assert {story.title for story in response.context["stories"]} == {"Spelt one way", "Spelt another"}


def test_section_page_paginates_twenty_stories_a_page(client):
    for n in range(25):
        live(minutes_ago=n + 1, title=f"Story {n:02d}", section="Economy")
    first, second = client.get("/sections/economy/"), client.get("/sections/economy/", {"page": 2})
    assert len(first.context["stories"]) == 20 and len(second.context["stories"]) == 5
    assert 'href="/sections/economy/?page=2"' in html(first)
    assert 'rel="prev" href="/sections/economy/"' in html(second)
    assert client.get("/sections/economy/", {"page": 3}).status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1.5", "%00"])
def test_section_page_bad_page_values_answer_not_found(client, page):
    live(section="Economy")
    assert client.get("/sections/economy/", {"page": page}).status_code == 404


def test_unknown_section_answers_not_found(client):
    live(section="Economy")
    assert client.get("/sections/atlantis/").status_code == 404


@pytest.mark.parametrize("kind", NOT_LIVE)
def test_section_of_non_live_stories_only_answers_not_found_and_is_nowhere(client, world, kind):  # noqa: F811
    Article.objects.filter(pk=world.not_live[kind].pk).update(section=f"{CANARY} desk")
    assert client.get("/sections/canary-7f3a-desk/").status_code == 404
    assert CANARY not in html(client.get("/"))


def test_canary_is_on_no_section_page(client, world):  # noqa: F811
    for section in {article.section for article in Article.objects.all()}:
        response = client.get(f"/sections/{selectors.section_slug(section)}/")
        assert response.status_code in (200, 404)
        assert CANARY not in html(response)


# The actor page


def _public_tie(subject, object_, *, evidence: int = 1, **fields):
    """A tie ``evidence`` claims of a live story bear on."""
    tie = RelationshipFactory(subject=subject, object=object_, **fields)
    article = ArticleFactory()
    for _ in range(evidence):
        claim = ClaimFactory()
        ClaimRelationshipFactory(claim=claim, relationship=tie, stance=ClaimRelationship.Stance.SUPPORTS)
        ArticleClaimFactory(article=article, claim=claim)
    publish_article(article=article, by=EditorFactory())
    return tie


def test_actor_page_leads_with_its_map_then_its_stories_then_its_claims(client):
    iran = ActorFactory(name="Iran", slug="iran")
    _public_tie(iran, ActorFactory(name="Russia", slug="russia"))
    story = live(title="A story about Iran")
    with editing(story):
        story.actors.add(iran)
    page = html(client.get("/actors/iran/"))
    assert page.index('class="factbox factbox-relationship_map"') < page.index('id="stories-title"')
    assert page.index('id="stories-title"') < page.index('id="claims-title"')
    assert '<svg class="fb-map-svg' in page
    assert "Who Iran is tied to" in page
    assert "A story about Iran" in page


def test_actor_map_draws_the_best_evidenced_ties_and_lists_the_rest_under_it(client, monkeypatch):
    monkeypatch.setattr(selectors, "ACTOR_MAP_TIES", 2)
    iran = ActorFactory(name="Iran", slug="iran")
    _public_tie(iran, ActorFactory(name="Thinly sourced"), evidence=1)
    _public_tie(iran, ActorFactory(name="Well sourced"), evidence=3)
    _public_tie(iran, ActorFactory(name="Fairly sourced"), evidence=2)
    response = client.get("/actors/iran/")
    page = html(response)
    mapped = page[page.index('class="factbox') : page.index("</section>", page.index('class="factbox'))]
    assert "Well sourced" in mapped and "Fairly sourced" in mapped and "Thinly sourced" not in mapped
    assert mapped.index("Well sourced") < mapped.index("Fairly sourced")
    assert [tie.object.name for tie in response.context["unmapped"]] == ["Thinly sourced"]
    assert "More ties of Iran" in page


def test_actor_map_shows_only_public_ties_and_public_evidence(client):
    iran = ActorFactory(name="Iran", slug="iran")
    tie = _public_tie(iran, ActorFactory(name="Russia"))
    RelationshipFactory(subject=iran, object=ActorFactory(name=f"{CANARY} unpublished tie's end"))
    ClaimRelationshipFactory(claim=ClaimFactory(text=f"{CANARY} draft claim"), relationship=tie)
    page = html(client.get("/actors/iran/"))
    assert "Russia" in page
    assert CANARY not in page


def test_actor_without_public_ties_says_so_and_draws_no_map(client):
    iran = ActorFactory(name="Iran", slug="iran")
    story = live(title="A story about Iran")
    with editing(story):
        story.actors.add(iran)
    page = html(client.get("/actors/iran/"))
    assert "No relationship of Iran has been published yet." in page
    assert "fb-map-svg" not in page


def test_actor_page_bounds_its_stories_and_says_so(client, monkeypatch):
    monkeypatch.setattr(selectors, "ACTOR_PAGE_STORIES", 2)
    iran = ActorFactory(name="Iran", slug="iran")
    for n in range(3):
        story = live(minutes_ago=n + 1, title=f"Iran story {n}")
        with editing(story):
            story.actors.add(iran)
    response = client.get("/actors/iran/")
    assert [story.title for story in response.context["stories"]] == ["Iran story 0", "Iran story 1"]
    assert "Only the 2 newest stories are listed here." in html(response)


def test_every_link_of_the_new_pages_answers_200(client, world):  # noqa: F811
    with_box(world.live, title="The live story's box")
    pages = [html(client.get(path)) for path in ("/", "/actors/iran/")]
    links = {link for page in pages for link in re.findall(r'href="(/(?:sections|stories|actors)/[^"#]*)', page)}
    assert any(link.startswith("/sections/") for link in links)
    for link in links:
        assert client.get(link).status_code == 200, link


# Queries: as many for one row as for many


def _front_world(n: int) -> None:
    for m in range(n):
        story = live(minutes_ago=m + 1, section=f"Section {m % 7}")
        with_box(story)


@pytest.mark.parametrize("n", [1, 30])
def test_front_page_queries_do_not_grow_with_stories_sections_or_boxes(client, django_assert_max_num_queries, n):
    _front_world(n)
    with django_assert_max_num_queries(3):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("n", [1, 30])
def test_section_page_queries_do_not_grow_with_stories_or_boxes(client, django_assert_max_num_queries, n):
    for m in range(n):
        with_box(live(minutes_ago=m + 1, section="Economy"))
    with django_assert_max_num_queries(3):
        response = client.get("/sections/economy/")
    assert len(response.context["stories"]) == min(n, 20)


@pytest.mark.parametrize("n", [1, 20])
def test_actor_map_queries_do_not_grow_with_ties_or_evidence(client, django_assert_max_num_queries, n):
    iran = ActorFactory(name="Iran", slug="iran")
    for _ in range(n):
        _public_tie(iran, ActorFactory(), evidence=2)
    # The actor, its aliases, ties, the mapped ties' evidence and its sources, claims (three), stories (two).
    with django_assert_max_num_queries(11):
        response = client.get("/actors/iran/")
    assert html(response).count('class="fb-tie"') == min(n, selectors.ACTOR_MAP_TIES)
