"""The export and import of the whole newsroom: complete, lossless across databases, and refused whole
when the file or the database is not fit (docs/export-format.md)."""

import io
import json
import shutil
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from newsroom.models import Article, FactBox
from newsroom.transfer import tables
from relations.models import FeedCounter, PublicChange, RelationshipType
from tests.test_settings import _manage

SCRIPTS = Path(__file__).resolve().parent / "transfer_scripts"
POSTGRES = "postgres://postgres@127.0.0.1:5432"


def _export(**options) -> list[str]:
    out = io.StringIO()
    call_command("export_newsroom", "-", stdout=out, **options)
    return out.getvalue().splitlines(keepends=True)


def _rows(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines[1:]]


# --- The file --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_file_is_the_owners_alone_and_holds_what_standard_output_does(tmp_path):
    path = tmp_path / "newsroom.jsonl"
    call_command("export_newsroom", str(path), stderr=io.StringIO())
    assert path.stat().st_mode & 0o777 == 0o600
    written = path.read_text().splitlines(keepends=True)
    assert [json.loads(line) for line in written[1:]] == _rows(_export())


@pytest.mark.django_db
def test_a_failed_export_leaves_the_last_good_file(tmp_path, monkeypatch):
    path = tmp_path / "newsroom.jsonl"
    path.write_text("the last good export\n")

    def fail_half_way(out, **options):
        out.write('{"format": "half"}\n')
        raise RuntimeError("the database went away")

    monkeypatch.setattr("newsroom.transfer.writing.export", fail_half_way)
    with pytest.raises(RuntimeError):
        call_command("export_newsroom", str(path), stderr=io.StringIO())
    assert path.read_text() == "the last good export\n"
    assert list(tmp_path.iterdir()) == [path]


def test_an_export_into_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_newsroom", str(tmp_path / "nowhere" / "newsroom.jsonl"))


# --- Completeness --------------------------------------------------------------------------


def test_every_model_of_the_workspace_is_exported_or_left_out_with_a_reason():
    own = {
        model._meta.label_lower
        for app in ("relations", "newsroom")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }
    assert own - set(tables.ORDER) - set(tables.LEFT_OUT) == set()
    assert set(tables.ORDER) & set(tables.LEFT_OUT) == set()
    assert all(reason.strip() for reason in tables.LEFT_OUT.values())


def test_every_row_carries_every_concrete_field_of_its_model(demo):
    lines = _export(with_passwords=True)
    seen = set()
    for row in _rows(lines):
        model = tables.by_label()[row["model"]].model
        columns = {field.name for field in model._meta.concrete_fields if not field.primary_key}
        many = {
            field.name for field in model._meta.many_to_many if model._meta.app_label not in ("relations", "newsroom")
        }
        assert set(row["fields"]) == columns | many, row["model"]
        assert row["pk"] == model._base_manager.values_list("pk", flat=True).get(pk=row["pk"])
        seen.add(row["model"])
    # The demo fills every table but those its story has no use for.
    assert set(tables.ORDER) - seen == {
        "newsroom.correction",
        "newsroom.articledraft",
        "newsroom.articledraft_actors",
        "newsroom.articledraftclaim",
        "relations.formerslug",
        "admin.logentry",
    }
    header = json.loads(lines[0])
    assert header["counts"] == {table.label: table.model._base_manager.count() for table in tables.tables()}


def test_passwords_are_carried_only_when_asked(demo):
    hashes = set(get_user_model().objects.values_list("password", flat=True))
    without, with_ = _export(), _export(with_passwords=True)
    assert json.loads(without[0])["passwords"] is False
    assert not any(digest in line for digest in hashes for line in without)
    assert all(row["fields"]["password"] is None for row in _rows(without) if row["model"] == "auth.user")
    assert {row["fields"]["password"] for row in _rows(with_) if row["model"] == "auth.user"} == hashes


# --- Across databases ----------------------------------------------------------------------


def _env(database_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "testserver",
    }


