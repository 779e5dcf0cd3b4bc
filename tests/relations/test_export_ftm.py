"""manage.py export_ftm: the public graph as FollowTheMoney entities, each read back and checked by
followthemoney itself, and nothing unpublished among them."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from followthemoney import model
from followthemoney.types import registry

from newsroom.services import article_withdraw
from relations import ftm
from relations.models import Actor, Claim, Relationship, RelationshipType, Source
from tests.api_support import live_story
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
from tests.helpers import publish_article

pytestmark = pytest.mark.django_db


def _export(**options) -> list[dict]:
    out = io.StringIO()
    call_command("export_ftm", stdout=out, stderr=io.StringIO(), **options)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _checked(entities: list[dict]) -> dict[str, object]:
    """Every line read back by followthemoney: values already clean and valid for their type, required
    properties present, references to exported entities of the property's range, dates in order."""
    proxies = {}
    for data in entities:
        assert set(data) == {"id", "schema", "properties"}
        assert data["id"] not in proxies, f"{data['id']} twice"
        proxy = model.get_proxy(data, cleaned=False)
        # Reading with cleaning changes nothing: every value went out as its type cleans it.
        cleaned = {prop: sorted(values) for prop, values in proxy.to_dict()["properties"].items()}
        assert cleaned == {prop: sorted(values) for prop, values in data["properties"].items()}, data["id"]
        assert not proxy.schema.abstract
        proxies[proxy.id] = proxy
    for proxy in proxies.values():
        for required in proxy.schema.required:
            assert proxy.get(required), f"{proxy.id} lacks {required}"
        for prop, value in proxy.itervalues():
            assert prop.type.validate(value), f"{proxy.id}: {prop.name} {value!r}"
            if prop.type == registry.entity:
                assert value in proxies, f"{proxy.id}: {prop.name} names {value}, not exported"
                assert proxies[value].schema.is_a(prop.range), f"{proxy.id}: {prop.name} {value}"
        if proxy.schema.is_a("Interval"):
            for start in proxy.get("startDate"):
                for end in proxy.get("endDate"):
                    assert start <= end, proxy.id
    return proxies


def _one(proxies: dict, kind: str, pk: int):
    return proxies[ftm.entity_id(kind, pk)]


def test_the_demo_exports_as_valid_entities_of_the_expected_schemata(demo):
    proxies = _checked(_export())

    assert {proxy.schema.name for proxy in proxies.values()} == {
        "PublicBody",
        "Organization",
        "Person",
        "Article",
        "UnknownLink",
        "Membership",
        "Representation",
        "Note",
    }
    # One entity per public row, and none for anything else.
    expected = (
        Actor.objects.public().count()
        + Relationship.objects.public().count()
        + Claim.objects.public().count()
        + Source.objects.public().count()
    )
    assert len(proxies) == expected

    russia = _one(proxies, "actor", Actor.objects.get(slug="russia").pk)
    assert russia.schema.name == "PublicBody"
    assert russia.get("country") == ["ru"] and russia.get("jurisdiction") == ["ru"]
    assert russia.get("wikidataId") == ["Q159"]
    assert "Russian Federation" in russia.get("alias")

    gabuev = _one(proxies, "actor", Actor.objects.get(slug="alexander-gabuev").pk)
    assert gabuev.schema.name == "Person"
    assert gabuev.get("weakAlias") == ["Gabuev"] and not gabuev.get("alias")
    sco = _one(proxies, "actor", Actor.objects.get(slug="shanghai-cooperation-organization").pk)
    assert sco.schema.name == "Organization" and not sco.get("country")

    treaty = _one(proxies, "tie", Relationship.objects.get(type__slug="mutual-defence-treaty").pk)
    assert treaty.schema.name == "UnknownLink"
    assert treaty.get("subject") == [russia.id]
    assert treaty.get("role") == ["has a mutual defence treaty with"]
    assert treaty.get("startDate") == ["2024-06"]  # known to the month
    assert treaty.get("sourceUrl") == ["https://example.org/demo/wire/china-russia-iran"]
    assert treaty.get("publisher") == ["Demo wire service"]
    assert any(line.startswith("Supports (verified): ") for line in treaty.get("description"))

    war = _one(proxies, "tie", Relationship.objects.get(type__slug="armed-conflict", object__slug="ukraine").pk)
    assert war.get("startDate") == ["2022-02-24"]
    # Only context bears on it: no source stands behind the tie itself.
    assert not war.get("sourceUrl")

    arms = _one(proxies, "tie", Relationship.objects.get(type__slug="arms-supply").pk)
    assert arms.get("role") == ["supplies arms to"] and arms.get("status") == ["Active"]

    membership = _one(proxies, "tie", Relationship.objects.get(type__slug="membership", subject__slug="iran").pk)
    assert membership.schema.name == "Membership" and membership.get("organization") == [sco.id]
    mediation = _one(proxies, "tie", Relationship.objects.get(type__slug="mediation", object__slug="iran").pk)
    assert mediation.schema.name == "Representation"

    claim = Claim.objects.get(text__startswith="Iran has supplied drones")
    note = _one(proxies, "claim", claim.pk)
    assert note.get("description") == [claim.text]
    assert set(note.get("keywords")) == {"Fact", "Verified"}
    assert "Supports: Iran supplies arms to Russia." in note.get("summary")
    assert note.get("proof") == [ftm.entity_id("source", claim.sources.get().pk)]
    assessment = _one(proxies, "claim", Claim.objects.get(attributed_to__slug="alexander-gabuev").pk)
    assert gabuev.id in assessment.get("entity")
    assert "Attributed to Alexander Gabuev." in assessment.get("summary")


