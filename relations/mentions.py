"""Find the actors a text mentions, by name or alias.

Matching works on word tokens rather than one giant regular expression: the
text is split into words once, and at each word the longest run of words that
spells a known name is looked up in a dictionary. The cost is linear in the
length of the text and does not depend on how many aliases exist, so it can
run on every save of a long article against thousands of aliases.

Rules, in the order they matter to an editor:

- whole words only: "Iran" is not found in "Iranian", "UN" not in "UNESCO";
- possessives count: "Russia's" and "Russia’s" mention Russia;
- the longest name wins: "North Korea" is one mention of North Korea, not
  also one of "Korea";
- acronyms are case-sensitive ("US" is not "us"); other names match in any
  case except all lower-case when the name has capitals, so a headline's
  "RUSSIA" counts but "china" (the porcelain) does not.

Building the index reads every actor and alias (tens of thousands in a large
archive), so each process keeps the one it built (``MentionIndex.current()``)
until an actor or alias changes: ``relations.signals`` then replaces the
generation token in Django's cache, which every process compares with its own
on each use. With several processes the cache must be one they share (Redis
through ``CACHE_URL``); ``MAX_AGE`` bounds how stale a copy can get when it is
not, or when rows are written without signals (``bulk_create``, raw SQL).
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from core import invalidations
from relations.models import Actor, ActorAlias

GENERATION_KEY = "relations:mention-index:generation"
# Seconds a process trusts its index without a change being signalled.
MAX_AGE = 600

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Mention:
    actor_id: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class _Name:
    actor_id: int
    name: str
    separators: tuple[str, ...]
    trailing: str
    acronym: bool
    has_capitals: bool


def _is_acronym(name: str) -> bool:
    if not name.isupper():
        # No upper-case letter, or a lower-case one: not an acronym (the cheap answer for most names).
        return False
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _split(name: str) -> tuple[tuple[str, ...], tuple[str, ...], str] | None:
    """Words of a name, the text between them, and any punctuation after the last
    word ("U.S." is the words U and S, separated by ".", followed by ".")."""
    words = list(_WORD.finditer(name))
    if not words:
        return None
    separators = _gaps(name, words)
    trailing = name[words[-1].end() :].strip()
    return tuple(w.group().casefold() for w in words), separators, trailing


class MentionIndex:
    """Every actor name and alias, keyed by its casefolded words.

    Building keeps only the key and the (actor, name) pair: how a name must be spelled in the
    text to count (separators, trailing punctuation, acronym, capitals) is worked out when a
    text first reaches it (``_entry``), so that a cold build over a large archive costs one
    split of each name and nothing more."""

    def __init__(self, names: Iterable[tuple[int, str]]) -> None:
        self._names: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        longest = 0
        findall = _WORD.findall
        for actor_id, name in names:
            words = findall(name)
            if not words:
                continue
            key = tuple([word.casefold() for word in words])
            entries = self._names.get(key)
            if entries is None:
                self._names[key] = [(actor_id, name)]
            elif (actor_id, name) not in entries:
                entries.append((actor_id, name))
            if len(key) > longest:
                longest = len(key)
        self.longest = longest

    @classmethod
    def from_database(cls) -> MentionIndex:
        names = list(Actor.objects.values_list("pk", "name"))
        names += ActorAlias.objects.values_list("actor_id", "name")
        return cls(names)

    @classmethod
    def current(cls) -> MentionIndex:
        """The index of this process, rebuilt only when actors or aliases changed since it was built
        (or it is older than ``MAX_AGE``): one cache read when nothing changed."""
        global _built
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            # First use since the cache was emptied: every process adopts the same token.
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
        built = _built
        # No token (the cache away): a change could not say so, so the index is built again.
        fresh = built is not None and time.monotonic() - built[1] < MAX_AGE
        if fresh and generation is not None and built[0] == generation:
            return built[2]
        with _building:
            # The token is read before the rows: a change made while building makes the next use rebuild.
            index = cls.from_database()
            _built = (generation, time.monotonic(), index)
        return index

    def find(self, text: str) -> list[Mention]:
        """Mentions in order of appearance; a mention never overlaps another."""
        words = list(_WORD.finditer(text))
        folded = [w.group().casefold() for w in words]
        mentions: list[Mention] = []
        i = 0
        while i < len(words):
            matched = 0
            for n in range(min(self.longest, len(words) - i), 0, -1):
                entries = self._names.get(tuple(folded[i : i + n]))
                if not entries:
                    continue
                found = self._match(text, words[i : i + n], entries)
                if found:
                    mentions.extend(found)
                    matched = n
                    break
            i += matched or 1
        return mentions

    def actor_ids(self, text: str) -> list[int]:
        """Actors mentioned, each once, in order of first mention."""
        return list(dict.fromkeys(m.actor_id for m in self.find(text)))

    @staticmethod
    def _match(text: str, words: list[re.Match], entries: list[tuple[int, str]]) -> list[Mention]:
        start, end = words[0].start(), words[-1].end()
        gaps = _gaps(text, words)
        surface = text[start:end]
        found = []
        for entry in map(_entry, entries):
            if gaps != entry.separators:
                continue
            if entry.trailing and not text.startswith(entry.trailing, end):
                continue
            if entry.acronym:
                if _strip_separators(surface) != _strip_separators(entry.name):
                    continue
            elif entry.has_capitals and surface == surface.lower():
                continue
            matched_end = end + len(entry.trailing)
            found.append(Mention(entry.actor_id, start, matched_end, text[start:matched_end]))
        # One actor per span, even when it is reachable by several of its names.
        return list({m.actor_id: m for m in found}.values())


@functools.lru_cache(maxsize=100_000)
def _entry(pair: tuple[int, str]) -> _Name:
    actor_id, name = pair
    _key, separators, trailing = _split(name)
    return _Name(
        actor_id=actor_id,
        name=name,
        separators=separators,
        trailing=trailing,
        acronym=_is_acronym(name),
        has_capitals=any(c.isupper() for c in name),
    )


def _gaps(text: str, words: list[re.Match]) -> tuple[str, ...]:
    """What stands between consecutive words, with any whitespace reduced to one
    space and punctuation kept, so "North  Korea" is "North Korea" but
    "Iran-Israel" is not "Iran Israel". Typographic apostrophes count as plain
    ones: copy has "People’s", an alias typed in the admin "People's"."""
    return tuple(
        " " if gap.isspace() else "".join(gap.split()).replace("’", "'")
        for gap in (text[a.end() : b.start()] for a, b in itertools.pairwise(words))
    )


def _strip_separators(value: str) -> str:
    return "".join(_WORD.findall(value))


# (generation token, when built, index) of this process.
_built: tuple[str | None, float, MentionIndex] | None = None
_building = threading.Lock()


def forget_index() -> None:
    """Make every process rebuild its index on next use: actors or aliases changed."""
    invalidations.write(GENERATION_KEY, uuid.uuid4().hex)


def find_mentions(text: str) -> list[Mention]:
    return MentionIndex.current().find(text)


def mentioned_actors(text: str) -> list[Actor]:
    """Actors the text mentions, in order of first mention."""
    ids = MentionIndex.current().actor_ids(text)
    by_id = Actor.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]
