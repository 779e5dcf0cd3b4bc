"""Nothing that only non-live stories reach shows on any public page (docs/architecture.md, "The published closure")."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from newsroom.models import Article
from newsroom.services import article_withdraw
from relations.models import Actor, Claim
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    RelationshipFactory,
    SourceFactory,
)
from tests.helpers import editing, publish_article

pytestmark = pytest.mark.django_db

CANARY = "CANARY-7f3a"
NOT_LIVE = ["draft", "in_review", "withdrawn", "scheduled"]


@dataclass
class World:
    live: Article
    public_actor: Actor
    not_live: dict[str, Article]
    hidden_actors: list[Actor]


def _canary_article(kind: str, *, public_actor: Actor, public_claim: Claim) -> tuple[Article, list[Actor]]:
    """A non-live story carrying the canary in everything only it reaches, and touching
    public content too, so that a leak through a shared actor or claim would show."""
    article = ArticleFactory(
        title=f"{CANARY} {kind} title",
        slug=f"hidden-{kind.replace('_', '-')}",
        standfirst=f"{CANARY} standfirst",
        body=f"<p>{CANARY} body</p>",
        byline=f"{CANARY} byline",
    )
    subject = ActorFactory(name=f"{CANARY} {kind} subject", description=f"{CANARY} description")
    ActorAliasFactory(actor=subject, name=f"{CANARY} {kind} alias")
    speaker = ActorFactory(kind="person", description=f"{CANARY} speaker")
    tagged = ActorFactory(description=f"{CANARY} tagged only")
    claim = ClaimFactory(
        text=f"{CANARY} {kind} claim",
        quote=f"{CANARY} quote",
        kind=Claim.Kind.QUOTE,
        attributed_to=speaker,
        internal_note=f"{CANARY} note",
    )
    claim.actors.add(subject, public_actor)
    claim.sources.add(SourceFactory(title=f"{CANARY} {kind} source", publisher=f"{CANARY} publisher"))
    for other in (subject, public_actor):
        ClaimRelationshipFactory(
            claim=claim,
            relationship=RelationshipFactory(subject=other, object=ActorFactory(), summary=f"{CANARY} tie"),
        )
    ClaimRelationshipFactory(
        claim=claim, relationship=RelationshipFactory(subject=speaker, object=public_actor, summary=f"{CANARY} tie")
    )
    ArticleClaimFactory(article=article, claim=claim)
    ArticleClaimFactory(article=article, claim=public_claim)
    article.actors.add(tagged, public_actor)

    editor = EditorFactory()
    if kind == "in_review":
        Article.objects.filter(pk=article.pk).update(status=Article.Status.IN_REVIEW)
    elif kind == "withdrawn":
        article_withdraw(article=publish_article(article=article, by=editor), by=editor)
    elif kind == "scheduled":
        publish_article(article=article, by=editor, publish_at=timezone.now() + timedelta(days=1))
    hidden = [subject, speaker, tagged, *Actor.objects.filter(relationships_as_object__summary=f"{CANARY} tie")]
    return article, [actor for actor in hidden if actor != public_actor]


@pytest.fixture
def world(db) -> World:
    editor = EditorFactory()
    public_actor = ActorFactory(name="Iran", slug="iran", description="Islamic Republic of Iran.")
    public_claim = ClaimFactory(text="Iran sent drones to Russia.", internal_note=f"{CANARY} internal note")
    public_claim.actors.add(public_actor)
    public_claim.sources.add(SourceFactory(title="Report on the drones"))
    ClaimRelationshipFactory(
        claim=public_claim,
        relationship=RelationshipFactory(subject=public_actor, object=ActorFactory(name="Russia", slug="russia")),
    )
    live = ArticleFactory(title="The live story", slug="the-live-story")
    ArticleClaimFactory(article=live, claim=public_claim)
    live.actors.add(public_actor)
    live = publish_article(article=live, by=editor)
    # More than a page of live stories, so that every page of the front page is read.
    for n in range(21):
        publish_article(article=ArticleFactory(title=f"Filler story {n}"), by=editor)

    not_live, hidden_actors = {}, []
    for kind in NOT_LIVE:
        article, actors = _canary_article(kind, public_actor=public_actor, public_claim=public_claim)
        not_live[kind] = article
        hidden_actors += actors
    return World(live=live, public_actor=public_actor, not_live=not_live, hidden_actors=hidden_actors)


def _assert_no_canary(response) -> None:
    assert CANARY not in response.content.decode()


def test_canary_is_on_no_page_of_the_front_page(client, world):
    first = client.get("/")
    pages = first.context["paginator"].num_pages
    assert pages == 2
    for page in range(1, pages + 1):
        response = client.get("/", {"page": page})
        assert response.status_code == 200
        _assert_no_canary(response)


def test_canary_is_on_no_live_story_page(client, world):
    for article in Article.objects.public():
        response = client.get(f"/stories/{article.slug}/")
        assert response.status_code == 200
        _assert_no_canary(response)


def test_live_story_page_still_shows_its_own_claim_and_actor(client, world):
    html = client.get(f"/stories/{world.live.slug}/").content.decode()
    assert "Iran sent drones to Russia." in html
    assert '<a href="/actors/iran/">Iran</a>' in html


def test_canary_is_on_no_actor_page(client, world):
    for actor in Actor.objects.all():
        response = client.get(f"/actors/{actor.slug}/")
        assert response.status_code in (200, 404)
        _assert_no_canary(response)


def test_public_actor_page_leaves_out_what_only_non_live_stories_say_about_it(client, world):
    response = client.get("/actors/iran/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Iran sent drones to Russia." in html
    assert html.count('href="/stories/') == 2  # the live story: once as citing the claim, once as about Iran
    _assert_no_canary(response)


def test_actor_pages_show_public_claims_sources_and_ties_but_not_those_only_non_live_stories_reach(client, world):
    # The claims on an actor page now show their sources and the ties they bear on: the
    # public claim's own are there, and nothing that only a non-live story's claim reaches.
    canaries = [f"{CANARY} {kind} source" for kind in NOT_LIVE] + [f"{CANARY} publisher", f"{CANARY} tie"]
    iran = client.get("/actors/iran/").content.decode()
    assert "Report on the drones" in iran
    assert '<a href="/actors/iran/">Iran</a>' in iran and '<a href="/actors/russia/">Russia</a>' in iran
    for actor in Actor.objects.public():
        html = client.get(f"/actors/{actor.slug}/").content.decode()
        assert not [canary for canary in canaries if canary in html], actor.slug


@pytest.mark.parametrize("kind", NOT_LIVE)
def test_non_live_story_answers_404(client, world, kind):
    assert client.get(f"/stories/{world.not_live[kind].slug}/").status_code == 404


def test_actors_only_non_live_stories_reach_answer_404(client, world):
    assert world.hidden_actors
    for actor in world.hidden_actors:
        assert client.get(f"/actors/{actor.slug}/").status_code == 404, actor.name


def test_every_actor_a_public_page_links_to_answers_200(client, world):
    html = client.get(f"/stories/{world.live.slug}/").content.decode() + client.get("/actors/iran/").content.decode()
    slugs = {actor.slug for actor in Actor.objects.public()}
    linked = {slug for slug in slugs if f'href="/actors/{slug}/"' in html}
    assert linked
    for slug in linked:
        assert client.get(f"/actors/{slug}/").status_code == 200


def test_scheduled_story_goes_live_when_its_time_comes(client):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        article = publish_article(
            article=ArticleFactory(title="Embargoed"), by=EditorFactory(), publish_at=now + timedelta(hours=2)
        )
        assert client.get(f"/stories/{article.slug}/").status_code == 404
        assert "Embargoed" not in client.get("/").content.decode()
    with time_machine.travel(now + timedelta(hours=2), tick=False):
        assert client.get(f"/stories/{article.slug}/").status_code == 200
        assert "Embargoed" in client.get("/").content.decode()


def test_scheduled_storys_actor_appears_only_once_the_story_is_live(client):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        article = publish_article(article=ArticleFactory(), by=EditorFactory(), publish_at=now + timedelta(hours=2))
        with editing(article):
            article.actors.add(ActorFactory(slug="embargoed-actor"))
        assert client.get("/actors/embargoed-actor/").status_code == 404
    with time_machine.travel(now + timedelta(hours=2, seconds=1), tick=False):
        assert client.get("/actors/embargoed-actor/").status_code == 200


def test_withdrawn_story_leaves_the_front_page_and_its_actors_page(client):
    editor = EditorFactory()
    article = publish_article(article=ArticleFactory(title="Soon withdrawn"), by=editor)
    actor = ActorFactory(slug="briefly-public")
    with editing(article):
        article.actors.add(actor)
    other = publish_article(article=ArticleFactory(), by=editor)
    with editing(other):
        other.actors.add(actor)
    assert "Soon withdrawn" in client.get("/actors/briefly-public/").content.decode()
    article_withdraw(article=article, by=editor)
    assert "Soon withdrawn" not in client.get("/").content.decode()
    assert "Soon withdrawn" not in client.get("/actors/briefly-public/").content.decode()
    assert client.get(f"/stories/{article.slug}/").status_code == 404