def _run(*args: str, env: dict[str, str]) -> str:
    result = _manage(*args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _shell(env: dict[str, str], *parts: str) -> str:
    """Runs the code ``parts`` in one ``manage.py shell``: a process costs seconds to start."""
    return _run("shell", "-c", "\n".join(parts), env=env)


def _script(name: str) -> str:
    return (SCRIPTS / name).read_text()


def _answers(path: Path) -> str:
    return f"ANSWERS = {str(path)!r}\n" + _script("public_answers.py")


def _without_moment(lines: list[str]) -> list[str]:
    header = json.loads(lines[0])
    header.pop("exported_at")
    return [json.dumps(header), *lines[1:]]


@pytest.fixture
def postgres_database():
    name = f"export_import_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"{POSTGRES}/{name}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
@pytest.mark.xdist_group("export_import_round_trip")
def test_sqlite_to_postgresql_to_sqlite_loses_nothing(tmp_path, postgres_database):
    source, copy = tmp_path / "source.sqlite3", tmp_path / "copy.sqlite3"
    source_env, postgres_env, copy_env = _env(f"sqlite:///{source}"), _env(postgres_database), _env(f"sqlite:///{copy}")
    _run("migrate", "--verbosity", "0", env=source_env)
    shutil.copy(source, copy)
    first, second, third = (tmp_path / f"{n}.jsonl" for n in ("first", "second", "third"))
    answers = [tmp_path / f"{n}.json" for n in ("source", "postgresql", "copy")]

    load_demo = "from django.core.management import call_command; call_command('load_demo')"
    assert _shell(source_env, load_demo, _script("every_table.py"), _answers(answers[0])).strip().endswith("filled")
    _run("export_newsroom", "--with-passwords", str(first), env=source_env)
    _run("migrate", "--verbosity", "0", env=postgres_env)
    _run("import_newsroom", str(first), env=postgres_env)
    # The sequences go on after the file's keys: the next actor takes the next number.
    new_actor = (
        "from relations.models import Actor\n"
        "print('next actor', Actor.objects.create(kind='country', name='Newland', slug='newland').pk)"
    )
    export = (
        "from django.core.management import call_command; call_command('export_newsroom', '--with-passwords', {!r})"
    )
    printed = _shell(postgres_env, export.format(str(second)), _answers(answers[1]), new_actor)
    _run("import_newsroom", str(second), env=copy_env)
    _shell(copy_env, export.format(str(third)), _answers(answers[2]))

    exported = [path.read_text().splitlines(keepends=True) for path in (first, second, third)]
    # Every table holds rows, so nothing could go missing unnoticed.
    counts = json.loads(exported[0][0])["counts"]
    assert [label for label, n in counts.items() if not n] == []
    assert _without_moment(exported[1]) == _without_moment(exported[0])
    assert _without_moment(exported[2]) == _without_moment(exported[0])

    source_answers, postgres_answers, copy_answers = (json.loads(path.read_text()) for path in answers)
    assert len(source_answers) > 60
    # Live content answers, a former slug redirects, withdrawn and scheduled content is kept from readers.
    assert {status for status, _body in source_answers.values()} == {200, 301, 404, 410}
    assert postgres_answers == source_answers
    assert copy_answers == source_answers

    highest = max(row["pk"] for row in _rows(exported[0]) if row["model"] == "relations.actor")
    assert f"next actor {highest + 1}" in printed


# --- Into this database --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_export(django_db_setup, django_db_blocker):
    """The demo's export, made in a transaction rolled back afterwards, so that the tests import it
    into an empty database."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEMO_CONTENT=True):
            call_command("load_demo", stdout=io.StringIO())
        lines = _export(with_passwords=True)
        transaction.set_rollback(True)
    return lines


def _content_tables() -> dict[str, int]:
    return {
        table.label: table.model._base_manager.count()
        for table in tables.tables()
        if table.model._base_manager.exists()
    }


def _import(tmp_path: Path, lines: list[str]) -> str:
    path = tmp_path / "export.jsonl"
    path.write_text("".join(lines))
    before = _content_tables()
    with pytest.raises(CommandError) as refused:
        call_command("import_newsroom", str(path), stdout=io.StringIO())
    assert _content_tables() == before, "a refused import wrote rows"
    assert "Nothing was imported" in str(refused.value)
    return str(refused.value)


def _line_of(lines: list[str], model: str, nth: int = 1) -> int:
    """The line of the ``nth`` row of ``model`` (keys are not 1, 2…: PostgreSQL's sequences move on
    with every test's rolled-back rows)."""
    found = 0
    for number, line in enumerate(lines, start=1):
        if json.loads(line).get("model") == model:
            found += 1
            if found == nth:
                return number
    raise AssertionError(f"no row {nth} of {model}")


def _pk(lines: list[str], number: int) -> int:
    return json.loads(lines[number - 1])["pk"]


def _edit(lines: list[str], number: int, change) -> list[str]:
    row = json.loads(lines[number - 1])
    change(row)
    return [*lines[: number - 1], json.dumps(row) + "\n", *lines[number:]]


def test_an_import_restores_the_file_and_writes_nothing_on_its_behalf(db, tmp_path, demo_export):
    from core import public_state
    from relations import closure

    generation = public_state.current()
    path = tmp_path / "export.jsonl"
    path.write_text("".join(demo_export))
    out = io.StringIO()
    call_command("import_newsroom", str(path), stdout=out)
    assert "Imported" in out.getvalue()
    # Exactly the file's rows: no feed entry, former slug or revision written by signals or services.
    assert _without_moment(_export(with_passwords=True)) == _without_moment(demo_export)
    feed = [row for row in _rows(demo_export) if row["model"] == "relations.publicchange"]
    assert list(PublicChange.objects.order_by("pk").values_list("pk", "position")) == [
        (row["pk"], row["fields"]["position"]) for row in feed
    ]
    assert FeedCounter.objects.get().last == max(row["fields"]["position"] or 0 for row in feed)
    # ClaimReach was derived again, and the closure agrees with the content.
    assert not closure.check()
    assert public_state.lookup() != generation
    scheduled = Article.objects.get(slug="russia-and-north-korea-the-one-pact-with-teeth")
    assert scheduled.is_scheduled and not FactBox.objects.filter(status="published", published_version=None).exists()


def test_a_database_that_holds_content_is_refused(demo, tmp_path, demo_export):
    message = _import(tmp_path, demo_export)
    assert "The database is not empty (auth.user, relations.actor" in message


def test_what_migrate_writes_is_replaced_by_the_file(db, tmp_path, demo_export):
    RelationshipType.objects.create(name="Extra", slug="extra", label="x", inverse_label="y", category="economic")
    path = tmp_path / "export.jsonl"
    path.write_text("".join(demo_export))
    call_command("import_newsroom", str(path), stdout=io.StringIO())
    exported = {row["pk"] for row in _rows(demo_export) if row["model"] == "relations.relationshiptype"}
    assert set(RelationshipType.objects.values_list("pk", flat=True)) == exported


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "Line 1: the file is empty"),
        ("{not json\n", "Line 1: not valid JSON"),
        ('{"format": "something-else", "version": 1}\n', "Line 1: the header does not name the format"),
        ('{"format": "newsroom-export"}\n', "Line 1: the file is format version None"),
        ('{"format": "newsroom-export", "version": 2, "counts": {}}\n', "Line 1: the file is format version 2"),
    ],
)
def test_a_missing_or_foreign_header_is_refused(db, tmp_path, demo_export, header, expected):
    assert expected in _import(tmp_path, [header, *demo_export[1:]] if header else [])


