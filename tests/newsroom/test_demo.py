"""The demo story: loaded once or twice, it is the same complete story."""

import datetime
import io

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management import CommandError, call_command
from django.utils import timezone
from reversion.models import Revision

from newsroom.demo import (
    DEMO_EDITOR_PASSWORD,
    DEMO_EDITOR_USERNAME,
    DEMO_FACTCHECKER_USERNAME,
    DEMO_PASSWORD,
    DEMO_REPORTER_USERNAME,
)
from newsroom.demo_content import ARTICLE, AXIS_MAP, BRIEF, FACTBOXES, SCHEDULED
from newsroom.factboxes.snapshots import boxes_needing_review
from newsroom.models import Article, ArticleEvent, FactBox, FactBoxVersion
from newsroom.services import article_withdraw
from relations.models import Actor, Claim, ClaimRelationship, Relationship
from tests.helpers import publish_factbox, signs_in

pytestmark = pytest.mark.django_db


def _dump() -> str:
    models = [*apps.get_app_config("relations").get_models(), *apps.get_app_config("newsroom").get_models()]
    querysets = [model.objects.order_by("pk") for model in models]
    querysets.append(get_user_model().objects.order_by("pk"))
    return "\n".join(serializers.serialize("json", qs) for qs in querysets)


def _relationship(subject: str, type_slug: str, object_: str) -> Relationship:
    return Relationship.objects.get(subject__slug=subject, type__slug=type_slug, object__slug=object_)


def test_loading_twice_gives_the_same_database(demo, settings):
    before = _dump()
    call_command("load_demo", stdout=io.StringIO())
    assert _dump() == before


def test_second_run_writes_nothing(demo, capsys):
    call_command("load_demo")
    assert "0 rows created, 0 updated" in capsys.readouterr().out


def test_second_run_adds_no_revision(demo):
    revisions = Revision.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Revision.objects.count() == revisions


def test_history_starts_with_the_demo_revision_by_the_editor(demo):
    revision = Revision.objects.get()
    assert revision.comment == "Demo content"
    assert revision.user.username == DEMO_EDITOR_USERNAME
    assert revision.version_set.filter(object_id=str(Article.objects.get(slug=ARTICLE["slug"]).pk)).exists()


def test_command_prints_the_three_logins(settings, capsys):
    settings.DEMO_CONTENT = True
    call_command("load_demo", "--url", "http://news.test:8000/")
    out = capsys.readouterr().out
    assert f"Demo editor: log in at http://news.test:8000/admin/ as editor / {DEMO_PASSWORD}" in out
    assert f"Demo reporter: log in at http://news.test:8000/admin/ as reporter / {DEMO_PASSWORD}" in out
    assert f"Demo fact-checker: log in at http://news.test:8000/admin/ as factchecker / {DEMO_PASSWORD}" in out


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
    assert claim.verified_by.username == DEMO_FACTCHECKER_USERNAME
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


def test_every_verdict_is_the_fact_checkers(demo):
    checked = Claim.objects.exclude(verification=Claim.Verification.UNVERIFIED)
    assert checked.count() >= 5
    assert set(checked.values_list("verified_by__username", flat=True)) == {DEMO_FACTCHECKER_USERNAME}
    assert not Claim.objects.filter(verification=Claim.Verification.UNVERIFIED, verified_by__isnull=False).exists()


# The newsroom's people: each demo account has its role's group and nothing else.


@pytest.mark.parametrize(
    ("username", "group"),
    [
        (DEMO_EDITOR_USERNAME, "Editor"),
        (DEMO_REPORTER_USERNAME, "Reporter"),
        (DEMO_FACTCHECKER_USERNAME, "Fact-checker"),
    ],
)
def test_demo_account_has_exactly_its_role(demo, client, username, group):
    user = get_user_model().objects.get(username=username)
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert not user.user_permissions.exists()
    assert user.is_staff and not user.is_superuser
    assert signs_in(client, username, DEMO_PASSWORD)


def test_demo_editor_can_sign_in_and_is_no_superuser(demo, client):
    editor = get_user_model().objects.get(username=DEMO_EDITOR_USERNAME)
    assert editor.is_staff and not editor.is_superuser
    assert signs_in(client, DEMO_EDITOR_USERNAME, DEMO_EDITOR_PASSWORD)
    assert client.get("/admin/relations/claim/").status_code == 200


