"""The fact box payload: what the writer stores reads back as itself, and what an older or thinner
payload lacks reads as the stated defaults, in every reader."""

import datetime

import pytest
from django.test import RequestFactory

from newsroom.admin.factbox_versions import compare_payloads
from newsroom.embeds.oembed import box_height
from newsroom.factboxes import payload, relationship_map
from newsroom.factboxes.payload import item_name, read_header, read_item, read_payload
from newsroom.factboxes.rendering import render_factbox
from newsroom.factboxes.services import publication_problems
from newsroom.factboxes.snapshots import build_snapshot
from newsroom.models import FactBox, FactBoxVersion
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    RelationshipFactory,
    SourceFactory,
    VerifiedClaimFactory,
)
from tests.helpers import publish_factbox

# --- What is stored reads as itself -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_stored_demo_version_reads_back_unchanged(demo):
    versions = list(FactBoxVersion.objects.select_related("factbox"))
    assert len(versions) >= 4
    for version in versions:
        stored = version.payload
        # Nothing defaulted, nothing dropped: payload.py knows every key and type the writer stores.
        assert read_payload(stored) == stored, version.factbox.slug
        assert stored["schema"] == payload.SCHEMA
        assert (stored["number"], stored["title"]) == (version.number, version.factbox.title)
    shown = {item["type"] for version in versions for item in version.payload["items"]}
    assert {"claim", "relationship", "actor"} <= shown


@pytest.mark.django_db
def test_every_demo_draft_reads_back_unchanged(demo):
    for box in FactBox.objects.all():
        draft = build_snapshot(box).payload
        assert read_payload(draft) == draft
        assert "number" not in read_payload(draft) and "published_at" not in read_payload(draft)


@pytest.fixture
def every_item_type(db):
    """A published box with one item of each type, every field the writer fills filled."""
    author = ActorFactory(name="Jane Expert", slug="jane-expert", kind="person")
    claim = VerifiedClaimFactory(text="Drones were delivered.", attributed_to=author, kind="assessment")
    claim.sources.add(SourceFactory(title="Customs data", published_on=datetime.date(2024, 3, 1)))
    tie = RelationshipFactory(valid_from=datetime.date(2023, 6, 1), valid_from_precision="month", summary="Arms.")
    ClaimRelationshipFactory(claim=claim, relationship=tie)
    actor = ActorFactory(name="Iran", slug="iran", description="A republic.", wikidata_id="Q794")
    ActorAliasFactory(actor=actor, name="Tehran")
    box = FactBoxFactory(kind=FactBox.Kind.TIMELINE)
    FactBoxItemFactory(factbox=box, claim=claim, date=datetime.date(2024, 1, 1), date_precision="year")
    FactBoxItemFactory(factbox=box, claim=None, relationship=tie)
    FactBoxItemFactory(factbox=box, claim=None, actor=actor, date=datetime.date(2022, 2, 2))
    FactBoxItemFactory(factbox=box, claim=None, text="Talks began.", date=datetime.date(2021, 1, 1))
    return publish_factbox(factbox=box, by=EditorFactory()).payload


def test_each_item_type_reads_back_unchanged(every_item_type):
    assert [item["type"] for item in every_item_type["items"]] == ["claim", "relationship", "actor", "text"]
    assert read_payload(every_item_type) == every_item_type
    claim, tie, actor, text = every_item_type["items"]
    assert claim["claim"]["attributed_to"]["name"] == "Jane Expert"
    assert claim["claim"]["sources"][0]["published_on"] == "2024-03-01"
    assert tie["relationship"]["evidence"][0]["stance"] == "supports"
    assert tie["when"] == {"date": "2023-06-01", "precision": "month", "display": "June 2023"}
    assert tie["relationship"]["valid_until"] == {}
    assert actor["actor"]["aliases"] == ["Tehran"]
    assert (text["text"], text["when"]["date"]) == ("Talks began.", "2021-01-01")


def test_reading_twice_reads_the_same(every_item_type):
    thin = {
        "items": [
            {"type": "claim", "claim": {"text": "x"}},
            {"type": "text", "text": "y", "when": {"date": "2020-01-01"}},
        ]
    }
    for stored in (every_item_type, thin, {}):
        assert read_payload(read_payload(stored)) == read_payload(stored)


