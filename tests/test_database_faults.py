"""Fault drills on the production server: the database unreachable, then back; connections killed
mid-request; multi-row saves interrupted half-way.

The server is ``manage.py serve`` with production settings and two sync workers, on a PostgreSQL
database of its own that it reaches through a small TCP forwarder in this process. Closing the
forwarder is the outage (nothing listens on the server's DATABASE_URL port any more, and every
connection through it is cut); listening again is the database's return. Connections are killed
as an administrator kills them, with ``pg_terminate_backend``, found by the server's
``application_name``. The machine's PostgreSQL itself is never stopped.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from html.parser import HTMLParser
from http.client import HTTPConnection

import psycopg
import pytest
from django.conf import settings

from config.health import RETRY_AFTER_SECONDS, UNAVAILABLE_DETAIL
from newsroom.demo import DEMO_EDITOR_USERNAME, DEMO_PASSWORD
from tests.served import free_port, serving
from tests.test_settings import PRODUCTION, _manage

# One served process for the module's tests, on one worker.
pytestmark = pytest.mark.xdist_group("database-faults")

WAIT_SECONDS = 20
PAGE_TEXT = "The newsroom cannot reach its database just now."
LEAKS = ("Traceback", 'File "', "psycopg", "OperationalError", "AdminShutdown", "127.0.0.1", "terminat")
STORY = "/stories/china-and-russia-keep-their-distance-from-iran/"
BOX = "the-axis-at-a-glance"
EMBED = f"/embed/factboxes/{BOX}/"


def _admin_connection(dbname: str = "postgres") -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=dbname,
        user=db["USER"] or "postgres",
        password=db.get("PASSWORD") or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=True,
    )


class Forwarder:
    """TCP from a local port to PostgreSQL. ``stop()`` is the database unreachable: nothing listens
    on the port and every connection through it is cut; ``start()`` is its return, on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.connections: set[socket.socket] = set()
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        if self.listener is not None:
            _close(self.listener)
            self.listener = None
        self.drop_connections()

    def drop_connections(self) -> None:
        with self.lock:
            connections, self.connections = self.connections, set()
        for sock in connections:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self.lock:
                self.connections |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)
            with self.lock:
                self.connections -= {source, sink}


def _close(sock: socket.socket) -> None:
    # shutdown() first: it wakes a thread blocked in recv() or accept() on the socket, close() does not.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self):
        return json.loads(self.body)


