"""Bad input to the knowledge graph's endpoints answers 400 naming the parameter (or 404, or a
clamped page size), never a server error."""

import base64

import pytest

from tests.api_support import API, body, errors, get, live_story
from tests.factories import ClaimFactory, ClaimRelationshipFactory, RelationshipFactory

pytestmark = pytest.mark.django_db

HUGE = "1" + "0" * 29  # 30 digits: no column holds it
LISTS = ["/actors/", "/relationship-types/", "/relationships/", "/claims/"]


@pytest.fixture
def graph(db):
    claims = []
    for _ in range(3):
        claim = ClaimFactory()
        tie = RelationshipFactory()
        claim.actors.add(tie.subject)
        ClaimRelationshipFactory(claim=claim, relationship=tie)
        claims.append(claim)
    live_story(*claims)
    return claims


@pytest.mark.parametrize(
    "path, parameter, value",
    [
        ("/relationships/", "active_on", "2024-13-45"),
        ("/relationships/", "active_on", "1e1000000"),
        ("/relationships/", "active_on", "15/06/2024"),
        ("/relationships/", "active_on", "-2024-01-01"),
        ("/relationships/", "status", "over"),
        ("/relationships/", "category", "friendship"),
        ("/relationships/", "type", "no-such-type"),
        ("/relationships/", "type", "not a slug"),
        ("/relationships/", "actor", "no-such-actor"),
        ("/relationships/", "actor", "../../etc/passwd"),
        ("/relationships/", "subject", HUGE),
        ("/relationships/", "object", "x" * 300),
        ("/relationships/", "between", "russia"),
        ("/relationships/", "between", "russia,iran,china"),
        ("/relationships/", "between", "russia,russia"),
        ("/relationships/", "between", ","),
        ("/claims/", "relationship", HUGE),
        ("/claims/", "relationship", "1e1000000"),
        ("/claims/", "relationship", "-1"),
        ("/claims/", "relationship", "1.5"),
        ("/claims/", "kind", "rumour"),
        ("/claims/", "verification", "maybe"),
        ("/claims/", "attributed_to", "nobody-we-know"),
        ("/claims/", "actor", "\x00"),
        ("/actors/", "kind", "planet"),
        ("/actors/", "wikidata_id", "159"),
        ("/actors/", "wikidata_id", "Q" + HUGE + "x"),
        ("/actors/", "q", "a\x00b"),
        ("/actors/", "q", "x" * 201),
        ("/relationship-types/", "symmetric", "maybe"),
        ("/relationship-types/", "category", "friendship"),
    ],
)
def test_invalid_filter_value_answers_400_naming_the_parameter(client, graph, path, parameter, value):
    response = get(client, path, **{parameter: value})
    assert response.status_code == 400
    body_ = response.json()
    assert body_["status"] == 400 and list(body_["errors"]) == [parameter]
    assert body_["errors"][parameter][0]


@pytest.mark.parametrize("path", LISTS)
def test_unknown_ordering_field_answers_400(client, graph, path):
    assert "ordering" in errors(get(client, path, ordering="internal_note"))


@pytest.mark.parametrize("path", LISTS)
def test_ordering_by_a_related_field_answers_400(client, graph, path):
    assert "ordering" in errors(get(client, path, ordering="subject__name"))


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("cursor", ["garbage", "cD0x\u00e9", base64.b64encode(b"o=-5&p=1").decode()])
def test_tampered_cursor_answers_400(client, graph, path, cursor):
    assert "cursor" in errors(get(client, path, cursor=cursor))


@pytest.mark.parametrize("path", ["/relationships/", "/claims/"])
def test_cursor_past_any_id_answers_without_a_server_error(client, graph, path):
    response = get(client, path, cursor=base64.b64encode(b"p=" + HUGE.encode()).decode())
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "path, ordering",
    [("/relationships/", "valid_from"), ("/relationships/", "-valid_from"), ("/claims/", "verified_at")],
)
def test_tampered_cursor_on_a_date_ordering_answers_400(client, graph, path, ordering):
    cursor = base64.b64encode(b"p=2024-13-45").decode()
    assert "cursor" in errors(get(client, path, ordering=ordering, cursor=cursor))


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("size", ["-1", "0", "abc", "1e1000000"])
def test_unusable_page_size_gives_the_default_page(client, graph, path, size):
    response = get(client, path, page_size=size)
    assert response.status_code == 200


def test_enormous_page_size_is_clamped_to_100(client, db):
    from tests.factories import ActorFactory, ClaimFactory

    claim = ClaimFactory()
    claim.actors.add(*ActorFactory.create_batch(105))
    live_story(claim)
    assert len(body(client, "/actors/", page_size=HUGE)["results"]) == 100


@pytest.mark.parametrize(
    "path",
    [
        f"/relationships/{HUGE}/",
        f"/claims/{HUGE}/",
        "/relationships/1e1000000/",
        "/claims/-1/",
        "/relationships/0/",
        "/actors/no-such-actor/",
        "/actors/no such actor/",
        f"/actors/{'x' * 300}/network/",
        "/relationship-types/no-such-type/",
    ],
)
def test_address_of_nothing_answers_404(client, graph, path):
    assert client.get(f"{API}{path}").status_code == 404


@pytest.mark.parametrize("depth", ["0", "3", "-1", "two", "1e1000000", HUGE])
def test_network_depth_other_than_1_or_2_answers_400(client, graph, depth):
    slug = graph[0].actors.first().slug
    assert list(errors(get(client, f"/actors/{slug}/network/", depth=depth))) == ["depth"]


@pytest.mark.parametrize(
    "parameter, value", [("active_on", "2024-02-30"), ("type", "nope"), ("status", "over"), ("category", "x")]
)
def test_network_filter_with_an_invalid_value_answers_400(client, graph, parameter, value):
    slug = graph[0].actors.first().slug
    assert list(errors(get(client, f"/actors/{slug}/network/", **{parameter: value}))) == [parameter]


def test_list_filters_do_not_apply_to_an_objects_own_address(client, graph):
    actor = graph[0].actors.first()
    assert get(client, f"/actors/{actor.slug}/", kind="person", ordering="nonsense").status_code == 200
    assert get(client, f"/claims/{graph[0].pk}/", relationship=HUGE).status_code == 200


def test_unknown_parameters_are_ignored(client, graph):
    assert len(body(client, "/relationships/", colour="blue", internal_note="x")["results"]) == 3


def test_active_on_the_last_day_a_calendar_holds_answers(client, graph):
    assert body(client, "/relationships/", active_on="9999-12-31")["results"]
    assert body(client, "/relationships/", active_on="0001-01-01")["results"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_answer_405(client, graph, method):
    for path in ["/actors/", f"/relationships/{graph[0].relationship_links.first().relationship_id}/"]:
        assert getattr(client, method)(f"{API}{path}").status_code == 405
