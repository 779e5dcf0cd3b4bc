"""/api/v1/factboxes/: published boxes as readers see them, their version, embeds and stories."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils.dateparse import parse_datetime

from newsroom.demo_content import ARTICLE, AXIS_MAP, BRIEF, FACTBOXES
from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article, FactBox
from newsroom.services import article_withdraw
from relations.models import Claim
from relations.services import claim_set_verification
from tests.api_support import get, keys, publish, publish_box, results
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
)

pytestmark = pytest.mark.django_db

AXIS = AXIS_MAP["slug"]
ALL_BOXES = {AXIS, *FACTBOXES}


@pytest.fixture
def axis(demo, client):
    response = get(client, f"/factboxes/{AXIS}/")
    assert response.status_code == 200
    return response.json()


def _box(slug: str, *, article=None, **fields) -> FactBox:
    box = FactBoxFactory(slug=slug, **fields)
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(text=f"A claim in {slug}."))
    if article is not None:
        FactBoxPlacementFactory(factbox=box, article=article)
    return box


# --- The demo boxes ---------------------------------------------------------------------------------


def test_list_holds_the_four_demo_boxes_latest_published_first(demo, client):
    published = FactBox.objects.order_by("-last_published_at", "-pk").values_list("slug", flat=True)
    assert keys(client, "/factboxes/") == list(published)
    assert set(published) == ALL_BOXES


def test_detail_gives_kind_title_and_version(axis):
    assert axis["slug"] == AXIS
    assert axis["kind"] == "relationship_map"
    assert axis["title"] == AXIS_MAP["title"]
    assert axis["number"] == 1


def test_detail_payload_is_the_published_versions(axis):
    version = FactBox.objects.get(slug=AXIS).published_version
    assert axis["payload"] == version.payload
    assert parse_datetime(axis["published_at"]) == version.published_at


def test_detail_lists_the_story_it_runs_with(axis):
    assert axis["articles"] == [
        {
            "slug": ARTICLE["slug"],
            "title": ARTICLE["title"],
            "url": f"http://testserver/api/v1/articles/{ARTICLE['slug']}/",
            "html_url": f"http://testserver/stories/{ARTICLE['slug']}/",
        }
    ]


def test_detail_gives_embed_and_api_addresses(axis):
    assert axis["url"] == f"http://testserver/api/v1/factboxes/{AXIS}/"
    assert axis["embed_url"] == f"http://testserver/embed/factboxes/{AXIS}/"
    assert axis["embed_version_url"] == f"http://testserver/embed/factboxes/{AXIS}/v/1/"


def test_oembed_address_names_the_embed_and_answers(axis, client):
    address = urlsplit(axis["oembed_url"])
    assert address.path == "/oembed/"
    assert parse_qs(address.query) == {"url": [axis["embed_url"]]}
    response = client.get(axis["oembed_url"])
    assert response.status_code == 200 and response.json()["title"] == AXIS_MAP["title"]


def test_embed_addresses_answer(axis, client):
    assert client.get(axis["embed_url"]).status_code == 200
    assert client.get(axis["embed_version_url"]).status_code == 200


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("relationship_map", [AXIS]),
        ("key_facts", ["what-binds-the-four"]),
        ("claim_check", ["checking-the-axis"]),
        ("timeline", ["russia-and-north-korea-step-by-step"]),
        ("actor_profile", []),
    ],
)
def test_kind_filter_on_the_demo(demo, client, kind, expected):
    assert keys(client, "/factboxes/", kind=kind) == expected


def test_article_filter_finds_every_box_running_with_the_main_story(demo, client):
    assert set(keys(client, "/factboxes/", article=ARTICLE["slug"])) == ALL_BOXES


def test_article_filter_with_a_story_in_review_answers_400_as_for_an_unknown_one(demo, client):
    FactBoxPlacementFactory(factbox=FactBox.objects.get(slug=AXIS), article=Article.objects.get(slug=BRIEF["slug"]))
    in_review = get(client, "/factboxes/", article=BRIEF["slug"])
    unknown = get(client, "/factboxes/", article="no-such-story")
    assert in_review.status_code == unknown.status_code == 400
    assert in_review.json() == unknown.json()
    assert in_review.json()["errors"] == {"article": ["No live story has this slug."]}


def test_unknown_kind_answers_400_naming_the_filter(demo, client):
    response = get(client, "/factboxes/", kind="pie_chart")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["kind"]


@pytest.mark.parametrize("ordering", ["slug", "-slug"])
def test_ordering_by_slug(demo, client, ordering):
    assert keys(client, "/factboxes/", ordering=ordering) == sorted(ALL_BOXES, reverse=ordering.startswith("-"))


def test_ordering_oldest_publication_first(demo, client):
    assert keys(client, "/factboxes/", ordering="published_at") == list(reversed(keys(client, "/factboxes/")))


# --- Published version, never the draft ---------------------------------------------------------------


def test_draft_edits_change_nothing_until_republished(client, editor):
    box = publish_box(_box("edited", title="As published", kind=FactBox.Kind.KEY_FACTS), editor)
    payload = box.published_version.payload
    FactBox.objects.filter(pk=box.pk).update(title="Draft title", kind=FactBox.Kind.TIMELINE, intro="Draft intro")
    shown = get(client, "/factboxes/edited/").json()
    assert (shown["title"], shown["kind"], shown["payload"]) == ("As published", "key_facts", payload)


def test_kind_filter_reads_the_published_kind_not_the_drafts(client, editor):
    box = publish_box(_box("edited", kind=FactBox.Kind.KEY_FACTS), editor)
    FactBox.objects.filter(pk=box.pk).update(kind=FactBox.Kind.TIMELINE)
    assert keys(client, "/factboxes/", kind="key_facts") == ["edited"]
    assert keys(client, "/factboxes/", kind="timeline") == []


def test_republishing_moves_the_number_and_the_pinned_embed(client, editor):
    box = publish_box(_box("again"), editor)
    publish_box(box, editor)
    shown = get(client, "/factboxes/again/").json()
    assert shown["number"] == 2
    assert shown["embed_version_url"].endswith("/embed/factboxes/again/v/2/")


def test_only_live_stories_are_listed_as_running_with_the_box(client, editor):
    live = publish(ArticleFactory(slug="live", title="Live"), editor)
    withdrawn = publish(ArticleFactory(slug="withdrawn"), editor)
    article_withdraw(article=withdrawn, by=editor)
    box = _box("placed", article=live)
    for article in (ArticleFactory(slug="draft"), withdrawn):
        FactBoxPlacementFactory(factbox=box, article=article)
    publish_box(box, editor)
    assert [story["slug"] for story in get(client, "/factboxes/placed/").json()["articles"]] == ["live"]


def test_payload_carries_nothing_internal(client):
    checker = EditorFactory(username="checker-canary", email="checker@canary.test")
    publisher = EditorFactory(username="publisher-canary", email="publisher@canary.test")
    claim = ClaimFactory(text="Checked.", internal_note="CANARY-internal")
    claim_set_verification(claim=claim, state=Claim.Verification.VERIFIED, by=checker)
    box = FactBoxFactory(slug="checked")
    FactBoxItemFactory(factbox=box, claim=claim)
    publish_box(box, publisher)
    body = json.dumps(results(client, "/factboxes/")) + get(client, "/factboxes/checked/").content.decode()
    assert "Checked." in body
    for secret in ("CANARY", "canary", "internal_note", "verified_by", "published_by"):
        assert secret not in body


def test_withdrawn_box_answers_404_and_leaves_the_list(client, editor):
    box = publish_box(_box("gone"), editor)
    factbox_withdraw(factbox=box, by=editor)
    assert get(client, "/factboxes/gone/").status_code == 404
    assert keys(client, "/factboxes/") == []


# --- Addresses readers may follow -----------------------------------------------------------------


def test_a_payload_source_that_is_not_an_http_address_is_served_empty(client):
    from newsroom.models import FactBoxVersion
    from tests.factories import SourceFactory

    box = _box("old-sources")
    claim = box.items.get().claim
    claim.sources.add(SourceFactory(url="https://example.org/kept"))
    publish_box(box, EditorFactory())
    # A version frozen before sources were held to http(s): the database no longer takes such a
    # source, but the stored payload keeps what was copied.
    version = FactBoxVersion.objects.get(factbox=box)
    stored = json.loads(json.dumps(version.payload).replace("https://example.org/kept", "javascript:alert(1)"))
    stored["items"][0]["claim"]["sources"].append({"title": "Kept", "url": "https://example.org/other"})
    FactBoxVersion.objects.filter(pk=version.pk).update(payload=stored)

    body = get(client, f"/factboxes/{box.slug}/").json()
    sources = body["payload"]["items"][0]["claim"]["sources"]
    assert [source["url"] for source in sources] == ["", "https://example.org/other"]
    assert "javascript" not in json.dumps(body)


def test_a_source_address_that_is_not_http_is_never_emitted():
    from relations.api.serializers import SourceSerializer
    from relations.models import Source

    # Rows written before the database held sources to http(s) could carry one.
    assert SourceSerializer(Source(title="Old", url="javascript:alert(1)")).data["url"] == ""
    assert SourceSerializer(Source(title="Web", url="https://example.org/a")).data["url"] == "https://example.org/a"
