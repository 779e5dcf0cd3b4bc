"""/healthz tells a load balancer whether the database answers; with the database down,
every page answers a plain 503 that reveals nothing of the failure."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from config.health import RETRY_AFTER_SECONDS, UNAVAILABLE_DETAIL, database_unavailable, server_error

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


# What counts as the database away: a connection lost or refused, as the driver tells it.


def _as_django_raises(error: Exception) -> Exception:
    """``error`` from the driver as a query on PostgreSQL raises it: Django's exception of the same
    name, raised from the driver's (as ``DatabaseErrorWrapper`` does; this runs on SQLite too)."""
    from django.db import utils

    for name in ("DataError", "OperationalError", "IntegrityError", "InternalError", "ProgrammingError"):
        if isinstance(error, getattr(psycopg, name)):
            break
    else:
        name = "InterfaceError" if isinstance(error, psycopg.InterfaceError) else "DatabaseError"
    wrapped = getattr(utils, name)(*error.args)
    wrapped.__cause__ = error
    return wrapped


CONNECTION_LOST = {
    "terminated by pg_terminate_backend": psycopg.errors.AdminShutdown("terminating connection: administrator"),
    "crash shutdown": psycopg.errors.CrashShutdown("terminating connection because of crash of another server process"),
    "server starting up": psycopg.errors.CannotConnectNow("the database system is starting up"),
    "no connection slot": psycopg.errors.TooManyConnections("sorry, too many clients already"),
    "class 08": psycopg.errors.ConnectionFailure("connection failure"),
    "closed under the client": psycopg.OperationalError("server closed the connection unexpectedly"),
    "refused": psycopg.OperationalError('connection failed: connection to server at "127.0.0.1", port 1 failed'),
    "already closed": psycopg.InterfaceError("the connection is closed"),
}
DATABASE_BUGS = {
    "deadlock": psycopg.errors.DeadlockDetected("deadlock detected"),
    "lock timeout": psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
    "statement timeout": psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
    "bad query": psycopg.errors.UndefinedTable('relation "nowhere" does not exist'),
}


@pytest.fixture
def database_answers(monkeypatch):
    """The database reachable again by the time the failure is classified, as after a killed connection."""
    monkeypatch.setattr("config.health._database_reachable", lambda: True)


@pytest.mark.parametrize("error", CONNECTION_LOST.values(), ids=CONNECTION_LOST.keys())
def test_a_lost_or_refused_connection_is_the_database_unavailable(error, database_answers):
    assert database_unavailable(_as_django_raises(error))


def test_django_closing_a_connection_it_already_lost_is_the_database_unavailable(database_answers):
    assert database_unavailable(InterfaceError("connection already closed"))


@pytest.mark.parametrize("error", DATABASE_BUGS.values(), ids=DATABASE_BUGS.keys())
def test_errors_of_a_database_that_answers_are_bugs(error, monkeypatch):
    # Whatever a check afterwards would say: the server's own code tells.
    monkeypatch.setattr("config.health._database_reachable", lambda: False)
    assert not database_unavailable(_as_django_raises(error))


def test_an_error_other_than_the_databases_is_no_outage(database_lost):
    assert not database_unavailable(ValueError("no"))
    assert not database_unavailable(None)


# Each kind of address answers the 503 in the form its clients read.


def _view_killed_mid_request(request, **kwargs):
    raise _as_django_raises(psycopg.errors.AdminShutdown("terminating connection due to administrator command"))


urlpatterns += [
    path("api/v1/killed/", _view_killed_mid_request),
    path("oembed/", _view_killed_mid_request, name="oembed"),
    path("embed/stories/<slug:slug>/", _view_killed_mid_request, name="embed_story"),
    path("stories/<slug:slug>/", _view_killed_mid_request, name="story"),
    path("bug/deadlock/", lambda request: (_ for _ in ()).throw(_as_django_raises(DATABASE_BUGS["deadlock"]))),
]


def _assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    _assert_never_cached(response)
    assert not any(leak in response.content.decode() for leak in LEAKS)


@pytest.mark.urls(__name__)
def test_the_api_answers_its_json_error_shape(client, database_answers):
    response = client.get("/api/v1/killed/")
    _assert_unavailable(response)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": 503, "detail": UNAVAILABLE_DETAIL}


@pytest.mark.urls(__name__)
def test_oembed_answers_its_own_json_error_shape_readable_from_any_site(client, database_answers):
    response = client.get("/oembed/?url=http://testserver/embed/stories/a/")
    _assert_unavailable(response)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": UNAVAILABLE_DETAIL}
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.urls(__name__)
def test_an_embed_answers_a_note_framed_where_the_embed_may_be(client, settings, database_answers):
    settings.EMBED_FRAME_ANCESTORS = ["https://partner.example"]
    response = client.get("/embed/stories/a/?theme=dark")
    _assert_unavailable(response)
    assert "X-Frame-Options" not in response
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "https://partner.example"
    assert policy["default-src"] == "'none'"
    assert _styles_allowed_by_hash(response)
    body = response.content.decode()
    assert "Back shortly" in body and '<meta name="color-scheme" content="dark">' in body
    # A frame is small: the note is one short paragraph, not the full page.
    assert PLAIN_PAGE_TEXT not in body and "margin:15vh" not in body


@pytest.mark.urls(__name__)
def test_a_page_answers_the_plain_page_framed_by_nobody(client, database_answers):
    response = client.get("/stories/a/")
    _assert_unavailable(response)
    assert PLAIN_PAGE_TEXT in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.urls(__name__)
def test_a_deadlock_is_a_500_even_with_the_connection_then_lost(database_lost):
    response = Client(raise_request_exception=False).get("/bug/deadlock/")
    assert response.status_code == 500
    assert "Retry-After" not in response


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
