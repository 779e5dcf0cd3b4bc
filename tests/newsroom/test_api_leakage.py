"""Nothing an editor has not published reaches the newsroom's endpoints: not in lists, details, filters or the feed."""

import datetime

import pytest
from django.utils import timezone

from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article, FactBox
from newsroom.services import (
    article_add_correction,
    article_submit_for_review,
    article_withdraw,
)
from relations.models import Claim
from relations.services import claim_set_verification
from tests.api_support import every_item, get, keys, publish, publish_box
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

CANARY = "CANARY-9f2"
HIDDEN = ["draft", "in-review", "withdrawn", "scheduled"]


def _hidden_story(slug: str, shared_claim: Claim) -> Article:
    """A story readers must not see, canary everywhere, with what only it reaches."""
    article = ArticleFactory(
        slug=slug,
        title=f"{CANARY} {slug} headline",
        standfirst=f"{CANARY} standfirst",
        body=f"<p>{CANARY} hiddenword body</p>",
        section="Hidden",
    )
    article.actors.add(ActorFactory(slug=f"{slug}-actor", name=f"{CANARY} {slug} actor"))
    ArticleClaimFactory(article=article, claim=ClaimFactory(text=f"{CANARY} {slug} claim", internal_note=CANARY))
    ArticleClaimFactory(article=article, claim=shared_claim, passage=f"{CANARY} passage")
    return article


@pytest.fixture
def world(db):
    editor = EditorFactory(username=f"{CANARY}-editor", email="editor@canary.test")
    checker = EditorFactory(username=f"{CANARY}-checker", email="checker@canary.test")

    shared = ClaimFactory(text="A claim the live story cites.", internal_note=f"{CANARY} internal note")
    claim_set_verification(claim=shared, state=Claim.Verification.VERIFIED, by=checker)
    live = ArticleFactory(slug="live", title="The live story", section="World")
    ArticleClaimFactory(article=live, claim=shared, passage="As the live story says.")
    publish(live, editor)
    article_add_correction(article=live, by=editor, text="A public correction.")

    hidden = {slug: _hidden_story(slug, shared) for slug in HIDDEN}
    article_submit_for_review(article=hidden["in-review"], by=editor)
    publish(hidden["withdrawn"], editor)
    article_withdraw(article=hidden["withdrawn"], by=editor, note=f"{CANARY} withdrawal reason")
    publish(hidden["scheduled"], editor, at=timezone.now() + datetime.timedelta(days=2))

    shown = FactBoxFactory(slug="shown", title="The published box")
    FactBoxItemFactory(factbox=shown, claim=shared)
    FactBoxPlacementFactory(factbox=shown, article=live)
    for slug in HIDDEN:
        FactBoxPlacementFactory(factbox=shown, article=hidden[slug])
    publish_box(shown, editor)
    FactBox.objects.filter(pk=shown.pk).update(title=f"{CANARY} draft title", intro=f"{CANARY} draft intro")
    FactBoxItemFactory(factbox=shown, claim=ClaimFactory(text=f"{CANARY} claim added to the draft"))

    for slug in ("never-published", "withdrawn-box"):
        box = FactBoxFactory(slug=slug, title=f"{CANARY} {slug}")
        FactBoxItemFactory(factbox=box, claim=ClaimFactory(text=f"{CANARY} {slug} claim"))
        FactBoxPlacementFactory(factbox=box, article=live)
    publish_box(FactBox.objects.get(slug="withdrawn-box"), editor)
    factbox_withdraw(factbox=FactBox.objects.get(slug="withdrawn-box"), by=editor, note=f"{CANARY} reason")
    return {"shared": shared, "hidden": hidden}


# --- Stories -----------------------------------------------------------------------------------------


def test_only_the_live_story_is_listed(world, client):
    assert [item["slug"] for item in every_item(client, "/articles/")] == ["live"]


@pytest.mark.parametrize("slug", HIDDEN)
def test_a_story_readers_cannot_see_answers_404(world, client, slug):
    assert get(client, f"/articles/{slug}/").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"section": "Hidden"},
        {"q": "hiddenword"},
        {"q": CANARY},
        {"published_after": "2000-01-01", "section": "Hidden"},
    ],
)
def test_filters_find_no_story_readers_cannot_see(world, client, params):
    assert keys(client, "/articles/", **params) == []


