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
  giving the service's reasons, and the form comes back showing the new state;
- a publication the service makes only once the editor confirms the unverified
  claims it would show (``UnverifiedClaimsUnconfirmed``) comes back as a
  confirmation page naming them, like Django's delete confirmation: the edits are
  saved by then, and confirming posts the answer (with what the move took from
  the form, ``WorkflowMove.carries``) to ``workflow_confirm_view``, which makes
  the move and nothing else. Changelist actions ask the same way, for every
  selected object at once (``ask_before_moving``).

Hiding a button is a courtesy: the service checks the user's permission and the
object's state again.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from newsroom.services import UnverifiedClaim, UnverifiedClaimsUnconfirmed

# Each button posts its own name, as the admin's own buttons do (_continue, _addanother).
BUTTON_PREFIX = "_workflow_"


def button_name(move: str) -> str:
    return f"{BUTTON_PREFIX}{move}"


# The note a move carries (why it was sent back, what to look at): a field of every change form
# with workflow buttons, read by the moves from the form's cleaned data like a publication time.
NOTE_FIELD = "workflow_note"
NOTE_LENGTH = 2000


def note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Note for this move"),
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Optional. Kept in the audit trail and shown to the person the move concerns."),
    )


def move_note(data: Mapping[str, Any]) -> str:
    return (data.get(NOTE_FIELD) or "").strip()


@dataclass(frozen=True)
class WorkflowMove:
    """One move: ``run(obj, by, cleaned_data)`` calls the service and returns what it returns,
    ``done(result)`` says what happened, ``refused`` (with ``%(obj)s`` and ``%(reasons)s``)
    says what did not. A changelist action has no form: its ``cleaned_data`` is empty."""

    run: Callable[[Any, Any, Mapping[str, Any]], Any]
    done: Callable[[Any], str]
    refused: str
    # The form's values (datetimes, or empty) the move reads: carried through a confirmation page.
    carries: tuple[str, ...] = ()
    # The confirmation page's "Yes", given what the move took from the form (publishing or scheduling).
    confirm_label: Callable[[Mapping[str, Any]], str] = lambda data: _("Yes, publish with these claims unverified")


# Each confirmed claim's id is posted under this name; the answer also carries the edit count the
# question was asked at, so that a confirmation never applies to an object changed since.
CONFIRMED_FIELD = "confirm_unverified"
EDIT_COUNT_FIELD = "edit_count_seen"


@dataclass
class Question:
    """A move waiting for the editor to confirm the unverified claims it would show readers."""

    obj: Any
    move: str
    claims: list[UnverifiedClaim]
    data: Mapping[str, Any] = field(default_factory=dict)


