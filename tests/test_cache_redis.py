"""The API on a Redis cache (`CACHE_URL=redis://…`): it answers, and processes share its throttle counts."""

import os
import random

import pytest
from django.test import Client

from tests.helpers import missing, publish_factbox
from tests.test_settings import PRODUCTION, _manage

# Database 11 of the machine's Redis, unless told otherwise; only the keys of the test's own address
# are removed from it, so runs in parallel do not disturb each other.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def machine_redis():
    """A client of the machine's Redis, which answers."""
    import redis

    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        server.ping()
    except redis.ConnectionError as error:
        missing(f"Redis does not answer at {REDIS_URL}: {error}")
    return server


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis, and a client address of this test's own (documentation range)."""
    server = machine_redis()
    address = f"2001:db8::{random.getrandbits(32):x}"
    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": REDIS_URL}}
    yield address
    for key in server.scan_iter(f"*{address}"):
        server.delete(key)
    server.close()


def test_redis_cache_url_selects_djangos_redis_backend_keeping_its_client():
    script = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = _manage("shell", "-c", script, env=PRODUCTION | {"CACHE_URL": REDIS_URL})
    assert result.stdout.strip().splitlines()[-1] == "config.cache.RedisCache", result.stderr


@pytest.mark.django_db
def test_api_answers_200_with_a_redis_cache(redis_cache, settings):
    settings.API_ANON_RATE = "5/minute"
    assert Client().get("/api/v1/claims/", REMOTE_ADDR=redis_cache).status_code == 200


def test_throttle_counts_are_shared_through_redis(redis_cache, settings):
    """Another process (another worker, another host) spends the allowance; this one sees it spent."""
    settings.API_ANON_RATE = "1/minute"
    script = (
        "from django.test import Client; "
        f"print(Client().get('/api/v1/', REMOTE_ADDR={redis_cache!r}, secure=True).status_code)"
    )
    env = PRODUCTION | {"CACHE_URL": REDIS_URL, "API_ANON_RATE": "1/minute", "ALLOWED_HOSTS": "testserver"}
    other = _manage("shell", "-c", script, env=env)
    assert other.stdout.strip().splitlines()[-1] == "200", other.stderr
    assert Client().get("/api/v1/", REMOTE_ADDR=redis_cache).status_code == 429


@pytest.fixture
def redis_answers(redis_cache, settings, monkeypatch):
    """Public answers on Redis under a key prefix of this test's own: other runs on the machine
    change their public state, not this one's. Its keys are removed afterwards. The backend's
    check for invalidations Redis missed (a query, once a second) waits, so that a hit counts none."""
    import redis

    from config import cache as backend

    monkeypatch.setattr(backend, "CHECK_EVERY", 600.0)

    prefix = f"test-{random.getrandbits(48):x}"
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    server.close()


@pytest.fixture
def published_box(db):
    from tests.factories import ClaimFactory, EditorFactory, FactBoxFactory, FactBoxItemFactory

    editor = EditorFactory()
    box = FactBoxFactory(slug="axis")
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(text="Russia and North Korea signed a treaty."))
    publish_factbox(factbox=box, by=editor)
    box.refresh_from_db()
    return box, editor


@pytest.mark.django_db
def test_embeds_are_answered_from_redis(redis_answers, published_box, django_assert_num_queries):
    from newsroom.factboxes.services import factbox_withdraw

    client = Client()
    miss = client.get("/embed/factboxes/axis/")
    with django_assert_num_queries(0):
        hit = client.get("/embed/factboxes/axis/")
        not_modified = client.get("/embed/factboxes/axis/", HTTP_IF_NONE_MATCH=miss["ETag"])
    assert hit.status_code == 200 and dict(hit.items()) == dict(miss.items()) and hit.content == miss.content
    assert not_modified.status_code == 304

    box, editor = published_box
    factbox_withdraw(factbox=box, by=editor)
    assert client.get("/embed/factboxes/axis/").status_code == 410


@pytest.mark.django_db
def test_a_change_in_another_process_ends_this_ones_cached_answers(redis_answers, published_box):
    """Another worker or host published or withdrew something: this one stops serving what it cached."""
    from core import public_state

    client = Client()
    client.get("/api/v1/factboxes/")
    generation = public_state.current()
    # CACHE_URL cannot carry a key prefix: the other process builds its cache with this test's.
    script = (
        "from django.core.cache.backends.redis import RedisCache; from core import invalidations, public_state; "
        f"invalidations.cache = public_state.cache = RedisCache({REDIS_URL!r}, {{'KEY_PREFIX': {redis_answers!r}}}); "
        "public_state.forget(); print('forgotten')"
    )
    other = _manage("shell", "-c", script, env=PRODUCTION | {"CACHE_URL": REDIS_URL})
    assert other.stdout.strip().splitlines()[-1] == "forgotten", other.stderr
    assert public_state.lookup() is None
    assert public_state.current() != generation


@pytest.mark.django_db
def test_without_client_tracking_the_state_is_read_from_redis_each_time(redis_answers, published_box, monkeypatch):
    """A server or proxy that refuses CLIENT TRACKING: every lookup reads Redis, and is as current."""
    from config import cache as cache_backend
    from core import public_state

    def refuse(self):
        raise ConnectionError("tracking refused")

    monkeypatch.setattr(cache_backend._Tracked, "_connect", refuse)
    generation = public_state.current()
    assert public_state.lookup() == generation
    public_state.forget()
    assert public_state.lookup() is None


@pytest.mark.django_db
def test_a_tracked_state_is_read_once_until_it_changes(redis_answers, published_box, monkeypatch):
    from django.core.cache import cache

    from config import cache as cache_backend
    from core import public_state

    monkeypatch.setattr(cache_backend, "TRACKED_FOR", 60.0)  # a slow machine must not read it again meanwhile

    generation = public_state.current()
    assert public_state.lookup() == generation
    tracked = cache._cache._tracked
    assert tracked is not None and tracked.values
    read_at = tracked.read_at
    assert public_state.lookup() == generation and tracked.read_at == read_at
    public_state.forget()
    assert public_state.lookup() is None
