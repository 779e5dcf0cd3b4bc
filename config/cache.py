"""Django's Redis cache backend, keeping one client per connection pool, and reading a few hot keys
from this process's memory while Redis says they have not changed.

Django's backend builds a new ``redis.Redis`` for every cache call, and each one
builds its table of reply callbacks (some 170 entries): measured, that was most of
the CPU of an embed answered from the cache (0.5 of 0.76 ms). A client is
thread-safe and holds nothing but its pool, so one per pool is kept.

``get_many_tracked`` is for the public state (``core.public_state``), read on
every cached answer: a round trip to Redis cost a hit several times what the
rest of it did. Its keys are read through a connection with Redis's client
tracking on, redirected to a second connection subscribed to the invalidations;
Redis queues the invalidation to that connection while it executes the write
and sends it in the same turn of its loop as its answer to the writer, so once
another process's ``forget()`` has returned, a hit here finds the message on the
socket (one poll, a few microseconds) and reads the keys again; this process's
own writes drop the kept values at once (``forget_tracked``). The values are also read again every
second, and whenever anything about the two connections fails, so a connection
lost without a word cannot keep an old value for longer.

Redis away (refused, timing out, or answering errors) costs a cache, not the
site: reads miss and writes are dropped, with a warning when it goes and
another when it is back, and after a failure this process leaves Redis alone
for ``RESUME_AFTER`` seconds rather than paying a connection attempt on every
call. Waits are bounded (``TIMEOUTS``), so a Redis whose packets vanish
holds a request for half a second, not until the worker is killed. Before
using Redis again, and every ``CHECK_EVERY`` seconds, the backend deletes the
keys whose new tokens Redis missed meanwhile (``core.invalidations``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time

from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT

log = logging.getLogger(__name__)

# However quiet the invalidation channel, tracked values are read again this often (seconds).
TRACKED_FOR = 1.0
# After the tracked connections failed (a server without client tracking, a proxy refusing it), plain
# reads for this long before trying again, rather than two new connections on every request.
RETRY_AFTER = 30.0
# Connecting to Redis and waiting for an answer (seconds): on one network it answers in well under a
# millisecond, and a miss renders in about 0.2 s, so waiting longer than this only holds the worker.
TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
# After Redis failed, this process serves without it for this long before trying again (seconds).
RESUME_AFTER = 3.0
# How often the database is asked for keys Redis missed while another process could not reach it
# (seconds), and after the database did not answer.
CHECK_EVERY = 1.0
CHECK_AGAIN_AFTER = 30.0


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._tracked: _Tracked | None = None
        self._loaded: tuple[object, dict] = (None, {})

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def get_many_tracked(self, keys: list[str]) -> dict:
        if self._tracked is None:
            timeouts = {name: self._pool_options[name] for name in TIMEOUTS if name in self._pool_options}
            self._tracked = _Tracked(self._servers[0], timeouts)
        values = self._tracked.mget(keys)
        if values is None:
            return self.get_many(keys)
        # The same list while nothing changed: unpickled once, not on every request.
        if self._loaded[0] is not values:
            found = zip(keys, values, strict=True)
            self._loaded = values, {key: self._serializer.loads(value) for key, value in found if value is not None}
        return self._loaded[1]


class _Tracked:
    """Values of a few keys, kept while Redis reports no change to them (see the module's doc)."""

    def __init__(self, url: str, options: dict) -> None:
        self.url = url
        self.options = options
        self.lock = threading.Lock()
        self.pid = None
        self.data = self.invalidations = None
        self.values: dict[tuple[str, ...], list] = {}
        self.read_at = 0.0
        self.retry_at = 0.0

    def _connect(self) -> None:
        import redis

        # RESP2: the invalidations arrive as messages on a channel of their own.
        pool = redis.ConnectionPool.from_url(self.url, protocol=2, **self.options)
        self.invalidations, self.data = pool.make_connection(), pool.make_connection()
        self.invalidations.send_command("CLIENT", "ID")
        client_id = self.invalidations.read_response()
        self.invalidations.send_command("SUBSCRIBE", "__redis__:invalidate")
        self.invalidations.read_response()
        self.data.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", client_id)
        self.data.read_response()
        self.pid = os.getpid()
        self.values = {}

    def _close(self) -> None:
        for connection in (self.data, self.invalidations):
            if connection is not None:
                with contextlib.suppress(Exception):  # already gone: nothing to give back
                    connection.disconnect()
        self.data = self.invalidations = None
        self.values = {}

    def mget(self, keys: list[str]) -> list | None:
        """The raw values of ``keys``; None when the tracked connections are unavailable."""
        names = tuple(keys)
        with self.lock:
            if self.pid is None and time.monotonic() < self.retry_at:
                return None
            try:
                if self.pid != os.getpid():  # a forked worker must not read its parent's sockets
                    self.data = self.invalidations = None
                    self._connect()
                while self.invalidations.can_read(timeout=0):
                    self.invalidations.read_response()
                    self.values = {}
                now = time.monotonic()
                if now - self.read_at >= TRACKED_FOR:
                    self.values = {}
                values = self.values.get(names)
                if values is None:
                    self.data.send_command("MGET", *names)
                    values = self.values[names] = self.data.read_response()
                    self.read_at = now
                return values
            except Exception:
                self._close()
                self.pid = None
                self.retry_at = time.monotonic() + RETRY_AFTER
                return None


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._options = {**TIMEOUTS, **self._options}
        self._tracked_names: dict[tuple[str, ...], dict[str, str]] = {}
        # Django keeps one instance per thread, so this state is a thread's: no lock.
        self._resume_at = 0.0  # Redis is left alone until then
        self._check_at = 0.0  # the database is asked for unsent invalidations from then on
        self._down_since: float | None = None

    @property
    def available(self) -> bool:
        """False while this process leaves Redis alone after a failure."""
        return time.monotonic() >= self._resume_at

    def _usable(self) -> bool:
        now = time.monotonic()
        if now < self._resume_at:
            return False
        return now < self._check_at or self._settle(now)

    def _settle(self, now: float) -> bool:
        """Delete the keys whose new tokens Redis missed; False when Redis failed meanwhile."""
        from core import invalidations

        try:
            unsent = invalidations.unsent()
        except Exception as error:
            # Nothing can have been written down where nothing can be read: serve from the cache.
            log.warning("Could not ask the database for invalidations the cache missed (%s).", error)
            self._check_at = now + CHECK_AGAIN_AFTER
            return True
        if unsent:
            try:
                self._cache.delete_many([self.make_and_validate_key(key) for _id, key in unsent])
            except self._cache._lib.RedisError as error:
                self._failed(error)
                return False
            self.forget_tracked()
            invalidations.sent([pk for pk, _key in unsent])
            log.warning(
                "Deleted %s from the cache: the changes that replaced them reached only the database.",
                ", ".join(sorted({key for _id, key in unsent})),
            )
        self._check_at = now + CHECK_EVERY
        return True

    def _failed(self, error: Exception) -> None:
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
            log.warning(
                "The cache (%s) does not answer (%s): serving without it, trying again every %g s.",
                self._servers[0],
                error,
                RESUME_AFTER,
            )
        self._resume_at = now + RESUME_AFTER
        # Whatever was replaced while Redis was away is deleted there before it is read again.
        self._check_at = 0.0

    def _guarded(self, fallback, operation, *args):
        if not self._usable():
            return fallback
        try:
            result = operation(*args)
        except self._cache._lib.RedisError as error:
            self._failed(error)
            return fallback
        if self._down_since is not None:
            log.warning(
                "The cache (%s) answers again, after %.1f s.", self._servers[0], time.monotonic() - self._down_since
            )
            self._down_since = None
        return result

    # Reads miss and writes are dropped while Redis is away; a read of a key holds nothing then.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded(None, super().set, key, value, timeout, version)

    def set_surely(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        """``set``, raising ``CacheUnavailable`` when Redis is away or fails (``core.invalidations``)."""
        if not self._usable():
            raise CacheUnavailable(f"the cache ({self._servers[0]}) was left alone after a failure")
        try:
            super().set(key, value, timeout, version)
        except self._cache._lib.RedisError as error:
            self._failed(error)
            raise CacheUnavailable(str(error)) from error

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._guarded(missing, super().incr, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(False, super().clear)

    def get_many_tracked(self, keys: list[str]) -> dict:
        """``get_many`` for a few keys read on every request and rarely written."""
        names = tuple(keys)
        key_map = self._tracked_names.get(names)
        if key_map is None:
            # Validating the keys' characters every time cost half of a lookup.
            key_map = self._tracked_names[names] = {self.make_and_validate_key(key): key for key in keys}
        found = self._guarded({}, self._cache.get_many_tracked, list(key_map))
        return {key_map[name]: value for name, value in found.items()}

    def forget_tracked(self) -> None:
        """After this process wrote a tracked key: its next read goes to Redis, not waiting on the
        invalidation Redis sends a moment after it answered the write."""
        tracked = self._cache._tracked
        if tracked is not None:
            with tracked.lock:
                tracked.values = {}


class CacheUnavailable(Exception):
    pass
