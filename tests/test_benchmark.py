"""`manage.py benchmark` end to end at a tiny scale: two demo databases, one short run.

A smoke test of the command, not a measurement: it asserts that every row is there and nothing
failed, never how fast anything was. PostgreSQL only, like the benchmark itself.
"""

import os
import shutil
import subprocess
import sys
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings

from tests.helpers import missing
from tests.test_settings import ROOT

pytestmark = [pytest.mark.benchmark, pytest.mark.slow]

COLLECTIONS = ["articles", "factboxes", "changes", "claims", "actors", "relationship-types", "relationships"]
ROWS = [
    *(f"API {name}, first page" for name in COLLECTIONS),
    *(f"API {name}, page 50" for name in COLLECTIONS),
    "API claims by actor",
    "API relationships by actor and active_on",
    "API actors by q",
    "API articles by actor",
    "API story detail",
    "API network, depth 2",
    "front page",
    "story page",
    "actor page",
    "embed, hot",
    "embed, pinned version",
    "embed, 304",
    "oEmbed",
    "static file, same size as the embed",
    "admin start page",
    "admin fact boxes, filter review",
    "admin claims, search",
    "admin claims, filter actors",
    "admin actor, change form",
    "admin claim, change form",
    "publish a relationship map",
    "publish a key facts box",
]


def _postgres_url(name: str) -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _admin_connection() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=True,
    )


@pytest.fixture
def demo_databases():
    """Two migrated databases, one holding the demo content and one a small synthetic archive,
    dropped afterwards."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the benchmark runs on PostgreSQL")
    names = [f"benchtest_{os.getpid()}_{scale}" for scale in ("small", "large")]
    with _admin_connection() as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{names[0]}"')
    try:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", "/"),
            "DEBUG": "1",
            "DEMO_CONTENT": "1",
        }

        def manage(name: str, *command: str) -> None:
            result = subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env={**env, "DATABASE_URL": _postgres_url(name)},
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stdout + result.stderr

        manage(names[0], "migrate", "--noinput", "-v0")
        # The second starts as a copy of the first: migrating once is most of the set-up.
        with _admin_connection() as connection:
            connection.execute(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"')
        manage(names[0], "load_demo")
        # The larger one is the synthetic archive the real benchmark measures, at a small scale.
        manage(names[1], "generate_archive", "--claims", "2000")
        yield [_postgres_url(name) for name in names]
    finally:
        with _admin_connection() as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_benchmark_prints_every_row_without_errors(demo_databases, tmp_path):
    if not shutil.which("wrk"):
        missing("wrk is not installed (apt-get install wrk)")
    small, large = demo_databases
    output = tmp_path / "benchmark.md"
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), "DEBUG": "1"}
    # File caches in the test's own directory: no Redis database of anyone else's is flushed.
    args = ["--small", small, "--large", large, "--duration", "1", "--runs", "1", "--samples", "1"]
    args += ["--connections", "1", "--output", str(output)]
    args += ["--cache-small", f"filecache://{tmp_path / 'cache-small'}"]
    args += ["--cache-large", f"filecache://{tmp_path / 'cache-large'}"]
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stderr[-5000:]
    table = output.read_text()
    assert table.strip() == result.stdout.strip()
    rows = [line.split(" | ")[0].removeprefix("| ") for line in table.splitlines() if line.startswith("| ")]
    for name in ROWS:
        assert any(row == name or row.startswith(f"{name} (") for row in rows), f"no row for {name}"
    assert "errors" not in table
    assert " answered " not in table
    assert "not measured" not in table
    # Both databases are left as they were found: no session, account or fact box of the run's own.
    for url in demo_databases:
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as connection:
            sessions, users = connection.execute(
                "SELECT (SELECT count(*) FROM django_session), (SELECT count(*) FROM auth_user)"
            ).fetchone()
            boxes = connection.execute("SELECT count(*) FROM newsroom_factbox WHERE slug LIKE 'benchmark-%'").fetchone()
        assert (sessions, users, boxes[0]) == (0, 3, 0)
