"""What readers can see of the knowledge graph changes only in an editor's hands;
fact-checkers still give public claims their verdicts."""

import datetime

import pytest
import reversion
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from relations.models import Claim, ClaimRelationship, PublicChange, Relationship
from relations.revisions import revision_restore
from relations.services import claim_set_verification
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactCheckerFactory,
    ReporterFactory,
    RoleEditorFactory,
    SourceFactory,
)
from tests.helpers import admin_form_data, change_url, publish_article, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_claim():
    citation = ArticleClaimFactory(claim__text="Iran supplied drones to Russia.")
    publish_article(article=citation.article, by=EditorFactory())
    return citation.claim


@pytest.fixture
def draft_claim():
    return ArticleClaimFactory(claim__text="Only a draft cites this.").claim


def test_a_reporter_edits_a_claim_only_drafts_cite(draft_claim):
    client = signed_in(ReporterFactory())
    data = admin_form_data(client.get(change_url(draft_claim))) | {"text": "Reworded in the draft."}
    assert client.post(change_url(draft_claim), data).status_code == 302
    draft_claim.refresh_from_db()
    assert draft_claim.text == "Reworded in the draft."


def test_a_reporter_sees_a_public_claim_read_only_and_cannot_post_to_it(public_claim):
    client = signed_in(ReporterFactory())
    assert not client.get(change_url(public_claim)).context["has_change_permission"]
    data = admin_form_data(signed_in(EditorFactory()).get(change_url(public_claim))) | {"text": "Reworded live."}
    assert client.post(change_url(public_claim), data).status_code == 403
    public_claim.refresh_from_db()
    assert public_claim.text == "Iran supplied drones to Russia."


def test_a_reporter_cannot_pull_a_hidden_actor_onto_the_site_through_a_public_claim(public_claim):
    hidden = ActorFactory(slug="hidden-source")
    data = admin_form_data(signed_in(EditorFactory()).get(change_url(public_claim))) | {"actors": [hidden.pk]}
    signed_in(ReporterFactory()).post(change_url(public_claim), data)
    assert Client().get("/actors/hidden-source/").status_code == 404


def test_a_fact_checker_sets_the_verdict_of_a_public_claim_and_nothing_else(public_claim):
    checker = FactCheckerFactory()
    client = signed_in(checker)
    response = client.get(change_url(public_claim))
    assert set(response.context["adminform"].form.fields) == {"verification", "internal_note", "edit_count_seen"}
    data = admin_form_data(response) | {"verification": "verified", "text": "Reworded live."}
    assert client.post(change_url(public_claim), data).status_code == 302
    public_claim.refresh_from_db()
    assert (public_claim.verification, public_claim.verified_by) == ("verified", checker)
    assert public_claim.text == "Iran supplied drones to Russia."


def test_an_editor_edits_a_public_claim(public_claim):
    client = signed_in(RoleEditorFactory())
    data = admin_form_data(client.get(change_url(public_claim))) | {"text": "Iran supplied drones and missiles."}
    assert client.post(change_url(public_claim), data).status_code == 302
    public_claim.refresh_from_db()
    assert public_claim.text == "Iran supplied drones and missiles."


def test_a_public_actor_and_its_aliases_are_read_only_to_a_reporter():
    actor = ActorFactory()
    article = ArticleFactory()
    article.actors.add(actor)
    publish_article(article=article, by=EditorFactory())
    response = signed_in(ReporterFactory()).get(change_url(actor))
    assert not response.context["has_change_permission"]
    assert not any(inline.has_add_permission for inline in response.context["inline_admin_formsets"])


def test_a_reporter_cannot_restore_an_old_revision_of_a_public_claim(public_claim):
    with reversion.create_revision():
        public_claim.save()
    with pytest.raises(PermissionDenied):
        revision_restore(version=Version.objects.get_for_object(public_claim).first(), by=ReporterFactory())


def test_stances_are_read_only_on_the_relationship_page(public_claim):
    link = ClaimRelationshipFactory(claim=public_claim)
    response = signed_in(EditorFactory()).get(change_url(link.relationship))
    (inline,) = response.context["inline_admin_formsets"]
    assert not inline.has_change_permission and not inline.has_add_permission
    assert "claim_links-0-stance" not in response.content.decode()


