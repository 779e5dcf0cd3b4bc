"""The demo story: loaded once or twice, it is the same complete story."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import CommandError, call_command

from newsroom.demo import DEMO_EDITOR_PASSWORD, DEMO_EDITOR_USERNAME
from newsroom.demo_content import ARTICLE
from newsroom.models import Article
from relations.models import Actor, Claim, ClaimRelationship, Relationship

pytestmark = pytest.mark.django_db


def _dump() -> str:
    models = [*apps.get_app_config("relations").get_models(), *apps.get_app_config("newsroom").get_models()]
    querysets = [model.objects.order_by("pk") for model in models]
    querysets.append(get_user_model().objects.order_by("pk"))
    return "\n".join(serializers.serialize("json", qs) for qs in querysets)


@pytest.fixture
def demo(settings):
    settings.DEMO_CONTENT = True
    call_command("load_demo", stdout=io.StringIO())


def _relationship(subject: str, type_slug: str, object_: str) -> Relationship:
    return Relationship.objects.get(subject__slug=subject, type__slug=type_slug, object__slug=object_)


def test_loading_twice_gives_the_same_database(demo, settings):
    before = _dump()
    call_command("load_demo", stdout=io.StringIO())
    assert _dump() == before


def test_second_run_writes_nothing(demo, capsys):
    call_command("load_demo")
    assert "0 rows created, 0 updated" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("slug", "kind"),
    [
        ("china", "country"),
        ("russia", "country"),
        ("iran", "country"),
        ("north-korea", "country"),
        ("united-states", "country"),
        ("united-kingdom", "country"),
        ("ukraine", "country"),
        ("israel", "country"),
        ("saudi-arabia", "country"),
        ("united-arab-emirates", "country"),
        ("shanghai-cooperation-organization", "bloc"),
        ("alexander-gabuev", "person"),
        ("michael-kimmage", "person"),
        ("carnegie-russia-eurasia-center", "organisation"),
    ],
)
def test_every_actor_of_the_story_exists(demo, slug, kind):
    assert Actor.objects.get(slug=slug).kind == kind


def test_actors_carry_the_aliases_copy_uses(demo):
    aliases = set(Actor.objects.get(slug="north-korea").aliases.values_list("name", flat=True))
    assert {"DPRK", "Pyongyang"} <= aliases


@pytest.mark.parametrize(
    ("subject", "type_slug", "object_"),
    [
        ("iran", "arms-supply", "russia"),
        ("iran", "energy-trade", "china"),
        ("north-korea", "troop-deployment", "russia"),
        ("russia", "energy-trade", "china"),
        ("china", "mediation", "iran"),
        ("china", "mediation", "saudi-arabia"),
        ("china", "membership", "shanghai-cooperation-organization"),
        ("russia", "membership", "shanghai-cooperation-organization"),
        ("iran", "membership", "shanghai-cooperation-organization"),
        ("alexander-gabuev", "affiliation", "carnegie-russia-eurasia-center"),
    ],
)
def test_directed_ties_point_the_right_way(demo, subject, type_slug, object_):
    assert _relationship(subject, type_slug, object_).status == Relationship.Status.ACTIVE


@pytest.mark.parametrize(
    ("a", "type_slug", "b"),
    [
        ("russia", "mutual-defence-treaty", "north-korea"),
        ("china", "strategic-partnership", "russia"),
        ("iran", "ceasefire", "israel"),
        ("iran", "armed-conflict", "israel"),
    ],
)
def test_symmetric_ties_are_stored_once(demo, a, type_slug, b):
    assert (
        Relationship.objects.between(Actor.objects.get(slug=a), Actor.objects.get(slug=b))
        .filter(type__slug=type_slug)
        .count()
        == 1
    )


def test_treaty_is_dated_to_the_month(demo):
    treaty = Relationship.objects.get(type__slug="mutual-defence-treaty")
    assert treaty.valid_from_display == "June 2024"


@pytest.mark.parametrize("expert", ["alexander-gabuev", "michael-kimmage"])
def test_experts_assessments_are_attributed_to_them(demo, expert):
    claims = Claim.objects.filter(attributed_to__slug=expert)
    assert claims.count() == 1
    assert claims.get().kind == Claim.Kind.ASSESSMENT


def test_claims_are_tagged_to_actors_and_relationships_with_a_stance(demo):
    claim = Claim.objects.get(relationship_links__relationship__type__slug="mutual-defence-treaty")
    assert {"russia", "north-korea"} <= set(claim.actors.values_list("slug", flat=True))
    assert claim.relationship_links.get().stance == ClaimRelationship.Stance.SUPPORTS
    assert claim.verification == Claim.Verification.VERIFIED
    assert claim.verified_by.username == DEMO_EDITOR_USERNAME
    assert claim.sources.exists()


def test_every_claim_has_actors_and_a_source(demo):
    assert not Claim.objects.filter(actors=None).exists()
    assert not Claim.objects.filter(sources=None).exists()


def test_article_cites_its_claims_in_order_with_their_passages(demo):
    article = Article.objects.get(slug=ARTICLE["slug"])
    citations = list(article.claim_citations.select_related("claim"))
    assert [c.position for c in citations] == list(range(1, len(citations) + 1))
    assert len(citations) >= 10
    for citation in citations:
        assert citation.passage in article.body


def test_article_is_tagged_with_every_actor_its_text_mentions(demo):
    article = Article.objects.get(slug=ARTICLE["slug"])
    assert set(article.actors.values_list("slug", flat=True)) == set(Actor.objects.values_list("slug", flat=True))


def test_demo_editor_can_sign_in_and_is_no_superuser(demo, client):
    editor = get_user_model().objects.get(username=DEMO_EDITOR_USERNAME)
    assert editor.is_staff and not editor.is_superuser
    assert client.login(username=DEMO_EDITOR_USERNAME, password=DEMO_EDITOR_PASSWORD)
    assert client.get("/admin/relations/claim/").status_code == 200


def test_command_refuses_without_demo_content_setting(settings):
    settings.DEMO_CONTENT = False
    with pytest.raises(CommandError, match="Demo content is off"):
        call_command("load_demo")
    assert not Actor.objects.exists()
