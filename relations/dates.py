"""Dates known to a year, a month or a day, as editors enter and readers see them."""

import datetime
import re

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


def truncate(value: datetime.date, precision: str) -> datetime.date:
    """Store a year-precise date as 1 January and a month-precise one as the 1st,
    so that two entries of "June 2024" compare equal and sort together."""
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return value.replace(day=1)
    return value


def display(value: datetime.date | None, precision: str) -> str:
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"


# --- Entering them ---------------------------------------------------------------------------
# An editor types a date at the precision they know it: "2023", "September 2023" (or "Sep 2023",
# "2023-09", "09/2023"), or a day in any of the site's date formats or written out ("12 September
# 2023"). The form stores the first day of the period and shows it back as it was entered.

FINER = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}
_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        datetime.date(2000, number, 1).strftime("%B").casefold(),
        datetime.date(2000, number, 1).strftime("%b").casefold(),
    )
} | {"sept": 9}
_YEAR = re.compile(r"(\d{4})")
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{4})")
_NAMED_MONTH = re.compile(r"([^\W\d_]+)\.?,? (\d{4})|(\d{4}),? ([^\W\d_]+)\.?")
# Days written out, beside the site's own input formats (which are numeric only).
_WRITTEN_DAYS = ("%d %B %Y", "%d %b %Y", "%d %B, %Y", "%d %b, %Y", "%B %d %Y", "%B %d, %Y", "%b %d %Y", "%b %d, %Y")

ENTRY_EXAMPLES = {
    Precision.YEAR: _("Enter a year such as 2023."),
    Precision.MONTH: _("Enter a month such as September 2023, Sep 2023 or 2023-09."),
    Precision.DAY: _("Enter a day such as 2023-09-12 or 12 September 2023."),
}
ANY_EXAMPLE = _("Enter a date such as 2023, September 2023 or 2023-09-12.")


class EnteredDate(datetime.date):
    """A date and how precisely it was typed: "2023" is 1 January 2023, to the year."""

    precision: str = Precision.DAY


def _entered(year: int, month: int, day: int, precision: str) -> EnteredDate | None:
    try:
        value = EnteredDate(year, month, day)
    except ValueError:
        return None
    value.precision = precision
    return value


def parse_entry(text: str) -> EnteredDate | None:
    """The date ``text`` names and its precision, or None when it names none."""
    text = " ".join(text.split())
    if match := _YEAR.fullmatch(text):
        return _entered(int(match[1]), 1, 1, Precision.YEAR)
    if match := _YEAR_MONTH.fullmatch(text):
        year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
        return _entered(int(year), int(month), 1, Precision.MONTH)
    if match := _NAMED_MONTH.fullmatch(text):
        name, year = (match[1], match[2]) if match[1] else (match[4], match[3])
        month = _MONTHS.get(name.casefold())
        return _entered(int(year), month, 1, Precision.MONTH) if month else None
    # "Sept" is how many write September; strptime knows only "Sep".
    text = re.sub(r"\bsept\b", "Sep", text, flags=re.IGNORECASE)
    for pattern in (*formats.get_format("DATE_INPUT_FORMATS"), *_WRITTEN_DAYS):
        try:
            day = datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date: no time, no zone)
        except ValueError:
            continue
        return _entered(day.year, day.month, day.day, Precision.DAY)
    return None


def entry(value: datetime.date | None, precision: str) -> str:
    """How the form shows a stored date: at its precision, as an editor would type it."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return f"{value:%B} {value.year}"
    return value.isoformat()
