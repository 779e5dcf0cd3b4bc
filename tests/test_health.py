"""/healthz tells a load balancer whether the database answers; with the database down,
every page answers a plain 503 that reveals nothing of the failure."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError, ProgrammingError
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from config.health import RETRY_AFTER_SECONDS, server_error

ROOT = Path(__file__).resolve().parent.parent
PLAIN_PAGE_TEXT = "The newsroom cannot reach its database just now."
LEAKS = ("Traceback", 'File "', "psycopg", "OperationalError", "127.0.0.1")


def _assert_never_cached(response) -> None:
    cache_control = response["Cache-Control"]
    assert {"no-cache", "no-store", "max-age=0"} <= {part.strip() for part in cache_control.split(",")}


# The database up.


@pytest.mark.django_db
def test_healthz_answers_ok_with_the_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_ok_over_real_http(live_server):
    with urllib.request.urlopen(f"{live_server.url}/healthz", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        assert json.loads(response.read()) == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_head_for_probes_that_send_it(client):
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_healthz_refuses_writes(client, method):
    response = getattr(client, method)("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_healthz_is_never_cached(client):
    _assert_never_cached(client.get("/healthz"))


def test_healthz_answers_503_when_the_database_refuses(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("config.health.connection.cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    _assert_never_cached(response)


# The database lost while serving a page, in this process: the views below stand in for any view.


def _view_losing_the_database(request):
    raise OperationalError('connection failed: connection to server at "127.0.0.1", port 5432 failed')


def _view_with_a_bug(request):
    raise ProgrammingError("relation does not exist")


class _SessionStoreLosingTheDatabase:
    """A middleware failing as SessionMiddleware does when it saves a session with the database gone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.get_response(request)
        raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("lost/", _view_losing_the_database),
    path("bug/", _view_with_a_bug),
    path("fine/", lambda request: HttpResponse("fine")),
]
handler500 = server_error


class _LostConnection:
    """The default connection as an outage leaves it: it cannot connect, nor answer."""

    connection = None

    def ensure_connection(self):
        raise OperationalError("connection refused")

    def is_usable(self):
        return False


@pytest.fixture
def database_lost(monkeypatch):
    monkeypatch.setattr("config.health.connection", _LostConnection())


@pytest.mark.urls(__name__)
def test_a_view_losing_the_database_answers_the_plain_503_page(client, database_lost):
    response = client.get("/lost/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    _assert_never_cached(response)
    body = response.content.decode()
    assert PLAIN_PAGE_TEXT in body
    assert not any(leak in body for leak in LEAKS)


def _styles_allowed_by_hash(response) -> bool:
    import base64
    import hashlib
    import re

    blocks = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks}
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    allowed = set(directives["style-src"].split())
    return bool(blocks) and hashes <= allowed and "'unsafe-inline'" not in allowed


@pytest.mark.urls(__name__)
def test_the_error_pages_style_themselves_within_the_policy(client, database_lost):
    # No static files needed, and no inline style but the page's own blocks, named by their hashes.
    assert _styles_allowed_by_hash(client.get("/lost/"))
    assert _styles_allowed_by_hash(Client(raise_request_exception=False).get("/bug/"))


