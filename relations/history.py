"""Revisions of editorial content in the admin: history, comparison and restore.

The admin's revert page is replaced by a confirmation page whose button calls
``relations.revisions.revision_restore``, and the recover pages are closed:
see that module for why django-reversion's own revert is never used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import ForeignObjectRel
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reversion.errors import RevertError
from reversion.models import Revision, Version
from reversion.revisions import _get_options
from reversion_compare.admin import CompareVersionAdmin
from reversion_compare.forms import SelectDiffForm
from reversion_compare.helpers import html_diff

from relations.revisions import (
    children_in,
    followed_children,
    last_known_name,
    restore_comment,
    revision_restore,
    stored_values,
)

# --- Comparing with the current object ---------------------------------------


def _label(model_field: Any) -> str:
    if isinstance(model_field, ForeignObjectRel):
        return capfirst(model_field.name.replace("_", " "))
    return capfirst(model_field.verbose_name)


def _keys(value: Any) -> set:
    return set(value) if isinstance(value, list | tuple | set) else set()


def _keys_differ(model_field: Any, version1: Version, version2: Version) -> bool:
    if isinstance(model_field, models.ForeignKey):
        return version1.field_dict.get(model_field.attname) != version2.field_dict.get(model_field.attname)
    if isinstance(model_field, models.ManyToManyField):
        name = model_field.attname
        return _keys(version1.field_dict.get(name)) != _keys(version2.field_dict.get(name))
    return True


@dataclass
class ChildRow:
    state: str  # "same", "changed", "removed" (exists now, not in the revision), "restored"
    now: str = ""
    then: str = ""
    changes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ChildrenDiff:
    label: str
    rows: list[ChildRow]

    @property
    def changed(self) -> bool:
        return any(row.state != "same" for row in self.rows)


def _snapshot(obj: models.Model, revision: Revision) -> list[Version]:
    """Versions of ``obj`` and its followed children as they are now, saved in ``revision``.

    Built here rather than through ``reversion.create_revision()`` so that no
    revision-commit signal fires for a snapshot that is rolled back.
    """
    versions = []

    def add(instance: models.Model) -> None:
        options = _get_options(type(instance))
        versions.append(
            Version(
                revision=revision,
                content_type=ContentType.objects.get_for_model(type(instance)),
                object_id=str(getattr(instance, options.object_id_field)),
                db=router.db_for_write(type(instance), instance=instance),
                format=options.format,
                serialized_data=serializers.serialize(
                    options.format,
                    (instance,),
                    fields=options.fields,
                    use_natural_foreign_keys=options.use_natural_foreign_keys,
                ),
                object_repr=str(instance),
            )
        )
        for relation in followed_children(type(instance)):
            for child in getattr(instance, relation.get_accessor_name()).all():
                add(child)

    add(obj)
    for version in versions:
        version.save()
    return versions


def _display(model_field: models.Field, value: Any) -> str:
    if value is None:
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        target = model_field.related_model._base_manager.filter(pk=value).first()
        return str(target) if target is not None else last_known_name(model_field.related_model, value)
    return str(value)


def _children_diffs(obj: models.Model, now: list[Version], then: list[Version]) -> list[ChildrenDiff]:
    diffs = []
    for relation in followed_children(type(obj)):
        current = {v.object_id: v for v in children_in(now, obj, relation)}
        restored = {v.object_id: v for v in children_in(then, obj, relation)}
        rows = []
        for object_id in sorted(current.keys() | restored.keys(), key=lambda pk: (len(pk), pk)):
            before, after = current.get(object_id), restored.get(object_id)
            if after is None:
                rows.append(ChildRow("removed", now=before.object_repr))
                continue
            if before is None:
                rows.append(ChildRow("restored", then=after.object_repr))
                continue
            changes = []
            fields_then = stored_values(after)
            for model_field, value in stored_values(before).items():
                if model_field is relation.field or fields_then.get(model_field, value) == value:
                    continue
                changes.append(
                    (
                        capfirst(model_field.verbose_name),
                        html_diff(_display(model_field, value), _display(model_field, fields_then[model_field])),
                    )
                )
            rows.append(
                ChildRow(
                    "changed" if changes else "same", now=before.object_repr, then=after.object_repr, changes=changes
                )
            )
        diffs.append(ChildrenDiff(label=_label(relation), rows=rows))
    return diffs


# --- Admin -------------------------------------------------------------------


class RevisionPairForm(SelectDiffForm):
    # Bounded to a 64-bit key: a larger number overflows the database driver
    # (a 500) instead of merely matching nothing.
    version_id1 = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    version_id2 = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class HistoryAdmin(CompareVersionAdmin):
    """History, field-by-field comparison of any two revisions, and a safe restore.

    ``revision_view`` (the page the history links each date to) is a
    confirmation page that shows what restoring would change and restores
    through ``revision_restore``; it never goes through reversion's revert.
    Recovering deleted objects is closed: there is no current row whose
    workflow state could be kept, so reversion would recreate it with
    defaults.
    """

    object_history_template = "admin/history/object_history.html"
    compare_template = "admin/history/compare.html"
    restore_confirmation_template = "admin/history/restore_confirmation.html"
    # Django's own change list: reversion's adds a "Recover deleted" link to the closed views.
    change_list_template = None

    @property
    def compare_exclude(self) -> set[str]:
        # Reverse relations the revisions do not follow hold no history of
        # their own here; comparing them only reports noise (and queries once per related row).
        follow = _get_options(self.model).follow
        return {
            f.name
            for f in self.model._meta.get_fields(include_hidden=True)
            if isinstance(f, ForeignObjectRel) and f.name not in follow
        }

    def compare(self, obj, version1, version2):
        diff, has_unfollowed_fields = super().compare(obj, version1, version2)
        # reversion-compare reports a foreign key as changed whenever any other
        # field changed, and a many-to-many field whenever one revision happens
        # to hold versions of the related objects and the other does not; keep
        # them only when the stored keys themselves differ.
        diff = [entry for entry in diff if _keys_differ(entry["field"], version1, version2)]
        for entry in diff:
            entry["label"] = _label(entry["field"])
        return diff, has_unfollowed_fields

    def compare_ManyToManyField(self, obj_compare):
        # By stored keys and today's names (or the last known name of one since deleted),
        # so that an unchanged item never shows as both removed and added.
        model_field = obj_compare.field
        before, after = _keys(obj_compare.value1), _keys(obj_compare.value2)
        names = {pk: str(o) for pk, o in model_field.related_model._base_manager.in_bulk(before | after).items()}

        def named(keys):
            return sorted(names.get(pk) or last_known_name(model_field.related_model, pk) for pk in keys)

        change_info = {
            "removed_items": named(before - after),
            "added_items": named(after - before),
            "same_items": named(before & after),
        }
        return render_to_string("reversion-compare/compare_generic_many_to_many.html", {"change_info": change_info})

    def compare_view(self, request, object_id, extra_context=None):
        """reversion-compare's comparison, for an object this user may see and two of its revisions.

        Its own view reads the object by primary key, past the admin's queryset and
        permissions: a malformed id raised ValueError (a 500) and any staff member
        could read any object's history. The object and the revision ids are
        checked here first; the view then finds them as it expects.
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No %(name)s with this id.") % {"name": self.opts.verbose_name})
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        form = RevisionPairForm(request.GET)
        if not form.is_valid():
            raise BadRequest("Two revision ids are needed to compare.")
        ids = {form.cleaned_data["version_id1"], form.cleaned_data["version_id2"]}
        if Version.objects.get_for_object(obj).filter(pk__in=ids).count() != len(ids):
            raise Http404(_("These are not revisions of this %(name)s.") % {"name": self.opts.verbose_name})
        return super().compare_view(request, object_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        raise PermissionDenied

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Show what restoring this revision would change; restore it on POST."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        version = get_object_or_404(versions, pk=version_id)
        if request.method == "POST":
            return self.restore_revision(request, obj, version)
        return self._restore_confirmation(request, obj, version, extra_context)

    def restore_revision(self, request, obj, version):
        """Restore ``version`` onto ``obj`` and answer with a redirect and a message.

        An app whose objects keep some edits away from readers overrides this
        (a live story's restore goes into its draft) without the history app knowing of it.
        """
        try:
            restored = revision_restore(version=version, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return redirect(request.path)
        except PermissionDenied as error:
            # The user may change the object (checked above) but not everything this revision touches.
            self.message_user(request, str(error), messages.ERROR)
            return redirect(request.path)
        comment = restore_comment(version)
        self.log_change(request, restored, comment)
        self.message_user(
            request, _("%(comment)s: “%(obj)s”.") % {"comment": comment, "obj": restored}, messages.SUCCESS
        )
        return redirect(self._admin_url("change", quote(restored.pk)))

    def restore_note(self, request, obj) -> str:
        """What the confirmation page says about where the restored content goes, if anything."""
        return ""

    def _restore_confirmation(self, request, obj, version, extra_context=None):
        try:
            fields, children = self._differences(obj, version)
        except (RevertError, ValidationError) as error:
            self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
            return redirect(self._admin_url("history", quote(obj.pk)))
        options = _get_options(self.model)
        kept = [
            capfirst(f.verbose_name)
            for f in self.model._meta.concrete_fields
            if not f.primary_key and f.name not in options.fields
        ]
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restore a revision of “%(obj)s”") % {"obj": obj},
            "subtitle": None,
            "opts": opts,
            "app_label": opts.app_label,
            "object": obj,
            "version": version,
            "revision": version.revision,
            "field_diffs": fields,
            "children_diffs": [c for c in children if c.changed],
            "kept_fields": kept,
            "history_url": self._admin_url("history", quote(obj.pk)),
            "restore_note": self.restore_note(request, obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.restore_confirmation_template, context)

    def _differences(self, obj, version) -> tuple[list[dict], list[ChildrenDiff]]:
        """Field diffs and children diffs from the object as it is now to the revision."""
        # The comparison machinery reads versions from the database, so the
        # current state is stored as a revision that is rolled back at once.
        with transaction.atomic():
            snapshot = Revision.objects.create(date_created=timezone.now(), comment="")
            now = _snapshot(obj, snapshot)
            fields, _unfollowed = self.compare(obj, now[0], version)
            fields = [entry for entry in fields if not isinstance(entry["field"], ForeignObjectRel)]
            children = _children_diffs(obj, now, list(version.revision.version_set.all()))
            transaction.set_rollback(True)
        return fields, children

    def _admin_url(self, view: str, *args) -> str:
        opts = self.opts
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}", args=args)
