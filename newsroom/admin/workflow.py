"""Workflow buttons on a change form, and the changelist actions that make the same moves.

An admin declares its moves (``workflow_moves``: the name each button posts, the
service it calls, what the editor is told either way) and which buttons a user
gets on an object as it stands (``workflow_buttons``). Everything else happens
the same way for every admin that uses ``WorkflowAdminMixin``:

- the form is validated and saved first, as by "Save": bad input comes back as a
  form error and nothing is written;
- the move then runs on what was saved, in a transaction of its own, so that a
  move its service refuses writes nothing while the editor's edits stay saved;
- a refusal (``PermissionDenied`` or ``ValidationError``) becomes an error message
  giving the service's reasons, and the form comes back showing the new state.

Hiding a button is a courtesy: the service checks the user's permission and the
object's state again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

# Each button posts its own name, as the admin's own buttons do (_continue, _addanother).
BUTTON_PREFIX = "_workflow_"


def button_name(move: str) -> str:
    return f"{BUTTON_PREFIX}{move}"


@dataclass(frozen=True)
class WorkflowMove:
    """One move: ``run(obj, by, cleaned_data)`` calls the service and returns what it returns,
    ``done(result)`` says what happened, ``refused`` (with ``%(obj)s`` and ``%(reasons)s``)
    says what did not. A changelist action has no form: its ``cleaned_data`` is empty."""

    run: Callable[[Any, Any, Mapping[str, Any]], Any]
    done: Callable[[Any], str]
    refused: str


class WorkflowAdminMixin:
    """For a ModelAdmin whose change form carries workflow buttons; list it before the admin's bases."""

    workflow_moves: Mapping[str, WorkflowMove] = {}

    def workflow_buttons(self, request, obj) -> list[tuple[str, str, str]]:
        """(move, label, css class) for each move this user may make on ``obj`` as it stands."""
        return []

    def posted_workflow_move(self, request) -> str | None:
        return next((name for name in self.workflow_moves if button_name(name) in request.POST), None)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["workflow_buttons"] = self.workflow_buttons(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Last of the admin's hooks to hold the form: the move runs once everything is saved,
        # and takes what it needs (a publication time) from the form's cleaned data.
        move = self.posted_workflow_move(request) if change else None
        if move is not None and not self.make_workflow_move(request, form.instance, move, form.cleaned_data):
            self.message_user(request, _("Your edits were saved."), messages.INFO)

    def response_change(self, request, obj):
        if self.posted_workflow_move(request) is not None:
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def make_workflow_move(self, request, obj, move: str, cleaned_data: Mapping[str, Any] | None = None) -> bool:
        """Make ``move`` on ``obj`` through its service and tell the user how it went; True if it was made."""
        declared = self.workflow_moves[move]
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                result = declared.run(obj, request.user, cleaned_data or {})
        except (PermissionDenied, ValidationError) as error:
            reasons = " ".join(getattr(error, "messages", None) or [str(error)])
            self.message_user(request, declared.refused % {"obj": obj, "reasons": reasons}, messages.ERROR)
            return False
        self.message_user(request, declared.done(result), messages.SUCCESS)
        return True
