"""Over real HTTP, a partner pages through every newsroom collection by following `next` to the end."""

import json
import urllib.request

import pytest

from newsroom.models import Article, FactBox
from relations.models import Claim, PublicChange

pytestmark = pytest.mark.django_db(transaction=True)


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        return json.load(response)


def _page_through(url: str) -> tuple[list[dict], int]:
    items, pages = [], 0
    while url:
        page = _get(url)
        items += page["results"]
        pages += 1
        url = page["next"]
    return items, pages


@pytest.mark.parametrize(
    ("collection", "expected"),
    [
        ("articles", lambda: Article.objects.public().count()),
        ("factboxes", lambda: FactBox.objects.public().count()),
        ("claims", lambda: Claim.objects.public().count()),
        ("changes", lambda: PublicChange.objects.public().count()),
    ],
)
def test_every_collection_pages_to_its_end_over_http(live_demo, live_server, collection, expected):
    items, pages = _page_through(f"{live_server.url}/api/v1/{collection}/?page_size=2")
    assert len(items) == expected() > 0
    assert pages == (len(items) + 1) // 2
    keys = [item.get("url") or (item["type"], item["key"], item["at"]) for item in items]
    assert len(set(keys)) == len(keys)


def test_every_listed_story_and_box_answers_at_its_address_over_http(live_demo, live_server):
    for collection in ("articles", "factboxes"):
        items, _pages = _page_through(f"{live_server.url}/api/v1/{collection}/")
        for item in items:
            assert _get(item["url"])["slug"] == item["slug"]
