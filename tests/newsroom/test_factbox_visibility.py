"""Readers see a fact box's published version and nothing else: no draft, no unpublished or withdrawn box."""

from urllib.parse import quote

import pytest

from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import FactBox
from relations.models import Actor, Claim
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    RelationshipFactory,
)
from tests.helpers import publish_article, publish_factbox

pytestmark = pytest.mark.django_db

CANARY = "CANARY-b0x"


def _canary_box(slug: str, story, editor) -> FactBox:
    """A box whose every part carries the canary, running with the live story."""
    box = FactBoxFactory(slug=slug, title=f"{CANARY} {slug} title", intro=f"{CANARY} intro")
    actor = ActorFactory(name=f"{CANARY} {slug} actor", slug=f"{slug}-actor", description=f"{CANARY} description")
    claim = ClaimFactory(text=f"{CANARY} {slug} claim", internal_note=f"{CANARY} note")
    tie = RelationshipFactory(subject=actor, object=ActorFactory(slug=f"{slug}-other"), summary=f"{CANARY} tie")
    FactBoxItemFactory(factbox=box, claim=claim, position=1)
    FactBoxItemFactory(factbox=box, claim=None, actor=actor, position=2)
    FactBoxItemFactory(factbox=box, claim=None, relationship=tie, position=3)
    FactBoxItemFactory(factbox=box, claim=None, text=f"{CANARY} line", position=4)
    FactBoxPlacementFactory(factbox=box, article=story)
    return box


@pytest.fixture
def world(db):
    editor = EditorFactory()
    story = ArticleFactory(title="The live story", slug="the-live-story")
    ArticleClaimFactory(article=story, claim=ClaimFactory(text="A claim the story cites."))
    publish_article(article=story, by=editor)

    shown = FactBoxFactory(slug="shown", title="The published box")
    FactBoxItemFactory(factbox=shown, claim=ClaimFactory(text="What readers are shown."), position=1)
    FactBoxPlacementFactory(factbox=shown, article=story)
    publish_factbox(factbox=shown, by=editor)
    # Its draft moves on after publication, canary and all: readers must not see it.
    FactBox.objects.filter(pk=shown.pk).update(title=f"{CANARY} retitled draft")
    FactBoxItemFactory(factbox=shown, claim=ClaimFactory(text=f"{CANARY} added to the draft"), position=2)

    _canary_box("never-published", story, editor)
    withdrawn = _canary_box("withdrawn", story, editor)
    publish_factbox(factbox=withdrawn, by=editor)
    factbox_withdraw(factbox=withdrawn, by=editor)
    return story


def _public_urls() -> list[str]:
    story = "http://testserver/stories/the-live-story/"
    urls = ["/", "/stories/the-live-story/", f"/oembed/?url={quote(story)}&format=json"]
    urls += [f"/actors/{actor.slug}/" for actor in Actor.objects.all()]
    for slug in ("shown", "never-published", "withdrawn"):
        embed = f"http://testserver/embed/factboxes/{slug}/"
        urls += [f"/embed/factboxes/{slug}/", f"/embed/factboxes/{slug}/v/1/", f"/oembed/?url={quote(embed)}"]
    urls += ["/embed/stories/the-live-story/"]
    return urls


def test_no_public_path_shows_a_draft_an_unpublished_or_a_withdrawn_box(client, world):
    for url in _public_urls():
        response = client.get(url)
        assert response.status_code in (200, 404, 410), url
        assert CANARY not in response.content.decode(), url


def test_the_story_and_the_embed_show_the_published_version(client, world):
    for url in ("/stories/the-live-story/", "/embed/factboxes/shown/"):
        html = client.get(url).content.decode()
        assert "The published box" in html and "What readers are shown." in html, url


def test_a_box_never_published_answers_404_on_its_embeds_and_oembed(client, world):
    assert client.get("/embed/factboxes/never-published/").status_code == 404
    assert client.get("/embed/factboxes/never-published/v/1/").status_code == 404
    embed = quote("http://testserver/embed/factboxes/never-published/")
    assert client.get(f"/oembed/?url={embed}").status_code == 404


def test_a_withdrawn_box_answers_410_on_its_embeds_and_404_on_oembed(client, world):
    assert client.get("/embed/factboxes/withdrawn/").status_code == 410
    assert client.get("/embed/factboxes/withdrawn/v/1/").status_code == 410
    assert client.get(f"/oembed/?url={quote('http://testserver/embed/factboxes/withdrawn/')}").status_code == 404


def test_actors_only_unpublished_or_withdrawn_boxes_name_answer_404(client, world):
    for slug in ("never-published", "withdrawn"):
        assert client.get(f"/actors/{slug}-actor/").status_code == 404
        assert client.get(f"/actors/{slug}-other/").status_code == 404


def test_an_actor_a_published_box_names_has_a_page_until_the_box_is_withdrawn(client, world):
    editor = EditorFactory(username="desk")
    box = FactBoxFactory(kind=FactBox.Kind.RELATIONSHIP_MAP)
    tie = RelationshipFactory(subject=ActorFactory(slug="mapped"), object=ActorFactory(slug="partner"))
    FactBoxItemFactory(factbox=box, claim=None, relationship=tie)
    publish_factbox(factbox=box, by=editor)
    page = client.get("/actors/mapped/")
    assert page.status_code == 200
    # The actor page leads with its map, a box whose links are absolute as a box's are anywhere.
    assert 'href="http://testserver/actors/partner/"' in page.content.decode()
    factbox_withdraw(factbox=box, by=editor)
    assert client.get("/actors/mapped/").status_code == 404


@pytest.fixture
def republished_without_a_claim(db):
    """Version 1 showed a claim only it made public; version 2 leaves it out."""
    editor = EditorFactory(username="desk")
    box = FactBoxFactory(slug="pinned")
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(text="Still in the box."), position=1)
    dropped = FactBoxItemFactory(
        factbox=box,
        claim=ClaimFactory(text=f"{CANARY} dropped", attributed_to=ActorFactory(slug="speaker")),
        position=2,
    )
    publish_factbox(factbox=box, by=editor)
    dropped.delete()
    publish_factbox(factbox=box, by=editor)
    return box


def test_an_earlier_version_showing_what_is_no_longer_public_answers_410(client, republished_without_a_claim):
    assert client.get("/actors/speaker/").status_code == 404
    response = client.get("/embed/factboxes/pinned/v/1/")
    assert response.status_code == 410
    assert CANARY not in response.content.decode()
    assert client.get(f"/oembed/?url={quote('http://testserver/embed/factboxes/pinned/v/1/')}").status_code == 404
    assert client.get("/embed/factboxes/pinned/v/2/").status_code == 200


def test_an_earlier_version_whose_content_is_all_still_public_stays_pinned(client, editor):
    box = FactBoxFactory(slug="retitled", title="First title")
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(text="Unchanged claim."))
    publish_factbox(factbox=box, by=editor)
    FactBox.objects.filter(pk=box.pk).update(title="Second title")
    publish_factbox(factbox=box, by=editor)
    response = client.get("/embed/factboxes/retitled/v/1/")
    assert response.status_code == 200
    assert "First title" in response.content.decode()


def test_an_earlier_version_comes_back_when_live_content_shows_its_claim_again(client, republished_without_a_claim):
    dropped = Claim.objects.get(text__endswith="dropped")
    story = ArticleFactory()
    ArticleClaimFactory(article=story, claim=dropped)
    publish_article(article=story, by=EditorFactory(username="chief"))
    assert client.get("/embed/factboxes/pinned/v/1/").status_code == 200
