"""Composing a fact box in the admin: one row per item of the kind chosen, the order set by dragging,
the numbers readers see beside each row, and the live preview of the form as it stands (nothing written)."""

import json
import re

import pytest
from django.urls import reverse
from reversion.models import Revision

from newsroom.factboxes import relationship_map
from newsroom.factboxes.snapshots import build_snapshot
from newsroom.models import FactBox, FactBoxItem
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactCheckerFactory,
    RelationshipFactory,
    ReporterFactory,
    VerifiedClaimFactory,
)
from tests.helpers import admin_form_data, change_url, publish_factbox, signed_in
from tests.newsroom.test_factbox_admin import with_new_rows

pytestmark = pytest.mark.django_db

Kind = FactBox.Kind


def preview_url(box: FactBox, theme: str = "") -> str:
    url = reverse("admin:newsroom_factbox_preview", args=[box.pk])
    return f"{url}?theme={theme}" if theme else url


def items_of(response):
    return next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "items")


def preview_data(response) -> dict:
    found = re.search(r'<script id="factbox-preview-data" type="application/json">(.*?)</script>', response.text)
    assert found, "the preview carries no data for the change page"
    return json.loads(found.group(1))


def rows_by_id(data: dict, box: FactBox) -> dict[int, str]:
    """The posted rows' prefixes, by the id of the item each one edits."""
    total = int(data["items-TOTAL_FORMS"])
    return {int(data[f"items-{n}-id"]): f"items-{n}" for n in range(total) if data.get(f"items-{n}-id")}


@pytest.fixture
def axis_map():
    """A relationship map as a map is started: its actors first, then its ties."""
    china, russia, iran = (ActorFactory(name=name) for name in ("China", "Russia", "Iran"))
    box = FactBoxFactory(kind=Kind.RELATIONSHIP_MAP, title="The axis")
    for position, actor in enumerate((china, russia, iran), start=1):
        FactBoxItemFactory(factbox=box, claim=None, actor=actor, position=position)
    ties = [RelationshipFactory(subject=china, object=russia), RelationshipFactory(subject=iran, object=russia)]
    for position, tie in enumerate(ties, start=4):
        FactBoxItemFactory(factbox=box, claim=None, relationship=tie, position=position)
    return box


