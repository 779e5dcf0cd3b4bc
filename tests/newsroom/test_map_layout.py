"""The relationship map's geometry, without a browser: names clear of each other, of actors and of ties; tie
numbers on their tie and clear of actors and of each other; everything inside the picture; text readable at
the narrowest width each picture is shown at; the same payload, the same picture."""

from __future__ import annotations

import copy
import itertools
import json
import math

import pytest

from newsroom.factboxes import payload, relationship_map
from newsroom.factboxes.rendering import reader_places
from newsroom.models import FactBox
from tests.newsroom.map_samples import SAHEL_ACTORS, SAHEL_TIES, map_payload, sahel_map

DEMO_MAP = "the-axis-at-a-glance"


@pytest.fixture
def demo_map(demo) -> dict:
    return FactBox.objects.get(slug=DEMO_MAP).published_version.payload


def _overlaps(picture: relationship_map.Picture) -> list[str]:
    """Every collision in a picture, in words: empty when it is clean."""
    found = []
    nodes = picture.nodes
    for a, b in itertools.combinations(nodes, 2):
        if relationship_map.boxes_overlap(a.label_box, b.label_box):
            found.append(f"the names of {a.name} and {b.name}")
    for node in nodes:
        for other in nodes:
            if relationship_map.box_circle_distance(node.label_box, other.x, other.y) < relationship_map.NODE_RADIUS:
                found.append(f"the name of {node.name} and the mark of {other.name}")
        for edge in picture.edges:
            if relationship_map.polyline_hits_box(edge.points, node.label_box):
                found.append(f"the name of {node.name} and tie {edge.number}")
    for edge in picture.edges:
        for node in nodes:
            apart = math.hypot(edge.badge_x - node.x, edge.badge_y - node.y)
            if apart < relationship_map.BADGE_RADIUS + relationship_map.NODE_RADIUS:
                found.append(f"the number of tie {edge.number} and the mark of {node.name}")
            if relationship_map.box_circle_distance(node.label_box, edge.badge_x, edge.badge_y) < (
                relationship_map.BADGE_RADIUS
            ):
                found.append(f"the number of tie {edge.number} and the name of {node.name}")
    for a, b in itertools.combinations(picture.edges, 2):
        if math.hypot(a.badge_x - b.badge_x, a.badge_y - b.badge_y) < 2 * relationship_map.BADGE_RADIUS:
            found.append(f"the numbers of ties {a.number} and {b.number}")
    return found


def _inside(picture: relationship_map.Picture) -> list[str]:
    """What sticks out of the picture's viewBox."""
    left, top, right, bottom = picture.left, picture.top, picture.left + picture.width, picture.top + picture.height
    out = []
    for node in picture.nodes:
        box_left, box_top, box_right, box_bottom = node.label_box
        if box_left < left or box_top < top or box_right > right or box_bottom > bottom:
            out.append(f"the name of {node.name}")
        if not (left < node.x < right and top < node.y < bottom):
            out.append(f"the mark of {node.name}")
    for edge in picture.edges:
        if not (
            left + relationship_map.BADGE_RADIUS <= edge.badge_x <= right - relationship_map.BADGE_RADIUS
            and top + relationship_map.BADGE_RADIUS <= edge.badge_y <= bottom - relationship_map.BADGE_RADIUS
        ):
            out.append(f"the number of tie {edge.number}")
        if any(not (left <= x <= right and top <= y <= bottom) for x, y in edge.points):
            out.append(f"tie {edge.number}")
    return out


def _pictures(geometry: relationship_map.MapGeometry):
    return zip(relationship_map.VARIANTS, geometry.pictures, strict=True)


# --- The demo's map ----------------------------------------------------------------------------------------------


def test_the_demo_map_was_laid_out_when_published_and_reads_back_as_stored(demo_map):
    stored = demo_map["map_layout"]
    assert stored == relationship_map.compute_layout(payload.read_payload(demo_map))
    assert payload.read_payload(demo_map)["map_layout"] == stored
    # What the version stored is what readers see, not a layout computed again.
    geometry = relationship_map.layout(demo_map)
    assert [[node.x, node.y] for node in geometry.wide.nodes] == [[n["x"], n["y"]] for n in stored["wide"]["nodes"]]


def test_the_demo_map_is_clean_in_both_pictures(demo_map):
    geometry = relationship_map.layout(demo_map)
    assert not geometry.dense
    for variant, picture in _pictures(geometry):
        assert picture.clean, variant.name
        assert _overlaps(picture) == [], variant.name
        assert _inside(picture) == [], variant.name
        assert len(picture.nodes) == 4
        assert len(picture.edges) == len([place for place in reader_places(demo_map) if place.startswith("Tie ")])


def test_the_demo_map_numbers_its_ties_as_the_editor_sees_them(demo_map):
    places = [place for place in reader_places(demo_map) if place.startswith("Tie ")]
    for _variant, picture in _pictures(relationship_map.layout(demo_map)):
        assert [f"Tie {edge.number}" for edge in picture.edges] == places


# --- A Sahel-sized map: 12 actors, 25 ties, long names, every kind, parallel and one-way ties -------------------


def test_the_sample_has_what_makes_a_map_hard():
    assert (len(SAHEL_ACTORS), len(SAHEL_TIES)) == (12, 25)
    assert {kind for _, kind in SAHEL_ACTORS} == {"country", "bloc", "armed_group", "organisation", "person"}
    pairs = [frozenset((a, b)) for a, b, _, _ in SAHEL_TIES]
    assert max(pairs.count(pair) for pair in pairs) == 3  # France and Mali: three ties, both ways
    assert {one_way for *_, one_way in SAHEL_TIES} == {True, False}