def test_ids_are_stable_across_exports_and_follow_the_prefix(demo):
    first = [entity["id"] for entity in _export()]
    live_story(ClaimFactory(text="A later story's claim."))
    second = [entity["id"] for entity in _export()]
    assert set(first) < set(second)
    assert all(entity_id.startswith("newsroom-") for entity_id in first)
    assert [entity["id"] for entity in _export(id_prefix="paper")] == [
        "paper-" + entity_id.removeprefix("newsroom-") for entity_id in second
    ]


def test_nothing_unpublished_is_exported(demo):
    """Canaries in every place the public must not see: drafts, claims nothing cites, content
    scheduled for later, a withdrawn story, an unpublished tie between public actors, internal notes."""
    editor = EditorFactory()
    russia, china = Actor.objects.get(slug="russia"), Actor.objects.get(slug="china")
    hidden_actor = ActorFactory(kind=Actor.Kind.PERSON, name="Canary Person", slug="canary-person")
    ActorAliasFactory(actor=hidden_actor, name="Canary alias")
    arms = RelationshipType.objects.get(slug="arms-supply")
    hidden_tie = RelationshipFactory(subject=russia, object=hidden_actor, type=arms, summary="Canary tie summary")

    draft_claim = ClaimFactory(text="Canary draft claim", internal_note="Canary note on a draft")
    draft_claim.actors.add(hidden_actor)
    draft_claim.sources.add(SourceFactory(title="Canary source", url="https://canary.example/draft"))
    ClaimRelationshipFactory(claim=draft_claim, relationship=hidden_tie)
    ArticleClaimFactory(article=ArticleFactory(), claim=draft_claim)

    ClaimFactory(text="Canary claim nothing cites")
    RelationshipFactory(subject=china, object=russia, type=arms, summary="Canary tie nobody cites")

    scheduled = ArticleFactory()
    ArticleClaimFactory(article=scheduled, claim=ClaimFactory(text="Canary scheduled claim"))
    publish_article(article=scheduled, by=editor, publish_at=timezone.now() + datetime.timedelta(days=1))

    withdrawn = live_story(ClaimFactory(text="Canary withdrawn claim"))
    article_withdraw(article=withdrawn, by=editor)

    visible = ClaimFactory(text="Visible control claim", internal_note="Canary internal note")
    visible.actors.add(russia)
    live_story(visible)

    lines = io.StringIO()
    call_command("export_ftm", stdout=lines, stderr=io.StringIO())
    exported = lines.getvalue()
    assert "Visible control claim" in exported
    assert "canary" not in exported.lower()
    # The demo's own internal notes stay in the newsroom too.
    for note in Claim.objects.exclude(internal_note="").values_list("internal_note", flat=True):
        assert note not in exported
    _checked([json.loads(line) for line in exported.splitlines()])


def _world(n: int) -> None:
    """``n`` public claims, each about an actor with an alias, bearing on a tie, citing a source;
    every other one attributed."""
    claims = []
    arms = RelationshipType.objects.get(slug="arms-supply")
    for i in range(n):
        subject, object_ = ActorFactory(), ActorFactory(kind=Actor.Kind.ORGANISATION)
        ActorAliasFactory(actor=subject)
        claim = ClaimFactory(attributed_to=object_ if i % 2 else None)
        claim.actors.add(subject)
        claim.sources.add(SourceFactory())
        ClaimRelationshipFactory(
            claim=claim, relationship=RelationshipFactory(subject=subject, object=object_, type=arms)
        )
        claims.append(claim)
    live_story(*claims)


def test_the_query_count_does_not_grow_with_the_rows(monkeypatch, django_assert_max_num_queries):
    # Chunks of three: the larger export reads every stream over several chunks.
    monkeypatch.setattr(ftm, "CHUNK_SIZE", 3)
    _world(1)
    with CaptureQueriesContext(connection) as one:
        small = _export()
    _world(25)
    with django_assert_max_num_queries(len(one.captured_queries)):
        large = _export()
    assert len(small) == 5 and len(large) == 26 * 5
    _checked(large)


def test_output_file_holds_what_standard_output_would(demo, tmp_path):
    target = tmp_path / "graph.ftm.jsonl"
    call_command("export_ftm", output=str(target), stderr=io.StringIO())
    assert [json.loads(line) for line in target.read_text().splitlines()] == _export()
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"id_prefix": "Not A Prefix"}, "--id-prefix"),
        ({"site_url": "javascript:alert(1)"}, "--site-url"),
        ({"output": "/nonexistent-directory/graph.jsonl"}, "no directory"),
    ],
)
def test_bad_options_are_refused_before_anything_is_written(options, message):
    out = io.StringIO()
    with pytest.raises(CommandError, match=message):
        call_command("export_ftm", stdout=out, stderr=io.StringIO(), **options)
    assert out.getvalue() == ""


def test_site_url_gives_each_actor_its_page(demo):
    proxies = _checked(_export(site_url="https://news.example.org/"))
    russia = _one(proxies, "actor", Actor.objects.get(slug="russia").pk)
    assert russia.get("sourceUrl") == ["https://news.example.org/actors/russia/"]