class TestAddingItems:
    def test_each_kind_is_added_with_only_its_field(self, editor_client):
        box = FactBoxFactory()
        FactBoxItemFactory(factbox=box, claim=None, text="Already there.", position=1)
        claim, tie, actor = ClaimFactory(), RelationshipFactory(), ActorFactory()
        data = with_new_rows(
            admin_form_data(editor_client.get(change_url(box))),
            "items",
            {"kind": "claim", "claim": str(claim.pk)},
            {"kind": "relationship", "relationship": str(tie.pk)},
            {"kind": "actor", "actor": str(actor.pk)},
            {"kind": "text", "text": "A line of our own."},
        )
        assert editor_client.post(change_url(box), data).status_code == 302
        saved = [item.content for item in box.items.order_by("position", "pk")]
        assert saved == ["Already there.", claim, tie, actor, "A line of our own."]
        # New rows follow the rows already there, in the order they were added.
        assert list(box.items.order_by("position", "pk").values_list("position", flat=True)) == [1, 2, 3, 4, 5]

    def test_a_new_box_is_composed_on_the_add_page(self, editor_client):
        add = reverse("admin:newsroom_factbox_add")
        response = editor_client.get(add)
        assert re.findall(r'data-add-kind="(\w+)"', response.text) == ["claim", "relationship", "actor", "text"]
        data = with_new_rows(
            admin_form_data(response),
            "items",
            {"kind": "text", "text": "First line."},
            {"kind": "actor", "actor": str(ActorFactory().pk)},
        ) | {"title": "New box", "slug": "new-box", "kind": "key_facts"}
        assert editor_client.post(add, data).status_code == 302
        box = FactBox.objects.get(slug="new-box")
        first, second = box.items.order_by("position")
        assert (first.text, second.actor_id) == ("First line.", int(data["items-1-actor"]))

    def test_a_rows_kind_decides_its_content(self, editor_client):
        """A row shows one field: values posted in the others (hidden from the editor) are not its content."""
        box = FactBoxFactory()
        claim = ClaimFactory()
        data = with_new_rows(
            admin_form_data(editor_client.get(change_url(box))),
            "items",
            {"kind": "claim", "claim": str(claim.pk), "text": "Typed before the kind was chosen"},
        )
        assert editor_client.post(change_url(box), data).status_code == 302
        item = box.items.get()
        assert (item.claim, item.text) == (claim, "")

    @pytest.mark.parametrize(
        ("kind", "message"),
        [
            ("claim", "Choose the claim, or remove this item."),
            ("relationship", "Choose the relationship, or remove this item."),
            ("actor", "Choose the actor, or remove this item."),
            ("text", "Write the line of text, or remove this item."),
        ],
    )
    def test_a_row_of_a_kind_without_its_content_is_an_error_on_its_field(self, editor_client, kind, message):
        box = FactBoxFactory()
        data = with_new_rows(
            admin_form_data(editor_client.get(change_url(box))), "items", {"kind": kind, "date": "2024-06-12"}
        )
        response = editor_client.post(change_url(box), data)
        assert response.status_code == 200
        assert items_of(response).formset.forms[0].errors == {kind: [message]}
        assert not FactBoxItem.objects.exists()

    def test_an_unknown_choice_is_an_error_and_nothing_is_written(self, editor_client):
        box = FactBoxFactory(title="Before")
        data = with_new_rows(
            admin_form_data(editor_client.get(change_url(box))),
            "items",
            {"kind": "text", "text": "Fine"},
            {"kind": "claim", "claim": "987654"},
        )
        response = editor_client.post(change_url(box), data | {"title": "After"})
        assert response.status_code == 200
        assert "Select a valid choice" in str(items_of(response).formset.forms[1].errors["claim"])
        box.refresh_from_db()
        assert box.title == "Before" and not box.items.exists()

    def test_a_row_added_and_left_empty_is_skipped(self, editor_client):
        box = FactBoxFactory()
        data = with_new_rows(admin_form_data(editor_client.get(change_url(box))), "items", {"kind": "actor"})
        assert editor_client.post(change_url(box), data).status_code == 302
        assert not box.items.exists()

    def test_existing_rows_show_only_their_kinds_field(self, editor_client, axis_map):
        page = editor_client.get(change_url(axis_map)).text
        rows = re.findall(r'<tr class="form-row has_original[^"]*"[^>]*data-item-kind="(\w+)"', page)
        assert rows == ["actor", "actor", "actor", "relationship", "relationship"]
        first = page.split('id="items-0"')[1].split("</tr>")[0]
        assert re.search(r'data-kind="actor"\s*>', first)
        for other in ("claim", "relationship", "text"):
            assert re.search(rf'data-kind="{other}" hidden>', first)

    def test_the_page_offers_one_add_button_per_kind_and_no_position_to_type(self, editor_client, axis_map):
        page = editor_client.get(change_url(axis_map)).text
        assert re.findall(r'data-add-kind="(\w+)"', page) == ["claim", "relationship", "actor", "text"]
        assert '<input type="hidden" name="items-0-position" value="1" class="_reorder_"' in page
        assert "/static/adminsortable2/js/adminsortable2" in page

    def test_a_fact_checker_sees_the_items_read_only_without_add_buttons(self, axis_map):
        page = signed_in(FactCheckerFactory()).get(change_url(axis_map)).text
        # No handle to drag, no arrows, no buttons: the order is the editors'.
        assert "data-add-kind" not in page and "data-move" not in page
        handles = re.findall(r'<td class="original">\s*(<p>)?', page)
        assert handles and not any(handles)
        assert "China" in page


