"""Restoring a revision of editorial content without touching its workflow state.

Revisions leave out workflow and bookkeeping fields on purpose (an article's
status and publication times, a claim's verdict, every ``edit_count``;
see the ``reversion.register`` calls in the models). django-reversion's own
revert saves the stored object whole, which would bring those fields back as
model defaults: a published article would silently become a draft and its
edit count would reset. ``revision_restore`` copies only what the
revision stored onto the current row instead.
"""

from __future__ import annotations

import json
from typing import Any

import reversion
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError, models, transaction
from django.db.models import ForeignObjectRel, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.errors import RevertError
from reversion.models import Version
from reversion.revisions import _get_options

from relations import closure
from relations.models import SlugHistoryModel
from relations.services import record_slug_change


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
    The edit count goes up, so a form opened before the restore is
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
    # A model may narrow who changes a given row (an article readers can see needs an editor).
    editable_by = getattr(obj, "editable_by", None)
    if editable_by is not None and not editable_by(by):
        raise PermissionDenied(_("You may not change this %(model)s.") % {"model": model._meta.verbose_name})
    stored = stored_values(version)
    missing = _missing_targets(stored)
    if missing:
        raise _cannot_restore(
            [
                _("the %(model)s “%(name)s” it refers to has since been deleted.") % {"model": model, "name": name}
                for model, name in missing
            ]
        )

    former_slug = obj.slug if isinstance(obj, SlugHistoryModel) else None
    for model_field, value in stored.items():
        if not model_field.many_to_many:
            setattr(obj, model_field.attname, value)
    renamed = former_slug is not None and obj.slug != former_slug
    if renamed and not obj.slug_changeable_by(by):
        # The old slug would keep leading readers on, but moving a public address is an editor's call.
        raise PermissionDenied(
            _("Restoring this revision would change an address readers have, which only an editor may do.")
        )
    bookkeeping = [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    if any(f.name == "edit_count" for f in model._meta.concrete_fields):
        obj.edit_count += 1
        bookkeeping.append("edit_count")
    try:
        obj.full_clean()
    except ValidationError as error:
        raise _cannot_restore(error.messages) from error

    # Restored links change what the object makes public; the closure follows in this transaction.
    watched = model._default_manager.filter(pk=obj.pk)
    with closure.maintained(watched):
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
                if renamed:
                    record_slug_change(target=obj, former_slug=former_slug, by=by)
        except IntegrityError as error:
            raise _cannot_restore([_("it conflicts with the current data (%(error)s).") % {"error": error}]) from error
        except (RevertError, DeserializationError) as error:
            raise _cannot_restore([str(error)]) from error
        # What reaches the object may have come back with it too (a relationship's links to claims).
        closure.refresh(watched)

    # Restored links can bring an object into published content (a relationship linked
    # back to a public claim): what the restore made must still be the user's to change.
    restored = model._base_manager.get(pk=obj.pk)
    if hasattr(restored, "editable_by") and not restored.editable_by(by):
        raise PermissionDenied(_("Restoring this revision would change what readers see, which only an editor may do."))
    return obj


def _cannot_restore(reasons: list[str]) -> ValidationError:
    return ValidationError(_("This revision cannot be restored: %(reasons)s") % {"reasons": " ".join(reasons)})


def stored_values(version: Version) -> dict[models.Field, Any]:
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
        problems.extend((target._meta.verbose_name, last_known_name(target, pk)) for pk in missing)
    return problems


def last_known_name(model: type[models.Model], pk: Any) -> str:
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


def children_in(versions: list[Version], parent: models.Model, relation: ForeignObjectRel) -> list[Version]:
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
        wanted = children_in(versions, parent, relation)
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
                {f: v for f, v in stored_values(child_version).items() if f is not relation.field}
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
