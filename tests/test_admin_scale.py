"""The admin costs what its page shows, not what the archive holds: query counts and page sizes
that do not grow with the rows behind them, and searches and filters that still find what they did."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsroom.models import Article
from relations.models import Actor, Claim
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    RelationshipFactory,
    RelationshipTypeFactory,
    SourceFactory,
)
from tests.helpers import publish_factbox

pytestmark = pytest.mark.django_db


def _queries(client, url: str, params: dict | None = None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return [query["sql"] for query in captured.captured_queries]


def _grow(client, url_of, make, params_of=lambda: {}) -> None:
    """The page answers with as many queries for one row behind it as for twenty."""
    make(1)
    client.get(url_of(), params_of())  # caches filled once per process (content types, the mention index)
    one = _queries(client, url_of(), params_of())
    make(19)
    many = _queries(client, url_of(), params_of())
    assert len(many) == len(one), many


# --- The start page and fact box review ---------------------------------------------------


def _flagged_boxes(n: int, editor) -> None:
    for _ in range(n):
        claim = ClaimFactory(attributed_to=ActorFactory())
        claim.sources.add(SourceFactory())
        box = FactBoxItemFactory(claim=claim).factbox
        FactBoxItemFactory(factbox=box, claim=None, relationship=RelationshipFactory())
        FactBoxItemFactory(factbox=box, claim=None, actor=ActorFactory())
        publish_factbox(factbox=box, by=editor)
        claim.text += " (corrected)"
        claim.save()


@pytest.mark.parametrize("kept", [False, True], ids=["first-view", "kept-review-state"])
def test_start_page_queries_do_not_grow_with_flagged_boxes(editor_client, editor, kept):
    def url():
        if not kept:
            from django.core.cache import cache

            cache.clear()
        return reverse("admin:index")

    _grow(editor_client, url, lambda n: _flagged_boxes(n, editor))


def test_needs_review_filter_queries_do_not_grow_with_flagged_boxes(editor_client, editor):
    url = reverse("admin:newsroom_factbox_changelist")
    _grow(editor_client, lambda: url, lambda n: _flagged_boxes(n, editor), lambda: {"needs_review": "yes"})


def test_needs_review_filter_lists_the_flagged_boxes_only(editor_client, editor):
    _flagged_boxes(2, editor)
    calm = FactBoxItemFactory(claim=ClaimFactory()).factbox
    publish_factbox(factbox=calm, by=editor)
    response = editor_client.get(reverse("admin:newsroom_factbox_changelist"), {"needs_review": "yes"})
    assert calm not in response.context["cl"].result_list
    assert len(response.context["cl"].result_list) == 2
    response = editor_client.get(reverse("admin:newsroom_factbox_changelist"), {"needs_review": "no"})
    assert list(response.context["cl"].result_list) == [calm]


# --- Changelists: the actor filter ---------------------------------------------------------


def _tagged_rows(n: int) -> None:
    """n claims and n stories, each about an actor of its own."""
    for _ in range(n):
        actor = ActorFactory()
        ClaimFactory().actors.add(actor)
        ArticleFactory().actors.add(actor)


@pytest.mark.parametrize("model", ["relations_claim", "newsroom_article"])
def test_changelist_size_does_not_grow_with_the_actors(editor_client, model):
    claim, article = ClaimFactory(), ArticleFactory()
    claim.actors.add(ActorFactory())
    article.actors.add(ActorFactory())
    url = reverse(f"admin:{model}_changelist")
    small = len(editor_client.get(url).content)
    # The same one row, now about three hundred actors: the filter used to list every one.
    actors = ActorFactory.create_batch(300)
    claim.actors.add(*actors)
    article.actors.add(*actors)
    large = len(editor_client.get(url).content)
    assert large - small < 1_000, (small, large)


@pytest.mark.parametrize("model", [Claim, Article])
def test_actor_filter_keeps_the_rows_about_the_chosen_actor(editor_client, model):
    russia, china = ActorFactory(name="Russia"), ActorFactory(name="China")
    about = {Claim: ClaimFactory, Article: ArticleFactory}[model]
    mine, other = about(), about()
    mine.actors.add(russia)
    other.actors.add(china)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = editor_client.get(url, {"actors__id__exact": russia.pk})
    assert list(response.context["cl"].result_list) == [mine]
    page = response.content.decode()
    # The chosen actor is named in the filter's autocomplete; the others are not listed.
    assert f'<option value="{russia.pk}" selected>Russia</option>' in page
    assert ">China</option>" not in page
    assert "relations/admin/autocomplete_list_filter.js" in page


def test_actor_filter_answers_a_bad_value_without_an_error(editor_client):
    response = editor_client.get(reverse("admin:relations_claim_changelist"), {"actors__id__exact": "abc"})
    assert response.status_code == 302
    assert "e=1" in response.url


@pytest.mark.parametrize("model", ["relations_claim", "newsroom_article"])
def test_actor_filter_queries_do_not_grow_with_rows(editor_client, model):
    actor = ActorFactory()

    def make(n):
        for _ in range(n):
            ClaimFactory().actors.add(actor)
            ArticleFactory().actors.add(actor)

    url = reverse(f"admin:{model}_changelist")
    _grow(editor_client, lambda: url, make, lambda: {"actors__id__exact": actor.pk})


# --- Searches find what the admin's own search found ---------------------------------------


def test_claim_search_finds_by_text_quote_attribution_and_actor(editor_client):
    said = ClaimFactory(text="Moscow will deliver.", attributed_to=ActorFactory(name="Peskov"))
    quoted = ClaimFactory(
        text="A pledge.", kind="quote", quote="We stand with Pyongyang", attributed_to=said.attributed_to
    )
    about = ClaimFactory(text="Deliveries began.")
    about.actors.add(ActorFactory(name="Belarus"))
    ClaimFactory(text="Unrelated.")
    url = reverse("admin:relations_claim_changelist")

    def found(q):
        return set(editor_client.get(url, {"q": q}).context["cl"].result_list)

    assert found("deliver") == {said, about}
    assert found("pyongyang") == {quoted}
    assert found("peskov") == {said, quoted}
    assert found("belarus") == {about}
    assert found('"began." deliveries') == {about}
    assert found("peskov pledge") == {quoted}


def test_relationship_search_finds_by_either_actor_type_and_summary(editor_client):
    arms = RelationshipTypeFactory(name="Arms deliveries", label="delivers arms to")
    tie = RelationshipFactory(subject=ActorFactory(name="Iran"), object=ActorFactory(name="Russia"), type=arms)
    other = RelationshipFactory(summary="Grain for oil.")
    url = reverse("admin:relations_relationship_changelist")

    def found(q):
        return set(editor_client.get(url, {"q": q}).context["cl"].result_list)

    assert found("iran") == found("russia") == found("arms deliveries") == found("delivers arms") == {tie}
    assert found("grain") == {other}


def test_actor_search_finds_by_alias_once(editor_client):
    korea = ActorFactory(name="North Korea", slug="north-korea")
    ActorAliasFactory(actor=korea, name="DPRK")
    ActorAliasFactory(actor=korea, name="DPRK regime")
    response = editor_client.get(reverse("admin:relations_actor_changelist"), {"q": "dprk"})
    assert list(response.context["cl"].result_list) == [korea]


# --- Autocompletes --------------------------------------------------------------------------

AUTOCOMPLETES = {
    "relationship": ("relations", "claimrelationship", "relationship"),
    "claim": ("newsroom", "articleclaim", "claim"),
    "actor": ("relations", "claim", "attributed_to"),
    "source": ("relations", "claim", "sources"),
    "article": ("newsroom", "factboxplacement", "article"),
}


def _autocomplete_rows(kind: str, n: int) -> None:
    for _ in range(n):
        RelationshipFactory(subject=ActorFactory(name=f"Match {Actor.objects.count()}"))
        ClaimFactory(text="Match of a claim.")
        SourceFactory(title="Match of a source")
        ArticleFactory(title="Match of a story")


@pytest.mark.parametrize("kind", AUTOCOMPLETES)
def test_autocomplete_queries_do_not_grow_with_results(editor_client, kind):
    app, model, field = AUTOCOMPLETES[kind]
    params = {"term": "match", "app_label": app, "model_name": model, "field_name": field}
    _grow(editor_client, lambda: reverse("admin:autocomplete"), lambda n: _autocomplete_rows(kind, n), lambda: params)


def test_relationship_autocomplete_names_both_actors_and_the_type(editor_client):
    tie = RelationshipFactory(subject=ActorFactory(name="Iran"), object=ActorFactory(name="Russia"))
    app, model, field = AUTOCOMPLETES["relationship"]
    response = editor_client.get(
        reverse("admin:autocomplete"), {"term": "iran", "app_label": app, "model_name": model, "field_name": field}
    )
    assert response.json()["results"] == [{"id": str(tie.pk), "text": "Iran supplies arms to Russia"}]


# --- Change forms -----------------------------------------------------------------------------


def test_claim_change_form_queries_do_not_grow_with_its_relationships(editor_client):
    claim = ClaimFactory()

    def make(n):
        for _ in range(n):
            ClaimRelationshipFactory(claim=claim, relationship=RelationshipFactory())
            claim.sources.add(SourceFactory())
            claim.actors.add(ActorFactory())
            ArticleClaimFactory(claim=claim)

    url = reverse("admin:relations_claim_change", args=[claim.pk])
    _grow(editor_client, lambda: url, make)
    page = editor_client.get(url).content.decode()
    assert page.count("supplies arms to") >= 20


def test_actor_change_form_queries_do_not_grow_with_its_ties(editor_client):
    actor = ActorFactory()

    def make(n):
        for _ in range(n):
            RelationshipFactory(subject=actor)
            ClaimFactory(attributed_to=actor).actors.add(actor)
            ActorAliasFactory(actor=actor)

    url = reverse("admin:relations_actor_change", args=[actor.pk])
    _grow(editor_client, lambda: url, make)


def test_actor_change_form_computes_no_counts(editor_client):
    actor = ActorFactory()
    queries = _queries(editor_client, reverse("admin:relations_actor_change", args=[actor.pk]))
    assert not any("COUNT(" in sql.upper() and "relations_claim_actors" in sql for sql in queries), queries


def test_article_change_form_queries_do_not_grow_with_its_citations(editor_client):
    article = ArticleFactory()
    # Made first: a new actor rightly makes the next form rebuild the mention index.
    claims, actors = ClaimFactory.create_batch(20), ActorFactory.create_batch(20)

    def make(n):
        for _ in range(n):
            ArticleClaimFactory(article=article, claim=claims.pop())
            article.actors.add(actors.pop())

    url = reverse("admin:newsroom_article_change", args=[article.pk])
    _grow(editor_client, lambda: url, make)


def test_factbox_change_form_queries_do_not_grow_with_its_items(editor_client, editor):
    box = FactBoxFactory()

    def make(n):
        for _ in range(n):
            FactBoxItemFactory(factbox=box, claim=ClaimFactory())
            FactBoxItemFactory(factbox=box, claim=None, relationship=RelationshipFactory())
            FactBoxItemFactory(factbox=box, claim=None, actor=ActorFactory())
        publish_factbox(factbox=box, by=editor)

    url = reverse("admin:newsroom_factbox_change", args=[box.pk])
    _grow(editor_client, lambda: url, make)