class TestReordering:
    def test_dragged_positions_are_saved(self, editor_client, axis_map):
        data = admin_form_data(editor_client.get(change_url(axis_map)))
        rows = rows_by_id(data, axis_map)
        ties = list(axis_map.items.filter(relationship__isnull=False).order_by("position"))
        # The second tie dragged to the top: the script numbers the rows as shown, from 1.
        order = [ties[1], *axis_map.items.filter(actor__isnull=False).order_by("position"), ties[0]]
        data |= {f"{rows[item.pk]}-position": str(n) for n, item in enumerate(order, start=1)}
        assert editor_client.post(change_url(axis_map), data).status_code == 302
        assert [item.pk for item in axis_map.items.order_by("position")] == [item.pk for item in order]


class TestNumbersReadersSee:
    def test_ties_are_numbered_as_on_the_map_not_by_position(self, editor_client, axis_map):
        response = editor_client.get(change_url(axis_map))
        places = [form.reader_place for form in items_of(response).formset.forms]
        assert places == ["On the map", "On the map", "On the map", "Tie 1", "Tie 2"]
        geometry = relationship_map.draw(build_snapshot(axis_map).payload)
        assert [edge.number for edge in geometry.edges] == [1, 2]
        assert '<span class="factbox-reader-place">Tie 1</span>' in response.text

    def test_a_timeline_numbers_its_entries_by_date(self, editor_client):
        box = FactBoxFactory(kind=Kind.TIMELINE)
        FactBoxItemFactory(factbox=box, claim=None, text="Later", date="2024-06-01", position=1)
        FactBoxItemFactory(factbox=box, claim=None, text="Earlier", date="2022-02-24", position=2)
        FactBoxItemFactory(factbox=box, claim=None, text="Undated", position=3)
        places = [form.reader_place for form in items_of(editor_client.get(change_url(box))).formset.forms]
        assert places == ["2 by date", "1 by date", "Date to come"]


