"""Citing a claim from the body's editor: a new claim, made in place, answered as JSON.

The editor's "Cite a claim" dialog finds existing claims through the admin's own autocomplete
(the citation table's claim field, with its permission checks); a new one is posted here and
made by ``relations.services.claim_create``, the one way claims are added outside their form.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.addresses import web_url_validator
from newsroom.richtext import claim_marks
from relations import services as relations_services
from relations.models import Actor, Claim, ClaimRelationship, Relationship


class NewCitedClaimForm(forms.Form):
    text = forms.CharField(label=_("Statement"), max_length=5000)
    kind = forms.ChoiceField(label=_("Kind"), choices=Claim.Kind.choices, initial=Claim.Kind.FACT)
    quote = forms.CharField(label=_("Exact words"), required=False, max_length=5000)
    attributed_to = forms.ModelChoiceField(label=_("Who says so"), queryset=Actor.objects.all(), required=False)
    actors = forms.ModelMultipleChoiceField(label=_("Who it is about"), queryset=Actor.objects.all(), required=False)
    relationship = forms.ModelChoiceField(
        label=_("Relationship it bears on"), queryset=Relationship.objects.all(), required=False
    )
    stance = forms.ChoiceField(
        label=_("Stance"), choices=ClaimRelationship.Stance.choices, initial=ClaimRelationship.Stance.SUPPORTS
    )
    source_url = forms.URLField(
        label=_("Source address"), required=False, assume_scheme="https", validators=[web_url_validator]
    )
    source_title = forms.CharField(label=_("Source title"), required=False, max_length=300)


def _autocomplete(app_label: str, model_name: str, field_name: str) -> str:
    query = urlencode({"app_label": app_label, "model_name": model_name, "field_name": field_name})
    return f"{reverse('admin:autocomplete')}?{query}"


def editor_options() -> dict:
    """What the editor's CiteClaim extension needs from the server: where to search and post."""
    return {
        "claimsUrl": _autocomplete("newsroom", "articleclaim", "claim"),
        "actorsUrl": _autocomplete("relations", "claim", "actors"),
        "relationshipsUrl": _autocomplete("relations", "claimrelationship", "relationship"),
        "newClaimUrl": reverse("admin:newsroom_cite_new_claim"),
        "kinds": [[value, str(label)] for value, label in Claim.Kind.choices],
        "stances": [[value, str(label)] for value, label in ClaimRelationship.Stance.choices],
    }


def _errors(errors) -> dict[str, list[str]]:
    return {field: [str(message) for message in messages] for field, messages in errors.items()}


@require_POST
def new_cited_claim(request):
    """Make the claim the dialog describes; answer its id and name, or 400 with what to fix."""
    form = NewCitedClaimForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": _errors(form.errors)}, status=400)
    try:
        claim = relations_services.claim_create(by=request.user, **form.cleaned_data)
    except PermissionDenied as refused:
        return JsonResponse({"errors": {"__all__": [str(refused)]}}, status=403)
    except ValidationError as invalid:
        errors = invalid.message_dict if hasattr(invalid, "error_dict") else {"__all__": invalid.messages}
        return JsonResponse({"errors": _errors(errors)}, status=400)
    return JsonResponse({"id": claim.pk, "text": str(claim)}, status=201)


class KeepsMarkedCitations:
    """For a citation table's formset: a claim the body marks is uncited by removing its mark (the
    editor's "Remove citation"). Deleting its row would be undone by the save itself, which cites
    what the text marks, so it is refused with that reason rather than silently kept."""

    def clean(self) -> None:
        super().clean()
        marked = {pk for pk, _passage in claim_marks(getattr(self.instance, "body", ""))}
        refused = []
        for form in self.forms:
            if not (self.can_delete and self._should_delete_form(form)):
                continue
            claim = getattr(form, "cleaned_data", {}).get("claim") or form.initial.get("claim")
            if getattr(claim, "pk", claim) in marked:
                refused.append(claim if isinstance(claim, Claim) else Claim.objects.filter(pk=claim).first())
        if refused:
            raise ValidationError(
                _(
                    "The text marks the passage %(claims)s comes from: to stop citing it, select the "
                    "passage in the body and choose “Remove citation”."
                )
                % {"claims": ", ".join(f"“{claim}”" for claim in refused if claim is not None)}
            )


class ArticleClaimFormSet(KeepsMarkedCitations, forms.BaseInlineFormSet):
    pass