@pytest.mark.parametrize("slug", HIDDEN)
def test_an_actor_only_a_hidden_story_tags_is_refused_as_unknown(world, client, slug):
    response = get(client, "/articles/", actor=f"{slug}-actor")
    assert response.status_code == 400
    assert response.json() == get(client, "/articles/", actor="no-such-actor").json()


def test_the_live_story_shows_only_public_claims_boxes_and_actors(world, client):
    story = get(client, "/articles/live/").json()
    assert [c["claim"]["text"] for c in story["claims"]] == ["A claim the live story cites."]
    assert [box["slug"] for box in story["factboxes"]] == ["shown"]


# --- Fact boxes ----------------------------------------------------------------------------------------


def test_only_the_published_box_is_listed(world, client):
    assert [item["slug"] for item in every_item(client, "/factboxes/")] == ["shown"]


@pytest.mark.parametrize("slug", ["never-published", "withdrawn-box"])
def test_a_box_readers_cannot_see_answers_404(world, client, slug):
    assert get(client, f"/factboxes/{slug}/").status_code == 404


def test_a_box_lists_only_the_live_story_among_those_it_was_placed_on(world, client):
    assert [story["slug"] for story in get(client, "/factboxes/shown/").json()["articles"]] == ["live"]


@pytest.mark.parametrize("slug", HIDDEN)
def test_box_filter_by_a_hidden_story_is_refused_as_unknown(world, client, slug):
    assert get(client, "/factboxes/", article=slug).status_code == 400


# --- Claims -----------------------------------------------------------------------------------------------


def test_only_the_public_claim_is_listed(world, client):
    assert [item["id"] for item in every_item(client, "/claims/")] == [world["shared"].pk]


@pytest.mark.parametrize("slug", HIDDEN)
def test_a_claim_only_a_hidden_story_cites_answers_404(world, client, slug):
    claim = Claim.objects.get(text=f"{CANARY} {slug} claim")
    assert get(client, f"/claims/{claim.pk}/").status_code == 404


@pytest.mark.parametrize("slug", HIDDEN)
def test_claim_filter_by_a_hidden_story_is_refused_as_unknown(world, client, slug):
    response = get(client, "/claims/", article=slug)
    assert response.status_code == 400
    assert response.json() == get(client, "/claims/", article="no-such-story").json()


def test_a_claim_hidden_stories_also_cite_lists_only_the_live_one(world, client):
    claim = get(client, f"/claims/{world['shared'].pk}/").json()
    assert [story["slug"] for story in claim["articles"]] == ["live"]


# --- The feed ------------------------------------------------------------------------------------------------


def test_the_feed_tells_of_nothing_readers_did_not_see(world, client):
    told = {(entry["type"], entry["key"], entry["kind"]) for entry in every_item(client, "/changes/")}
    assert {key for _type, key, _kind in told} == {
        "live",
        "withdrawn",
        "shown",
        "withdrawn-box",
        str(world["shared"].pk),
    }
    assert ("article", "withdrawn", "withdrawn") in told
    assert ("factbox", "withdrawn-box", "withdrawn") in told


# --- The canary ----------------------------------------------------------------------------------------------


def _every_response(client) -> list[str]:
    bodies = []
    for collection in ("articles", "factboxes", "claims", "changes"):
        items = every_item(client, f"/{collection}/")
        bodies.append(get(client, f"/{collection}/").content.decode())
        bodies += [client.get(item["url"]).content.decode() for item in items if "url" in item]
    for slug in [*HIDDEN, "never-published", "withdrawn-box"]:
        bodies.append(get(client, f"/articles/{slug}/").content.decode())
        bodies.append(get(client, f"/factboxes/{slug}/").content.decode())
    return bodies


def test_the_canary_appears_in_no_response(world, client):
    bodies = _every_response(client)
    assert len(bodies) > 10
    assert any("A claim the live story cites." in body for body in bodies)
    for body in bodies:
        assert CANARY not in body and "canary" not in body
