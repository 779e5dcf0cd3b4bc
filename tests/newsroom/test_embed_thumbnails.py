"""A relationship map's picture for oEmbed's thumbnail: a PNG of a published version, and of nothing else."""

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import FactBox
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    RelationshipFactory,
)
from tests.helpers import publish_factbox

pytestmark = pytest.mark.django_db

MAP = "the-axis-at-a-glance"
SHOTS = os.environ.get("MAP_PNG_PATH", "")  # where to keep the picture to look at


def _map_number() -> int:
    return FactBox.objects.get(slug=MAP).published_version.number


def test_a_published_map_version_is_a_png_of_its_drawing(client, demo):
    response = client.get(f"/embed/factboxes/{MAP}/v/{_map_number()}/map.png")

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.width == 640 and 200 < image.height <= 1200
    # Drawn: more than a blank page.
    assert len(image.convert("L").getcolors()) > 20
    assert "immutable" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert response["ETag"]
    if SHOTS:
        Path(SHOTS).write_bytes(response.content)


def test_oembed_of_a_map_gives_its_thumbnail(client, demo):
    answer = client.get("/oembed/", {"url": f"http://testserver/embed/factboxes/{MAP}/"}).json()

    assert answer["thumbnail_url"] == f"http://testserver/embed/factboxes/{MAP}/v/{_map_number()}/map.png"
    image = Image.open(io.BytesIO(client.get(answer["thumbnail_url"]).content))
    assert (answer["thumbnail_width"], answer["thumbnail_height"]) == image.size


def test_oembed_of_a_list_has_no_thumbnail(client):
    box = FactBoxFactory(slug="list")
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(text="A statement."), position=1)
    publish_factbox(factbox=box, by=EditorFactory())

    answer = client.get("/oembed/", {"url": "http://testserver/embed/factboxes/list/"}).json()
    assert "thumbnail_url" not in answer
    assert client.get("/embed/factboxes/list/v/1/map.png").status_code == 404


def test_no_picture_of_what_readers_may_not_see(client, demo):
    number = _map_number()
    assert client.get(f"/embed/factboxes/{MAP}/v/{number + 1}/map.png").status_code == 404
    FactBoxFactory(slug="draft-map", kind=FactBox.Kind.RELATIONSHIP_MAP)
    assert client.get("/embed/factboxes/draft-map/v/1/map.png").status_code == 404
    factbox_withdraw(factbox=FactBox.objects.get(slug=MAP), by=EditorFactory())
    assert client.get(f"/embed/factboxes/{MAP}/v/{number}/map.png").status_code == 404


def test_the_picture_answers_304_to_its_etag_after_one_query(client, demo, django_assert_max_num_queries):
    path = f"/embed/factboxes/{MAP}/v/{_map_number()}/map.png"
    etag = client.get(path)["ETag"]
    with django_assert_max_num_queries(1):
        assert client.get(path, headers={"if-none-match": etag}).status_code == 304


@pytest.mark.parametrize("ties", [1, 12])
def test_picture_queries_do_not_grow_with_ties(client, django_assert_num_queries, ties):
    box = FactBoxFactory(slug="map", kind=FactBox.Kind.RELATIONSHIP_MAP)
    for position in range(ties):
        tie = RelationshipFactory(subject=ActorFactory(), object=ActorFactory())
        FactBoxItemFactory(factbox=box, claim=None, relationship=tie, position=position)
    publish_factbox(factbox=box, by=EditorFactory())
    # The version's row, then its payload.
    with django_assert_num_queries(2):
        assert client.get("/embed/factboxes/map/v/1/map.png").status_code == 200


def test_a_renamed_maps_picture_moves_with_it(client, demo):
    number = _map_number()
    box = FactBox.objects.get(slug=MAP)
    box.slug = "axis-map"
    box.save()

    response = client.get(f"/embed/factboxes/{MAP}/v/{number}/map.png")

    assert response.status_code == 301
    assert response["Location"] == f"http://testserver/embed/factboxes/axis-map/v/{number}/map.png"
    assert client.get(response["Location"])["Content-Type"] == "image/png"
