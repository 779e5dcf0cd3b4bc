"""Dates with a precision are typed as editors know them: "2023", "September 2023", a day."""

import datetime

import pytest
from django.urls import reverse

from relations.dates import Precision, parse_entry
from tests.factories import RelationshipFactory
from tests.helpers import admin_form_data, change_url


@pytest.mark.parametrize(
    ("typed", "date", "precision"),
    [
        ("2023", datetime.date(2023, 1, 1), Precision.YEAR),
        (" 2023 ", datetime.date(2023, 1, 1), Precision.YEAR),
        ("September 2023", datetime.date(2023, 9, 1), Precision.MONTH),
        ("september  2023", datetime.date(2023, 9, 1), Precision.MONTH),
        ("Sep 2023", datetime.date(2023, 9, 1), Precision.MONTH),
        ("Sept. 2023", datetime.date(2023, 9, 1), Precision.MONTH),
        ("2023-09", datetime.date(2023, 9, 1), Precision.MONTH),
        ("2023-9", datetime.date(2023, 9, 1), Precision.MONTH),
        ("09/2023", datetime.date(2023, 9, 1), Precision.MONTH),
        ("2023 September", datetime.date(2023, 9, 1), Precision.MONTH),
        ("2023-09-12", datetime.date(2023, 9, 12), Precision.DAY),
        ("12/09/2023", datetime.date(2023, 9, 12), Precision.DAY),
        ("12 September 2023", datetime.date(2023, 9, 12), Precision.DAY),
        ("12 Sept 2023", datetime.date(2023, 9, 12), Precision.DAY),
        ("September 12, 2023", datetime.date(2023, 9, 12), Precision.DAY),
    ],
)
def test_what_an_editor_types_is_read_with_its_precision(typed, date, precision):
    parsed = parse_entry(typed)
    assert parsed == date
    assert parsed.precision == precision


@pytest.mark.parametrize("typed", ["soon", "20233", "2023-13", "Septober 2023", "31 February 2023", "13/2023", "23"])
def test_nonsense_names_no_date(typed):
    assert parse_entry(typed) is None


def _tie_form(client, tie, **changes):
    data = admin_form_data(client.get(change_url(tie)))
    return client.post(change_url(tie), data | changes)


def test_a_year_is_stored_as_its_first_day_and_shown_as_typed(editor_client):
    tie = RelationshipFactory()
    response = _tie_form(editor_client, tie, valid_from="2023", valid_from_precision="year")
    assert response.status_code == 302, response.context["adminform"].form.errors
    tie.refresh_from_db()
    assert (tie.valid_from, tie.valid_from_precision) == (datetime.date(2023, 1, 1), "year")
    page = editor_client.get(change_url(tie)).content.decode()
    assert 'name="valid_from" value="2023"' in page


@pytest.mark.parametrize("typed", ["September 2023", "Sep 2023", "2023-09"])
def test_a_month_is_stored_as_its_first_day_and_shown_as_a_month(editor_client, typed):
    tie = RelationshipFactory()
    response = _tie_form(editor_client, tie, valid_until=typed, valid_until_precision="month")
    assert response.status_code == 302, response.context["adminform"].form.errors
    tie.refresh_from_db()
    assert (tie.valid_until, tie.valid_until_precision) == (datetime.date(2023, 9, 1), "month")
    page = editor_client.get(change_url(tie)).content.decode()
    assert 'name="valid_until" value="September 2023"' in page


def test_a_day_is_kept_and_shown_as_the_calendar_writes_it(editor_client):
    tie = RelationshipFactory()
    response = _tie_form(editor_client, tie, valid_from="12 September 2023", valid_from_precision="day")
    assert response.status_code == 302, response.context["adminform"].form.errors
    tie.refresh_from_db()
    assert tie.valid_from == datetime.date(2023, 9, 12)
    assert 'name="valid_from" value="2023-09-12"' in editor_client.get(change_url(tie)).content.decode()


def test_a_more_precise_entry_is_kept_to_the_precision_chosen(editor_client):
    tie = RelationshipFactory()
    response = _tie_form(editor_client, tie, valid_from="12 May 2023", valid_from_precision="year")
    assert response.status_code == 302, response.context["adminform"].form.errors
    tie.refresh_from_db()
    assert (tie.valid_from, tie.valid_from_precision) == (datetime.date(2023, 1, 1), "year")


@pytest.mark.parametrize(
    ("typed", "precision", "message"),
    [
        ("2023", "day", "“2023” gives only the year: choose “Year” as its precision, or enter the day."),
        ("2023", "month", "“2023” gives only the year: choose “Year” as its precision, or enter the month."),
        ("Sep 2023", "day", "“Sep 2023” gives only the month: choose “Month” as its precision, or enter the day."),
    ],
)
def test_a_less_precise_entry_is_refused_saying_which_precision_it_is(editor_client, typed, precision, message):
    tie = RelationshipFactory()
    response = _tie_form(editor_client, tie, valid_from=typed, valid_from_precision=precision)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["valid_from"] == [message]
    # Shown back as typed, for the editor to correct.
    assert f'name="valid_from" value="{typed}"' in response.content.decode()
    tie.refresh_from_db()
    assert tie.valid_from is None


@pytest.mark.parametrize(
    ("precision", "message"),
    [
        ("year", "Enter a year such as 2023."),
        ("month", "Enter a month such as September 2023, Sep 2023 or 2023-09."),
        ("day", "Enter a day such as 2023-09-12 or 12 September 2023."),
    ],
)
def test_nonsense_is_refused_with_an_example_at_the_precision_chosen(editor_client, precision, message):
    tie = RelationshipFactory()
    response = _tie_form(editor_client, tie, valid_from="last spring", valid_from_precision=precision)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["valid_from"] == [message]


def test_an_untouched_form_changes_no_date(editor_client):
    tie = RelationshipFactory(valid_from=datetime.date(2023, 9, 1), valid_from_precision="month")
    response = editor_client.get(change_url(tie))
    assert 'value="September 2023"' in response.content.decode()
    form = response.context["adminform"].form
    bound = type(form)(data=admin_form_data(response) | {"valid_from": "September 2023"}, instance=tie)
    assert "valid_from" not in bound.changed_data


def test_a_fact_box_line_takes_a_year(editor_client):
    from newsroom.models import FactBox
    from tests.newsroom.test_factbox_admin import with_new_rows

    box = FactBox.objects.create(title="Timeline", slug="timeline", kind="timeline")
    url = reverse("admin:newsroom_factbox_change", args=[box.pk])
    row = {"kind": "text", "text": "The treaty is signed", "date": "2023", "date_precision": "year"}
    data = with_new_rows(admin_form_data(editor_client.get(url)), "items", row)
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    item = box.items.get()
    assert (item.date, item.date_precision) == (datetime.date(2023, 1, 1), "year")
