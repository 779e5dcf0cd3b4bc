"""Every knowledge-graph endpoint and filter, with the answers the demo story gives.

The demo is loaded once for the module, inside a transaction rolled back at its end:
each test only reads it (in a savepoint of its own).
"""

import pytest

from newsroom.demo_content import CLAIMS
from relations.models import Claim, Relationship
from tests.api_support import body, every_item, get, results, tie

pytestmark = pytest.mark.django_db

PUBLIC_ACTORS = [
    "alexander-gabuev",
    "carnegie-russia-eurasia-center",
    "china",
    "iran",
    "israel",
    "michael-kimmage",
    "north-korea",
    "russia",
    "saudi-arabia",
    "shanghai-cooperation-organization",
    "ukraine",
    "united-arab-emirates",
    "united-kingdom",
    "united-states",
]
TREATY = ("russia", "mutual-defence-treaty", "north-korea")
TROOPS = ("north-korea", "troop-deployment", "russia")
# Every tie a published claim bears on or the published axis map shows. Russia's SCO membership
# and Gabuev's affiliation are in the database, but nothing published reaches them.
PUBLIC_TIES = [
    TREATY,
    ("iran", "arms-supply", "russia"),
    ("iran", "energy-trade", "china"),
    TROOPS,
    ("china", "strategic-partnership", "russia"),
    ("russia", "energy-trade", "china"),
    ("china", "mediation", "iran"),
    ("china", "mediation", "saudi-arabia"),
    ("china", "strategic-partnership", "saudi-arabia"),
    ("china", "strategic-partnership", "united-arab-emirates"),
    ("iran", "armed-conflict", "israel"),
    ("iran", "ceasefire", "israel"),
    ("russia", "armed-conflict", "ukraine"),
    ("china", "membership", "shanghai-cooperation-organization"),
    ("iran", "membership", "shanghai-cooperation-organization"),
]
VOCABULARY_BY_NAME = [
    "affiliation",
    "armed-conflict",
    "arms-supply",
    "ceasefire",
    "energy-trade",
    "mediation",
    "membership",
    "mutual-defence-treaty",
    "rivalry",
    "sanctions-cooperation",
    "strategic-partnership",
    "troop-deployment",
]


@pytest.fixture
def client(demo, client):
    return client


def _ties(client, path="/relationships/", **params) -> list[tuple[str, str, str]]:
    return [tie(item) for item in every_item(client, path, **params)]


def _slugs(client, path="/actors/", **params) -> list[str]:
    return [item["slug"] for item in every_item(client, path, **params)]


def _claim_texts(client, **params) -> set[str]:
    return {item["text"] for item in every_item(client, "/claims/", **params)}


def _text(key: str) -> str:
    return CLAIMS[key][0]


def _id(subject: str, type_slug: str, object_: str) -> int:
    return Relationship.objects.get(subject__slug=subject, type__slug=type_slug, object__slug=object_).pk


# --- Actors ---------------------------------------------------------------------------------


def test_actors_lists_every_published_actor_by_name(client):
    assert _slugs(client) == PUBLIC_ACTORS


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("person", ["alexander-gabuev", "michael-kimmage"]),
        ("organisation", ["carnegie-russia-eurasia-center"]),
        ("bloc", ["shanghai-cooperation-organization"]),
        ("armed_group", []),
    ],
)
def test_actors_filter_by_kind(client, kind, expected):
    assert _slugs(client, kind=kind) == expected


@pytest.mark.parametrize(
    "q, expected",
    [
        ("pyongyang", ["north-korea"]),
        ("KREMLIN", ["russia"]),
        ("korea", ["north-korea"]),
        ("united", ["united-arab-emirates", "united-kingdom", "united-states"]),
        # Contains, not equals: Moscow has "sco" in it.
        ("SCO", ["russia", "shanghai-cooperation-organization"]),
        ("atlantis", []),
    ],
)
def test_actors_search_names_and_aliases_whatever_the_case(client, q, expected):
    assert _slugs(client, q=q) == expected


