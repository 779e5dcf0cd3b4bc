"""/api/v1/claims/: what a claim shows, how it pages, and the hooks the content apps extend it through."""

import pytest
from django.db.models import Prefetch
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from relations.api import filters as relations_filters
from relations.api import serializers as relations_serializers
from relations.api import views as relations_views
from relations.models import Claim, Source
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


# --- The extension contract ---------------------------------------------------------------


class TitledClaimSerializer(relations_serializers.ClaimSerializer):
    source_titles = serializers.SerializerMethodField(help_text="The titles of the claim's sources.")

    class Meta(relations_serializers.ClaimSerializer.Meta):
        fields = [*relations_serializers.ClaimSerializer.Meta.fields, "source_titles"]

    def get_source_titles(self, claim: Claim) -> list[str]:
        return [source.title for source in claim.titled_sources]


class TitledClaimFilter(relations_filters.ClaimFilter):
    import django_filters

    titled = django_filters.CharFilter(field_name="sources__title", help_text="Only claims with a source so titled.")

    class Meta(relations_filters.ClaimFilter.Meta):
        pass


class TitledClaimViewSet(relations_views.ClaimViewSet):
    serializer_class = TitledClaimSerializer
    filterset_class = TitledClaimFilter

    def get_prefetches(self) -> list[Prefetch]:
        return [*super().get_prefetches(), Prefetch("sources", queryset=Source.objects.all(), to_attr="titled_sources")]


def test_subclass_adds_a_field_a_filter_and_a_prefetch(django_assert_max_num_queries):
    kept, other = ClaimFactory(), ClaimFactory()
    kept.sources.add(SourceFactory(title="Kept"))
    other.sources.add(SourceFactory(title="Other"))
    live_story(kept, other)
    view = TitledClaimViewSet.as_view({"get": "list"})
    with django_assert_max_num_queries(6):
        response = view(APIRequestFactory().get("/api/v1/claims/", {"titled": "Kept"}))
    assert [(item["id"], item["source_titles"]) for item in response.data["results"]] == [(kept.pk, ["Kept"])]
    assert response.data["results"][0]["actors"] == []
