"""Entries written before the feed had positions come through its migration with the places the feed
showed them in, and nothing readers could not see gets one."""

import datetime

import pytest
from django.utils import timezone

from relations.models import PublicChange
from relations.services import record_public_change
from tests.factories import FactBoxFactory
from tests.helpers import latest_migrations, migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("relations", "0012_former_slugs")]
AFTER = [("relations", "0013_feed_positions")]
HOUR = datetime.timedelta(hours=1)


def test_entries_visible_now_are_numbered_by_time_and_the_rest_wait_for_their_moment():
    old = migrate(BEFORE)
    ContentType = old.get_model("contenttypes", "ContentType")
    Claim, Change = old.get_model("relations", "Claim"), old.get_model("relations", "PublicChange")
    story_type, _ = ContentType.objects.get_or_create(app_label="newsroom", model="article")
    claim_type, _ = ContentType.objects.get_or_create(app_label="relations", model="claim")
    now = timezone.now()
    public = Claim.objects.create(text="Public since an hour ago", public_from=now - HOUR)
    private = Claim.objects.create(text="Cited by nothing live")
    scheduled = Claim.objects.create(text="Cited by a story going live tomorrow", public_from=now + 24 * HOUR)

    def entry(at, kind="published", *, of=None, type_=story_type):
        return Change.objects.create(
            at=at, kind=kind, content_type=type_, object_id=of.pk if of else 1, key=str(of.pk if of else "story")
        ).pk

    later_story = entry(now - HOUR)
    earlier_story = entry(now - 3 * HOUR)
    verdict_before_public = entry(now - 2 * HOUR, "verdict", of=public, type_=claim_type)
    verdict_on_private = entry(now - 2 * HOUR, "verdict", of=private, type_=claim_type)
    verdict_on_scheduled = entry(now - 2 * HOUR, "verdict", of=scheduled, type_=claim_type)
    upcoming_story = entry(now + 24 * HOUR)
    try:
        new = migrate(AFTER)
        rows = {row.pk: (row.due, row.position) for row in new.get_model("relations", "PublicChange").objects.all()}
        assert rows == {
            earlier_story: (now - 3 * HOUR, 1),
            # Placed by its own time, as the feed listed it, though due when the claim went public.
            verdict_before_public: (now - HOUR, 2),
            later_story: (now - HOUR, 3),
            verdict_on_private: (None, None),
            verdict_on_scheduled: (now + 24 * HOUR, None),
            upcoming_story: (now + 24 * HOUR, None),
        }
        assert new.get_model("relations", "FeedCounter").objects.get().last == 3
    finally:
        migrate(latest_migrations())
    box = FactBoxFactory()
    assert record_public_change(target=box, key=box.slug, kind=PublicChange.Kind.PUBLISHED).position == 4
