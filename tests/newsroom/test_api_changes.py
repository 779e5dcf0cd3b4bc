"""/api/v1/changes/: what readers saw become public, change or go, newest first, as the services record it."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from newsroom.demo_content import ARTICLE, AXIS_MAP, FACTBOXES, SCHEDULED
from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article, FactBox
from newsroom.services import (
    article_add_correction,
    article_return_to_draft,
    article_submit_for_review,
    article_withdraw,
)
from relations.models import Claim, PublicChange
from relations.services import record_public_change
from tests.api_support import every_item, get, publish, publish_box, results
from tests.factories import ArticleFactory, ClaimFactory, FactBoxFactory, FactBoxItemFactory

pytestmark = pytest.mark.django_db

MAIN = ARTICLE["slug"]
DAY = datetime.timedelta(days=1)


def _feed(client, **params) -> list[tuple[str, str, str]]:
    return [(entry["kind"], entry["type"], entry["key"]) for entry in every_item(client, "/changes/", **params)]


def _verdicts() -> list[tuple[str, str, str]]:
    checked = Claim.objects.public().exclude(verification=Claim.Verification.UNVERIFIED)
    return [
        ("verdict", "claim", str(pk)) for pk in checked.order_by("-verified_at", "-pk").values_list("pk", flat=True)
    ]


# --- The demo --------------------------------------------------------------------------------------


def test_demo_feed_lists_the_boxes_then_the_story_then_the_verdicts(demo, client):
    boxes = [("published", "factbox", slug) for slug in reversed([AXIS_MAP["slug"], *FACTBOXES])]
    assert _feed(client) == [*boxes, ("published", "article", MAIN), *_verdicts()]


def test_demo_feed_leaves_out_the_scheduled_story_until_its_time(demo, client):
    scheduled = Article.objects.get(slug=SCHEDULED["slug"])
    assert ("published", "article", SCHEDULED["slug"]) not in _feed(client)
    with time_machine.travel(scheduled.publish_at + datetime.timedelta(minutes=1)):
        first = results(client, "/changes/")[0]
    assert (first["kind"], first["type"], first["key"]) == ("published", "article", SCHEDULED["slug"])
    assert parse_datetime(first["at"]) == scheduled.publish_at


def test_an_entry_has_its_time_kind_type_key_address_and_note(demo, client):
    entry = next(e for e in results(client, "/changes/", page_size=100) if e["type"] == "article")
    assert entry == {
        "position": entry["position"],
        "at": entry["at"],
        "kind": "published",
        "type": "article",
        "key": MAIN,
        "url": f"http://testserver/api/v1/articles/{MAIN}/",
        "note": "",
    }
    assert parse_datetime(entry["at"]) == Article.objects.get(slug=MAIN).publish_at


def test_a_claim_entry_addresses_the_claim_by_id(demo, client):
    entry = results(client, "/changes/", type="claim")[0]
    assert entry["url"] == f"http://testserver/api/v1/claims/{entry['key']}/"
    assert get(client, entry["url"]).status_code == 200


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "article"}, lambda: [("published", "article", MAIN)]),
        ({"type": "factbox"}, lambda: [("published", "factbox", s) for s in reversed([AXIS_MAP["slug"], *FACTBOXES])]),
        ({"type": "claim"}, _verdicts),
        ({"kind": "verdict"}, _verdicts),
        ({"kind": "withdrawn"}, list),
        ({"kind": "published", "type": "article"}, lambda: [("published", "article", MAIN)]),
    ],
)
def test_filters_on_the_demo(demo, client, params, expected):
    assert _feed(client, **params) == expected()


def test_since_keeps_entries_at_or_after_the_moment(demo, client):
    published = Article.objects.get(slug=MAIN).publish_at
    feed = _feed(client, since=published.isoformat())
    assert feed[-1] == ("published", "article", MAIN)
    assert all(entry[1] == "factbox" for entry in feed[:-1])


def test_since_a_future_moment_lists_nothing(demo, client):
    assert _feed(client, since=(timezone.now() + DAY).isoformat()) == []


@pytest.mark.parametrize(("name", "value"), [("type", "relationship"), ("kind", "deleted"), ("since", "yesterday")])
def test_bad_filter_values_answer_400_naming_them(demo, client, name, value):
    response = get(client, "/changes/", **{name: value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]


# --- Stories ---------------------------------------------------------------------------------------


def test_a_draft_and_its_trip_through_review_leave_no_entry(client, editor):
    article = ArticleFactory()
    article_submit_for_review(article=article, by=editor)
    article_return_to_draft(article=article, by=editor)
    assert _feed(client) == []
    assert not PublicChange.objects.exists()


def test_a_scheduled_publication_appears_only_once_its_time_has_passed(client, editor):
    when = timezone.now() + DAY
    publish(ArticleFactory(slug="later"), editor, at=when)
    assert _feed(client) == []
    with time_machine.travel(when - datetime.timedelta(minutes=1)):
        assert _feed(client) == []
    with time_machine.travel(when + datetime.timedelta(minutes=1)):
        assert _feed(client) == [("published", "article", "later")]


def test_a_rescheduled_publication_appears_once_at_its_new_time(client, editor):
    article = publish(ArticleFactory(slug="moved"), editor, at=timezone.now() + DAY)
    moved_to = timezone.now() + 2 * DAY
    publish(article, editor, at=moved_to)
    with time_machine.travel(moved_to - datetime.timedelta(hours=12)):
        assert _feed(client) == []
    with time_machine.travel(moved_to + datetime.timedelta(minutes=1)):
        (entry,) = results(client, "/changes/")
    assert parse_datetime(entry["at"]) == moved_to


def test_an_unscheduled_publication_never_appears(client, editor):
    article = publish(ArticleFactory(slug="cancelled"), editor, at=timezone.now() + DAY)
    article_return_to_draft(article=article, by=editor)
    with time_machine.travel(timezone.now() + 3 * DAY):
        assert _feed(client) == []


def test_a_scheduled_story_published_at_once_appears_once_now(client, editor):
    article = publish(ArticleFactory(slug="brought-forward"), editor, at=timezone.now() + DAY)
    publish(article, editor, at=timezone.now())
    with time_machine.travel(timezone.now() + 2 * DAY):
        assert _feed(client) == [("published", "article", "brought-forward")]


def test_a_withdrawal_appears_after_the_publication_and_its_address_answers_404(client, editor):
    article = publish(ArticleFactory(slug="taken-down"), editor)
    article_withdraw(article=article, by=editor, note="CANARY legal asked us to")
    feed = every_item(client, "/changes/")
    assert [(e["kind"], e["key"]) for e in feed] == [("withdrawn", "taken-down"), ("published", "taken-down")]
    assert feed[0]["note"] == ""
    assert get(client, feed[0]["url"]).status_code == 404


def test_a_correction_appears_as_an_update_with_its_text(client, editor):
    article = publish(ArticleFactory(slug="corrected"), editor)
    correction = article_add_correction(article=article, by=editor, text="An earlier version\nmisdated the treaty.")
    entry = results(client, "/changes/")[0]
    assert (entry["kind"], entry["key"]) == ("updated", "corrected")
    assert entry["note"] == "An earlier version misdated the treaty."
    assert parse_datetime(entry["at"]) == correction.published_at


def test_a_long_correction_is_shortened_in_the_feed(client, editor):
    article = publish(ArticleFactory(slug="long"), editor)
    article_add_correction(article=article, by=editor, text="word " * 100)
    note = results(client, "/changes/")[0]["note"]
    assert len(note) <= 200 and note.startswith("word word") and note.endswith("…")


def test_a_story_withdrawn_and_published_again_appears_published_again(client, editor):
    article = publish(ArticleFactory(slug="back"), editor)
    article_withdraw(article=article, by=editor)
    article_return_to_draft(article=article, by=editor)
    publish(Article.objects.get(pk=article.pk), editor)
    assert [entry[0] for entry in _feed(client)] == ["published", "withdrawn", "published"]


# --- Fact boxes ------------------------------------------------------------------------------------


def _box(slug: str) -> FactBox:
    box = FactBoxFactory(slug=slug)
    FactBoxItemFactory(factbox=box, claim=ClaimFactory())
    return box


def test_a_box_published_then_republished_appears_published_then_updated(client, editor):
    box = publish_box(_box("boxed"), editor)
    publish_box(box, editor)
    feed = every_item(client, "/changes/")
    assert [(e["kind"], e["type"], e["key"], e["note"]) for e in feed] == [
        ("updated", "factbox", "boxed", "version 2"),
        ("published", "factbox", "boxed", ""),
    ]
    assert feed[0]["url"] == "http://testserver/api/v1/factboxes/boxed/"


def test_a_withdrawn_box_appears_withdrawn_without_the_editors_reason(client, editor):
    box = publish_box(_box("boxed"), editor)
    factbox_withdraw(factbox=box, by=editor, note="CANARY internal reason")
    (entry, _published) = every_item(client, "/changes/")
    assert (entry["kind"], entry["key"], entry["note"]) == ("withdrawn", "boxed", "")


def test_a_box_back_from_withdrawal_appears_published_again(client, editor):
    box = publish_box(_box("boxed"), editor)
    factbox_withdraw(factbox=box, by=editor)
    publish_box(box, editor)
    assert [(e["kind"], e["note"]) for e in every_item(client, "/changes/")] == [
        ("published", "version 2"),
        ("withdrawn", ""),
        ("published", ""),
    ]


# --- Order and paging --------------------------------------------------------------------------------


def test_entries_at_the_same_moment_page_latest_recorded_first_without_loss(client):
    at = timezone.now() - DAY
    box = _box("tied")
    for n in range(5):
        record_public_change(target=box, key="tied", kind=PublicChange.Kind.UPDATED, at=at, note=f"n{n}")
    notes = [entry["note"] for entry in every_item(client, "/changes/", page_size=2)]
    assert notes == ["n4", "n3", "n2", "n1", "n0"]
