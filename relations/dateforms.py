"""The admin's entry of dates with a precision: what editors type, as ``relations.dates`` reads it.

Apart from ``relations.dates`` because the models import that, and the admin's widgets must not be
imported before the apps are ready."""

import datetime

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from relations.dates import ANY_EXAMPLE, ENTRY_EXAMPLES, FINER, Precision, entry, parse_entry, truncate


class EnteredDateInput(AdminDateWidget):
    """The admin's date box (its calendar picks days), showing a stored date at its precision."""

    precision: str = Precision.DAY

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs={"size": "16", **(attrs or {})}, format=format)

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return entry(value, self.precision)
        return super().format_value(value)


class EnteredDateField(forms.DateField):
    widget = EnteredDateInput
    # The precision chosen beside the date, when the form knows it: the error then gives its example.
    precision: str | None = None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        parsed = parse_entry(str(value))
        if parsed is None:
            raise ValidationError(ENTRY_EXAMPLES.get(self.precision, ANY_EXAMPLE), code="invalid")
        return parsed


class EnteredDatesForm(forms.ModelForm):
    """A model form whose dates with a precision (a ``<name>`` beside a ``<name>_precision``) take
    what editors type at that precision, are stored as the period's first day, and show back as
    typed ("2023", "September 2023").

    A date typed more precisely than its precision ("12 May 2023" at Year) is taken at the
    precision chosen: the editor chose it, and the day is dropped as it always was. One typed less
    precisely ("2023" at Day) is refused, saying which precision it is: the form cannot invent a
    day, and quietly changing the precision would publish a date less exact than the one asked for.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, precision_name in self.entered_dates():
            old = self.fields[name]
            field = EnteredDateField(
                required=old.required, label=old.label, help_text=old.help_text, widget=EnteredDateInput
            )
            field.widget.precision = getattr(self.instance, precision_name, None) or Precision.DAY
            if self.is_bound:
                posted = self.data.get(self.add_prefix(precision_name))
                field.precision = posted if posted in FINER else None
            self.fields[name] = field
            # Beside the date it qualifies: "Valid from [2023] Precision [Year]".
            self.fields[precision_name].label = _("Precision")

    def entered_dates(self) -> list[tuple[str, str]]:
        return [(name, f"{name}_precision") for name in self.fields if f"{name}_precision" in self.fields]

    def clean(self):
        cleaned = super().clean()
        for name, precision_name in self.entered_dates():
            value, precision = cleaned.get(name), cleaned.get(precision_name)
            if value is None or precision not in FINER:
                continue
            typed = getattr(value, "precision", Precision.DAY)
            if FINER[typed] < FINER[precision]:
                self.add_error(name, _coarser(self.data.get(self.add_prefix(name), ""), typed, precision))
                continue
            cleaned[name] = truncate(datetime.date(value.year, value.month, value.day), precision)
        return cleaned


def _coarser(typed_text: str, typed: str, precision: str) -> ValidationError:
    wanted = {Precision.MONTH: _("the month"), Precision.DAY: _("the day")}[precision]
    return ValidationError(
        _("“%(typed)s” gives only the %(unit)s: choose “%(label)s” as its precision, or enter %(wanted)s."),
        code="imprecise",
        params={
            "typed": " ".join(typed_text.split()),
            "unit": Precision(typed).label.lower(),
            "label": Precision(typed).label,
            "wanted": wanted,
        },
    )