def test_actors_filter_by_wikidata_id(client):
    assert _slugs(client, wikidata_id="Q159") == ["russia"]
    assert _slugs(client, wikidata_id="Q1") == []


def test_actors_order_by_kind_then_keep_one_order_within_a_kind(client):
    kinds = [item["kind"] for item in every_item(client, "/actors/", ordering="kind", page_size=3)]
    assert kinds == sorted(kinds)
    assert kinds[0] == "bloc" and kinds[-1] == "person"


def test_actors_order_by_name_descending(client):
    assert _slugs(client, ordering="-name", page_size=5) == PUBLIC_ACTORS[::-1]


def test_actor_detail_reads_as_the_newsroom_recorded_it(client):
    russia = body(client, "/actors/russia/")
    assert {key: russia[key] for key in russia if key != "id"} == {
        "slug": "russia",
        "name": "Russia",
        "kind": "country",
        "kind_label": "Country",
        "description": "Russian Federation.",
        "aliases": ["Kremlin", "Moscow", "Russian Federation"],
        "wikidata_id": "Q159",
        "wikidata_url": "https://www.wikidata.org/wiki/Q159",
        # Its treaty, troops, arms, partnership, energy and war; not its unpublished SCO membership.
        "relationship_count": 6,
        "claim_count": 9,
        "url": "http://testserver/api/v1/actors/russia/",
        "html_url": "http://testserver/actors/russia/",
        "network_url": "http://testserver/api/v1/actors/russia/network/",
    }


def test_actor_without_a_wikidata_id_has_no_wikidata_url(client):
    gabuev = body(client, "/actors/alexander-gabuev/")
    assert gabuev["wikidata_id"] == "" and gabuev["wikidata_url"] is None


def test_each_actors_counts_are_what_its_filtered_lists_hold(client):
    for actor in every_item(client, "/actors/"):
        assert actor["relationship_count"] == len(every_item(client, "/relationships/", actor=actor["slug"]))
        assert actor["claim_count"] == len(every_item(client, "/claims/", actor=actor["slug"]))


def test_actor_detail_links_to_its_public_page(client):
    page = client.get(body(client, "/actors/north-korea/")["html_url"])
    assert page.status_code == 200 and "North Korea" in page.content.decode()


# --- The relationship vocabulary -----------------------------------------------------------


def test_relationship_types_list_the_whole_vocabulary_by_name(client):
    # Sanctions cooperation and rivalry name no published tie, and are listed all the same.
    assert _slugs(client, "/relationship-types/") == VOCABULARY_BY_NAME


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"category": "conflict"}, ["armed-conflict", "ceasefire", "rivalry"]),
        ({"category": "military"}, ["arms-supply", "troop-deployment"]),
        (
            {"symmetric": "true"},
            [
                "armed-conflict",
                "ceasefire",
                "mutual-defence-treaty",
                "rivalry",
                "sanctions-cooperation",
                "strategic-partnership",
            ],
        ),
        ({"symmetric": "false", "category": "membership"}, ["affiliation", "membership"]),
    ],
)
def test_relationship_types_filter_by_category_and_direction(client, params, expected):
    assert _slugs(client, "/relationship-types/", **params) == expected


def test_relationship_types_order_by_category(client):
    categories = [item["category"] for item in every_item(client, "/relationship-types/", ordering="category")]
    assert categories == sorted(categories)


def test_relationship_type_detail_reads_both_ways(client):
    assert body(client, "/relationship-types/arms-supply/") == {
        "slug": "arms-supply",
        "name": "Arms supply",
        "label": "supplies arms to",
        "reverse_label": "receives arms from",
        "symmetric": False,
        "category": "military",
        "category_label": "Military",
        "description": "",
        "url": "http://testserver/api/v1/relationship-types/arms-supply/",
    }
    treaty = body(client, "/relationship-types/mutual-defence-treaty/")
    assert treaty["symmetric"] is True and treaty["reverse_label"] == treaty["label"]