def test_invalid_json_is_refused_at_its_line(db, tmp_path, demo_export):
    lines = list(demo_export)
    number = _line_of(lines, "relations.claim")
    lines[number - 1] = lines[number - 1][:40] + "\n"
    assert f"Line {number}: not valid JSON" in _import(tmp_path, lines)


def test_a_file_cut_off_is_refused(db, tmp_path, demo_export):
    cut = "".join(demo_export)[:-30]
    lines = cut.splitlines(keepends=True)
    assert f"Line {len(lines)}: the line is not terminated" in _import(tmp_path, lines)
    # Cut between two lines: the header's counts say what is missing.
    whole = demo_export[: _line_of(demo_export, "relations.publicchange") - 1]
    message = _import(tmp_path, whole)
    assert f"Line {len(whole)}: the file ends here" in message
    assert "relations.publicchange: 0 of" in message


def test_an_unknown_model_is_refused(db, tmp_path, demo_export):
    number = _line_of(demo_export, "relations.source")
    lines = _edit(demo_export, number, lambda row: row.update(model="relations.rumour"))
    assert f"Line {number}: unknown model 'relations.rumour'" in _import(tmp_path, lines)


def test_rows_out_of_order_are_refused(db, tmp_path, demo_export):
    number = _line_of(demo_export, "relations.claim")
    lines = [*demo_export, demo_export[_line_of(demo_export, "relations.actor") - 1]]
    lines.insert(number, lines.pop())
    assert f"Line {number + 1}: a relations.actor row after the rows of relations.claim" in _import(tmp_path, lines)