# --- What an older or thinner payload lacks ------------------------------------------------------------------


def test_an_empty_payload_reads_as_an_empty_draft():
    assert read_payload({}) == {
        "schema": payload.SCHEMA,
        "title": "",
        "slug": "",
        "kind": "",
        "kind_label": "",
        "intro": "",
        "items": [],
    }
    assert read_payload({"items": None, "title": None})["items"] == []


def test_the_header_keeps_only_valid_stamps():
    assert read_header({"number": 3, "published_at": "2024-05-01T10:00:00+00:00"}) == {
        **read_header({}),
        "number": 3,
        "published_at": "2024-05-01T10:00:00+00:00",
    }
    odd = read_header({"number": "3", "published_at": "yesterday", "schema": True, "title": 7})
    assert "number" not in odd and "published_at" not in odd
    assert (odd["schema"], odd["title"]) == (payload.SCHEMA, "")


def test_a_thin_claim_is_our_own_unverified_unsourced_reporting():
    item = read_item({"type": "claim", "claim": {"text": "Trade doubled."}})
    assert item == {
        "type": "claim",
        "claim": {
            "id": None,
            "text": "Trade doubled.",
            "quote": "",
            "kind": "",
            "kind_label": "",
            "verification": "unverified",
            "verification_label": "Unverified",
            "verified_at": None,
            "attributed_to": None,
            "sources": [],
        },
    }


def test_a_claims_malformed_parts_read_as_missing():
    claim = read_item(
        {
            "type": "claim",
            "claim": {
                "id": "12",
                "text": "x",
                "verification": "",
                "verified_at": "last week",
                "attributed_to": {},
                "sources": [None, "a string", {}, {"url": "https://example.org/a", "published_on": "soon"}],
            },
        }
    )["claim"]
    assert (claim["id"], claim["verification"], claim["verified_at"], claim["attributed_to"]) == (
        None,
        "unverified",
        None,
        None,
    )
    assert claim["sources"] == [{"title": "", "url": "https://example.org/a", "publisher": "", "published_on": None}]


def test_a_thin_relationship_reads_every_field():
    tie = read_item(
        {
            "type": "relationship",
            "relationship": {
                "subject": {"name": "Iran"},
                "type": {"label": "supplies arms to", "symmetric": 1},
                "valid_from": {"date": "2023-06-01"},
                "valid_until": {"date": "not a date", "display": "later"},
                "evidence": [{"text": "Seen.", "stance": "supports"}, []],
            },
        }
    )["relationship"]
    assert tie["subject"] == {"id": None, "name": "Iran", "slug": "", "kind": ""}
    assert tie["object"] is None
    assert tie["type"] == {
        "name": "",
        "slug": "",
        "label": "supplies arms to",
        "reverse_label": "",
        "symmetric": True,
        "category": "",
        "category_label": "",
    }
    # A date alone is precise to the day and shows as written.
    assert tie["valid_from"] == {"date": "2023-06-01", "precision": "day", "display": "2023-06-01"}
    assert tie["valid_until"] == {}
    (evidence,) = tie["evidence"]
    assert (evidence["stance"], evidence["stance_label"], evidence["text"], evidence["verification"]) == (
        "supports",
        "",
        "Seen.",
        "unverified",
    )
    assert (tie["status"], tie["summary"], tie["id"]) == ("", "", None)


def test_a_thin_actor_reads_every_field_and_only_its_real_aliases():
    actor = read_item({"type": "actor", "actor": {"id": 4, "name": "Iran", "aliases": ["Tehran", "", None, 5]}})
    assert actor == {
        "type": "actor",
        "actor": {
            "id": 4,
            "name": "Iran",
            "slug": "",
            "kind": "",
            "kind_label": "",
            "description": "",
            "wikidata_id": "",
            "aliases": ["Tehran"],
        },
    }


