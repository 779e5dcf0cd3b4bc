"""The knowledge graph's endpoints over real HTTP: JSON, absolute links that resolve, cacheable, readable anywhere."""

import json
import urllib.error
import urllib.request

import pytest

from tests.api_support import live_story
from tests.factories import ActorFactory, ClaimFactory, ClaimRelationshipFactory, RelationshipFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("starting_vocabulary")]


def _get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, json.loads(response.read().decode())


@pytest.fixture
def tie(transactional_db):
    russia = ActorFactory(name="Russia", slug="russia")
    korea = ActorFactory(name="North Korea", slug="north-korea")
    tie = RelationshipFactory(subject=russia, object=korea)
    claim = ClaimFactory(text="They signed a treaty.")
    claim.actors.add(russia, korea)
    ClaimRelationshipFactory(claim=claim, relationship=tie)
    live_story(claim)
    return tie


def test_partner_follows_links_from_an_actor_to_the_evidence_over_http(live_server, tie):
    status, headers, russia = _get(f"{live_server.url}/api/v1/actors/russia/", Origin="https://partner.example")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "public" in headers["Cache-Control"] and headers["ETag"]
    assert russia["url"] == f"{live_server.url}/api/v1/actors/russia/"

    _, _, network = _get(russia["network_url"])
    [edge] = network["edges"]
    _, _, relationship = _get(edge["url"])
    assert relationship["id"] == tie.pk
    _, _, claim = _get(relationship["supporting_claims"][0]["url"])
    assert claim["text"] == "They signed a treaty."
    _, _, found = _get(f"{live_server.url}/api/v1/relationships/?between=north-korea,russia&active_on=2025-01-01")
    assert [item["id"] for item in found["results"]] == [tie.pk]
    _, _, vocabulary = _get(relationship["type"]["url"])
    assert vocabulary["slug"] == relationship["type"]["slug"]


def test_conditional_request_answers_304_over_http(live_server, tie):
    url = f"{live_server.url}/api/v1/relationships/{tie.pk}/"
    _, headers, _ = _get(url)
    with pytest.raises(urllib.error.HTTPError) as answer:
        _get(url, **{"If-None-Match": headers["ETag"]})
    assert answer.value.code == 304


def test_bad_parameter_answers_400_in_the_error_shape_over_http(live_server, tie):
    with pytest.raises(urllib.error.HTTPError) as answer:
        _get(f"{live_server.url}/api/v1/actors/russia/network/?depth=3")
    assert answer.value.code == 400
    assert json.loads(answer.value.read().decode())["errors"] == {"depth": ["The depth is 1 or 2."]}
