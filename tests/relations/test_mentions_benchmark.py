"""How long mention finding takes on a long article against thousands of aliases.

A benchmark, not a timed test: it prints figures and asserts only correctness.
"""

import random
import time

import pytest

from relations.mentions import MentionIndex
from relations.models import Actor, ActorAlias

ACTORS = 2_000
ALIASES_PER_ACTOR = 2
ARTICLE_WORDS = 10_000
FILLER = [
    "the",
    "of",
    "and",
    "in",
    "to",
    "a",
    "officials",
    "said",
    "that",
    "on",
    "Tuesday",
    "while",
    "talks",
    "over",
    "sanctions",
    "continued",
]


def _name(n: int) -> str:
    # Two-word names, so the index exercises multi-word lookups.
    return f"Zorland{n} Republic" if n % 2 else f"Kaveria{n}"


@pytest.mark.benchmark
@pytest.mark.django_db
def test_mentions_on_a_long_article_against_thousands_of_aliases(capsys):
    Actor.objects.bulk_create(Actor(kind=Actor.Kind.COUNTRY, name=_name(n), slug=f"actor-{n}") for n in range(ACTORS))
    actors = list(Actor.objects.values_list("pk", flat=True))
    ActorAlias.objects.bulk_create(
        ActorAlias(actor_id=pk, name=f"Alias{pk}x{k}") for pk in actors for k in range(ALIASES_PER_ACTOR)
    )
    rng = random.Random(7)
    words, expected = [], set()
    while len(words) < ARTICLE_WORDS:
        if rng.random() < 0.02:
            n = rng.randrange(ACTORS)
            words.append(_name(n) + "'s")
            expected.add(_name(n))
        else:
            words.append(rng.choice(FILLER))
    text = " ".join(words)

    started = time.perf_counter()
    index = MentionIndex.from_database()
    built = time.perf_counter()
    mentions = index.find(text)
    found = time.perf_counter()

    assert {m.text for m in mentions} == expected
    with capsys.disabled():
        print(
            f"\nmentions benchmark: {ACTORS} actors + {ACTORS * ALIASES_PER_ACTOR} aliases, "
            f"{ARTICLE_WORDS} words: index from database {1000 * (built - started):.1f} ms, "
            f"find {1000 * (found - built):.1f} ms, {len(mentions)} mentions"
        )


@pytest.mark.benchmark
@pytest.mark.django_db
def test_mention_index_cold_and_kept_at_archive_scale(capsys):
    """A large archive's names (50,000 actors, 100,000 aliases): what the first article form after
    a change pays to build the index, and what every later one pays to reuse it."""
    actors, aliases = 50_000, 2
    Actor.objects.bulk_create(
        (Actor(kind=Actor.Kind.COUNTRY, name=_name(n), slug=f"actor-{n}") for n in range(actors)), batch_size=5_000
    )
    ids = list(Actor.objects.order_by("pk").values_list("pk", flat=True))
    ActorAlias.objects.bulk_create(
        (ActorAlias(actor_id=pk, name=f"Alias{pk}x{k}") for pk in ids for k in range(aliases)), batch_size=5_000
    )
    started = time.perf_counter()
    MentionIndex.current()
    cold = time.perf_counter()
    index = MentionIndex.current()
    kept = time.perf_counter()

    assert index.actor_ids(f"Talks between {_name(7)} and {_name(8)}.") == [ids[7], ids[8]]
    with capsys.disabled():
        print(
            f"\nmention index: {actors} actors + {actors * aliases} aliases: cold build (read and index) "
            f"{1000 * (cold - started):.0f} ms, kept {1000 * (kept - cold):.2f} ms"
        )
