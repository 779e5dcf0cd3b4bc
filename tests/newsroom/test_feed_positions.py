"""Syncing from /api/v1/changes/ with after=: each entry takes a position when readers can first
see it, so that a partner storing the highest position it holds misses nothing and hears
nothing readers never saw."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article, FactBox
from newsroom.services import article_return_to_draft, article_withdraw
from relations.models import Claim, PublicChange
from relations.services import claim_set_verification, record_public_change
from tests.api_support import body, every_item, get, publish, publish_box
from tests.factories import ArticleClaimFactory, ArticleFactory, ClaimFactory, FactBoxFactory, FactBoxItemFactory
from tests.helpers import editing

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


class Partner:
    """A partner syncing: it asks for what follows the highest position it holds, page by page."""

    def __init__(self, client) -> None:
        self.client = client
        self.highest = 0

    def sync(self, **params) -> list[tuple[str, str, str]]:
        entries = every_item(self.client, "/changes/", after=self.highest, page_size=2, **params)
        positions = [entry["position"] for entry in entries]
        assert positions == sorted(positions) and all(position > self.highest for position in positions)
        self.highest = max([self.highest, *positions])
        return [(entry["kind"], entry["type"], entry["key"]) for entry in entries]


def _feed(client, **params) -> list[tuple[str, str, str]]:
    return [(entry["kind"], entry["type"], entry["key"]) for entry in every_item(client, "/changes/", **params)]


def _verdict(claim: Claim, editor) -> tuple[str, str, str]:
    claim_set_verification(claim=claim, state=Claim.Verification.VERIFIED, by=editor)
    return ("verdict", "claim", str(claim.pk))


def _story(slug: str, *claims: Claim) -> Article:
    article = ArticleFactory(slug=slug)
    for claim in claims:
        ArticleClaimFactory(article=article, claim=claim)
    return article


def _box(slug: str, claim: Claim | None = None) -> FactBox:
    box = FactBoxFactory(slug=slug)
    FactBoxItemFactory(factbox=box, claim=claim or ClaimFactory())
    return box


# --- The two cases ------------------------------------------------------------------------


def test_deleted_scheduled_story_never_reaches_the_feed(client, editor):
    when = timezone.now() + DAY
    article = publish(ArticleFactory(slug="embargoed", title="CANARY embargoed headline"), editor, at=when)
    client.force_login(editor)
    assert client.post(reverse("admin:newsroom_article_delete", args=[article.pk]), {"post": "yes"}).status_code == 302
    client.logout()
    assert not PublicChange.objects.exists()
    with time_machine.travel(when + MINUTE):
        partner = Partner(client)
        assert partner.sync() == []
        response = get(client, "/changes/")
    assert "embargoed" not in response.content.decode() and "CANARY" not in response.content.decode()


def test_a_verdict_on_a_private_claim_reaches_a_partner_polling_after_once_a_story_makes_it_public(client, editor):
    partner, now = Partner(client), timezone.now()
    claim = ClaimFactory()
    with time_machine.travel(now - 2 * HOUR):
        told = _verdict(claim, editor)
    with time_machine.travel(now - HOUR):
        publish(_story("first"), editor)
        assert partner.sync() == [("published", "article", "first")]
        newest_at = every_item(client, "/changes/")[0]["at"]
    publish(_story("second", claim), editor)
    # Syncing by time would miss it: the verdict is dated before the newest entry the partner held.
    assert told not in _feed(client, since=newest_at)
    assert partner.sync() == [told, ("published", "article", "second")]


# --- When entries take their places ---------------------------------------------------------------


def test_a_scheduled_story_and_its_claims_verdicts_take_their_places_when_it_goes_live(client, editor):
    partner, claim = Partner(client), ClaimFactory()
    told = _verdict(claim, editor)
    when = timezone.now() + DAY
    publish(_story("later", claim), editor, at=when)
    publish(_story("now"), editor)
    assert partner.sync() == [("published", "article", "now")]
    with time_machine.travel(when + MINUTE):
        # No one wrote anything since: the feed places them as it is read.
        assert partner.sync() == [told, ("published", "article", "later")]
        assert partner.sync() == []


def test_a_rescheduled_story_takes_its_place_at_its_new_time_only(client, editor):
    partner, first, moved_to = Partner(client), timezone.now() + HOUR, timezone.now() + DAY
    article = publish(ArticleFactory(slug="moved"), editor, at=first)
    publish(article, editor, at=moved_to)
    with time_machine.travel(first + MINUTE):
        assert partner.sync() == []
    with time_machine.travel(moved_to + MINUTE):
        assert partner.sync() == [("published", "article", "moved")]
    assert PublicChange.objects.count() == 1


def test_an_unscheduled_story_never_takes_a_place(client, editor):
    article = publish(ArticleFactory(slug="cancelled"), editor, at=timezone.now() + HOUR)
    article_return_to_draft(article=article, by=editor)
    with time_machine.travel(timezone.now() + DAY):
        assert Partner(client).sync() == []


def test_a_claim_public_again_is_told_again_at_a_new_position(client, editor):
    partner, claim = Partner(client), ClaimFactory()
    told = _verdict(claim, editor)
    article = publish(_story("back", claim), editor)
    assert partner.sync() == [told, ("published", "article", "back")]
    first_place = PublicChange.objects.get(kind="verdict").position
    article_withdraw(article=article, by=editor)
    assert partner.sync() == [("withdrawn", "article", "back")]
    # While the claim is not public its verdict is not in the feed at all.
    assert told not in _feed(client)
    article_return_to_draft(article=article, by=editor)
    publish(Article.objects.get(pk=article.pk), editor)
    assert partner.sync() == [told, ("published", "article", "back")]
    assert PublicChange.objects.get(kind="verdict").position > first_place


def test_a_verdict_on_a_public_claim_takes_its_place_at_once(client, editor):
    partner, claim = Partner(client), ClaimFactory()
    publish(_story("shown", claim), editor)
    assert partner.sync() == [("published", "article", "shown")]
    told = _verdict(claim, editor)
    assert partner.sync() == [told]


# --- Deleting what partners were told of ----------------------------------------------------------


def test_a_live_story_deleted_in_the_admin_is_told_withdrawn(client, editor):
    partner = Partner(client)
    article = publish(ArticleFactory(slug="gone"), editor)
    assert partner.sync() == [("published", "article", "gone")]
    client.force_login(editor)
    assert client.post(reverse("admin:newsroom_article_delete", args=[article.pk]), {"post": "yes"}).status_code == 302
    assert partner.sync() == [("withdrawn", "article", "gone")]


def test_a_withdrawn_story_deleted_is_not_told_withdrawn_twice(client, editor):
    article = publish(ArticleFactory(slug="gone"), editor)
    article_withdraw(article=article, by=editor)
    with editing(article):
        article.delete()
    assert _feed(client) == [("withdrawn", "article", "gone"), ("published", "article", "gone")]


def test_a_story_deleted_after_its_time_unread_was_seen_and_is_told_withdrawn(client, editor):
    when = timezone.now() + HOUR
    article = publish(ArticleFactory(slug="seen"), editor, at=when)
    with time_machine.travel(when + MINUTE):
        with editing(article):
            article.delete()
        assert Partner(client).sync() == [("published", "article", "seen"), ("withdrawn", "article", "seen")]


def test_a_draft_deleted_leaves_no_entry(client, editor):
    article = ArticleFactory()
    with editing(article):
        article.delete()
    assert not PublicChange.objects.exists()


def test_a_published_box_deleted_is_told_withdrawn(client, editor):
    partner, box = Partner(client), publish_box(_box("boxed"), editor)
    assert partner.sync() == [("published", "factbox", "boxed")]
    box.delete()
    assert partner.sync() == [("withdrawn", "factbox", "boxed")]


def test_a_withdrawn_box_deleted_is_not_told_withdrawn_twice(client, editor):
    box = publish_box(_box("boxed"), editor)
    factbox_withdraw(factbox=box, by=editor)
    FactBox.objects.filter(pk=box.pk).delete()
    assert [kind for kind, _type, _key in _feed(client)] == ["withdrawn", "published"]


def test_a_deleted_claims_entries_leave_the_feed(client, editor):
    claim = ClaimFactory()
    box = _box("boxed", claim)
    told = _verdict(claim, editor)
    publish_box(box, editor)
    assert told in _feed(client)
    # The admin deletes a claim a published version still shows once it is off the draft.
    box.items.all().delete()
    client.force_login(editor)
    assert client.post(reverse("admin:relations_claim_delete", args=[claim.pk]), {"post": "yes"}).status_code == 302
    assert told not in _feed(client)
    assert not PublicChange.objects.filter(kind="verdict").exists()


def test_a_private_claims_verdict_goes_with_the_claim(editor):
    claim = ClaimFactory()
    _verdict(claim, editor)
    claim.delete()
    assert not PublicChange.objects.exists()


# --- The API ---------------------------------------------------------------------------------------


def _updates(n: int) -> list[int]:
    box = _box("tied")
    at = timezone.now() - DAY
    return [
        record_public_change(target=box, key="tied", kind=PublicChange.Kind.UPDATED, at=at, note=f"n{i}").position
        for i in range(n)
    ]


def test_after_lists_what_follows_oldest_first_a_page_at_a_time(client):
    positions = _updates(5)
    page = body(client, "/changes/", after=0, page_size=2)
    assert [entry["note"] for entry in page["results"]] == ["n0", "n1"]
    assert "after=0" in page["next"]
    assert [entry["position"] for entry in every_item(client, "/changes/", after=0, page_size=2)] == positions
    assert [entry["note"] for entry in every_item(client, "/changes/", after=positions[2])] == ["n3", "n4"]
    assert every_item(client, "/changes/", after=positions[-1]) == []


def test_without_after_the_feed_is_newest_first_by_position(client):
    positions = _updates(3)
    assert [entry["position"] for entry in every_item(client, "/changes/", page_size=2)] == positions[::-1]


def test_after_combines_with_the_other_filters(client, editor):
    claim = ClaimFactory()
    told = _verdict(claim, editor)
    publish(_story("both", claim), editor)
    assert _feed(client, after=0, type="claim") == [told]
    assert _feed(client, after=0, kind="published") == [("published", "article", "both")]


@pytest.mark.parametrize("value", ["-1", "x", "1.5", "1e3", str(2**63), "9" * 40, "0x10"])
def test_a_bad_after_answers_400_naming_it(client, value):
    response = get(client, "/changes/", after=value)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["after"]


def test_an_entry_shows_its_position(client, editor):
    publish(ArticleFactory(slug="placed"), editor)
    (entry,) = every_item(client, "/changes/")
    assert entry["position"] == PublicChange.objects.get().position
