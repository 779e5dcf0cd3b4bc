"""Dates known to a year, a month or a day, as editors enter and readers see them."""

import datetime

from django.db import models
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
