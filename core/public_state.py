"""A token for "what the public can see now", shared by every process through the default cache.

Cached public answers (embeds, oEmbed, the API) are stored with the generation
they were made under and served only while it is still current. The generation
changes on every public change (``forget()``, called by ``closure.maintained()``,
by the feed of changes and by saves of rows readers can see) and when the next
scheduled moment passes: scheduled content goes public with no job, so each
generation carries the first moment after it was made at which content becomes
public (the content apps register where those moments come from), and a
generation past its moment is no longer current.

The token is two cache keys, read together: the generation, and the moment
computed under it (on Redis, kept in each process while Redis reports no change
to them, ``config/cache.py``). A generation
changed by ``forget()`` while another process was computing the moment leaves
that process's moment unmatched, so the next reader computes it again: a
moment read before a schedule committed can never be taken for the current one.
See docs/architecture.md, "Caching".
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from core import invalidations

GENERATION_KEY = "public-state:generation"
MOMENT_KEY = "public-state:moment"

# upcoming(now) -> the first moment after ``now`` at which some content becomes public, or None.
Upcoming = Callable[[datetime.datetime], datetime.datetime | None]
_upcoming: list[Upcoming] = []


def register_upcoming(source: Upcoming) -> None:
    if source not in _upcoming:
        _upcoming.append(source)


def _next_moment(now: datetime.datetime) -> float | None:
    moments = [moment for source in _upcoming if (moment := source(now)) is not None]
    return min(moments).timestamp() if moments else None


def _valid(generation: Any, moment: Any, now: float) -> bool:
    return (
        generation is not None
        and isinstance(moment, dict)
        and moment.get("generation") == generation
        and (moment["until"] is None or now < moment["until"])
    )


def lookup() -> str | None:
    """The current generation; None when it has to be made again (ask ``current()``)."""
    # On Redis the state is read from this process's memory while Redis reports no change (config/cache.py).
    found = getattr(cache, "get_many_tracked", cache.get_many)([GENERATION_KEY, MOMENT_KEY])
    generation = found.get(GENERATION_KEY)
    return generation if _valid(generation, found.get(MOMENT_KEY), timezone.now().timestamp()) else None


def current() -> str:
    """The current generation, made again (with one query per registered source) when it is missing,
    was changed since its moment was computed, or its moment has passed. Read it before reading
    anything it will validate: what is read after it is at least as new as it."""
    found = cache.get_many([GENERATION_KEY, MOMENT_KEY])
    generation, moment = found.get(GENERATION_KEY), found.get(MOMENT_KEY)
    now = timezone.now()
    if _valid(generation, moment, now.timestamp()):
        return generation
    if generation is None or (isinstance(moment, dict) and moment.get("generation") == generation):
        # Missing, or its moment passed: answers made before the moment must not count as current.
        generation = _new_generation()
    cache.set(MOMENT_KEY, {"generation": generation, "until": _next_moment(now)}, None)
    _wrote()
    return generation


def _new_generation() -> str:
    generation = uuid.uuid4().hex
    cache.set(GENERATION_KEY, generation, None)
    _wrote()
    return generation


def _wrote() -> None:
    # This process's own next lookup must see its write at once (config/cache.py).
    forget_tracked = getattr(cache, "forget_tracked", None)
    if forget_tracked is not None:
        forget_tracked()


def _forget() -> None:
    # A publication must not fail because the cache is away: the generation is then deleted from the
    # cache before anything is read from it again (core.invalidations).
    invalidations.write(GENERATION_KEY, uuid.uuid4().hex)
    _wrote()


def forget() -> None:
    """Something readers can see changed: no answer cached before now is current.

    Now, for this transaction's own next reads; and again once it commits, for any
    process that read the old rows (and cached answers from them) in between."""
    _forget()
    transaction.on_commit(_forget)


def store(key: str, generation: str, value: Sequence[Any] | dict, timeout: int) -> None:
    """Keep ``value`` under ``key`` for the generation it was made under."""
    cache.set(key, (generation, value), timeout)


def unpack(entry: Any, generation: str | None) -> Any:
    """The value of an entry ``store`` made, when it was made under ``generation``; None otherwise."""
    if generation is None or not isinstance(entry, tuple) or len(entry) != 2 or entry[0] != generation:
        return None
    return entry[1]