def test_a_field_that_fails_validation_is_refused(db, tmp_path, demo_export):
    number = _line_of(demo_export, "relations.source")
    lines = _edit(demo_export, number, lambda row: row["fields"].update(url="javascript:alert(1)"))
    message = _import(tmp_path, lines)
    assert f"Line {number}: relations.source" in message and "url: Enter a valid URL." in message
    number = _line_of(demo_export, "relations.actor")
    lines = _edit(demo_export, number, lambda row: row["fields"].update(kind="planet"))
    assert f"Line {number}: relations.actor" in _import(tmp_path, lines)
    lines = _edit(demo_export, number, lambda row: row["fields"].update(created_at="2025-01-01T10:00:00"))
    pk = _pk(demo_export, number)
    assert f"Line {number}: relations.actor {pk}: created_at is not a date and time with its offset" in _import(
        tmp_path, lines
    )
    lines = _edit(demo_export, number, lambda row: row["fields"].pop("wikidata_id"))
    assert f"Line {number}: relations.actor {pk}: no wikidata_id" in _import(tmp_path, lines)


def test_a_row_the_database_refuses_is_refused_at_its_line(db, tmp_path, demo_export):
    first, second = _line_of(demo_export, "relations.actor", 1), _line_of(demo_export, "relations.actor", 2)
    slug = json.loads(demo_export[first - 1])["fields"]["slug"]
    lines = _edit(demo_export, second, lambda row: row["fields"].update(slug=slug))
    assert f"Line {second}: relations.actor {_pk(lines, second)}: the database refuses it" in _import(tmp_path, lines)


def test_a_reference_to_a_row_not_in_the_file_is_refused(db, tmp_path, demo_export):
    number = _line_of(demo_export, "relations.claim")
    lines = _edit(demo_export, number, lambda row: row["fields"].update(attributed_to=9999))
    message = _import(tmp_path, lines)
    assert f"Line {number}: relations.claim: attributed_to refers to relations.actor 9999" in message
    number = _line_of(demo_export, "newsroom.factbox")
    lines = _edit(demo_export, number, lambda row: row["fields"].update(published_version=9999))
    assert f"Line {number}: newsroom.factbox: published_version refers to newsroom.factboxversion 9999" in _import(
        tmp_path, lines
    )


def test_a_primary_key_given_twice_is_refused(db, tmp_path, demo_export):
    number = _line_of(demo_export, "relations.actor", 2)
    lines = [*demo_export[:number], demo_export[number - 1], *demo_export[number:]]
    pk = _pk(lines, number)
    assert f"Line {number + 1}: relations.actor {pk} again (first on line {number})" in _import(tmp_path, lines)


def test_a_closure_that_disagrees_with_the_content_is_refused(db, tmp_path, demo_export):
    number = _line_of(demo_export, "relations.claim")
    lines = _edit(demo_export, number, lambda row: row["fields"].update(public_from=None))
    assert "The published closure in the file differs from what its content derives" in _import(tmp_path, lines)


def test_without_passwords_nobody_can_sign_in_to_the_copy(db, tmp_path, demo_export):
    lines = [json.loads(line) for line in demo_export]
    lines[0]["passwords"] = False
    for row in lines[1:]:
        if row["model"] == "auth.user":
            row["fields"]["password"] = None
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in lines))
    call_command("import_newsroom", str(path), stdout=io.StringIO())
    assert get_user_model().objects.count() == 3
    assert not any(user.has_usable_password() for user in get_user_model().objects.all())