class WorkflowAdminMixin:
    """For a ModelAdmin whose change form carries workflow buttons; list it before the admin's bases."""

    workflow_moves: Mapping[str, WorkflowMove] = {}

    def workflow_buttons(self, request, obj) -> list[tuple[str, str, str]]:
        """(move, label, css class) for each move this user may make on ``obj`` as it stands."""
        return []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        # Declared on a subclass, the field is validated with the rest of the form (a note too long is
        # a form error, nothing saved) and rendered beside the buttons rather than in a fieldset.
        return type(form.__name__, (form,), {NOTE_FIELD: note_field()})

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
        made = move is not None and self.make_workflow_move(request, form.instance, move, form.cleaned_data)
        if move is not None and not made and not _questions(request):
            self.message_user(request, _("Your edits were saved."), messages.INFO)

    def response_change(self, request, obj):
        if _questions(request):
            return self.workflow_confirmation(request, _questions(request), cancel_url=request.path, edits_saved=True)
        if self.posted_workflow_move(request) is not None:
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def make_workflow_move(
        self, request, obj, move: str, cleaned_data: Mapping[str, Any] | None = None, *, ask: bool = True
    ) -> bool:
        """Make ``move`` on ``obj`` through its service and tell the user how it went; True if it was made.
        A move waiting for the editor's confirmation is kept for ``workflow_confirmation`` (``ask``),
        or refused like any other (an action the editor has already answered)."""
        declared = self.workflow_moves[move]
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                result = declared.run(obj, request.user, cleaned_data or {})
        except (PermissionDenied, ValidationError) as error:
            if ask and isinstance(error, UnverifiedClaimsUnconfirmed):
                request.workflow_questions = [
                    *_questions(request),
                    Question(obj, move, error.claims, cleaned_data or {}),
                ]
                return False
            reasons = " ".join(getattr(error, "messages", None) or [str(error)])
            self.message_user(request, declared.refused % {"obj": obj, "reasons": reasons}, messages.ERROR)
            return False
        self.message_user(request, declared.done(result), messages.SUCCESS)
        return True

    # Confirming unverified claims -----------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/workflow/<str:move>/",
                self.admin_site.admin_view(self.workflow_confirm_view),
                name="{}_{}_workflow_confirm".format(*info),
            ),
            *super().get_urls(),
        ]

    def ask_before_moving(self, request, objects: Sequence[Any], move: str, asking: Mapping[Any, list]):
        """For a changelist action: the confirmation page for the selected ``objects`` of which
        ``asking`` names the unverified claims (by object id), or None when the editor has answered
        already (or nothing needs asking). The answer posts the action again, as Django's delete does."""
        if request.POST.get("post") == "yes" or not asking:
            return None
        questions = [Question(obj, move, asking[obj.pk]) for obj in objects if obj.pk in asking]
        action = [("action", request.POST.get("action", "")), ("post", "yes")]
        action += [(helpers.ACTION_CHECKBOX_NAME, str(obj.pk)) for obj in objects]
        changelist = reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return self.workflow_confirmation(request, questions, cancel_url=changelist, selected=objects, hidden=action)

    def confirmed_claims(self, request) -> list[int]:
        return [int(value) for value in request.POST.getlist(CONFIRMED_FIELD) if value.isdecimal()]

    def workflow_confirmation(
        self,
        request,
        questions: list[Question],
        *,
        cancel_url: str,
        edits_saved: bool = False,
        selected: Sequence[Any] = (),
        hidden: list[tuple[str, str]] | None = None,
    ) -> TemplateResponse:
        """The page asking the editor to confirm the unverified claims of ``questions``: one object's
        (its answer goes to ``workflow_confirm_view``) or a changelist action's (``hidden`` posts the
        action again)."""
        claims = {claim.pk: claim for question in questions for claim in question.claims}
        hidden = list(hidden or [])
        hidden += [(CONFIRMED_FIELD, str(pk)) for pk in claims]
        form_url = request.get_full_path()
        if not selected:
            question = questions[0]
            declared = self.workflow_moves[question.move]
            form_url = self._workflow_url("workflow_confirm", quote(question.obj.pk), question.move)
            hidden.append((EDIT_COUNT_FIELD, str(question.obj.edit_count)))
            hidden += [(name, _carry(question.data.get(name))) for name in declared.carries]
            hidden.append((NOTE_FIELD, move_note(question.data)))
        confirm = self.workflow_moves[questions[0].move].confirm_label(questions[0].data)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Publish with unverified claims?"),
            "subtitle": None,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "object": None if selected else questions[0].obj,
            "questions": [
                (
                    question.obj,
                    self._workflow_url("change", quote(question.obj.pk)),
                    [
                        (claim, reverse(f"{self.admin_site.name}:relations_claim_change", args=[claim.pk]))
                        for claim in question.claims
                    ],
                )
                for question in questions
            ],
            "claim_count": len(claims),
            "selected_count": len(selected),
            "edits_saved": edits_saved,
            "form_url": form_url,
            "hidden": hidden,
            "confirm_label": confirm,
            "cancel_url": cancel_url,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/newsroom/publish_confirmation.html", context)

    def workflow_confirm_view(self, request, object_id, move):
        """The editor's answer to ``workflow_confirmation`` about one object: make the move with the
        claims confirmed, unless the object changed since the question (then look again)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or move not in self.workflow_moves:
            raise Http404(_("Nothing to confirm here."))
        change_url = self._workflow_url("change", quote(obj.pk))
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if request.POST.get(EDIT_COUNT_FIELD) != str(obj.edit_count):
            self.message_user(
                request,
                _("“%(obj)s” was changed after you were asked, so nothing was published: look at it again.")
                % {"obj": obj},
                messages.WARNING,
            )
            return HttpResponseRedirect(change_url)
        declared = self.workflow_moves[move]
        data = {name: _carried(request.POST.get(name, "")) for name in declared.carries}
        data["confirmed_unverified"] = self.confirmed_claims(request)
        data[NOTE_FIELD] = request.POST.get(NOTE_FIELD, "")[:NOTE_LENGTH]
        if self.make_workflow_move(request, obj, move, data):
            return HttpResponseRedirect(change_url)
        if _questions(request):
            # Claims were cited since the question: ask again, about all of them.
            return self.workflow_confirmation(request, _questions(request), cancel_url=change_url)
        return HttpResponseRedirect(change_url)

    def _workflow_url(self, view: str, *args) -> str:
        return reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}", args=args)


def _questions(request) -> list[Question]:
    return getattr(request, "workflow_questions", [])


def _carry(value: datetime.datetime | None) -> str:
    """A value of the form, as a hidden field of the confirmation page holds it."""
    return value.isoformat() if value is not None else ""


def _carried(value: str) -> datetime.datetime | None:
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None or timezone.is_naive(moment):
        raise BadRequest("The confirmation carries a time that is not one.")
    return moment