def test_a_sahel_sized_map_is_clean_where_it_is_shown_wide():
    geometry = relationship_map.layout(sahel_map())
    picture = geometry.wide
    assert picture.clean
    assert _overlaps(picture) == []
    assert _inside(picture) == []
    assert len(picture.nodes) == 12 and len(picture.edges) == 25


def test_a_sahel_sized_map_comes_after_its_table():
    # 25 ties are more than a reader takes in at a glance, however cleanly drawn.
    assert relationship_map.layout(sahel_map()).dense


def test_the_narrow_picture_of_a_dense_map_still_keeps_its_ties_inside():
    picture = relationship_map.layout(sahel_map()).narrow
    assert _inside(picture) == []


def test_every_picture_says_whether_it_is_clean():
    # A picture that calls itself clean is, by the test's own reckoning too.
    for stored in (sahel_map(), map_payload(SAHEL_ACTORS[:6], [t for t in SAHEL_TIES if max(t[:2]) < 6])):
        for variant, picture in _pictures(relationship_map.layout(stored)):
            if picture.clean:
                assert _overlaps(picture) == [], variant.name


def test_a_smaller_map_is_clean_in_both_pictures():
    ties = [tie for tie in SAHEL_TIES if max(tie[:2]) < 7]
    geometry = relationship_map.layout(map_payload(SAHEL_ACTORS[:7], ties))
    for variant, picture in _pictures(geometry):
        assert _overlaps(picture) == [], variant.name
        assert _inside(picture) == [], variant.name


# --- Readable, deterministic ------------------------------------------------------------------------------------


def test_text_stays_at_12_px_or_more_at_the_narrowest_width_each_picture_is_shown_at():
    for variant, picture in _pictures(relationship_map.layout(sahel_map())):
        scale = variant.shown_from / picture.width
        assert relationship_map.FONT * scale >= relationship_map.MIN_TEXT_PX, variant.name
        assert relationship_map.BADGE_FONT * scale >= relationship_map.MIN_TEXT_PX, variant.name
        # And a picture stops growing before its text looks shouted.
        widest = variant.max_display or 800
        assert relationship_map.FONT * widest / picture.width <= 19, variant.name


def test_the_same_payload_gives_the_same_picture_bit_for_bit():
    first = relationship_map.compute_layout(payload.read_payload(sahel_map()))
    again = relationship_map.compute_layout(payload.read_payload(json.loads(json.dumps(sahel_map()))))
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)


def test_the_layout_does_not_depend_on_the_order_of_keys_in_the_stored_json():
    shuffled = copy.deepcopy(sahel_map())

    def reversed_keys(value):
        if isinstance(value, dict):
            return {key: reversed_keys(value[key]) for key in reversed(list(value))}
        if isinstance(value, list):
            return [reversed_keys(entry) for entry in value]
        return value

    assert relationship_map.layout(reversed_keys(shuffled)) == relationship_map.layout(sahel_map())


def test_a_stored_layout_that_does_not_fit_the_items_is_laid_out_again():
    stored = relationship_map.with_layout(sahel_map())
    fewer = {**stored, "items": stored["items"][:-1]}
    assert relationship_map.draw(payload.read_payload(fewer)) == relationship_map.draw(
        payload.read_payload({key: value for key, value in fewer.items() if key != "map_layout"})
    )
    assert len(relationship_map.layout(fewer).edges) == 24
    broken = {**stored, "map_layout": {"version": relationship_map.LAYOUT_VERSION, "wide": "nonsense"}}
    assert relationship_map.layout(broken) == relationship_map.layout(sahel_map())


def test_only_a_map_stores_a_layout():
    assert "map_layout" in relationship_map.with_layout(sahel_map())
    assert "map_layout" not in relationship_map.with_layout({**sahel_map(), "kind": "key_facts"})


def test_the_height_at_a_width_follows_the_picture_shown_there():
    stored = relationship_map.with_layout(sahel_map())
    layout = stored["map_layout"]
    _, _, width, height = layout["narrow"]["frame"]
    assert relationship_map.display_height(stored, 300) == pytest.approx(300 * height / width)
    # The narrow picture stops growing; the wide one takes over from its breakpoint.
    assert relationship_map.display_height(stored, 500) == pytest.approx(384 * height / width)
    _, _, width, height = layout["wide"]["frame"]
    assert relationship_map.display_height(layout, 640) == pytest.approx(640 * height / width)
    # A payload without a stored layout is laid out as it would be published.
    assert relationship_map.display_height(sahel_map(), 640) == pytest.approx(640 * height / width)


def test_actors_are_shaped_by_kind_and_the_legend_lists_the_kinds_present():
    geometry = relationship_map.layout(sahel_map())
    assert [kind.key for kind in geometry.kinds] == ["country", "bloc", "organisation", "person", "armed_group"]
    marks = {(kind.shape, kind.hollow) for kind in geometry.kinds}
    assert len(marks) == len(geometry.kinds)  # told apart without colour
    by_name = {node.name: node for node in geometry.nodes}
    assert by_name["Wagner Group / Africa Corps"].kind.shape == "triangle"
    assert by_name["Alliance of Sahel States"].kind.hollow


def test_an_on_the_fly_payload_of_actors_and_ties_draws_too():
    # An actor's page gathers public ties into a payload of its own: never published, laid out when drawn.
    gathered = {"items": sahel_map()["items"][:5]}
    geometry = relationship_map.layout(gathered)
    assert len(geometry.edges) == 5 and not geometry.dense
    assert _overlaps(geometry.wide) == []
