"""Whatever a client sends the newsroom's endpoints, the answer is 400 naming the parameter, a clamped value, or 405."""

import base64

import pytest

from tests.api_support import API, get, publish, publish_box
from tests.factories import ArticleFactory, ClaimFactory, FactBoxFactory, FactBoxItemFactory

pytestmark = pytest.mark.django_db

COLLECTIONS = ["articles", "factboxes", "claims", "changes"]
BAD_MOMENTS = [
    "yesterday",
    "2024-13-45",
    "2024-02-30",
    "1e1000000",
    "99999-01-01",
    "-2024-01-01",
    "2024-01-01T25:00:00",
    "2024-01-01T12:00:00+25:00",
    # Within Python's calendar here, but not once stated in UTC, where the database compares it.
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
]


@pytest.fixture
def world(editor):
    """A few of everything, so that each list has more than one page of two."""
    for n in range(3):
        claim = ClaimFactory()
        article = ArticleFactory(slug=f"story-{n}")
        article.claim_citations.create(claim=claim, position=1)
        publish(article, editor)
        box = FactBoxFactory(slug=f"box-{n}")
        FactBoxItemFactory(factbox=box, claim=claim)
        publish_box(box, editor)


def _errors(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["status"] == 400
    return body["errors"]


@pytest.mark.parametrize("value", BAD_MOMENTS)
@pytest.mark.parametrize(
    ("collection", "name"), [("articles", "published_after"), ("articles", "published_before"), ("changes", "since")]
)
def test_a_bad_moment_answers_400_naming_the_parameter(world, client, collection, name, value):
    assert list(_errors(get(client, f"/{collection}/", **{name: value}))) == [name]


@pytest.mark.parametrize(
    "value", ["2024-06-01", "2024-06-01T12:00:00", "2024-06-01T12:00:00Z", "2024-06-01T12:00:00+02:00"]
)
def test_dates_and_datetimes_with_or_without_offset_are_accepted(world, client, value):
    assert get(client, "/articles/", published_after=value).status_code == 200


@pytest.mark.parametrize(
    ("collection", "name", "value"),
    [
        ("articles", "actor", "x" * 300),
        ("articles", "actor", "../etc"),
        ("articles", "section", "s" * 101),
        ("articles", "q", "q" * 201),
        ("factboxes", "kind", "pie"),
        ("factboxes", "article", "1e1000000"),
        ("claims", "article", "story 1"),
        ("claims", "relationship", "9" * 30),
        ("changes", "type", "relationship"),
        ("changes", "kind", "1e1000000"),
    ],
)
def test_a_bad_filter_value_answers_400_naming_it(world, client, collection, name, value):
    assert list(_errors(get(client, f"/{collection}/", **{name: value}))) == [name]


@pytest.mark.parametrize("collection", ["articles", "factboxes", "claims"])
def test_an_unknown_ordering_field_answers_400(world, client, collection):
    assert list(_errors(get(client, f"/{collection}/", ordering="body"))) == ["ordering"]


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_unknown_parameters_are_ignored(world, client, collection):
    assert get(client, f"/{collection}/", colour="blue").json() == get(client, f"/{collection}/").json()


@pytest.fixture
def many(editor):
    """101 live stories, each citing its own claim: more than the largest page of stories, claims and entries."""
    for n in range(101):
        article = ArticleFactory(slug=f"many-{n}")
        article.claim_citations.create(claim=ClaimFactory(), position=1)
        publish(article, editor)


@pytest.mark.parametrize("collection", ["articles", "claims", "changes"])
def test_page_size_is_clamped_to_what_the_api_allows(many, client, collection):
    sizes = {"2": 2, "1000000": 100, "1e1000000": 20, "-5": 20, "0": 20, "": 20}
    served = {size: len(get(client, f"/{collection}/", page_size=size).json()["results"]) for size in sizes}
    assert served == sizes


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    ["not-a-cursor", _cursor("p=not-a-date"), _cursor("o=-1"), _cursor("r=x"), _cursor("p=" + "9" * 40)],
)
@pytest.mark.parametrize("collection", ["articles", "factboxes", "changes"])
def test_a_tampered_cursor_answers_400_naming_it(world, client, collection, cursor):
    assert list(_errors(get(client, f"/{collection}/", cursor=cursor))) == ["cursor"]


def test_a_tampered_cursor_on_a_title_ordering_answers_400_or_a_page(world, client):
    # A title position is any text: a forged one is a valid place to start, never an error.
    response = get(client, "/articles/", ordering="title", cursor=_cursor("p=zzz"))
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("path", ["/articles/" + "s" * 300 + "/", "/factboxes/a.b/", "/claims/" + "9" * 30 + "/"])
def test_addresses_no_object_can_have_answer_404(client, path):
    assert client.get(f"{API}{path}").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path", ["/articles/", "/articles/story-0/", "/factboxes/", "/factboxes/box-0/", "/claims/", "/changes/"]
)
def test_writes_answer_405(world, client, method, path):
    response = getattr(client, method)(f"{API}{path}", data={"title": "Mine now"}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["status"] == 405


def test_a_claim_can_be_addressed_by_id_but_not_written(world, client):
    claim_id = get(client, "/claims/").json()["results"][0]["id"]
    assert client.delete(f"{API}/claims/{claim_id}/").status_code == 405
