"""/api/v1/claims/: what a claim shows, how it pages, and the hooks the content apps extend it through."""

import pytest

from tests.api_support import body, every_item, live_story
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    SourceFactory,
    VerifiedClaimFactory,
)

pytestmark = pytest.mark.django_db


def test_quote_carries_its_exact_words_and_speaker(client):
    speaker = ActorFactory(slug="speaker", kind="person")
    claim = ClaimFactory(kind="quote", quote="We stand together.", attributed_to=speaker)
    live_story(claim)
    item = body(client, f"/claims/{claim.pk}/")
    assert item["quote"] == "We stand together." and item["attributed_to"]["slug"] == "speaker"
    assert item["kind_label"] == "Quote"


def test_who_set_the_verdict_is_never_shown(client):
    checker = EditorFactory(username="checker-name")
    claim = VerifiedClaimFactory(verified_by=checker)
    live_story(claim)
    response = client.get(f"/api/v1/claims/{claim.pk}/")
    assert "verified_by" not in response.json() and "checker-name" not in response.content.decode()


def test_relationships_come_with_the_claims_stance_and_their_address(client):
    claim = ClaimFactory()
    link = ClaimRelationshipFactory(claim=claim, stance="contradicts")
    live_story(claim)
    [entry] = body(client, f"/claims/{claim.pk}/")["relationships"]
    assert entry["stance"] == "contradicts" and entry["stance_label"] == "Contradicts"
    assert body(client, entry["relationship"]["url"])["contradicting_claims"][0]["id"] == claim.pk
    assert entry["relationship"]["id"] == link.relationship_id


def test_sources_read_as_recorded(client):
    claim = ClaimFactory()
    claim.sources.add(SourceFactory(title="Offline memo", url="", publisher="", published_on=None))
    live_story(claim)
    assert body(client, f"/claims/{claim.pk}/")["sources"] == [
        {"title": "Offline memo", "url": "", "publisher": "", "published_on": None}
    ]


def test_ordering_by_verification_time_pages_through_unverified_claims(client):
    unverified = [ClaimFactory() for _ in range(3)]
    verified = [VerifiedClaimFactory() for _ in range(2)]
    live_story(*unverified, *verified)
    ids = [item["id"] for item in every_item(client, "/claims/", ordering="verified_at", page_size=1)]
    assert ids == [claim.pk for claim in unverified + verified]
    newest_first = [item["id"] for item in every_item(client, "/claims/", ordering="-verified_at", page_size=1)]
    assert newest_first == [claim.pk for claim in reversed(unverified + verified)]


def test_claims_are_newest_first_by_default(client):
    claims = [ClaimFactory() for _ in range(3)]
    live_story(*claims)
    assert [item["id"] for item in every_item(client, "/claims/", page_size=2)] == [c.pk for c in reversed(claims)]