# --- Relationships --------------------------------------------------------------------------


def test_relationships_list_every_published_tie_by_id(client):
    assert _ties(client) == PUBLIC_TIES


def test_relationships_between_two_actors_active_on_a_date(client):
    """The partners' question: who was tied to whom on a given day."""
    assert _ties(client, between="russia,north-korea", active_on="2025-01-01") == [TREATY, TROOPS]


def test_relationships_between_read_either_way_round(client):
    assert _ties(client, between="north-korea,russia") == [TREATY, TROOPS]


def test_treaty_signed_in_june_2024_is_not_active_before_june(client):
    assert _ties(client, between="russia,north-korea", active_on="2024-05-31") == [TROOPS]


def test_treaty_known_to_the_month_is_active_mid_june(client):
    assert _ties(client, between="russia,north-korea", active_on="2024-06-15") == [TREATY, TROOPS]


def test_relationships_active_on_leave_out_a_suspended_tie_with_no_end_date(client):
    ties = _ties(client, active_on="2025-01-01")
    assert ("iran", "armed-conflict", "israel") not in ties
    assert len(ties) == len(PUBLIC_TIES) - 1


def test_war_begun_on_24_february_2022_is_not_active_the_day_before(client):
    assert ("russia", "armed-conflict", "ukraine") not in _ties(client, actor="ukraine", active_on="2022-02-23")
    assert _ties(client, actor="ukraine", active_on="2022-02-24") == [("russia", "armed-conflict", "ukraine")]


def test_relationships_of_an_actor_on_either_side(client):
    assert _ties(client, actor="north-korea") == [TREATY, TROOPS]


def test_relationships_by_subject(client):
    assert _ties(client, subject="russia") == [
        TREATY,
        ("russia", "energy-trade", "china"),
        ("russia", "armed-conflict", "ukraine"),
    ]


def test_relationships_by_object(client):
    assert _ties(client, object="russia") == [
        ("iran", "arms-supply", "russia"),
        TROOPS,
        ("china", "strategic-partnership", "russia"),
    ]


def test_relationships_by_type_leave_out_an_unpublished_tie(client):
    assert _ties(client, type="membership") == [
        ("china", "membership", "shanghai-cooperation-organization"),
        ("iran", "membership", "shanghai-cooperation-organization"),
    ]


def test_relationships_by_category(client):
    assert _ties(client, category="military") == [("iran", "arms-supply", "russia"), TROOPS]


def test_relationships_by_status(client):
    assert _ties(client, status="suspended") == [("iran", "armed-conflict", "israel")]
    assert _ties(client, status="ended") == []


def test_relationships_filters_combine(client):
    assert _ties(client, actor="china", category="economic", subject="russia") == [("russia", "energy-trade", "china")]


def test_relationships_ordered_by_start_put_unknown_starts_first(client):
    ties = _ties(client, ordering="valid_from", page_size=4)
    assert ties[-2:] == [("russia", "armed-conflict", "ukraine"), TREATY]
    assert sorted(ties) == sorted(PUBLIC_TIES)


def test_relationships_ordered_by_latest_start(client):
    ties = _ties(client, ordering="-valid_from", page_size=4)
    assert ties[:2] == [TREATY, ("russia", "armed-conflict", "ukraine")]
    assert sorted(ties) == sorted(PUBLIC_TIES)


def test_relationship_detail_gives_dates_with_precision_and_evidence(client):
    treaty = body(client, f"/relationships/{_id(*TREATY)}/")
    assert treaty["type"]["label"] == "has a mutual defence treaty with"
    assert treaty["type"]["symmetric"] is True
    assert treaty["status"] == "active" and treaty["status_label"] == "Active"
    assert treaty["valid_from"] == {"date": "2024-06-01", "precision": "month", "display": "June 2024"}
    assert treaty["valid_until"] is None
    assert [claim["text"] for claim in treaty["supporting_claims"]] == [_text("only-treaty")]
    assert treaty["supporting_claims"][0]["verification"] == "verified"
    assert treaty["contradicting_claims"] == [] and treaty["context_claims"] == []


