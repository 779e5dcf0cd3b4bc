"""The API on a Redis cache (`CACHE_URL=redis://…`): it answers, and processes share its throttle counts."""

import os
import random

import pytest
from django.test import Client

from tests.test_settings import PRODUCTION, _manage

# Database 11 of the machine's Redis, unless told otherwise; only the keys of the test's own address
# are removed from it, so runs in parallel do not disturb each other.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis, and a client address of this test's own (documentation range)."""
    import redis

    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        server.ping()
    except redis.ConnectionError as error:
        message = f"Redis does not answer at {REDIS_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    address = f"2001:db8::{random.getrandbits(32):x}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    yield address
    for key in server.scan_iter(f"*{address}"):
        server.delete(key)
    server.close()


def test_redis_cache_url_selects_djangos_redis_backend():
    script = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = _manage("shell", "-c", script, env=PRODUCTION | {"CACHE_URL": REDIS_URL})
    assert result.stdout.strip().splitlines()[-1] == "django.core.cache.backends.redis.RedisCache", result.stderr


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
