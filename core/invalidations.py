"""Tokens that end what processes kept, and what happens when the cache cannot take a new one.

The public state's generation (``core.public_state``), the mention index's and the
fact boxes' review state's are each a random token in the default cache that
a change replaces. When the cache is away at that moment, the change is in
the database but the old token is still in the cache, and when the cache
answers again, everything kept under it would be taken as current: a
withdrawn story served from the cache. So the key is written down in the
database instead, in the same transaction as the change, and the cache
backend deletes the keys written down before it uses the cache again after
losing it, and looks for them every second besides (``config/cache.py``). A
deleted token is made anew by its next reader, which matches nothing kept.
See docs/architecture.md, "Caching".
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

log = logging.getLogger(__name__)


def write(key: str, token: str) -> bool:
    """Set ``key`` to ``token`` for good; False when the cache could not take it, and the key was
    written down for deletion instead."""
    try:
        # The project's Redis backend drops failed writes silently, except through this method.
        getattr(cache, "set_surely", cache.set)(key, token, None)
        return True
    except Exception as error:
        _write_down(key, error)
        return False


def _write_down(key: str, error: Exception) -> None:
    from core.models import UnsentInvalidation

    try:
        with _guarded():
            UnsentInvalidation.objects.create(key=key)
    except Exception:
        log.exception("The cache could not take a new %s (%s), nor the database a note of it.", key, error)
    else:
        log.warning("The cache could not take a new %s (%s): it is deleted there once the cache answers.", key, error)


def unsent() -> list[tuple[int, str]]:
    """The keys written down, with their ids; raises when the database cannot say."""
    from core.models import UnsentInvalidation

    with _guarded():
        return list(UnsentInvalidation.objects.order_by("pk").values_list("pk", "key"))


def sent(ids: Sequence[int]) -> None:
    """The cache has deleted these keys: their notes go (when the database cannot, a later check deletes them again)."""
    from core.models import UnsentInvalidation

    try:
        with _guarded():
            UnsentInvalidation.objects.filter(pk__in=ids).delete()
    except Exception:
        log.exception("Could not remove the notes of invalidations the cache has now taken.")


def _guarded():
    # Inside a transaction, a failed query (the table not there yet) must not abort the caller's work.
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return transaction.atomic()
    return contextlib.nullcontext()