def test_relationship_detail_separates_claims_by_stance(client):
    conflict = body(client, f"/relationships/{_id('iran', 'armed-conflict', 'israel')}/")
    assert conflict["supporting_claims"] == []
    assert {claim["text"] for claim in conflict["context_claims"]} == {
        _text("no-help-for-iran"),
        _text("china-gulf-ties"),
    }


def test_relationship_claims_link_to_their_claims(client):
    treaty = body(client, f"/relationships/{_id(*TREATY)}/")
    claim = body(client, treaty["supporting_claims"][0]["url"])
    assert claim["text"] == _text("only-treaty")


def test_unpublished_relationship_answers_404(client):
    hidden = _id("russia", "membership", "shanghai-cooperation-organization")
    assert get(client, f"/relationships/{hidden}/").status_code == 404


# --- Claims ---------------------------------------------------------------------------------


def test_claims_list_every_claim_of_the_live_story_newest_first(client):
    items = every_item(client, "/claims/", page_size=5)
    assert {item["text"] for item in items} == {text for text, *_ in CLAIMS.values()}
    assert [item["id"] for item in items] == sorted((item["id"] for item in items), reverse=True)


def test_claims_by_actor_include_those_attributed_to_it(client):
    assert _claim_texts(client, actor="alexander-gabuev") == {_text("gabuev-self-interest")}
    assert _claim_texts(client, actor="ukraine") == {_text("iran-arms"), _text("kp-troops")}


def test_claims_by_relationship(client):
    assert _claim_texts(client, relationship=_id(*TREATY)) == {_text("only-treaty")}
    assert _claim_texts(client, relationship=_id("russia", "armed-conflict", "ukraine")) == {
        _text("iran-arms"),
        _text("kp-troops"),
    }


def test_claims_by_kind(client):
    assert _claim_texts(client, kind="assessment") == {_text("gabuev-self-interest"), _text("kimmage-shallow")}
    assert _claim_texts(client, kind="allegation") == {_text("axis-label")}


def test_claims_by_verification(client):
    assert _claim_texts(client, verification="disputed") == {_text("china-no-arms")}
    assert _claim_texts(client, verification="false") == set()


def test_claims_by_who_they_are_attributed_to(client):
    assert _claim_texts(client, attributed_to="michael-kimmage") == {_text("kimmage-shallow")}


def test_claims_attributed_to_none_are_the_newsrooms_own_reporting(client):
    own = {text for text, _kind, speaker, *_ in CLAIMS.values() if speaker is None}
    assert _claim_texts(client, attributed_to="none") == own


def test_claims_ordered_by_verification_time_put_unverified_first(client):
    items = every_item(client, "/claims/", ordering="verified_at", page_size=4)
    unverified = [item["verified_at"] is None for item in items]
    assert unverified == sorted(unverified, reverse=True)
    assert len(items) == len(CLAIMS)
    stamps = [item["verified_at"] for item in items if item["verified_at"]]
    assert stamps == sorted(stamps)


def test_claim_detail_shows_attribution_actors_stances_sources_and_verdict(client):
    claim_id = Claim.objects.get(text=_text("kp-troops")).pk
    claim = body(client, f"/claims/{claim_id}/")
    assert claim["kind"] == "fact" and claim["attributed_to"] is None
    assert [actor["slug"] for actor in claim["actors"]] == ["north-korea", "russia", "ukraine"]
    assert {(link["stance"], tie(link["relationship"])) for link in claim["relationships"]} == {
        ("supports", TROOPS),
        ("context", ("russia", "armed-conflict", "ukraine")),
    }
    assert claim["verification"] == "verified" and claim["verified_at"]
    assert claim["sources"] == [
        {
            "title": "Wire report: China and Russia stand back from Iran",
            "url": "https://example.org/demo/wire/china-russia-iran",
            "publisher": "Demo wire service",
            "published_on": "2025-07-01",
        }
    ]
    assert "internal_note" not in claim and "verified_by" not in claim


