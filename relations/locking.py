"""Refusing lost updates: an edit made from a stale copy is refused, not saved over the newer one.

Every ``LockedEditModel`` form in the admin carries the row's ``edit_count`` as
the editor opened it (``edit_count_seen``). Saving checks it against the row,
locked for the rest of the request's transaction, and counts the save. If
someone saved in between, the form comes back with an error naming who and
when, the editor's text still in the fields so they can copy it, and nothing
is written.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Version

EDIT_COUNT_SEEN = "edit_count_seen"


class LockedEditForm(forms.ModelForm):
    edit_count_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[EDIT_COUNT_SEEN].initial = self.instance.edit_count

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        seen = cleaned.get(EDIT_COUNT_SEEN)
        model = type(self.instance)
        # The admin runs the whole request in one transaction: the lock holds until the save commits.
        current = model.objects.select_for_update().filter(pk=self.instance.pk).values_list("edit_count", flat=True)
        current = current.first()
        if current is None:
            raise ValidationError(_("Someone deleted this %(model)s while you were editing it.") % _names(model))
        if seen != current:
            raise ValidationError(_stale_message(self.instance), code="stale")
        return cleaned


def _names(model) -> dict[str, str]:
    return {"model": model._meta.verbose_name}


def _stale_message(instance) -> str:
    latest = Version.objects.get_for_object(instance).select_related("revision__user").first()
    who, when = _("another editor"), None
    if latest is not None:
        who = latest.revision.user.get_username() if latest.revision.user else who
        when = timezone.localtime(latest.revision.date_created).strftime("%H:%M")
    return _(
        "%(who)s saved this %(model)s%(when)s, after you opened it, so your changes were not saved "
        "(nothing of theirs was lost). Your version is still in the form below: copy what you need, "
        "open the %(model)s again in a new tab to see theirs, and make your changes there."
    ) % {"who": who, "when": _(" at %s") % when if when else "", **_names(type(instance))}


class LockedEditAdmin(admin.ModelAdmin):
    """Admin for a LockedEditModel: carries the edit count through the form and counts each save."""

    form = LockedEditForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or any(EDIT_COUNT_SEEN in options["fields"] for _, options in fieldsets):
            return fieldsets
        # The admin renders only the fields its fieldsets name; the row itself stays hidden.
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], EDIT_COUNT_SEEN]}), *rest]

    def save_model(self, request, obj, form, change):
        if change:
            obj.edit_count = form.cleaned_data[EDIT_COUNT_SEEN] + 1
        super().save_model(request, obj, form, change)