class Server:
    """The served process and what the drills need of it."""

    def __init__(self, url: str, dbname: str, application_name: str, forwarder: Forwarder) -> None:
        self.url, self.dbname, self.application_name, self.forwarder = url, dbname, application_name, forwarder
        self.cookies: dict[str, str] = {}

    def request(self, path: str, *, method: str = "GET", data: dict | list | None = None, timeout=30) -> Answer:
        parts = urllib.parse.urlsplit(self.url)
        connection = HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        # The load balancer terminates TLS and says so; the browser's cookies are sent as a browser would.
        headers = {"X-Forwarded-Proto": "https", "Origin": f"https://{parts.netloc}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return answer
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self.request(path)

    def backends(self, connection: psycopg.Connection) -> list[tuple[int, str | None, str]]:
        """The server's backends: (pid, what it waits on, state)."""
        return connection.execute(
            "SELECT pid, wait_event_type, state FROM pg_stat_activity WHERE application_name = %s",
            [self.application_name],
        ).fetchall()

    def terminate_all(self, connection: psycopg.Connection) -> int:
        pids = [pid for pid, _, _ in self.backends(connection)]
        for pid in pids:
            connection.execute("SELECT pg_terminate_backend(%s)", [pid])
        return len(pids)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the database fault drills run in the PostgreSQL pass (DATABASE_URL=postgres://…)")
    db = settings.DATABASES["default"]
    dbname = f"dbfaults_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    application_name = f"newsroom-drill-{uuid.uuid4().hex[:8]}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    forwarder = Forwarder((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    forwarder.start()
    user = urllib.parse.quote(db["USER"] or "postgres") + (
        f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    )
    direct = f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{dbname}"
    served = f"postgres://{user}@127.0.0.1:{forwarder.port}/{dbname}?application_name={application_name}"
    env = {
        **PRODUCTION,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATA_DIR": str(tmp_path_factory.mktemp("data")),
        "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        "DEMO_CONTENT": "1",
    }
    try:
        for command in (("migrate", "--noinput", "-v0"), ("load_demo",)):
            result = _manage(*command, env=env | {"DATABASE_URL": direct})
            assert result.returncode == 0, result.stdout + result.stderr
        log = tmp_path_factory.mktemp("log") / "serve.log"
        with serving(env | {"DATABASE_URL": served}, log, migrate=False) as running:
            yield Server(running.url, dbname, application_name, forwarder)
    finally:
        forwarder.stop()
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@pytest.fixture
def database(server):
    """The test's own connection to the server's database, around the forwarder."""
    with _admin_connection(server.dbname) as connection:
        yield connection


def _unique(path: str) -> str:
    # A query string of its own: the public cache has no answer for it, so the view asks the database.
    return f"{path}{'&' if '?' in path else '?'}drill={uuid.uuid4().hex[:8]}"


def _oembed(url: str) -> str:
    return "/oembed/?" + urllib.parse.urlencode({"url": f"https://127.0.0.1{url}"})


READS = {
    "front page": "/",
    "story": STORY,
    "embed": EMBED,
    "oembed": _oembed(EMBED),
    "api list": "/api/v1/actors/",
    "api detail": f"/api/v1/factboxes/{BOX}/",
}


def _assert_unavailable(answer: Answer, kind: str) -> None:
    assert answer.status == 503, (kind, answer.status, answer.text[:500])
    assert answer.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in answer.headers["cache-control"]
    assert not any(leak in answer.text for leak in LEAKS), answer.text
    assert "set-cookie" not in answer.headers
    if kind.startswith("api"):
        assert answer.headers["content-type"] == "application/json"
        assert answer.json() == {"status": 503, "detail": UNAVAILABLE_DETAIL}
    elif kind == "oembed":
        assert answer.headers["content-type"] == "application/json"
        assert answer.json() == {"error": UNAVAILABLE_DETAIL}
    elif kind == "embed":
        assert "x-frame-options" not in answer.headers
        assert "frame-ancestors *" in answer.headers["content-security-policy"]
        assert "Back shortly" in answer.text
    else:
        assert answer.headers["x-frame-options"] == "DENY"
        assert PAGE_TEXT in answer.text


def _warm(server: Server) -> None:
    """Every worker holding its persistent connection, and the public cache holding answers."""
    for _ in range(4):
        for path in READS.values():
            assert server.get(path).status == 200, path


# The database unreachable, then back.


def test_with_the_database_unreachable_every_kind_of_address_answers_its_503(server):
    _warm(server)
    cached = server.get(STORY)
    server.forwarder.stop()
    try:
        for kind, path in READS.items():
            _assert_unavailable(server.get(_unique(path)), kind)
        health = server.get("/healthz")
        assert health.status == 503
        assert health.json() == {"status": "unavailable", "database": "unreachable"}
        assert health.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
        # What the public cache holds is still served as it was: readers of a popular story see it.
        again = server.get(STORY)
        assert (again.status, again.body) == (200, cached.body)
    finally:
        server.forwarder.start()
    # The first request of each kind after the return is answered.
    for kind, path in READS.items():
        answer = server.get(_unique(path))
        assert answer.status == 200, (kind, answer.text[:500])
    assert server.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_connections_cut_while_idle_are_replaced_before_use(server):
    _warm(server)
    server.forwarder.drop_connections()
    # Each worker's first request after the cut finds its persistent connection dead.
    for _ in range(3):
        for kind, path in READS.items():
            answer = server.get(_unique(path))
            assert answer.status == 200, (kind, answer.text[:500])


# Connections killed mid-request.


def _wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def _waiting_backend(server: Server, database: psycopg.Connection) -> int:
    return _wait_for(
        lambda: next((pid for pid, wait, state in server.backends(database) if wait == "Lock"), None),
        "the server's query to wait on the lock",
    )


def _killed_while_waiting(server: Server, database: psycopg.Connection, lock: str, send, before_kill=None) -> Answer:
    """Sends a request while ``lock`` is held, kills the backend serving it once it waits on the
    lock, and every other backend of the server's (so that each worker's next request finds its
    connection dead), then lets go of the lock. ``before_kill(pid)`` looks at the waiting backend."""
    with _admin_connection(server.dbname) as holder, ThreadPoolExecutor(1) as pool:
        holder.autocommit = False
        holder.execute(lock)
        request: Future = pool.submit(send)
        try:
            pid = _waiting_backend(server, database)
            if before_kill is not None:
                before_kill(pid)
            database.execute("SELECT pg_terminate_backend(%s)", [pid])
            server.terminate_all(database)
        finally:
            holder.rollback()
        return request.result(timeout=WAIT_SECONDS)


@pytest.mark.parametrize(
    ("kind", "path", "table"),
    [("api list", "/api/v1/actors/", "relations_actor"), ("story", STORY, "newsroom_article")],
)
def test_a_request_whose_connection_is_killed_answers_503_and_the_next_one_200(server, database, kind, path, table):
    _warm(server)
    answer = _killed_while_waiting(
        server, database, f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", lambda: server.get(_unique(path))
    )
    _assert_unavailable(answer, kind)
    for _ in range(3):
        assert server.get(_unique(path)).status == 200


# Multi-row saves interrupted half-way: all of it or nothing.


class _FormReader(HTMLParser):
    """What a browser would post of a form left as it is: its fields' current values."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file", "image"):
                self.fields.append((name, attrs.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields.append((name, ""))

    def handle_data(self, data):
        if self.textarea is not None:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, value = self.fields[-1]
            # The HTML parser keeps the newline browsers drop after <textarea>.
            self.fields[-1] = (name, value.removeprefix("\n"))
            self.textarea = None


def _form(page: Answer, form_id: str) -> list[tuple[str, str]]:
    reader = _FormReader(form_id)
    reader.feed(page.text)
    assert reader.fields, f"no form #{form_id} on the page"
    return reader.fields


@pytest.fixture(scope="module")
def editor(server) -> Server:
    """The server, signed in as the demo editor through the admin's sign-in form."""
    signed_in = Server(server.url, server.dbname, server.application_name, server.forwarder)
    login = signed_in.get("/admin/login/")
    fields = dict(_form(login, "login-form"))
    fields |= {"username": DEMO_EDITOR_USERNAME, "password": DEMO_PASSWORD, "next": "/admin/"}
    answer = signed_in.request("/admin/login/", method="POST", data=fields)
    assert answer.status == 302 and "sessionid" in signed_in.cookies, answer.text[:1000]
    return signed_in


def _holds_row_locks(database: psycopg.Connection, pid: int, table: str) -> bool:
    """Whether backend ``pid`` has written to ``table`` in its open transaction."""
    return bool(
        database.execute(
            "SELECT 1 FROM pg_locks WHERE pid = %s AND relation = %s::regclass AND mode = 'RowExclusiveLock'",
            [pid, table],
        ).fetchone()
    )


def _counts(database: psycopg.Connection, **queries: str) -> dict[str, object]:
    return {name: database.execute(query).fetchone() for name, query in queries.items()}


def test_an_article_save_killed_before_its_citations_are_written_leaves_nothing(server, editor, database):
    article_id, title = database.execute(
        "SELECT id, title FROM newsroom_article WHERE status = 'in_review' ORDER BY id LIMIT 1"
    ).fetchone()
    claim_id = database.execute(
        "SELECT id FROM relations_claim WHERE id NOT IN (SELECT claim_id FROM newsroom_articleclaim "
        "WHERE article_id = %s) ORDER BY id LIMIT 1",
        [article_id],
    ).fetchone()[0]
    state = {
        "article": f"SELECT title, edit_count, updated_at FROM newsroom_article WHERE id = {article_id}",
        "citations": f"SELECT count(*) FROM newsroom_articleclaim WHERE article_id = {article_id}",
        "revisions": "SELECT count(*) FROM reversion_revision",
    }
    before = _counts(database, **state)
    change = f"/admin/newsroom/article/{article_id}/change/"
    fields = _form(editor.get(change), "article_form")
    values = dict(fields)
    prefix = "claim_citations"
    row = int(values[f"{prefix}-TOTAL_FORMS"])
    fields = [(name, value) for name, value in fields if not name.startswith(f"{prefix}-{row}-")]
    fields = [(name, str(row + 1) if name == f"{prefix}-TOTAL_FORMS" else value) for name, value in fields]
    fields = [(name, f"{title} (updated)" if name == "title" else value) for name, value in fields]
    fields += [(f"{prefix}-{row}-article", str(article_id)), (f"{prefix}-{row}-claim", str(claim_id))]
    fields += [(f"{prefix}-{row}-position", "99"), (f"{prefix}-{row}-passage", ""), ("_continue", "1")]

    def written_the_article_first(pid: int) -> None:
        # Killed half-way: the article's row is written, its new citation waits.
        assert _holds_row_locks(database, pid, "newsroom_article")

    answer = _killed_while_waiting(
        server,
        database,
        "LOCK TABLE newsroom_articleclaim IN SHARE MODE",  # writes wait, reads do not
        lambda: editor.request(change, method="POST", data=fields),
        before_kill=written_the_article_first,
    )
    assert answer.status == 503, answer.text[:1000]
    assert PAGE_TEXT in answer.text
    assert _counts(database, **state) == before
    # The same save again, once the database answers, is made whole.
    again = editor.request(change, method="POST", data=fields)
    assert again.status == 302, again.text[:3000]
    after = _counts(database, **state)
    assert after["article"][0] == f"{title} (updated)"
    assert after["citations"][0] == before["citations"][0] + 1


def test_a_fact_box_publish_killed_before_its_references_are_written_leaves_nothing(server, editor, database):
    box_id, edit_count = database.execute(
        "SELECT id, edit_count FROM newsroom_factbox WHERE slug = %s", [BOX]
    ).fetchone()
    state = {
        "box": f"SELECT status, published_version_id, edit_count, last_published_at FROM newsroom_factbox "
        f"WHERE id = {box_id}",
        "versions": f"SELECT count(*), max(number) FROM newsroom_factboxversion WHERE factbox_id = {box_id}",
        "references": "SELECT count(*) FROM newsroom_factboxreference",
        "events": f"SELECT count(*) FROM newsroom_factboxevent WHERE factbox_id = {box_id}",
        "changes": "SELECT count(*) FROM relations_publicchange",
    }
    before = _counts(database, **state)
    unverified = [
        pid
        for (pid,) in database.execute(
            "SELECT DISTINCT claim_id FROM newsroom_factboxreference r JOIN relations_claim c ON c.id = r.claim_id "
            "WHERE r.version_id = (SELECT published_version_id FROM newsroom_factbox WHERE id = %s)",
            [box_id],
        ).fetchall()
    ]
    publish = f"/admin/newsroom/factbox/{box_id}/workflow/publish/"
    token = dict(_form(editor.get(f"/admin/newsroom/factbox/{box_id}/change/"), "factbox_form"))
    fields = {
        "csrfmiddlewaretoken": token["csrfmiddlewaretoken"],
        "edit_count_seen": str(edit_count),
        "confirm_unverified": [str(pid) for pid in unverified],
    }

    def written_the_version_first(pid: int) -> None:
        assert _holds_row_locks(database, pid, "newsroom_factboxversion")

    answer = _killed_while_waiting(
        server,
        database,
        "LOCK TABLE newsroom_factboxreference IN SHARE MODE",
        lambda: editor.request(publish, method="POST", data=fields),
        before_kill=written_the_version_first,
    )
    assert answer.status == 503, answer.text[:1000]
    assert _counts(database, **state) == before
    again = editor.request(publish, method="POST", data=fields)
    assert again.status == 302, again.text[:3000]
    after = _counts(database, **state)
    assert after["versions"][1] == before["versions"][1] + 1
    assert after["box"][2] == edit_count + 1
    assert after["events"][0] == before["events"][0] + 1
