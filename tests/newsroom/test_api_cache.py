"""API answers from the cache: the throttle still counts, and every public change ends them."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core import public_state
from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article
from newsroom.services import article_add_correction, article_return_to_draft, article_withdraw
from relations.models import Claim
from relations.services import claim_set_verification
from tests.api_support import API
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    SourceFactory,
)
from tests.helpers import admin_form_data, change_url, editing, publish_article, publish_factbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    editor = EditorFactory()
    russia = ActorFactory(name="Russia", slug="russia")
    claim = ClaimFactory(text="Russia ships shells north.")
    claim.actors.add(russia)
    claim.sources.add(SourceFactory(title="A report"))
    tie = ClaimRelationshipFactory(claim=claim).relationship
    story = ArticleFactory(slug="shells", title="Shells")
    ArticleClaimFactory(article=story, claim=claim)
    publish_article(article=story, by=editor)
    box = FactBoxFactory(slug="axis", title="The axis")
    FactBoxItemFactory(factbox=box, claim=claim)
    publish_factbox(factbox=box, by=editor)
    scheduled = ArticleFactory(slug="later", title="Later")
    publish_article(article=scheduled, by=editor, publish_at=timezone.now() + timedelta(days=1))
    draft = ArticleFactory(slug="draft", title="Draft")
    for row in (story, box, scheduled, claim, tie, russia):
        row.refresh_from_db()
    return {
        "editor": editor,
        "russia": russia,
        "claim": claim,
        "tie": tie,
        "story": story,
        "box": box,
        "scheduled": scheduled,
        "draft": draft,
    }


def _get(client, path: str, **extra):
    return client.get(f"{API}{path}", **extra)


def test_an_answer_is_served_from_the_cache_after_the_throttle_counted_it(client, world, settings):
    settings.API_ANON_RATE = "2/minute"
    first = _get(client, "/claims/")
    second = _get(client, "/claims/")
    assert first.status_code == second.status_code == 200
    assert dict(second.items()) == dict(first.items()) and second.content == first.content
    assert _get(client, "/claims/").status_code == 429


@pytest.mark.parametrize(
    "path", ["/articles/", "/articles/shells/", "/claims/", "/actors/russia/", "/actors/russia/network/", "/changes/"]
)
def test_a_cached_answer_reads_nothing_and_matches_the_views(client, world, path, django_assert_num_queries):
    miss = _get(client, path, HTTP_ORIGIN="https://partner.example")
    with django_assert_num_queries(0):
        hit = _get(client, path, HTTP_ORIGIN="https://partner.example")
    assert hit.status_code == 200 and dict(hit.items()) == dict(miss.items()) and hit.content == miss.content
    with django_assert_num_queries(0):
        assert _get(client, path, HTTP_IF_NONE_MATCH=miss["ETag"]).status_code == 304


def test_the_query_is_part_of_the_key(client, world):
    assert len(_get(client, "/claims/").json()["results"]) == 1
    assert _get(client, "/claims/?verification=verified").json()["results"] == []


# --- Every kind of public change ends the cached answers ------------------------------------------------


def _admin_saves_the_claim(world, client):
    client.force_login(world["editor"])
    data = admin_form_data(client.get(change_url(world["claim"])))
    data["text"] = "Russia ships shells north, and rockets."
    assert client.post(change_url(world["claim"]), data).status_code == 302
    client.logout()


CHANGES = {
    "publish": lambda w, c: publish_article(article=w["draft"], by=w["editor"]),
    "schedule": lambda w, c: publish_article(
        article=w["draft"], by=w["editor"], publish_at=timezone.now() + timedelta(hours=2)
    ),
    "reschedule": lambda w, c: publish_article(
        article=w["scheduled"], by=w["editor"], publish_at=timezone.now() + timedelta(hours=3)
    ),
    "unschedule": lambda w, c: article_return_to_draft(article=w["scheduled"], by=w["editor"]),
    "withdraw": lambda w, c: article_withdraw(article=w["story"], by=w["editor"]),
    "correct": lambda w, c: article_add_correction(article=w["story"], by=w["editor"], text="A date was wrong."),
    "box publish": lambda w, c: publish_factbox(factbox=w["box"], by=w["editor"]),
    "box withdraw": lambda w, c: factbox_withdraw(factbox=w["box"], by=w["editor"]),
    "verdict": lambda w, c: claim_set_verification(claim=w["claim"], state=Claim.Verification.VERIFIED, by=w["editor"]),
    "admin save of a public claim": _admin_saves_the_claim,
    "closure settles": lambda w, c: _relink(w),
    "actor renamed": lambda w, c: _rename(w["russia"], "Russian Federation"),
    "alias added": lambda w, c: ActorAliasFactory(actor=w["russia"], name="Rossiya"),
    "relationship type relabelled": lambda w, c: _rename(w["tie"].type, "arms", field="label"),
    "box placed beside a story": lambda w, c: FactBoxPlacementFactory(factbox=w["box"], article=w["story"]),
}


def _rename(row, value: str, field: str = "name") -> None:
    setattr(row, field, value)
    row.save()


def _relink(world) -> None:
    """A write only the closure sees (no model signal): a live story stops citing its claim."""
    with editing(world["story"]):
        world["story"].claim_citations.all().delete()


@pytest.mark.parametrize("change", CHANGES)
def test_every_public_change_ends_the_generation(client, world, change):
    before = public_state.current()
    CHANGES[change](world, client)
    assert public_state.lookup() != before


def test_editing_a_draft_keeps_the_cached_answers(world):
    before = public_state.current()
    world["draft"].title = "Still a draft"
    world["draft"].save()
    ClaimFactory(text="A claim nothing public cites.").save()
    assert public_state.lookup() == before


@pytest.mark.parametrize(
    ("path", "change", "check"),
    [
        ("/articles/shells/", "withdraw", lambda r: r.status_code == 404),
        ("/articles/", "publish", lambda r: b'"Draft"' in r.content),
        ("/articles/shells/", "correct", lambda r: b"A date was wrong." in r.content),
        ("/factboxes/axis/", "box withdraw", lambda r: r.status_code == 404),
        ("/claims/", "verdict", lambda r: b'"verified"' in r.content),
        ("/actors/russia/", "actor renamed", lambda r: b"Russian Federation" in r.content),
        ("/claims/", "admin save of a public claim", lambda r: b"and rockets" in r.content),
        ("/articles/shells/", "closure settles", lambda r: b"Russia ships shells north" not in r.content),
    ],
)
def test_the_next_answer_shows_the_change(client, world, path, change, check):
    cached = _get(client, path)
    assert cached.status_code == 200 and _get(client, path).content == cached.content
    CHANGES[change](world, client)
    assert check(_get(client, path))


def test_a_scheduled_story_appears_in_a_cached_list_at_its_moment(client, world):
    moment = world["scheduled"].publish_at
    with time_machine.travel(moment - timedelta(seconds=1), tick=False):
        assert b'"Later"' not in _get(client, "/articles/").content
        assert b'"Later"' not in _get(client, "/articles/").content
    with time_machine.travel(moment, tick=False):
        assert b'"Later"' in _get(client, "/articles/").content
        assert Article.objects.public().filter(slug="later").exists()
