"""Article rules refuse bad input with a clear message, in the model and in the admin, and write nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from newsroom.models import Article, ArticleClaim
from relations.models import Actor, Claim, Relationship
from tests.factories import ActorFactory, ArticleClaimFactory, ArticleFactory, ClaimFactory, RelationshipTypeFactory

pytestmark = pytest.mark.django_db


def test_article_needs_a_title():
    with pytest.raises(ValidationError) as error:
        ArticleFactory.build(title="").full_clean()
    assert "title" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="", slug="untitled")
    assert not Article.objects.exists()


def test_article_slug_is_unique():
    ArticleFactory(slug="axis")
    with pytest.raises(ValidationError) as error:
        ArticleFactory.build(slug="axis").full_clean()
    assert "slug" in error.value.message_dict


def test_database_refuses_last_published_before_first():
    first = datetime.datetime(2025, 7, 1, tzinfo=datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            title="T", slug="t", first_published_at=first, last_published_at=first - datetime.timedelta(days=1)
        )
    assert not Article.objects.exists()


def test_article_cites_a_claim_once():
    citation = ArticleClaimFactory()
    with pytest.raises(ValidationError) as error:
        ArticleClaim(article=citation.article, claim=citation.claim, position=5).full_clean()
    assert "The article already cites this claim." in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleClaim.objects.create(article=citation.article, claim=citation.claim, position=5)
    assert ArticleClaim.objects.count() == 1


def test_cited_claims_come_in_their_order():
    article = ArticleFactory()
    third = ArticleClaimFactory(article=article, position=3)
    first = ArticleClaimFactory(article=article, position=1)
    assert list(article.claim_citations.all()) == [first, third]


def test_a_cited_claim_cannot_be_deleted_from_under_an_article():
    citation = ArticleClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=citation.claim.pk).delete()


def test_plain_text_has_no_markup_and_no_entities():
    article = ArticleFactory(title="T", standfirst="S", body="<p>Russia&rsquo;s <b>allies</b> &amp; friends</p>")
    assert article.plain_text == "T\n\nS\n\nRussia’s allies & friends"


# Through the admin: the editor sees a form error and nothing is written.


def _actor_form(**fields) -> dict:
    data = {"kind": "country", "name": "Russia", "slug": "russia", "description": "", "wikidata_id": ""}
    data |= {"aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0"}
    data |= {"aliases-MIN_NUM_FORMS": "0", "aliases-MAX_NUM_FORMS": "1000"}
    return data | fields


def test_admin_refuses_a_bad_wikidata_id(editor_client):
    response = editor_client.post(reverse("admin:relations_actor_add"), _actor_form(wikidata_id="159"))
    assert response.status_code == 200
    assert "A Wikidata ID is Q followed by digits, e.g. Q159." in response.content.decode()
    assert not Actor.objects.exists()


def test_admin_refuses_a_duplicate_alias_and_keeps_the_actor_unwritten(editor_client):
    data = _actor_form(**{"aliases-TOTAL_FORMS": "2", "aliases-0-name": "Kremlin", "aliases-1-name": "kremlin"})
    response = editor_client.post(reverse("admin:relations_actor_add"), data)
    assert response.status_code == 200
    assert "This alias is listed twice." in response.content.decode()
    assert not Actor.objects.exists()


def test_admin_refuses_an_alias_equal_to_the_new_actors_name(editor_client):
    data = _actor_form(**{"aliases-TOTAL_FORMS": "1", "aliases-0-name": "RUSSIA"})
    response = editor_client.post(reverse("admin:relations_actor_add"), data)
    assert "An alias must differ from the actor&#x27;s own name." in response.content.decode()
    assert not Actor.objects.exists()


def _relationship_form(subject, object_, type_, **fields) -> dict:
    data = {"subject": subject.pk, "object": object_.pk, "type": type_.pk, "status": "active", "summary": ""}
    data |= {"valid_from_precision": "day", "valid_until_precision": "day"}
    data |= {"claim_links-TOTAL_FORMS": "0", "claim_links-INITIAL_FORMS": "0"}
    data |= {"claim_links-MIN_NUM_FORMS": "0", "claim_links-MAX_NUM_FORMS": "1000"}
    return data | fields


def test_admin_refuses_a_self_linked_relationship(editor_client):
    russia = ActorFactory()
    response = editor_client.post(
        reverse("admin:relations_relationship_add"), _relationship_form(russia, russia, RelationshipTypeFactory())
    )
    assert response.status_code == 200
    assert "A relationship links two different actors." in response.content.decode()
    assert not Relationship.objects.exists()


def test_admin_refuses_a_relationship_that_ends_before_it_starts(editor_client):
    data = _relationship_form(
        ActorFactory(), ActorFactory(), RelationshipTypeFactory(), valid_from="2024-06-19", valid_until="2020-01-01"
    )
    response = editor_client.post(reverse("admin:relations_relationship_add"), data)
    assert response.status_code == 200
    assert "A relationship cannot end before it starts." in response.content.decode()
    assert not Relationship.objects.exists()


def test_admin_refuses_an_unattributed_assessment_and_its_links(editor_client):
    relationship = Relationship.objects.create(
        subject=ActorFactory(), object=ActorFactory(), type=RelationshipTypeFactory()
    )
    data = {"text": "Their cooperation is thin.", "kind": "assessment", "quote": "", "verification": "unverified"}
    data |= {"internal_note": "", "relationship_links-TOTAL_FORMS": "1", "relationship_links-INITIAL_FORMS": "0"}
    data |= {"relationship_links-MIN_NUM_FORMS": "0", "relationship_links-MAX_NUM_FORMS": "1000"}
    data |= {"relationship_links-0-relationship": relationship.pk, "relationship_links-0-stance": "supports"}
    response = editor_client.post(reverse("admin:relations_claim_add"), data)
    assert response.status_code == 200
    assert "Assessments and quotes must say who they are attributed to." in response.content.decode()
    assert not Claim.objects.exists()


def test_admin_records_who_verified_a_claim(editor_client, editor):
    claim = ClaimFactory()
    data = {"text": claim.text, "kind": "fact", "quote": "", "verification": "verified", "internal_note": ""}
    data["edit_count_seen"] = claim.edit_count
    data |= {"relationship_links-TOTAL_FORMS": "0", "relationship_links-INITIAL_FORMS": "0"}
    data |= {"relationship_links-MIN_NUM_FORMS": "0", "relationship_links-MAX_NUM_FORMS": "1000"}
    response = editor_client.post(reverse("admin:relations_claim_change", args=[claim.pk]), data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.verification, claim.verified_by) == ("verified", editor)
    assert claim.verified_at is not None