def test_a_text_item_keeps_its_date_only_when_it_has_one():
    assert read_item({"type": "text", "text": "Talks.", "when": {"date": "2021-01-01", "precision": "year"}}) == {
        "type": "text",
        "text": "Talks.",
        "when": {"date": "2021-01-01", "precision": "year", "display": "2021-01-01"},
    }
    assert read_item({"type": "text", "text": "Talks.", "when": {"date": "", "display": "Once"}}) == {
        "type": "text",
        "text": "Talks.",
    }


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "text",
        {},
        {"type": "quote", "quote": {"text": "A type this code does not know."}},
        {"type": "claim"},
        {"type": "claim", "claim": None},
        {"type": "relationship", "relationship": {}},
        {"type": "actor", "actor": []},
        {"type": "text", "text": ""},
        {"type": None, "text": "x"},
    ],
)
def test_an_item_with_nothing_to_show_is_left_out(raw):
    assert read_item(raw) is None
    assert read_payload({"items": [raw, {"type": "text", "text": "Kept."}]})["items"] == [
        {"type": "text", "text": "Kept."}
    ]


# --- Every reader takes a thin payload --------------------------------------------------------------------------

THIN_MAP = {
    "kind": "relationship_map",
    "title": "Old map",
    "items": [
        {"type": "relationship", "relationship": {"subject": {"name": "A"}, "object": {"name": "B"}}},
        {"type": "relationship", "relationship": {"subject": {"name": "A"}}},
        {"type": "quote", "quote": {"text": "Unknown."}},
        {"type": "text", "text": "A note."},
    ],
}


def test_a_thin_map_renders_with_its_drawable_tie_and_its_note():
    html = str(render_factbox(THIN_MAP, RequestFactory().get("/")))
    assert html.startswith('<section class="factbox factbox-relationship_map" id="fb-box-preview"')
    assert html.count('<path class="fb-edge') == 2  # in the narrow picture and the wide one
    assert html.count('<tr class="fb-tie">') == 2
    assert "A note." in html and "Unknown." not in html
    geometry = relationship_map.layout(THIN_MAP)
    assert [node.name for node in geometry.nodes] == ["A", "B"]
    assert [edge.number for edge in geometry.edges] == [1]
    assert geometry.has_directed and not geometry.has_mutual


def test_readers_count_and_name_only_the_items_they_can_show():
    # Two ties and a note; the unknown item adds no height and no name.
    request = RequestFactory().get("/")
    assert box_height(request, THIN_MAP, 600) == box_height(
        request, {**THIN_MAP, "items": THIN_MAP["items"][:2] + THIN_MAP["items"][3:]}, 600
    )
    diff = compare_payloads({}, THIN_MAP)
    assert diff.added == ["A B", "A", "A note."]
    assert [(change.label, change.after) for change in diff.box] == [("title", "Old map")]


# --- One name per item ------------------------------------------------------------------------------------------


def test_item_name_of_each_type(every_item_type):
    tie = every_item_type["items"][1]
    subject, label, object_ = (
        tie["relationship"]["subject"]["name"],
        tie["relationship"]["type"]["label"],
        tie["relationship"]["object"]["name"],
    )
    assert [item_name(item) for item in every_item_type["items"]] == [
        "Drones were delivered.",
        f"{subject} {label} {object_}",
        "Iran",
        "Talks began.",
    ]


def test_item_name_is_one_line_cut_to_its_limit():
    claim = read_item({"type": "claim", "claim": {"text": "Trade  doubled\nin 2023,   and again in 2024."}})
    assert item_name(claim) == "Trade doubled in 2023, and again in 2024."
    assert item_name(claim, limit=14) == "Trade doubled…"
    assert len(item_name(claim, limit=14)) == 14
    tie = read_item({"type": "relationship", "relationship": {"object": {"name": "Russia"}, "type": {"label": "arms"}}})
    assert item_name(tie) == "arms Russia"


@pytest.mark.django_db
def test_publication_problems_and_the_version_diff_name_an_item_alike():
    claim = ClaimFactory(
        text="A  claim\nmarked false.", verification="false", verified_at=datetime.datetime.now(datetime.UTC)
    )
    box = FactBoxFactory(kind=FactBox.Kind.KEY_FACTS)
    FactBoxItemFactory(factbox=box, claim=claim)
    (problem,) = publication_problems(box, build_snapshot(box))
    assert problem.startswith("“A claim marked false.” is marked false")
    assert compare_payloads({}, build_snapshot(box).payload).added == ["A claim marked false."]
