"""Every admin page of the workspace renders for an editor, and changelists do not query per row."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleClaimFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    RelationshipFactory,
    RelationshipTypeFactory,
    SourceFactory,
)
from tests.helpers import publish_factbox

WORKSPACE_MODELS = [model for model in admin.site._registry if model._meta.app_label in {"relations", "newsroom"}]


def _make_rows(n: int) -> None:
    """n of everything, each row linked to others so that every column has something to show."""
    for _ in range(n):
        relationship = RelationshipFactory(type=RelationshipTypeFactory())
        ActorAliasFactory(actor=relationship.subject)
        claim = ClaimFactory(attributed_to=relationship.object)
        claim.actors.add(relationship.subject, relationship.object)
        claim.sources.add(SourceFactory())
        ClaimRelationshipFactory(claim=claim, relationship=relationship)
        citation = ArticleClaimFactory(claim=claim)
        citation.article.actors.add(relationship.subject)
        # A published box running with the story, flagged for review by a later change to its claim.
        box = FactBoxItemFactory(claim=claim).factbox
        FactBoxItemFactory(factbox=box, claim=None, relationship=relationship)
        FactBoxPlacementFactory(factbox=box, article=citation.article)
        publish_factbox(factbox=box, by=EditorFactory(username="publisher"))
        claim.text += " (corrected)"
        claim.save()


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _ids(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


@pytest.mark.parametrize("model", WORKSPACE_MODELS, ids=_ids)
def test_changelist_renders(editor_client, model):
    _make_rows(2)
    response = editor_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 2


@pytest.mark.parametrize("model", WORKSPACE_MODELS, ids=_ids)
def test_changelist_queries_do_not_grow_with_rows(editor_client, model):
    _make_rows(1)
    with CaptureQueriesContext(connection) as one_row:
        assert editor_client.get(_url(model, "changelist")).status_code == 200
    _make_rows(20)
    with CaptureQueriesContext(connection) as many_rows:
        assert editor_client.get(_url(model, "changelist")).status_code == 200
    assert len(many_rows) == len(one_row), [q["sql"] for q in many_rows.captured_queries]


@pytest.mark.parametrize("model", WORKSPACE_MODELS, ids=_ids)
def test_changelist_search_renders(editor_client, model):
    _make_rows(2)
    response = editor_client.get(_url(model, "changelist"), {"q": "a"})
    assert response.status_code == 200


@pytest.mark.parametrize("model", WORKSPACE_MODELS, ids=_ids)
def test_add_page_renders(editor_client, model):
    assert editor_client.get(_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", WORKSPACE_MODELS, ids=_ids)
def test_change_page_renders(editor_client, model):
    _make_rows(1)
    obj = model.objects.first()
    response = editor_client.get(_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert str(obj) in response.content.decode()


@pytest.mark.parametrize(
    ("model_name", "term"),
    [("actor", "Russ"), ("relationship", "Russ"), ("claim", "treaty"), ("source", "Wire")],
)
def test_autocomplete_answers(editor_client, model_name, term):
    russia = ActorFactory(name="Russia", slug="russia")
    ClaimFactory(text="Russia and North Korea signed a treaty.").actors.add(russia)
    RelationshipFactory(subject=russia)
    SourceFactory(publisher="Example Wire")
    field = {"actor": ("claim", "attributed_to"), "relationship": ("claimrelationship", "relationship")}
    field |= {"claim": ("articleclaim", "claim"), "source": ("claim", "sources")}
    model, field_name = field[model_name]
    app = "newsroom" if model == "articleclaim" else "relations"
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": app, "model_name": model, "field_name": field_name},
    )
    assert response.status_code == 200
    assert response.json()["results"], response.json()


def test_workspace_is_closed_to_anonymous_visitors(client, db):
    for model in WORKSPACE_MODELS:
        response = client.get(_url(model, "changelist"))
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")


def test_article_change_page_shows_claims_with_readable_names(editor_client):
    citation = ArticleClaimFactory(claim=ClaimFactory(text="Iran supplied drones to Russia."))
    response = editor_client.get(_url(citation.article.__class__, "change", citation.article.pk))
    assert "Iran supplied drones to Russia." in response.content.decode()


def test_actor_changelist_shows_aliases_and_counts(editor_client):
    relationship = RelationshipFactory(subject=ActorFactory(name="North Korea", slug="north-korea"))
    ActorAliasFactory(actor=relationship.subject, name="DPRK")
    ClaimFactory().actors.add(relationship.subject)
    response = editor_client.get(reverse("admin:relations_actor_changelist"), {"q": "DPRK"})
    row = response.context["cl"].result_list[0]
    assert (row.name, row.relationship_count, row.claim_count) == ("North Korea", 1, 1)
    assert "DPRK" in response.content.decode()
