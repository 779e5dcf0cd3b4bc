"""What the export holds, table by table, in the order the import loads it, and what it leaves out.

Every concrete field of an exported table is written, so a field added to a model is exported
without anyone listing it (``tests/test_export_import.py`` holds the file to the models). A model
of the workspace's own apps is either exported here or left out in ``LEFT_OUT`` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models

FORMAT = "newsroom-export"
VERSION = 1

# In dependency order: every row refers only to rows of tables above it, so the import can write
# each batch as it reads it. A fact box's published version is the one exception (``DEFERRED``).
ORDER = [
    "auth.group",
    "auth.user",
    "relations.relationshiptype",
    "relations.actor",
    "relations.actoralias",
    "relations.relationship",
    "relations.source",
    "relations.claim",
    "relations.claim_actors",
    "relations.claim_sources",
    "relations.claimrelationship",
    "newsroom.article",
    "newsroom.article_actors",
    "newsroom.articleclaim",
    "newsroom.correction",
    "newsroom.articleevent",
    "newsroom.articledraft",
    "newsroom.articledraft_actors",
    "newsroom.articledraftclaim",
    "newsroom.factbox",
    "newsroom.factboxitem",
    "newsroom.factboxversion",
    "newsroom.factboxreference",
    "newsroom.factboxevent",
    "newsroom.factboxplacement",
    "relations.formerslug",
    "relations.publicchange",
    "relations.feedcounter",
    "reversion.revision",
    "reversion.version",
    "admin.logentry",
]

# Fields written after the table they point at: a box points at its published version, which points
# back at the box. The box is loaded as a draft without it, and both are set once the versions are in.
DEFERRED = {"newsroom.factbox": ("published_version", "status")}

# Left out, and why. The import rebuilds what is derived; the rest belongs to one running server.
LEFT_OUT = {
    "relations.claimreach": (
        "derived: an index of the claims' public_from, written again from them on import "
        "(closure.rebuild_reach), then checked with the rest of the closure"
    ),
    "contenttypes.contenttype": "written by migrate; rows refer to it by app label and model name",
    "auth.permission": "written by migrate; groups and users refer to it by app label, model and codename",
    "sessions.session": "sign-ins to the server exported from: a session key is a credential",
    "axes.accessattempt": "the sign-in lockout counters of the server exported from",
    "axes.accesslog": "the sign-in log of the server exported from (addresses and user agents)",
    "axes.accessfailurelog": "the failed sign-ins of the server exported from",
    "newsroom.previewlink": (
        "preview addresses the server exported from gave out, signed with its secret key: they end "
        "with it, and a new server gives out its own"
    ),
}

# The tables a freshly migrated database already fills: the import replaces them with the file's.
SEEDED = ["auth.group", "relations.relationshiptype", "relations.feedcounter"]


@dataclass(frozen=True)
class Table:
    label: str
    model: type[models.Model]
    # Concrete columns other than the primary key, in the model's order.
    fields: tuple[models.Field, ...]
    # Many-to-many fields without a model of their own here (auth's), written as lists on the row.
    many: tuple[models.ManyToManyField, ...]

    @property
    def names(self) -> list[str]:
        return [field.name for field in self.fields] + [field.name for field in self.many]


def _model(label: str) -> type[models.Model]:
    if label == "auth.user":
        return get_user_model()
    app_label, name = label.split(".")
    return apps.get_app_config(app_label).get_model(name)


@cache
def tables() -> tuple[Table, ...]:
    found = []
    for label in ORDER:
        model = _model(label)
        fields = tuple(field for field in model._meta.local_concrete_fields if not field.primary_key)
        many = tuple(field for field in model._meta.local_many_to_many if field.remote_field.through._meta.auto_created)
        # The workspace's own many-to-many tables are exported as tables (they are listed in ORDER).
        many = tuple(field for field in many if model._meta.app_label not in ("relations", "newsroom"))
        found.append(Table(label=label, model=model, fields=fields, many=many))
    return tuple(found)


def by_label() -> dict[str, Table]:
    return {table.label: table for table in tables()}


def refers_by_name(field: models.Field) -> bool:
    """Whether ``field`` refers to rows the file does not hold, which ``migrate`` writes with ids of
    its own: content types and permissions are named instead."""
    return field.is_relation and field.related_model in (ContentType, Permission)


def content_type_keys() -> dict[int, list[str]]:
    return {
        pk: [app_label, model] for pk, app_label, model in ContentType.objects.values_list("pk", "app_label", "model")
    }


def permission_keys() -> dict[int, list[str]]:
    rows = Permission.objects.values_list("pk", "content_type__app_label", "content_type__model", "codename")
    return {pk: [app_label, model, codename] for pk, app_label, model, codename in rows}
