"""/api/v1/relationships/: dates read at their precision, paging through unknown dates, evidence by stance."""

import datetime

import pytest

from relations.models import ClaimRelationship, Relationship
from tests.api_support import body, every_item, live_story
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    RelationshipFactory,
    SymmetricTypeFactory,
)

pytestmark = pytest.mark.django_db


def _published(**fields) -> Relationship:
    """A tie a live story's claim supports, with its dates stored as an editor's form stores them."""
    tie = RelationshipFactory(**fields)
    tie.full_clean()
    tie.save()
    claim = ClaimFactory()
    ClaimRelationshipFactory(claim=claim, relationship=tie)
    live_story(claim)
    return tie


def _active_on(client, day: str) -> list[int]:
    return [item["id"] for item in every_item(client, "/relationships/", active_on=day)]


def test_start_known_to_the_month_counts_from_the_first_of_the_month(client):
    tie = _published(valid_from=datetime.date(2024, 6, 12), valid_from_precision="month")
    assert _active_on(client, "2024-06-01") == [tie.pk]
    assert _active_on(client, "2024-05-31") == []


def test_start_known_to_the_year_counts_from_1_january(client):
    tie = _published(valid_from=datetime.date(2022, 8, 1), valid_from_precision="year")
    assert _active_on(client, "2022-01-01") == [tie.pk]
    assert _active_on(client, "2021-12-31") == []


def test_end_known_to_the_month_counts_to_the_last_day_of_the_month(client):
    tie = _published(status="ended", valid_until=datetime.date(2024, 2, 1), valid_until_precision="month")
    assert _active_on(client, "2024-02-29") == [tie.pk]
    assert _active_on(client, "2024-03-01") == []


def test_end_known_to_the_year_counts_to_31_december(client):
    tie = _published(status="ended", valid_until=datetime.date(2025, 1, 1), valid_until_precision="year")
    assert _active_on(client, "2025-12-31") == [tie.pk]
    assert _active_on(client, "2026-01-01") == []


def test_end_known_to_the_day_counts_to_that_day(client):
    tie = _published(status="ended", valid_until=datetime.date(2024, 6, 10))
    assert _active_on(client, "2024-06-10") == [tie.pk]
    assert _active_on(client, "2024-06-11") == []


def test_date_stored_past_the_start_of_its_period_is_still_read_at_its_precision(client):
    tie = _published(status="ended")
    Relationship.objects.filter(pk=tie.pk).update(
        valid_from=datetime.date(2024, 6, 20),
        valid_from_precision="month",
        valid_until=datetime.date(2024, 7, 2),
        valid_until_precision="month",
    )
    assert _active_on(client, "2024-06-05") == [tie.pk]
    assert _active_on(client, "2024-07-31") == [tie.pk]


@pytest.mark.parametrize(
    "status, counts", [("active", True), ("alleged", True), ("ended", False), ("suspended", False)]
)
def test_tie_without_an_end_date_counts_only_while_its_status_says_it_holds(client, status, counts):
    tie = _published(status=status, valid_from=datetime.date(2020, 1, 1))
    assert _active_on(client, "2025-01-01") == ([tie.pk] if counts else [])


def test_ended_tie_with_an_end_date_counts_until_then(client):
    tie = _published(status="ended", valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2023, 1, 1))
    assert _active_on(client, "2022-06-01") == [tie.pk]


def test_tie_with_no_dates_counts_as_active_on_any_day(client):
    tie = _published()
    assert _active_on(client, "1900-01-01") == [tie.pk]


def test_dates_read_with_their_precision_and_display(client):
    tie = _published(
        status="ended",
        valid_from=datetime.date(2019, 3, 1),
        valid_from_precision="year",
        valid_until=datetime.date(2024, 6, 12),
        valid_until_precision="day",
    )
    item = body(client, f"/relationships/{tie.pk}/")
    assert item["valid_from"] == {"date": "2019-01-01", "precision": "year", "display": "2019"}
    assert item["valid_until"] == {"date": "2024-06-12", "precision": "day", "display": "12 June 2024"}


def test_ordering_by_start_pages_through_unknown_starts_one_at_a_time(client):
    dated = [_published(valid_from=datetime.date(2020 + n, 1, 1)) for n in range(3)]
    undated = [_published() for _ in range(3)]
    ids = [item["id"] for item in every_item(client, "/relationships/", ordering="valid_from", page_size=1)]
    assert ids == [tie.pk for tie in undated] + [tie.pk for tie in dated]
    latest_first = [item["id"] for item in every_item(client, "/relationships/", ordering="-valid_from", page_size=1)]
    assert latest_first == [tie.pk for tie in reversed(dated)] + [tie.pk for tie in reversed(undated)]


def test_previous_page_of_an_ordering_by_start_goes_back(client):
    for n in range(4):
        _published(valid_from=datetime.date(2020, 1, 1) if n % 2 else None)
    first = body(client, "/relationships/", ordering="valid_from", page_size=2)
    second = body(client, first["next"])
    back = body(client, second["previous"])
    assert back["results"] == first["results"]


def test_symmetric_tie_reads_the_same_both_ways(client):
    tie = _published(type=SymmetricTypeFactory())
    item = body(client, f"/relationships/{tie.pk}/")
    assert item["type"]["symmetric"] is True
    assert item["type"]["label"] == item["type"]["reverse_label"] == "has a treaty with"


def test_claims_are_sorted_by_stance(client):
    tie = RelationshipFactory()
    claims = {stance: ClaimFactory(text=f"A claim that {stance}.") for stance in ClaimRelationship.Stance.values}
    for stance, claim in claims.items():
        ClaimRelationshipFactory(claim=claim, relationship=tie, stance=stance)
    live_story(*claims.values())
    item = body(client, f"/relationships/{tie.pk}/")
    assert [c["text"] for c in item["supporting_claims"]] == ["A claim that supports."]
    assert [c["text"] for c in item["contradicting_claims"]] == ["A claim that contradicts."]
    assert [c["text"] for c in item["context_claims"]] == ["A claim that context."]


def test_between_finds_a_tie_whichever_side_each_actor_is_on(client):
    tie = _published(subject=ActorFactory(slug="a"), object=ActorFactory(slug="b"))
    assert [item["id"] for item in every_item(client, "/relationships/", between="b,a")] == [tie.pk]