def test_direct_permissions_of_an_older_demo_editor_are_replaced_by_the_group(settings):
    from django.contrib.auth.models import Permission

    settings.DEMO_CONTENT = True
    editor = get_user_model().objects.create_user(DEMO_EDITOR_USERNAME, password="something else", is_superuser=True)
    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="newsroom"))
    call_command("load_demo", stdout=io.StringIO())
    editor.refresh_from_db()
    assert not editor.user_permissions.exists() and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["Editor"]
    assert editor.check_password(DEMO_PASSWORD)


def test_roles_removed_by_a_flush_are_put_back(settings):
    settings.DEMO_CONTENT = True
    Group.objects.all().delete()
    call_command("load_demo", stdout=io.StringIO())
    reporter = get_user_model().objects.get(username=DEMO_REPORTER_USERNAME)
    assert reporter.has_perm("newsroom.change_article") and not reporter.has_perm("newsroom.publish_article")


# The stories go through the real workflow, so the admin shows its real path.


def _events(article: Article) -> list[tuple[str, str]]:
    return list(article.events.order_by("at", "pk").values_list("kind", "by__username"))


def test_main_story_is_live(demo):
    assert Article.objects.public().filter(slug=ARTICLE["slug"]).exists()


def test_main_story_was_submitted_by_the_reporter_and_published_by_the_editor(demo):
    article = Article.objects.get(slug=ARTICLE["slug"])
    assert _events(article) == [
        (ArticleEvent.Kind.SUBMITTED, DEMO_REPORTER_USERNAME),
        (ArticleEvent.Kind.PUBLISHED, DEMO_EDITOR_USERNAME),
    ]
    assert article.first_published_at == article.last_published_at == article.publish_at


def test_the_editor_confirmed_the_unverified_claims_the_live_story_cites(demo):
    article = Article.objects.get(slug=ARTICLE["slug"])
    unverified = article.claims.filter(verification=Claim.Verification.UNVERIFIED)
    assert unverified.exists()
    note = article.events.get(kind=ArticleEvent.Kind.PUBLISHED).note
    assert note.startswith(f"Published with {unverified.count()} unverified claims, confirmed: ")
    assert all(f"(#{claim.pk})" in note for claim in unverified)