def test_claim_attributed_to_an_expert_names_him(client):
    claim_id = Claim.objects.get(text=_text("gabuev-self-interest")).pk
    speaker = body(client, f"/claims/{claim_id}/")["attributed_to"]
    assert speaker["slug"] == "alexander-gabuev" and speaker["kind"] == "person"
    assert speaker["url"] == "http://testserver/api/v1/actors/alexander-gabuev/"


# --- Networks -------------------------------------------------------------------------------


def _network(client, slug: str, **params) -> dict:
    return body(client, f"/actors/{slug}/network/", **params)


def test_network_of_russia_holds_its_published_ties(client):
    network = _network(client, "russia")
    assert network["depth"] == 1 and network["truncated"] is False
    assert sorted(tie(edge) for edge in network["edges"]) == sorted(t for t in PUBLIC_TIES if "russia" in (t[0], t[2]))
    assert [node["slug"] for node in network["nodes"]] == ["russia", "china", "iran", "north-korea", "ukraine"]


def test_network_at_depth_two_adds_the_partners_ties(client):
    edges = {tie(edge) for edge in _network(client, "north-korea", depth=2)["edges"]}
    # North Korea's partner is Russia: Russia's ties come in, Iran's own ties with others do not.
    assert edges == {t for t in PUBLIC_TIES if "russia" in (t[0], t[2]) or "north-korea" in (t[0], t[2])}


def test_network_lists_the_actors_own_ties_first(client):
    edges = [tie(edge) for edge in _network(client, "north-korea", depth=2)["edges"]]
    assert edges[:2] == [TREATY, TROOPS]


def test_network_filtered_by_category(client):
    network = _network(client, "russia", category="military", depth=2)
    assert [tie(edge) for edge in network["edges"]] == [("iran", "arms-supply", "russia"), TROOPS]
    assert [node["slug"] for node in network["nodes"]] == ["russia", "iran", "north-korea"]


def test_network_filtered_by_type(client):
    edges = [tie(edge) for edge in _network(client, "china", type="mediation")["edges"]]
    assert edges == [("china", "mediation", "iran"), ("china", "mediation", "saudi-arabia")]


def test_network_filtered_by_status(client):
    edges = [tie(edge) for edge in _network(client, "israel", status="suspended")["edges"]]
    assert edges == [("iran", "armed-conflict", "israel")]


def test_network_active_on_a_date(client):
    edges = [tie(edge) for edge in _network(client, "north-korea", active_on="2024-01-01")["edges"]]
    assert edges == [TROOPS]


def test_network_edges_carry_what_a_drawing_needs(client):
    treaty = _network(client, "north-korea")["edges"][0]
    assert {key: value for key, value in treaty.items() if key != "id"} == {
        "subject": "russia",
        "object": "north-korea",
        "type": "mutual-defence-treaty",
        "label": "has a mutual defence treaty with",
        "reverse_label": "has a mutual defence treaty with",
        "symmetric": True,
        "category": "security",
        "status": "active",
        "valid_from": {"date": "2024-06-01", "precision": "month", "display": "June 2024"},
        "valid_until": None,
        "url": f"http://testserver/api/v1/relationships/{treaty['id']}/",
    }


def test_network_of_an_actor_without_published_ties_is_the_actor_alone(client):
    network = _network(client, "carnegie-russia-eurasia-center")
    assert network["edges"] == [] and [node["slug"] for node in network["nodes"]] == ["carnegie-russia-eurasia-center"]


def test_every_endpoint_is_listed_at_the_api_root(client):
    root = body(client, "/")
    for name in ("actors", "relationship-types", "relationships", "claims"):
        assert root[name] == f"http://testserver/api/v1/{name}/"
    assert results(client, "/actors/", page_size=1)[0]["slug"] == PUBLIC_ACTORS[0]
