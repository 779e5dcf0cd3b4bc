"""Editors' admin saves, deletes and restores keep the published closure, in the admin's transaction."""

from __future__ import annotations

import pytest
import reversion
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from newsroom.models import Article
from relations import closure
from relations.models import Actor, Claim, ClaimRelationship, Relationship
from relations.revisions import revision_restore
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    RelationshipFactory,
    SourceFactory,
    VerifiedClaimFactory,
)
from tests.helpers import admin_form_data, change_url, publish_article, publish_factbox, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def client(editor) -> Client:
    return signed_in(editor)


def _save(client: Client, obj, **changes) -> None:
    data = admin_form_data(client.get(change_url(obj))) | changes
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors


def _is_public(obj) -> bool:
    return type(obj).objects.public().filter(pk=obj.pk).exists()


def _live_story_citing(claim: Claim, editor) -> Article:
    article = ArticleFactory()
    ArticleClaimFactory(article=article, claim=claim, position=1)
    return publish_article(article=article, by=editor)


def _publish_changes(client: Client, obj, **changes) -> None:
    _save(client, obj, **changes, _workflow_publish_changes="1")


def test_citing_a_claim_in_a_live_story_makes_it_public_once_published_and_removing_it_takes_it_off(client, editor):
    # Verified: publishing the changes asks nothing about unverified claims.
    first, second = VerifiedClaimFactory(), VerifiedClaimFactory()
    second.actors.add(about := ActorFactory())
    article = _live_story_citing(first, editor)
    # A live story's edits wait in its draft: what only the draft cites is not public yet.
    _save(client, article, **{"draft_citations-1-claim": second.pk, "draft_citations-1-position": 2})
    assert not _is_public(second) and not _is_public(about)
    _publish_changes(client, article)
    assert _is_public(second) and _is_public(about)
    _publish_changes(client, article, **{"draft_citations-1-DELETE": "on"})
    assert not _is_public(second) and not _is_public(about)
    assert not closure.check()


def test_tagging_a_live_story_in_the_admin_makes_the_actor_public_once_published(client, editor):
    article = _live_story_citing(VerifiedClaimFactory(), editor)
    tagged = ActorFactory()
    _save(client, article, actors=[tagged.pk])
    assert not _is_public(tagged)
    _publish_changes(client, article)
    assert _is_public(tagged)


def test_relinking_a_public_claim_in_the_admin_moves_its_actors_sources_and_ties(client, editor):
    claim = ClaimFactory()
    claim.actors.add(old_actor := ActorFactory())
    ClaimRelationshipFactory(claim=claim, relationship=(old_tie := RelationshipFactory()))
    _live_story_citing(claim, editor)
    new_actor, new_source, new_tie = ActorFactory(), SourceFactory(), RelationshipFactory()
    _save(
        client,
        claim,
        actors=[new_actor.pk],
        sources=[new_source.pk],
        **{"relationship_links-0-relationship": new_tie.pk},
    )
    assert all(_is_public(row) for row in (new_actor, new_source, new_tie, new_tie.subject, new_tie.object))
    assert not any(_is_public(row) for row in (old_actor, old_tie, old_tie.subject, old_tie.object))
    assert Actor.objects.with_public_counts().get(pk=new_actor.pk).public_claim_count == 1
    assert not closure.check()


def test_moving_a_public_relationship_to_other_actors_in_the_admin_moves_its_parties(client, editor):
    tie = RelationshipFactory()
    ClaimRelationshipFactory(claim=(claim := ClaimFactory()), relationship=tie)
    _live_story_citing(claim, editor)
    old_subject, new_subject = tie.subject, ActorFactory()
    _save(client, tie, subject=new_subject.pk)
    assert _is_public(new_subject) and not _is_public(old_subject)
    assert Actor.objects.with_public_counts().get(pk=new_subject.pk).public_relationship_count == 1
    assert not closure.check()


def test_deleting_a_public_claim_in_the_admin_takes_off_what_only_it_reached(client, editor):
    claim = ClaimFactory()
    claim.sources.add(source := SourceFactory())
    box = FactBoxFactory()
    item = FactBoxItemFactory(factbox=box, claim=claim)
    publish_factbox(factbox=box, by=editor)
    item.delete()
    url = reverse("admin:relations_claim_delete", args=[claim.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert not _is_public(source)
    assert not closure.check()


def test_deleting_live_stories_from_the_list_takes_their_claims_off(client, editor):
    claims = [ClaimFactory(), ClaimFactory()]
    articles = [_live_story_citing(claim, editor) for claim in claims]
    response = client.post(
        reverse("admin:newsroom_article_changelist"),
        {"action": "delete_selected", "_selected_action": [a.pk for a in articles], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Article.objects.filter(pk__in=[a.pk for a in articles]).exists()
    assert not any(_is_public(claim) for claim in claims)
    assert not closure.check()


def test_restoring_a_relationships_links_to_a_public_claim_makes_it_public_again(editor):
    claim, tie = ClaimFactory(), RelationshipFactory()
    _live_story_citing(claim, editor)
    with reversion.create_revision():
        link = ClaimRelationshipFactory(claim=claim, relationship=tie)
        reversion.add_to_revision(tie)
    assert _is_public(tie)
    with closure.maintained(Claim.objects.filter(pk=claim.pk)):
        ClaimRelationship.objects.filter(pk=link.pk).delete()
    assert not _is_public(tie)
    revision_restore(version=Version.objects.get_for_object(tie).first(), by=editor)
    assert _is_public(tie) and _is_public(tie.subject)
    assert Relationship.objects.get(pk=tie.pk).public_from == Claim.objects.get(pk=claim.pk).public_from
    assert not closure.check()
