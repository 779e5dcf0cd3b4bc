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
"""

from __future__ import annotations

import contextlib
import os
import threading
import time

from django.core.cache.backends import redis as django_redis

# However quiet the invalidation channel, tracked values are read again this often (seconds).
TRACKED_FOR = 1.0
# After the tracked connections failed (a server without client tracking, a proxy refusing it), plain
# reads for this long before trying again, rather than two new connections on every request.
RETRY_AFTER = 30.0


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
            self._tracked = _Tracked(self._servers[0])
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

    def __init__(self, url: str) -> None:
        self.url = url
        self.lock = threading.Lock()
        self.pid = None
        self.data = self.invalidations = None
        self.values: dict[tuple[str, ...], list] = {}
        self.read_at = 0.0
        self.retry_at = 0.0

    def _connect(self) -> None:
        import redis

        # RESP2: the invalidations arrive as messages on a channel of their own.
        pool = redis.ConnectionPool.from_url(self.url, protocol=2)
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
        self._tracked_names: dict[tuple[str, ...], dict[str, str]] = {}

    def get_many_tracked(self, keys: list[str]) -> dict:
        """``get_many`` for a few keys read on every request and rarely written."""
        names = tuple(keys)
        key_map = self._tracked_names.get(names)
        if key_map is None:
            # Validating the keys' characters every time cost half of a lookup.
            key_map = self._tracked_names[names] = {self.make_and_validate_key(key): key for key in keys}
        return {key_map[name]: value for name, value in self._cache.get_many_tracked(list(key_map)).items()}

    def forget_tracked(self) -> None:
        """After this process wrote a tracked key: its next read goes to Redis, not waiting on the
        invalidation Redis sends a moment after it answered the write."""
        tracked = self._cache._tracked
        if tracked is not None:
            with tracked.lock:
                tracked.values = {}