@pytest.mark.urls(__name__)
def test_other_errors_are_left_to_the_500_page():
    response = Client(raise_request_exception=False).get("/bug/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.urls(__name__)
def test_a_middleware_losing_the_database_answers_503_through_the_error_handler(settings, database_lost):
    settings.MIDDLEWARE = [f"{__name__}._SessionStoreLosingTheDatabase", *settings.MIDDLEWARE]
    response = Client(raise_request_exception=False).get("/fine/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert PLAIN_PAGE_TEXT in response.content.decode()


def _view_waiting_on_a_lock(request):
    raise OperationalError("database is locked")


urlpatterns.append(path("locked/", _view_waiting_on_a_lock))


class _SessionStoreWaitingOnALock(_SessionStoreLosingTheDatabase):
    def __call__(self, request):
        self.get_response(request)
        raise OperationalError("deadlock detected")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_operational_error_with_the_database_reachable_is_left_to_the_500_page():
    # A lock, a deadlock or a statement timeout is a bug to see in the logs, not an outage.
    response = Client(raise_request_exception=False).get("/locked/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Retry-After" not in response


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_middleware_error_with_the_database_reachable_is_left_to_the_500_page(settings):
    settings.MIDDLEWARE = [f"{__name__}._SessionStoreWaitingOnALock", *settings.MIDDLEWARE]
    response = Client(raise_request_exception=False).get("/fine/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


class _ConnectionFailingItsCheck(_LostConnection):
    def ensure_connection(self):
        pass

    def is_usable(self):
        raise RuntimeError("the check itself failed")


@pytest.mark.urls(__name__)
def test_a_connection_check_that_fails_counts_as_the_database_lost(client, monkeypatch):
    monkeypatch.setattr("config.health.connection", _ConnectionFailingItsCheck())
    response = client.get("/lost/")
    assert response.status_code == 503
    assert PLAIN_PAGE_TEXT in response.content.decode()


# Plain HTTP from a load balancer, with the production HTTPS redirect on.


@pytest.mark.django_db
def test_healthz_answers_plain_http_probes_while_pages_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    home = client.get("/")
    assert home.status_code == 301
    assert home["Location"] == "https://testserver/"


# The database down for real: production settings, PostgreSQL on a port nobody listens on.

PRODUCTION_WITHOUT_DATABASE = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "SECRET_KEY": "k3!p9-production-like-secret-with-enough-length-and-variety-0xA1b2C3d4",
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "0",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
}

# Runs inside `manage.py shell`; prints one JSON line with what each request got.
DATABASE_DOWN_SCRIPT = """
import json
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve

def answer(response):
    return {
        "status": response.status_code,
        "body": response.content.decode(),
        "retry_after": response.get("Retry-After"),
        "content_type": response.get("Content-Type"),
    }

def resolves(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True

reader = Client(raise_request_exception=False)
# A signed-in editor's browser sends its session cookie; reading the session needs the database.
editor = Client(raise_request_exception=False)
editor.cookies["sessionid"] = "0123456789abcdefghijklmnopqrstuv"
results = {
    "healthz": answer(reader.get("/healthz")),
    "home": {**answer(reader.get("/")), "resolves": resolves("/")},
    "admin_login_signed_in": answer(editor.get("/admin/login/")),
    "admin_login_post": answer(reader.post("/admin/login/", {"username": "editor", "password": "x"})),
    "admin_index": answer(editor.get("/admin/")),
}
print("RESULTS " + json.dumps(results))
"""


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Nothing of the test run's own environment may leak into "production".
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def database_down(tmp_path_factory) -> dict:
    # Production serves static files from the collected manifest; pages that render
    # without the database (the login form, the 404 page) need it.
    env = PRODUCTION_WITHOUT_DATABASE | {"STATIC_ROOT": str(tmp_path_factory.mktemp("static"))}
    collected = _manage("collectstatic", "--noinput", "-v", "0", env=env)
    assert collected.returncode == 0, collected.stderr
    result = _manage("shell", "-c", DATABASE_DOWN_SCRIPT, env=env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULTS ")]
    assert result.returncode == 0 and lines, result.stdout + result.stderr
    return json.loads(lines[-1].removeprefix("RESULTS "))


def _assert_plain_page(answer: dict) -> None:
    assert answer["status"] == 503
    assert answer["retry_after"] == str(RETRY_AFTER_SECONDS)
    assert PLAIN_PAGE_TEXT in answer["body"]
    assert not any(leak in answer["body"] for leak in LEAKS)


def test_healthz_answers_503_with_the_database_down(database_down):
    answer = database_down["healthz"]
    assert answer["status"] == 503
    assert answer["retry_after"] == str(RETRY_AFTER_SECONDS)
    assert json.loads(answer["body"]) == {"status": "unavailable", "database": "unreachable"}


def test_home_page_answers_the_plain_page_with_the_database_down(database_down):
    answer = database_down["home"]
    if answer["resolves"]:
        _assert_plain_page(answer)
    else:
        # Before the public pages exist "/" is a plain 404, which needs no database either.
        assert answer["status"] == 404
        assert not any(leak in answer["body"] for leak in LEAKS)


@pytest.mark.parametrize("request_name", ["admin_login_signed_in", "admin_login_post", "admin_index"])
def test_admin_answers_the_plain_page_with_the_database_down(database_down, request_name):
    _assert_plain_page(database_down[request_name])