class TestLivePreview:
    def test_renders_the_posted_form_and_writes_nothing(self, editor_client, axis_map):
        data = with_new_rows(
            admin_form_data(editor_client.get(change_url(axis_map))),
            "items",
            {"kind": "text", "text": "A line not saved yet."},
        ) | {"title": "A title not saved yet"}
        edit_count, revisions = axis_map.edit_count, Revision.objects.count()
        response = editor_client.post(preview_url(axis_map), data)
        assert response.status_code == 200
        assert "A title not saved yet" in response.text and "A line not saved yet." in response.text
        axis_map.refresh_from_db()
        assert (axis_map.title, axis_map.edit_count) == ("The axis", edit_count)
        assert axis_map.items.count() == 5 and not axis_map.items.filter(text__startswith="A line").exists()
        assert Revision.objects.count() == revisions

    def test_the_numbers_follow_the_posted_order(self, editor_client, axis_map):
        data = admin_form_data(editor_client.get(change_url(axis_map)))
        rows = rows_by_id(data, axis_map)
        first, second = axis_map.items.filter(relationship__isnull=False).order_by("position")
        data |= {f"{rows[second.pk]}-position": "1", f"{rows[first.pk]}-position": "9"}
        data = with_new_rows(data, "items", {"kind": "relationship", "relationship": str(RelationshipFactory().pk)})
        response = editor_client.post(preview_url(axis_map), data)
        places = preview_data(response)["places"]
        assert places[rows[second.pk]] == "Tie 1"
        assert places[rows[first.pk]] == "Tie 2"
        assert places["items-5"] == "Tie 3"  # the new row, after every saved one
        # The map numbers its ties as the admin does.
        badges = re.findall(r'<text x="[^"]+" y="[^"]+" dy="4.5" fill="#1b1b1b">(\d+)</text>', response.text)
        assert sorted(badges) == ["1", "1", "2", "2", "3", "3"]  # the narrow picture's and the wide one's
        table = re.findall(r'<th scope="row" class="fb-tie-number">(\d+)</th>', response.text)
        assert table == ["1", "2", "3"]
        assert axis_map.items.get(pk=second.pk).position == 5  # nothing saved

    def test_a_removed_row_is_left_out(self, editor_client, axis_map):
        data = admin_form_data(editor_client.get(change_url(axis_map)))
        rows = rows_by_id(data, axis_map)
        tie = axis_map.items.filter(relationship__isnull=False).order_by("position").first()
        response = editor_client.post(preview_url(axis_map), data | {f"{rows[tie.pk]}-DELETE": "on"})
        places = preview_data(response)["places"]
        assert rows[tie.pk] not in places and list(places.values()).count("Tie 1") == 1
        assert axis_map.items.filter(pk=tie.pk).exists()

    def test_bad_input_answers_400_naming_it_and_writes_nothing(self, editor_client, axis_map):
        data = with_new_rows(
            admin_form_data(editor_client.get(change_url(axis_map))), "items", {"kind": "claim", "date": "2024-01-01"}
        ) | {"title": ""}
        response = editor_client.post(preview_url(axis_map), data)
        assert response.status_code == 400
        assert preview_data(response)["errors"] == [
            "Title: This field is required.",
            "Claim: Choose the claim, or remove this item.",
        ]
        assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
        axis_map.refresh_from_db()
        assert axis_map.title == "The axis"

    def test_says_which_version_readers_see_meanwhile(self, editor_client):
        box = FactBoxFactory()
        FactBoxItemFactory(factbox=box, claim=VerifiedClaimFactory(), position=1)
        assert "never published, and readers see none of it yet" in editor_client.get(preview_url(box)).text
        publish_factbox(factbox=box, by=EditorFactory())
        data = admin_form_data(editor_client.get(change_url(box)))
        for response in (editor_client.get(preview_url(box)), editor_client.post(preview_url(box), data)):
            assert "readers see version 1 until this draft is published" in response.text
            assert "not published" not in response.text

    def test_keeps_the_chosen_theme(self, editor_client, axis_map):
        data = admin_form_data(editor_client.get(change_url(axis_map)))
        assert 'data-theme="dark"' in editor_client.post(preview_url(axis_map, "dark"), data).text

    def test_a_reporter_may_preview_their_edits(self, axis_map):
        client = signed_in(ReporterFactory())
        data = admin_form_data(client.get(change_url(axis_map))) | {"title": "Reporter's title"}
        assert "Reporter&#x27;s title" in client.post(preview_url(axis_map), data).text

    def test_is_refused_to_those_who_may_not_change_the_box(self, axis_map, editor_client):
        data = admin_form_data(editor_client.get(change_url(axis_map))) | {"title": "Leaked"}
        response = signed_in(FactCheckerFactory()).post(preview_url(axis_map), data)
        assert response.status_code == 403

    def test_is_refused_to_anonymous_visitors(self, client, axis_map):
        response = client.post(preview_url(axis_map), {"title": "Leaked"})
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")

    @pytest.mark.parametrize("items", [1, 12])
    def test_queries_do_not_grow_with_the_items(self, editor_client, django_assert_max_num_queries, items):
        box = FactBoxFactory(kind=Kind.KEY_FACTS)
        for position in range(items):
            kind = position % 4
            FactBoxItemFactory(
                factbox=box,
                position=position,
                claim=ClaimFactory() if kind == 0 else None,
                relationship=RelationshipFactory() if kind == 1 else None,
                actor=ActorFactory() if kind == 2 else None,
                text="A line" if kind == 3 else "",
            )
        data = with_new_rows(
            admin_form_data(editor_client.get(change_url(box))),
            "items",
            {"kind": "claim", "claim": str(ClaimFactory().pk)},
            {"kind": "actor", "actor": str(ActorFactory().pk)},
        )
        # Each kind's rows are read once whatever their number: a box of every kind costs 18.
        with django_assert_max_num_queries(18):
            response = editor_client.post(preview_url(box), data)
        assert response.status_code == 200
        assert len(preview_data(response)["places"]) == items + 2
