"""Write the whole newsroom as JSON Lines: a header, then one row per line (docs/export-format.md)."""

from __future__ import annotations

import datetime
import decimal
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, TextIO

from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from newsroom.transfer import tables
from newsroom.transfer.tables import Table

CHUNK = 2000
JSON_CHUNK = 100


def dumps(value: dict[str, Any]) -> str:
    # Keys sorted: PostgreSQL's jsonb keeps no key order, and two exports of one record must be the same bytes.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def encode(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            raise ValueError(f"naive datetime {value!r}")
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def header(*, passwords: bool, counts: dict[str, int]) -> dict[str, Any]:
    applied = MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name")
    latest = {}
    for app, name in applied:
        if app in ("relations", "newsroom", "auth", "reversion", "admin"):
            latest[app] = max(latest.get(app, name), name)
    return {
        "format": tables.FORMAT,
        "version": tables.VERSION,
        "exported_at": encode(timezone.now()),
        "passwords": passwords,
        "migrations": latest,
        "counts": counts,
    }


def _many(table: Table, permissions: dict[int, list[str]]) -> dict[int, dict[str, list]]:
    """The many-to-many lists of every row of ``table`` (auth's users and groups: a few hundred rows)."""
    lists: dict[int, dict[str, list]] = defaultdict(lambda: {field.name: [] for field in table.many})
    for field in table.many:
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        named = tables.refers_by_name(field)
        for owner, other in through.objects.values_list(f"{source}_id", f"{target}_id").iterator(chunk_size=CHUNK):
            lists[owner][field.name].append(permissions[other] if named else other)
    for row in lists.values():
        for values in row.values():
            values.sort()
    return lists


def rows(table: Table, *, passwords: bool, content_types: dict, permissions: dict) -> Iterator[dict[str, Any]]:
    names = [field.attname for field in table.fields]
    many = _many(table, permissions) if table.many else {}
    queryset = table.model._base_manager.order_by("pk").values_list("pk", *names)
    # A box's published versions can be 70 kB each: fewer of them at a time.
    has_json = any(isinstance(field, models.JSONField) for field in table.fields)
    for pk, *values in queryset.iterator(chunk_size=JSON_CHUNK if has_json else CHUNK):
        fields = {}
        for field, value in zip(table.fields, values, strict=True):
            if tables.refers_by_name(field) and value is not None:
                value = content_types[value]
            elif field.name == "password" and table.label == "auth.user" and not passwords:
                value = None
            fields[field.name] = encode(value)
        for field in table.many:
            fields[field.name] = many[pk][field.name] if pk in many else []
        yield {"model": table.label, "pk": pk, "fields": fields}


def export(out: TextIO, *, passwords: bool = False) -> dict[str, int]:
    """Write every exported table to ``out`` from one consistent view of the database; returns the counts."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table, as the counts in the header are read first. (SQLite's
            # transaction reads one snapshot anyway.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        counts = {table.label: table.model._base_manager.count() for table in tables.tables()}
        out.write(dumps(header(passwords=passwords, counts=counts)) + "\n")
        content_types, permissions = tables.content_type_keys(), tables.permission_keys()
        for table in tables.tables():
            for row in rows(table, passwords=passwords, content_types=content_types, permissions=permissions):
                out.write(dumps(row) + "\n")
    return counts