def test_command_refuses_cleanly_when_the_newsroom_refuses_unverified_claims(settings):
    settings.DEMO_CONTENT = True
    settings.PUBLISH_UNVERIFIED = "refuse"
    with pytest.raises(CommandError, match=r"The demo could not be published: .*Have (it|them) checked"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Article.objects.exists()


def test_brief_waits_in_review(demo):
    brief = Article.objects.get(slug=BRIEF["slug"])
    assert brief.status == Article.Status.IN_REVIEW
    assert list(Article.objects.in_review()) == [brief]
    assert _events(brief) == [(ArticleEvent.Kind.SUBMITTED, DEMO_REPORTER_USERNAME)]


def test_third_story_is_scheduled_and_not_public(demo):
    article = Article.objects.get(slug=SCHEDULED["slug"])
    assert article.is_scheduled
    assert list(Article.objects.scheduled()) == [article]
    assert not Article.objects.public().filter(pk=article.pk).exists()
    assert article.publish_at - timezone.now() > datetime.timedelta(days=2, hours=23)
    assert _events(article) == [
        (ArticleEvent.Kind.SUBMITTED, DEMO_REPORTER_USERNAME),
        (ArticleEvent.Kind.SCHEDULED, DEMO_EDITOR_USERNAME),
    ]


def test_third_story_cites_a_few_claims_and_is_tagged_with_its_actors(demo):
    article = Article.objects.get(slug=SCHEDULED["slug"])
    assert 1 <= article.claim_citations.count() <= 3
    for citation in article.claim_citations.all():
        assert citation.passage in article.body
    assert {"russia", "north-korea", "ukraine", "china", "iran"} <= set(article.actors.values_list("slug", flat=True))


def test_scheduled_story_is_not_rescheduled_by_a_later_run(demo):
    planned = Article.objects.get(slug=SCHEDULED["slug"]).publish_at
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        call_command("load_demo", stdout=io.StringIO())
    assert Article.objects.get(slug=SCHEDULED["slug"]).publish_at == planned


def test_scheduled_story_that_went_live_is_left_alone(demo):
    article = Article.objects.get(slug=SCHEDULED["slug"])
    with time_machine.travel(article.publish_at + datetime.timedelta(hours=1)):
        assert Article.objects.public().filter(pk=article.pk).exists()
        before = _dump()
        call_command("load_demo", stdout=io.StringIO())
        assert _dump() == before


def test_a_withdrawn_story_stays_withdrawn(demo):
    editor = get_user_model().objects.get(username=DEMO_EDITOR_USERNAME)
    article_withdraw(article=Article.objects.get(slug=ARTICLE["slug"]), by=editor)
    call_command("load_demo", stdout=io.StringIO())
    assert Article.objects.get(slug=ARTICLE["slug"]).status == Article.Status.WITHDRAWN


def test_a_live_story_whose_text_drifted_gets_its_text_back_and_stays_live(demo):
    article = Article.objects.get(slug=ARTICLE["slug"])
    original, events, edit_count = article.body, _events(article), article.edit_count
    Article.objects.filter(pk=article.pk).update(body="<p>Edited by hand.</p>")
    call_command("load_demo", stdout=io.StringIO())
    article.refresh_from_db()
    assert article.body == original
    assert article.is_live and _events(article) == events
    assert article.edit_count == edit_count + 1


def test_command_refuses_without_demo_content_setting(settings):
    settings.DEMO_CONTENT = False
    with pytest.raises(CommandError, match="Demo content is off"):
        call_command("load_demo")
    assert not Actor.objects.exists()


# --- Fact boxes --------------------------------------------------------------------------


def test_the_axis_map_holds_the_four_and_every_tie_among_them(demo):
    box = FactBox.objects.get(slug=AXIS_MAP["slug"])
    payload = box.published_version.payload
    actors = [item["actor"]["slug"] for item in payload["items"] if item["type"] == "actor"]
    ties = {
        (
            item["relationship"]["subject"]["slug"],
            item["relationship"]["type"]["slug"],
            item["relationship"]["object"]["slug"],
        )
        for item in payload["items"]
        if item["type"] == "relationship"
    }
    assert (box.kind, box.title) == ("relationship_map", "The 'axis' at a glance")
    assert actors == ["china", "russia", "iran", "north-korea"]
    assert ("russia", "mutual-defence-treaty", "north-korea") in ties
    assert ("iran", "arms-supply", "russia") in ties
    assert all({subject, object_} <= set(actors) for subject, _, object_ in ties)
    assert len(ties) == 7


def test_every_demo_box_is_published_by_the_editor_and_runs_with_the_main_story(demo):
    story = Article.objects.get(slug=ARTICLE["slug"])
    boxes = FactBox.objects.filter(slug__in=[AXIS_MAP["slug"], *FACTBOXES])
    assert boxes.count() == 4
    for box in boxes:
        assert box.is_live and box.published_version.published_by.username == DEMO_EDITOR_USERNAME
        assert list(box.articles.all()) == [story]


def test_demo_boxes_need_no_review(demo):
    assert boxes_needing_review() == []


def test_a_second_run_publishes_no_new_version(demo):
    call_command("load_demo", stdout=io.StringIO())
    assert set(FactBoxVersion.objects.values_list("number", flat=True)) == {1}


def test_a_box_published_without_one_of_its_items_gets_it_back_in_a_new_version(demo):
    box = FactBox.objects.get(slug="what-binds-the-four")
    box.items.filter(position=1).delete()
    publish_factbox(factbox=box, by=get_user_model().objects.get(username=DEMO_EDITOR_USERNAME))
    call_command("load_demo", stdout=io.StringIO())
    box.refresh_from_db()
    assert box.published_version.number == 3
    assert len(box.published_version.payload["items"]) == len(FACTBOXES["what-binds-the-four"]["items"])


def test_a_draft_put_back_as_it_was_published_is_not_published_again(demo):
    box = FactBox.objects.get(slug="what-binds-the-four")
    box.items.filter(position=1).delete()
    call_command("load_demo", stdout=io.StringIO())
    box.refresh_from_db()
    assert box.published_version.number == 1


def test_the_command_prints_each_box_embed_address(settings, capsys):
    settings.DEMO_CONTENT = True
    call_command("load_demo", "--url", "http://news.test:8000")
    out = capsys.readouterr().out
    assert (
        "Fact box “The 'axis' at a glance”: embed at http://news.test:8000/embed/factboxes/the-axis-at-a-glance/" in out
    )


def test_the_story_page_and_the_embeds_show_the_demo_boxes(demo, client):
    story = client.get(f"/stories/{ARTICLE['slug']}/").content.decode()
    for box in FactBox.objects.all():
        assert box.title.replace("'", "&#x27;") in story
        assert client.get(f"/embed/factboxes/{box.slug}/").status_code == 200