def test_what_a_scheduled_article_cites_is_read_only_to_a_reporter():
    citation = ArticleClaimFactory(claim__text="Embargoed claim.")
    publish_article(
        article=citation.article, by=EditorFactory(), publish_at=timezone.now() + datetime.timedelta(hours=1)
    )
    claim = citation.claim
    data = admin_form_data(signed_in(EditorFactory()).get(change_url(claim))) | {"text": "Changed before going live."}
    assert signed_in(ReporterFactory()).post(change_url(claim), data).status_code == 403
    claim.refresh_from_db()
    assert claim.text == "Embargoed claim."


def test_a_reporter_cannot_restore_a_link_that_puts_a_relationship_on_the_site(public_claim):
    link = ClaimRelationshipFactory(claim=public_claim)
    relationship = link.relationship
    with reversion.create_revision():
        relationship.save()
    link.delete()
    relationship = Relationship.objects.get(pk=relationship.pk)
    assert relationship.editable_by(ReporterFactory())
    with pytest.raises(PermissionDenied):
        revision_restore(version=Version.objects.get_for_object(relationship).first(), by=ReporterFactory())
    assert not ClaimRelationship.objects.filter(relationship=relationship).exists()


def test_the_fact_checkers_verdict_leaves_the_rest_of_a_public_claim_as_it_was(public_claim):
    actor, source = ActorFactory(), SourceFactory()
    public_claim.actors.add(actor)
    public_claim.sources.add(source)
    link = ClaimRelationshipFactory(claim=public_claim, stance="contradicts")
    client = signed_in(FactCheckerFactory())
    response = client.get(change_url(public_claim))
    data = admin_form_data(response) | {"verification": "disputed", "internal_note": "Two sources disagree."}
    assert client.post(change_url(public_claim), data).status_code == 302
    public_claim.refresh_from_db()
    link.refresh_from_db()
    assert (public_claim.verification, public_claim.internal_note) == ("disputed", "Two sources disagree.")
    assert list(public_claim.actors.all()) == [actor] and list(public_claim.sources.all()) == [source]
    assert link.stance == "contradicts"


def _verdicts_in_the_feed(claim) -> list[str]:
    return list(PublicChange.objects.filter(kind="verdict", key=str(claim.pk)).values_list("key", flat=True))


def test_a_verdict_given_in_the_admin_is_one_edit_and_one_entry_in_the_feed(public_claim):
    before = public_claim.edit_count
    client = signed_in(FactCheckerFactory())
    data = admin_form_data(client.get(change_url(public_claim))) | {
        "verification": "verified",
        "internal_note": "Checked.",
    }
    assert client.post(change_url(public_claim), data).status_code == 302
    public_claim.refresh_from_db()
    assert (public_claim.verification, public_claim.internal_note) == ("verified", "Checked.")
    assert public_claim.edit_count == before + 1
    assert _verdicts_in_the_feed(public_claim) == [str(public_claim.pk)]


def test_a_claim_added_with_a_verdict_is_saved_with_it_and_told_to_the_feed():
    client = signed_in(RoleEditorFactory())
    add_url = reverse("admin:relations_claim_add")
    checked = {
        "text": "Added already checked.",
        "kind": "fact",
        "verification": "verified",
        "actors": [],
        "sources": [],
    }
    assert client.post(add_url, admin_form_data(client.get(add_url)) | checked).status_code == 302
    claim = Claim.objects.get(text="Added already checked.")
    assert (claim.verification, claim.edit_count) == ("verified", 1)
    assert claim.verified_at is not None
    assert _verdicts_in_the_feed(claim) == [str(claim.pk)]


def test_a_verdict_refuses_a_claim_form_opened_before_it(draft_claim):
    client = signed_in(RoleEditorFactory())
    stale = admin_form_data(client.get(change_url(draft_claim)))
    claim_set_verification(claim=draft_claim, state="false", by=FactCheckerFactory())
    response = client.post(change_url(draft_claim), stale | {"text": "Edited meanwhile."})
    assert "after you opened it" in response.content.decode()
    draft_claim.refresh_from_db()
    assert (draft_claim.verification, draft_claim.text) == ("false", "Only a draft cites this.")
