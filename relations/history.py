"""Revisions of editorial content: history, comparison and restoring one safely.

Revisions leave out workflow and bookkeeping fields on purpose (an article's
status and publication times, a claim's verdict, every ``version`` counter;
see the ``reversion.register`` calls in the models). django-reversion's own
revert saves the stored object whole, which would bring those fields back as
model defaults: a published article would silently become a draft and its
version counter would reset. ``revision_restore`` copies only what the
revision stored onto the current row instead, and the admin's revert and
recover pages are replaced or closed accordingly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError, models, router, transaction
from django.db.models import ForeignObjectRel, ProtectedError, RestrictedError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.errors import RevertError
from reversion.models import Revision, Version
from reversion.revisions import _get_options
from reversion_compare.admin import CompareVersionAdmin
from reversion_compare.helpers import html_diff

# --- Restoring ---------------------------------------------------------------


def permission(action: str, model: type[models.Model]) -> str:
    opts = model._meta
    return f"{opts.app_label}.{get_permission_codename(action, opts)}"


_CHILD_ACTIONS = {"add": gettext_lazy("bring back"), "change": gettext_lazy("change"), "delete": gettext_lazy("remove")}


def _require_for_children(by: AbstractBaseUser, action: str, model: type[models.Model]) -> None:
    # A restore must not let anyone do to an object's children what its change form would not let them do.
    if not by.has_perm(permission(action, model)):
        raise PermissionDenied(
            _("Restoring this revision would %(action)s %(models)s, which you may not do.")
            % {"action": _CHILD_ACTIONS[action], "models": model._meta.verbose_name_plural}
        )


def restore_comment(version: Version) -> str:
    revision = version.revision
    when = timezone.localtime(revision.date_created).strftime("%d %b %Y %H:%M")
    if revision.user is None:
        return _("Restored the revision of %(date)s") % {"date": when}
    return _("Restored the revision of %(date)s by %(user)s") % {"date": when, "user": revision.user.get_username()}


@transaction.atomic
def revision_restore(*, version: Version, by: AbstractBaseUser) -> models.Model:
    """Bring an object's content back to what ``version`` stored, and record that as a new revision.

    Only the fields the revision stored are copied onto the current row, so
    what revisions leave out (workflow state, verdicts) stays as it is now.
    The version counter goes up, so a form opened before the restore is
    refused. The children the revision followed (an article's citations, a
    claim's relationship links, an actor's aliases…) come back as they were,
    and children added since are deleted. Raises ``ValidationError`` with an
    editor-readable message, having changed nothing, when the revision no
    longer fits the data (a slug now taken, a cited claim since deleted).
    """
    model = version._model
    if not by.has_perm(permission("change", model)):
        raise PermissionDenied(
            _("You may not change %(models)s, so you cannot restore one.") % {"models": model._meta.verbose_name_plural}
        )
    id_field = _get_options(model).object_id_field
    obj = model._base_manager.select_for_update().filter(**{id_field: version.object_id}).first()
    if obj is None:
        raise ValidationError(
            _("This %(model)s has been deleted, so there is nothing to restore the revision onto.")
            % {"model": model._meta.verbose_name}
        )
    stored = _stored_values(version)
    missing = _missing_targets(stored)
    if missing:
        raise _cannot_restore(
            [
                _("the %(model)s “%(name)s” it refers to has since been deleted.") % {"model": model, "name": name}
                for model, name in missing
            ]
        )

    for model_field, value in stored.items():
        if not model_field.many_to_many:
            setattr(obj, model_field.attname, value)
    bookkeeping = [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    if any(f.name == "version" for f in model._meta.concrete_fields):
        obj.version += 1
        bookkeeping.append("version")
    try:
        obj.full_clean()
    except ValidationError as error:
        raise _cannot_restore(error.messages) from error

    try:
        with reversion.create_revision():
            obj.save(update_fields=[f.attname for f in stored if not f.many_to_many] + bookkeeping)
            for model_field, value in stored.items():
                if model_field.many_to_many:
                    getattr(obj, model_field.name).set(value)
            _restore_children(obj, list(version.revision.version_set.all()), by)
            # Explicitly, so the new revision holds the object and its children as they now are.
            reversion.add_to_revision(obj)
            reversion.set_user(by)
            reversion.set_comment(restore_comment(version))
    except IntegrityError as error:
        raise _cannot_restore([_("it conflicts with the current data (%(error)s).") % {"error": error}]) from error
    except (RevertError, DeserializationError) as error:
        raise _cannot_restore([str(error)]) from error
    return obj


def _cannot_restore(reasons: list[str]) -> ValidationError:
    return ValidationError(_("This revision cannot be restored: %(reasons)s") % {"reasons": " ".join(reasons)})


def _stored_values(version: Version) -> dict[models.Field, Any]:
    """The fields this revision actually stored, with their values.

    ``Version.field_dict`` reports every field the model has now; a field
    added after the revision was stored would come back as its default, so
    only the names present in the serialised data count.
    """
    model = version._model
    try:
        values = version.field_dict
    except RevertError as error:
        raise ValidationError(str(error)) from error
    present = None
    if version.format == "json":
        present = set(json.loads(version.serialized_data)[0]["fields"])
    stored = {}
    for model_field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if model_field.primary_key or model_field.attname not in values:
            continue
        if present is not None and model_field.name not in present:
            continue
        stored[model_field] = values[model_field.attname]
    return stored


def _missing_targets(stored: dict[models.Field, Any]) -> list[tuple[str, str]]:
    """The kind and last known name of each object the stored values point at that no longer exists."""
    problems = []
    for model_field, value in stored.items():
        if not model_field.is_relation or value is None:
            continue
        target = model_field.related_model
        if model_field.many_to_many:
            wanted = set(value)
            found = set(target._base_manager.filter(pk__in=wanted).values_list("pk", flat=True))
            missing = sorted(wanted - found)
        else:
            to_field = model_field.target_field.attname
            missing = [] if target._base_manager.filter(**{to_field: value}).exists() else [value]
        problems.extend((target._meta.verbose_name, _last_known_name(target, pk)) for pk in missing)
    return problems


def _last_known_name(model: type[models.Model], pk: Any) -> str:
    latest = Version.objects.get_for_object_reference(model, pk).only("object_repr").first()
    return latest.object_repr if latest else f"#{pk}"


def followed_children(model: type[models.Model]) -> list[ForeignObjectRel]:
    """The reverse relations a model's revisions follow: rows that belong to it.

    Followed forward relations, if any were registered, point at objects with
    a history of their own; they are restored from their own pages.
    """
    relations = []
    for name in _get_options(model).follow:
        relation = model._meta.get_field(name)
        if isinstance(relation, ForeignObjectRel) and not relation.many_to_many:
            relations.append(relation)
    return relations


def _children_in(versions: list[Version], parent: models.Model, relation: ForeignObjectRel) -> list[Version]:
    content_type = ContentType.objects.get_for_model(relation.related_model)
    parent_key = getattr(parent, relation.field.target_field.attname)
    return [
        v
        for v in versions
        if v.content_type_id == content_type.pk and v.field_dict.get(relation.field.attname) == parent_key
    ]


def _restore_children(parent: models.Model, versions: list[Version], by: AbstractBaseUser) -> None:
    for relation in followed_children(type(parent)):
        child_model = relation.related_model
        wanted = _children_in(versions, parent, relation)
        added_since = child_model._base_manager.filter(**{relation.field.name: parent}).exclude(
            pk__in=[v.object_id for v in wanted]
        )
        if added_since.exists():
            _require_for_children(by, "delete", child_model)
        existing = {
            str(pk)
            for pk in child_model._base_manager.filter(pk__in=[v.object_id for v in wanted]).values_list(
                "pk", flat=True
            )
        }
        for child_version in wanted:
            _require_for_children(by, "change" if child_version.object_id in existing else "add", child_model)
        # Before the revision's children are saved back, so that a name or
        # pairing they share with a newer child does not collide.
        try:
            added_since.delete()
        except (ProtectedError, RestrictedError) as error:
            blocking = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
            names = ", ".join(f"“{obj}”" for obj in blocking)
            reason = _("removing the %(children)s added since would delete %(names)s, which other records protect.")
            raise _cannot_restore(
                [reason % {"children": child_model._meta.verbose_name_plural, "names": names}]
            ) from error
        for child_version in wanted:
            missing = _missing_targets(
                {f: v for f, v in _stored_values(child_version).items() if f is not relation.field}
            )
            if missing:
                raise _cannot_restore(
                    [
                        _("the %(model)s “%(name)s” that its %(children)s refer to has since been deleted.")
                        % {"model": model, "name": name, "children": child_model._meta.verbose_name_plural}
                        for model, name in missing
                    ]
                )
            child_version.revert()
            _restore_children(child_version._object_version.object, versions, by)


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
        return str(target) if target is not None else _last_known_name(model_field.related_model, value)
    return str(value)


def _children_diffs(obj: models.Model, now: list[Version], then: list[Version]) -> list[ChildrenDiff]:
    diffs = []
    for relation in followed_children(type(obj)):
        current = {v.object_id: v for v in _children_in(now, obj, relation)}
        restored = {v.object_id: v for v in _children_in(then, obj, relation)}
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
            fields_then = _stored_values(after)
            for model_field, value in _stored_values(before).items():
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
            return sorted(names.get(pk) or _last_known_name(model_field.related_model, pk) for pk in keys)

        change_info = {
            "removed_items": named(before - after),
            "added_items": named(after - before),
            "same_items": named(before & after),
        }
        return render_to_string("reversion-compare/compare_generic_many_to_many.html", {"change_info": change_info})

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
            return self._restore(request, obj, version)
        return self._restore_confirmation(request, obj, version, extra_context)

    def _restore(self, request, obj, version):
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
