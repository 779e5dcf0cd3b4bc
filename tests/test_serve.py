"""`manage.py serve`: the production server, started as a deployment starts it and spoken to over HTTP.

The server gets a database of its own, a fresh SQLite file, in the SQLite and the PostgreSQL runs alike:
the test is about the command and the server, which the database does not change, and a server that
keeps persistent connections must not hold the test database open while pytest drops it.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.test_settings import PRODUCTION, ROOT, _manage

# The served process is the module's fixture: one worker starts it once.
pytestmark = pytest.mark.xdist_group("serve")

STARTUP_SECONDS = 120
# Start-up migrates a fresh database and collects static files; the budget is generous for a busy machine.
STOP_SECONDS = 10


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    # The load balancer terminates TLS and says so; without it production redirects to HTTPS.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _answers(url: str, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if _get(url)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A production server on a free port, with its own data directory (SQLite database, file cache)
    and static root; yields its address, stopped with SIGTERM by the test that checks stopping."""
    data_dir = tmp_path_factory.mktemp("data")
    static_root = tmp_path_factory.mktemp("static")
    port = _free_port()
    log = tmp_path_factory.mktemp("log") / "serve.log"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/"),
        **PRODUCTION,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATA_DIR": str(data_dir),
        "STATIC_ROOT": str(static_root),
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    if not _answers(f"{url}/healthz", process):
        process.kill()
        process.wait()
        pytest.fail(f"the server did not answer /healthz:\n{log.read_text()}")
    yield {"url": url, "process": process, "log": log, "data_dir": data_dir, "static_root": static_root}
    if process.poll() is None:
        process.kill()
        process.wait()


def test_health_check_answers_200(served):
    status, _, body = _get(f"{served['url']}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok"}


def test_front_page_answers_200_from_the_migrated_database(served):
    assert _get(f"{served['url']}/")[0] == 200


def test_api_root_answers_200(served):
    status, headers, _ = _get(f"{served['url']}/api/v1/")
    assert status == 200
    assert headers["Content-Type"] == "application/json"


def test_static_files_were_collected_and_are_served_compressed_and_immutable(served):
    manifest = json.loads((served["static_root"] / "staticfiles.json").read_text())
    hashed = manifest["paths"]["newsroom/site.css"]
    status, headers, _ = _get(f"{served['url']}/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


def test_workers_share_a_file_based_cache_in_the_data_directory(served):
    # The API's throttle counts every request in the default cache.
    assert _get(f"{served['url']}/api/v1/")[0] == 200
    assert any((served["data_dir"] / "cache").glob("*.djcache"))


def test_sigterm_stops_the_server_promptly(served):
    process = served["process"]
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=STOP_SECONDS)
    assert process.returncode == 0, served["log"].read_text()
    assert time.monotonic() - started < STOP_SECONDS
    with pytest.raises(OSError):
        _get(f"{served['url']}/healthz")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_serve_refuses_production_without_a_required_variable(missing, tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != missing} | {"DATA_DIR": str(tmp_path)}
    result = _manage("serve", "--bind", f"127.0.0.1:{_free_port()}", env=env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_to_run_with_debug_on(tmp_path):
    result = _manage("serve", env=PRODUCTION | {"DEBUG": "1", "DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
    assert "Traceback" not in result.stderr
