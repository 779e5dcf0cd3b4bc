"""`manage.py serve` with its Redis away, and back: readers and partners are answered from the database,
the throttle lets requests through uncounted, and a withdrawal made meanwhile stays withdrawn once
Redis answers again with everything it held.

`CACHE_URL` names a free port. Nothing listens there until a test starts a redis-server of its own on
it, which it stops again before it ends; the machine's Redis is not touched. That server appends
every write to a file and reads it back when started again, as a production Redis with persistence
does: one that came back empty would hide the stale answers this is about. The served process is
the demo on its own fresh SQLite file, as in tests/test_serve.py.
"""

import json
import shutil
import signal
import sqlite3
import subprocess
import time
from urllib.parse import quote

import pytest

from tests.helpers import missing
from tests.served import free_port, http_get, serving
from tests.test_settings import PRODUCTION, _manage

pytestmark = pytest.mark.xdist_group("serve-cache-outage")

STORY = "china-and-russia-keep-their-distance-from-iran"
BOX = "what-binds-the-four"
# A worker leaves Redis alone this long after a failure (config.cache.RESUME_AFTER), then tries again.
RESUME_SECONDS = 3.2


class RedisServer:
    """A redis-server of the test's own on ``port``, started and stopped on demand, keeping its data
    in ``directory`` across restarts."""

    def __init__(self, port: int, directory) -> None:
        self.port, self.directory = port, directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "yes", "--dir", str(self.directory), "--daemonize", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = self.client()
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except (redis.ConnectionError, redis.exceptions.BusyLoadingError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process = None

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=2, socket_timeout=2)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    redis_port = free_port()
    log = tmp_path_factory.mktemp("log") / "serve.log"
    env = {
        **PRODUCTION,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATA_DIR": str(data_dir),
        "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
        "API_ANON_RATE": "5/minute",
        # The tests' requests say which reader they are, as a load balancer would.
        "API_NUM_PROXIES": "1",
    }
    for command in (("migrate", "--no-input"), ("load_demo",)):
        result = _manage(*command, env=env | {"DEMO_CONTENT": "1"})
        assert result.returncode == 0, result.stderr
    with serving(env, log, migrate=False) as server:
        yield {
            "url": server.url,
            "env": env,
            "log": log,
            "database": data_dir / "newsroom.sqlite3",
            "redis_port": redis_port,
        }


@pytest.fixture
def redis_server(served, tmp_path):
    if shutil.which("redis-server") is None:
        missing("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(served["redis_port"], tmp_path)
    yield server
    server.stop()


def _paths(url: str) -> list[str]:
    embed = f"{url}/embed/factboxes/{BOX}/"
    return [
        "/",
        f"/stories/{STORY}/",
        "/actors/china/",
        f"/embed/factboxes/{BOX}/",
        f"/oembed/?url={quote(embed, safe='')}&format=json",
        "/api/v1/factboxes/",
        f"/api/v1/factboxes/{BOX}/",
    ]


# Headers that differ between two answers to the same request by nature, not by the cache.
PER_ANSWER = {"Date", "Connection", "Server"}


def _reader(url: str, path: str, address: str) -> tuple[int, dict[str, str], bytes]:
    return http_get(url + path, headers={"X-Forwarded-For": address})


def test_pages_embeds_oembed_and_the_api_answer_from_the_database_while_redis_is_away(served):
    url = served["url"]
    expected = {
        "/": b"China and Russia keep Iran at arm",
        f"/stories/{STORY}/": b"China and Russia keep Iran at arm",
        "/actors/china/": b"China",
        f"/embed/factboxes/{BOX}/": b"What binds the four",
        "/api/v1/factboxes/": b"What binds the four",
        f"/api/v1/factboxes/{BOX}/": b"What binds the four",
    }
    for path in _paths(url):
        first = _reader(url, path, "198.51.100.1")
        second = _reader(url, path, "198.51.100.1")
        assert first[0] == second[0] == 200, (path, first[2][:300])
        assert first[2] == second[2], path
        assert {k: v for k, v in first[1].items() if k not in PER_ANSWER} == {
            k: v for k, v in second[1].items() if k not in PER_ANSWER
        }, path
        if path.startswith("/oembed/"):
            assert json.loads(first[2])["title"] == "What binds the four, and what does not"
        else:
            assert expected[path].lower() in first[2].lower(), path
    log = served["log"].read_text()
    assert "Traceback" not in log
    assert "does not answer" in log


def test_the_throttle_lets_requests_through_uncounted_while_redis_is_away_and_counts_again_after(served, redis_server):
    url = served["url"]
    assert [_reader(url, "/api/v1/", "198.51.100.2")[0] for _ in range(8)] == [200] * 8

    redis_server.start()
    time.sleep(RESUME_SECONDS)
    assert [_reader(url, "/api/v1/", "198.51.100.3")[0] for _ in range(6)] == [200] * 5 + [429]


def _generation(redis_server) -> bytes | None:
    client = redis_server.client()
    try:
        keys = client.keys("*public-state:generation")
        return client.get(keys[0]) if keys else None
    finally:
        client.close()


def test_a_withdrawal_while_redis_is_away_stays_withdrawn_when_redis_returns_with_the_old_answers(served, redis_server):
    url, embed, address = served["url"], f"/embed/factboxes/{BOX}/", "198.51.100.4"
    redis_server.start()
    time.sleep(RESUME_SECONDS)
    for _ in range(4):  # both workers, each a miss and then a hit
        assert _reader(url, embed, address)[0] == 200
    before = _generation(redis_server)
    assert before is not None

    redis_server.stop()
    assert _reader(url, embed, address)[0] == 200
    script = (
        "from django.contrib.auth import get_user_model; from newsroom.models import FactBox; "
        "from newsroom.factboxes.services import factbox_withdraw; "
        f"factbox_withdraw(factbox=FactBox.objects.get(slug={BOX!r}), "
        "by=get_user_model().objects.get(username='editor')); print('withdrawn')"
    )
    result = _manage("shell", "-c", script, env=served["env"])
    assert result.stdout.strip().splitlines()[-1] == "withdrawn", result.stderr
    with sqlite3.connect(served["database"]) as database:
        assert database.execute("SELECT count(*) FROM core_unsentinvalidation").fetchone()[0] > 0
    assert _reader(url, embed, address)[0] == 410

    redis_server.start()
    assert _generation(redis_server) == before  # back with the answers it held
    time.sleep(RESUME_SECONDS)
    assert [_reader(url, embed, address)[0] for _ in range(4)] == [410] * 4
    assert _generation(redis_server) != before
    with sqlite3.connect(served["database"]) as database:
        assert database.execute("SELECT count(*) FROM core_unsentinvalidation").fetchone()[0] == 0
    # Which worker logs Redis's return depends on which one the requests reach: the outage is logged.
    assert "does not answer" in served["log"].read_text()
