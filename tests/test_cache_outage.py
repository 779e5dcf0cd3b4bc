"""The cache away (`CACHE_URL` at a Redis that does not answer): reads miss, writes are dropped, the
admin keeps working, and a change made meanwhile is not undone when Redis answers again.

The server's side (pages, embeds, oEmbed, the API and its throttle over HTTP, and Redis coming back)
is in tests/test_serve_cache_outage.py."""

import logging
import socket
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from tests.factories import ActorFactory, EditorFactory
from tests.helpers import signs_in
from tests.test_cache_redis import REDIS_URL, machine_redis

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-correct-password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_cache(location: str, prefix: str = "") -> dict:
    return {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": location, "KEY_PREFIX": prefix}}


@pytest.fixture
def cache_away(settings):
    """The default cache on a Redis port where nothing listens."""
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{_free_port()}/0")


@pytest.fixture
def connections(monkeypatch):
    """How many times a connection to Redis was attempted."""
    attempts = []
    connect = redis.connection.Connection._connect

    def counted(self):
        attempts.append(time.monotonic())
        return connect(self)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counted)
    return attempts


def test_reads_miss_and_writes_are_dropped_with_one_warning_and_one_attempt_per_pause(
    cache_away, connections, caplog, monkeypatch
):
    from config import cache as backend

    with caplog.at_level(logging.WARNING, logger="config.cache"):
        for _ in range(20):
            assert cache.get("key", "default") == "default"
            cache.set("key", "value")
            assert cache.get_many(["key", "other"]) == {}
            assert cache.add("key", "value") is False
            assert cache.set_many({"key": "value"}) == ["key"]
            cache.delete("key")
            with pytest.raises(ValueError):
                cache.incr("key")
    assert len(connections) == 1
    assert [record.message.split(" (Error")[0] for record in caplog.records] == [
        f"The cache ({cache._servers[0]}) does not answer"
    ]

    monkeypatch.setattr(backend, "RESUME_AFTER", 0.2)
    cache._resume_at = 0.0
    cache.get("key")
    assert len(connections) == 2
    time.sleep(0.25)
    cache.get("key")
    assert len(connections) == 3


def test_a_redis_that_never_answers_holds_a_call_half_a_second(settings, connections):
    """A server that takes the connection and says nothing, as one whose packets vanish: the wait is
    bounded by the socket timeouts, and the next calls do not wait at all."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.CACHES = _redis_cache(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()
        assert cache.get("key") is None
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(10):
            assert cache.get("key") is None
        assert 0.4 < first < 1.5
        assert time.monotonic() - started < 0.05
    assert len(connections) == 1


def test_the_throttle_lets_requests_through_uncounted(cache_away, settings, client):
    settings.API_ANON_RATE = "2/minute"
    assert [client.get("/api/v1/").status_code for _ in range(5)] == [200] * 5


def test_signing_in_and_the_lockout_keep_working(cache_away, client, settings):
    """django-axes keeps its counts in the database and sessions are in the database: Redis plays no part."""
    desk, other = EditorFactory(username="desk"), EditorFactory(username="other")
    for user in (desk, other):
        user.set_password(PASSWORD)
        user.save()
    here = {"REMOTE_ADDR": "203.0.113.10"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert not signs_in(client, "desk", "wrong", **here)
    response = client.post(reverse("admin:login"), {"username": "desk", "password": PASSWORD}, **here)
    assert response.status_code == 429
    assert "Signing in is paused" in response.content.decode()
    assert signs_in(client, "other", PASSWORD, **here)
    assert client.get(reverse("admin:newsroom_factbox_changelist") + "?needs_review=yes").status_code == 200


def test_the_mention_index_is_built_again_while_no_change_can_be_announced(cache_away):
    from relations.mentions import find_mentions

    ActorFactory(name="Ada Quist")
    assert [mention.text for mention in find_mentions("Ada Quist met Bo Strand.")] == ["Ada Quist"]
    ActorFactory(name="Bo Strand")
    assert [mention.text for mention in find_mentions("Ada Quist met Bo Strand.")] == ["Ada Quist", "Bo Strand"]


@pytest.fixture
def live_redis(settings):
    """The machine's Redis under a key prefix of this test's own, removed afterwards."""
    server = machine_redis()
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield prefix, server
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    server.close()


def test_a_generation_the_cache_missed_is_deleted_there_before_it_is_read_again(settings, live_redis):
    """A withdrawal while Redis was away ends the generation in the database's note; the first use of
    Redis afterwards deletes it there, so nothing cached under it is served."""
    from core import public_state
    from core.models import UnsentInvalidation

    prefix, server = live_redis
    settings.CACHES = _redis_cache(REDIS_URL, prefix)
    before = public_state.current()
    assert public_state.lookup() == before

    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{_free_port()}/0", prefix)
    public_state.forget()
    assert list(UnsentInvalidation.objects.values_list("key", flat=True)) == [public_state.GENERATION_KEY]
    assert server.get(f"{prefix}:1:{public_state.GENERATION_KEY}") is not None  # still there, unchanged

    settings.CACHES = _redis_cache(REDIS_URL, prefix)
    assert public_state.lookup() is None
    assert not UnsentInvalidation.objects.exists()
    assert public_state.current() != before


def test_another_process_missing_the_cache_is_heard_of_within_a_second(settings, live_redis):
    """One host cut off from Redis while this one is not: this one finds the note at its next check."""
    from config import cache as backend
    from core import invalidations, public_state

    prefix, _server = live_redis
    settings.CACHES = _redis_cache(REDIS_URL, prefix)
    generation = public_state.current()
    assert public_state.lookup() == generation
    invalidations._write_down(public_state.GENERATION_KEY, ConnectionError("cut off"))
    assert public_state.lookup() == generation  # checked less than a second ago
    time.sleep(backend.CHECK_EVERY)
    assert public_state.lookup() is None
