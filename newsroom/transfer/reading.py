"""Load an export into an empty database: every row as it was, validated, in one transaction.

The rows are restored, not re-enacted: nothing goes through the workflow services, no ``save()``
runs and no signal fires (rows are inserted in batches, with the model's own timestamps, not the
moment of the import), so the feed of changes, the closure and the slug history receive exactly the
file's rows and nothing written on their behalf. Each row is still validated as a form would
validate it (its fields' validators, the model's ``clean()``), and the database holds the rest (its
unique and check constraints); references are checked batch by batch against the rows already in.
Any refusal names the line and rolls everything back.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, reset_queries, transaction

from core import public_state
from newsroom.factboxes.snapshots import forget_review_state
from newsroom.transfer import tables
from newsroom.transfer.tables import Table
from relations import closure
from relations.mentions import forget_index

BATCH = 2000
# A batch is written sooner when its lines are long: a box's published versions can be 70 kB each.
BATCH_BYTES = 4_000_000


class Refused(Exception):
    """The file cannot be loaded as it is; ``line`` is where it went wrong (0: the file as a whole)."""

    def __init__(self, line: int, message: str):
        super().__init__(f"Line {line}: {message}" if line else message)
        self.line = line


@dataclass
class _Pending:
    table: Table
    rows: list[tuple[int, models.Model]] = field(default_factory=list)
    # The many-to-many lists of auth's rows: (line, row, field, ids)
    many: list[tuple[int, models.Model, models.ManyToManyField, list[int]]] = field(default_factory=list)


@dataclass
class Report:
    counts: dict[str, int]
    passwords: bool


def holding() -> list[str]:
    """The exported tables that hold rows beyond what ``migrate`` writes: an import refuses them."""
    from relations.feed import COUNTER
    from relations.models import FeedCounter

    held = []
    for table in tables.tables():
        if table.label == "relations.feedcounter":
            if FeedCounter.objects.exclude(pk=COUNTER, last=0).exists():
                held.append(table.label)
        elif table.label not in tables.SEEDED and table.model._base_manager.exists():
            held.append(table.label)
    return held


def _line(text: str, number: int) -> dict[str, Any]:
    if not text.endswith("\n"):
        raise Refused(number, "the line is not terminated: the file was cut off.")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise Refused(number, f"not valid JSON ({error.msg} at column {error.colno}).") from None
    if not isinstance(value, dict):
        raise Refused(number, "not a JSON object.")
    return value


def read_header(text: str) -> dict[str, Any]:
    if not text:
        raise Refused(1, "the file is empty: it has no header.")
    header = _line(text, 1)
    if header.get("format") != tables.FORMAT:
        raise Refused(1, f"the header does not name the format {tables.FORMAT!r}: this is not a newsroom export.")
    version = header.get("version")
    if version != tables.VERSION:
        raise Refused(
            1,
            f"the file is format version {version!r}; this workspace reads version {tables.VERSION} "
            "(load it with the workspace version that exported it).",
        )
    counts = header.get("counts")
    if not isinstance(counts, dict) or not all(isinstance(n, int) for n in counts.values()):
        raise Refused(1, "the header has no row counts.")
    unknown = set(counts) - set(tables.ORDER)
    if unknown:
        raise Refused(1, f"the header counts tables this workspace does not export: {', '.join(sorted(unknown))}.")
    if not isinstance(header.get("passwords"), bool):
        raise Refused(1, "the header does not say whether passwords are carried.")
    return header


class _Loader:
    def __init__(self, *, passwords: bool):
        self.passwords = passwords
        self.by_label = tables.by_label()
        self.position = {label: index for index, label in enumerate(tables.ORDER)}
        self.current = -1
        self.pending: _Pending | None = None
        self.pending_bytes = 0
        self.counts: dict[str, int] = defaultdict(int)
        self.content_types = {tuple(key): pk for pk, key in tables.content_type_keys().items()}
        self.permissions = {tuple(key): pk for pk, key in tables.permission_keys().items()}
        # {box: (line, status, published version)}, set once the versions are in.
        self.deferred: dict[int, tuple[int, str, int | None]] = {}

    # --- One row ---------------------------------------------------------------------------

    def row(self, number: int, value: dict[str, Any], size: int = 0) -> None:
        label, pk, values = value.get("model"), value.get("pk"), value.get("fields")
        table = self.by_label.get(label) if isinstance(label, str) else None
        if table is None:
            raise Refused(number, f"unknown model {label!r}.")
        if self.position[label] < self.current:
            raise Refused(number, f"a {label} row after the rows of {tables.ORDER[self.current]}: out of order.")
        if not isinstance(pk, int) or isinstance(pk, bool) or pk < 1:
            raise Refused(number, f"{label}: the primary key {pk!r} is not a positive integer.")
        if not isinstance(values, dict):
            raise Refused(number, f"{label} {pk}: no fields.")
        missing, extra = set(table.names) - set(values), set(values) - set(table.names)
        if missing or extra:
            problems = [
                f"{what} {', '.join(sorted(names))}" for what, names in (("no", missing), ("unknown", extra)) if names
            ]
            raise Refused(number, f"{label} {pk}: {'; '.join(problems)} (fields of this workspace's {label}).")
        if self.position[label] > self.current:
            self.flush()
            self.current = self.position[label]
            self.pending = _Pending(table)
        obj = self.build(number, table, pk, values)
        self.pending.rows.append((number, obj))
        self.counts[label] += 1
        for many in table.many:
            self.pending.many.append((number, obj, many, self.many_ids(number, table, pk, many, values[many.name])))
        self.pending_bytes += size
        if len(self.pending.rows) >= BATCH or self.pending_bytes >= BATCH_BYTES:
            self.flush()

    def build(self, number: int, table: Table, pk: int, values: dict[str, Any]) -> models.Model:
        where = f"{table.label} {pk}"
        attributes = {table.model._meta.pk.attname: pk}
        for model_field in table.fields:
            value = values[model_field.name]
            if tables.refers_by_name(model_field) and value is not None:
                if not isinstance(value, list) or tuple(value) not in self.content_types:
                    raise Refused(number, f"{where}: {model_field.name} names no content type here: {value!r}.")
                value = self.content_types[tuple(value)]
            elif isinstance(model_field, models.DateTimeField) and value is not None:
                value = _datetime(number, where, model_field.name, value)
            elif isinstance(model_field, models.DateField) and value is not None:
                value = _date(number, where, model_field.name, value)
            elif model_field.name == "password" and table.label == "auth.user" and value is None:
                if self.passwords:
                    raise Refused(number, f"{where}: no password hash, though the header says they are carried.")
                value = make_password(None)
            attributes[model_field.attname] = value
        obj = table.model(**attributes)
        related = [f.name for f in table.fields if f.is_relation]
        try:
            obj.clean_fields(exclude=related)
            kept = {f.attname: getattr(obj, f.attname) for f in table.fields}
            # clean() judges the row; what it would tidy (whitespace, a symmetric tie's order) stays as recorded.
            obj.clean()
            for attname, kept_value in kept.items():
                setattr(obj, attname, kept_value)
        except ValidationError as error:
            raise Refused(number, f"{where}: {_messages(error)}") from None
        if table.label in tables.DEFERRED:
            self.deferred[pk] = (number, obj.status, obj.published_version_id)
            obj.status, obj.published_version_id = "draft", None
        return obj

    def many_ids(self, number: int, table: Table, pk: int, many: models.ManyToManyField, value: Any) -> list[int]:
        if not isinstance(value, list):
            raise Refused(number, f"{table.label} {pk}: {many.name} is not a list.")
        if not tables.refers_by_name(many):
            if not all(isinstance(item, int) for item in value):
                raise Refused(number, f"{table.label} {pk}: {many.name} holds something other than ids.")
            return value
        ids = []
        for item in value:
            key = tuple(item) if isinstance(item, list) else None
            if key not in self.permissions:
                raise Refused(number, f"{table.label} {pk}: {many.name} names no permission here: {item!r}.")
            ids.append(self.permissions[key])
        return ids

    # --- A batch -----------------------------------------------------------------------------

    def flush(self) -> None:
        pending = self.pending
        if pending is None or not pending.rows:
            return
        table = pending.table
        self._no_duplicates(table, pending.rows)
        for model_field in table.fields:
            if model_field.is_relation and not tables.refers_by_name(model_field):
                refs = [(line, getattr(obj, model_field.attname)) for line, obj in pending.rows]
                self._exist(table, model_field.name, model_field.related_model, refs)
        self._insert(table.model, pending.rows)
        for many in table.many:
            through = many.remote_field.through
            source, target = many.m2m_field_name(), many.m2m_reverse_field_name()
            links = [(line, obj, ids) for line, obj, field_, ids in pending.many if field_ is many]
            if not tables.refers_by_name(many):
                self._exist(table, many.name, many.related_model, [(line, i) for line, _obj, ids in links for i in ids])
            rows = [
                (line, through(**{f"{source}_id": obj.pk, f"{target}_id": i})) for line, obj, ids in links for i in ids
            ]
            self._insert(through, rows, raw=False)
        pending.rows, pending.many = [], []
        self.pending_bytes = 0
        # With DEBUG on, every statement is kept: a long import would hold thousands of batches' SQL.
        reset_queries()

    def _no_duplicates(self, table: Table, rows: list[tuple[int, models.Model]]) -> None:
        seen: dict[int, int] = {}
        for line, obj in rows:
            if obj.pk in seen:
                raise Refused(line, f"{table.label} {obj.pk} again (first on line {seen[obj.pk]}).")
            seen[obj.pk] = line
        taken = set(table.model._base_manager.filter(pk__in=list(seen)).values_list("pk", flat=True))
        for line, obj in rows:
            if obj.pk in taken:
                raise Refused(line, f"{table.label} {obj.pk} again (an earlier line holds it).")

    def _exist(self, table: Table, name: str, target: type[models.Model], refs: Iterable[tuple[int, Any]]) -> None:
        wanted = [(line, pk) for line, pk in refs if pk is not None]
        if not wanted:
            return
        found = set()
        pks = sorted({pk for _line, pk in wanted})
        for start in range(0, len(pks), BATCH):
            found.update(target._base_manager.filter(pk__in=pks[start : start + BATCH]).values_list("pk", flat=True))
        for line, pk in wanted:
            if pk not in found:
                raise Refused(
                    line,
                    f"{table.label}: {name} refers to {target._meta.label_lower} {pk}, "
                    "which no earlier line of the file holds.",
                )

    def _insert(self, model: type[models.Model], rows: list[tuple[int, models.Model]], *, raw: bool = True) -> None:
        if not rows:
            return
        objs = [obj for _line, obj in rows]
        columns = (
            model._meta.local_concrete_fields
            if raw
            else [f for f in model._meta.local_concrete_fields if not f.primary_key]
        )
        manager = model._base_manager
        size = max(1, connection.ops.bulk_batch_size(columns, objs))
        try:
            with transaction.atomic():
                for start in range(0, len(objs), size):
                    # raw: the row's own timestamps, not auto_now's; no save(), no signals.
                    manager._insert(objs[start : start + size], fields=columns, raw=raw, using=manager.db)
        except IntegrityError:
            # Which row? One at a time, each in its own savepoint, to name its line.
            for line, obj in rows:
                try:
                    with transaction.atomic():
                        manager._insert([obj], fields=columns, raw=raw, using=manager.db)
                except IntegrityError as error:
                    label = model._meta.label_lower
                    raise Refused(line, f"{label} {obj.pk}: the database refuses it: {_first_line(error)}") from None

    # --- The end -------------------------------------------------------------------------------

    def finish(self, header: dict[str, Any], last_line: int) -> None:
        self.flush()
        expected = {label: n for label, n in header["counts"].items() if n}
        found = {label: n for label, n in self.counts.items() if n}
        if expected != found:
            differing = [
                f"{label}: {found.get(label, 0)} of {expected.get(label, 0)}"
                for label in tables.ORDER
                if found.get(label, 0) != expected.get(label, 0)
            ]
            raise Refused(
                last_line,
                "the file ends here, but its rows do not add up to the counts in its header "
                f"({'; '.join(differing)}): it is incomplete or was edited.",
            )
        self._set_deferred()

    def _set_deferred(self) -> None:
        from newsroom.models import FactBox, FactBoxVersion

        versions = [(line, version) for line, _status, version in self.deferred.values() if version is not None]
        self._exist(self.by_label["newsroom.factbox"], "published_version", FactBoxVersion, versions)
        by_state: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        for pk, (_line, status, version) in self.deferred.items():
            if (status, version) != ("draft", None):
                by_state[(status, version)].append(pk)
        for (status, version), pks in by_state.items():
            try:
                with transaction.atomic():
                    FactBox.objects.filter(pk__in=pks).update(status=status, published_version_id=version)
            except IntegrityError as error:
                line = self.deferred[pks[0]][0]
                raise Refused(
                    line, f"newsroom.factbox {pks[0]}: the database refuses it: {_first_line(error)}"
                ) from None


def _datetime(number: int, where: str, name: str, value: Any) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise Refused(number, f"{where}: {name} is not a date and time with its offset: {value!r}.")
    return parsed


def _date(number: int, where: str, name: str, value: Any) -> datetime.date:
    try:
        if isinstance(value, str) and len(value) == 10:
            return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    raise Refused(number, f"{where}: {name} is not a date (YYYY-MM-DD): {value!r}.")


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _reset_sequences() -> None:
    models_ = [table.model for table in tables.tables()]
    models_ += [field.remote_field.through for table in tables.tables() for field in table.many]
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _clear_seeded() -> None:
    for label in reversed(tables.SEEDED):
        tables.by_label()[label].model._base_manager.all().delete()


def load(source: TextIO) -> Report:
    """Load the export ``source`` into this (empty) database, or refuse it whole (``Refused``)."""
    header = read_header(source.readline())
    held = holding()
    if held:
        raise Refused(0, f"The database is not empty ({', '.join(held)}): import into a freshly migrated one.")
    loader = _Loader(passwords=header["passwords"])
    number = 1
    with transaction.atomic():
        _clear_seeded()
        for number, text in enumerate(source, start=2):
            if not text.strip() and text.endswith("\n"):
                raise Refused(number, "an empty line.")
            loader.row(number, _line(text, number), len(text))
        loader.finish(header, number)
        _reset_sequences()
        closure.rebuild_reach()
        drift = closure.check()
        if drift:
            summary = ", ".join(f"{kind} {n}" for kind, n in drift.summary().items() if n)
            raise Refused(
                0,
                f"The published closure in the file differs from what its content derives ({summary}). "
                "Run check_closure --repair on the database it came from and export again.",
            )
        if connection.vendor == "postgresql":
            # Anything a deferred foreign key would refuse at commit, refused here with the rest.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Every cached answer, the mention index and the boxes' review state were made from other rows.
        public_state.forget()
        transaction.on_commit(forget_index)
        transaction.on_commit(forget_review_state)
    return Report(counts=dict(loader.counts), passwords=header["passwords"])
