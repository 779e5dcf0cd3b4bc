"""`manage.py serve`: the production server, started as a deployment starts it and spoken to over HTTP.

The server gets a database of its own, a fresh SQLite file, in the SQLite and the PostgreSQL runs alike:
the test is about the command and the server, which the database does not change, and a server that
keeps persistent connections must not hold the test database open while pytest drops it.
"""

import json
import signal
import time

import pytest

from tests.served import STOP_SECONDS, free_port, http_get, serving
from tests.test_settings import PRODUCTION, _manage

# The served process is the module's fixture: one worker starts it once.
pytestmark = pytest.mark.xdist_group("serve")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A production server with its own data directory (SQLite database, file cache) and static root,
    migrating at start-up; stopped with SIGTERM by the test that checks stopping."""
    data_dir = tmp_path_factory.mktemp("data")
    static_root = tmp_path_factory.mktemp("static")
    env = {**PRODUCTION, "ALLOWED_HOSTS": "127.0.0.1", "DATA_DIR": str(data_dir), "STATIC_ROOT": str(static_root)}
    with serving(env, tmp_path_factory.mktemp("log") / "serve.log") as server:
        yield {
            "url": server.url,
            "process": server.process,
            "log": server.log,
            "data_dir": data_dir,
            "static_root": static_root,
        }


def test_health_check_answers_200(served):
    status, _, body = http_get(f"{served['url']}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok"}


def test_front_page_answers_200_from_the_migrated_database(served):
    assert http_get(f"{served['url']}/")[0] == 200


def test_api_root_answers_200(served):
    status, headers, _ = http_get(f"{served['url']}/api/v1/")
    assert status == 200
    assert headers["Content-Type"] == "application/json"


def test_static_files_were_collected_and_are_served_compressed_and_immutable(served):
    manifest = json.loads((served["static_root"] / "staticfiles.json").read_text())
    hashed = manifest["paths"]["newsroom/site.css"]
    status, headers, _ = http_get(f"{served['url']}/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


def test_workers_share_a_file_based_cache_in_the_data_directory(served):
    # The API's throttle counts every request in the default cache.
    assert http_get(f"{served['url']}/api/v1/")[0] == 200
    assert any((served["data_dir"] / "cache").glob("*.djcache"))


def test_sigterm_stops_the_server_promptly(served):
    process = served["process"]
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=STOP_SECONDS)
    assert process.returncode == 0, served["log"].read_text()
    assert time.monotonic() - started < STOP_SECONDS
    with pytest.raises(OSError):
        http_get(f"{served['url']}/healthz")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_serve_refuses_production_without_a_required_variable(missing, tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != missing} | {"DATA_DIR": str(tmp_path)}
    result = _manage("serve", "--bind", f"127.0.0.1:{free_port()}", env=env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_to_run_with_debug_on(tmp_path):
    result = _manage("serve", env=PRODUCTION | {"DEBUG": "1", "DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
    assert "Traceback" not in result.stderr
