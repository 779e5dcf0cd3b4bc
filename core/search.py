"""Ranked text search: PostgreSQL's full-text search where the database has it, a plain case-insensitive
match elsewhere (docs/architecture.md, "Search, feeds and sitemaps")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import connections
from django.db.models import Case, Expression, FloatField, Q, QuerySet, Value, When

# The site is written in English: its stemmer lets "treaties" find "treaty". The indexes the migrations
# create name the same configuration, and must, or PostgreSQL will not use them.
CONFIG = "english"
# What a match in a field of each weight is worth: on PostgreSQL, what ``ts_rank`` gives a one-word
# document matching in a field of that weight (its default weights 1.0, 0.4, 0.2 and 0.1, scaled the same);
# in the fallback, a title's match is worth twice a standfirst's, and so on down.
WORTH = {
    True: {"A": 0.6079, "B": 0.2432, "C": 0.1216, "D": 0.0608},
    False: {"A": 8.0, "B": 4.0, "C": 2.0, "D": 1.0},
}
# Words the fallback matches at most: each one is a condition on every field.
FALLBACK_WORDS = 8

Fields = Sequence[tuple[str, str]]


def full_text(queryset: QuerySet) -> bool:
    """Whether ``queryset``'s database has full-text search (PostgreSQL)."""
    return connections[queryset.db].vendor == "postgresql"


def vector(fields: Fields) -> Expression:
    """The weighted ``tsvector`` of ``fields`` ((name, weight) pairs), written exactly as the expression
    indexes of the migrations are: the planner uses an index only for the same expression."""
    from django.contrib.postgres.search import SearchVector

    combined = None
    for name, weight in fields:
        part = SearchVector(name, weight=weight, config=CONFIG)
        combined = part if combined is None else combined + part
    return combined


def _query(terms: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(terms, search_type="websearch", config=CONFIG)


def condition(terms: str, fields: Fields, *, full: bool) -> Q:
    """Rows matching ``terms`` in ``fields``.

    With ``full`` (PostgreSQL) ``terms`` is read as a web search box reads it (``websearch_to_tsquery``:
    every word required, "quoted phrases", ``or``, ``-word`` to leave out) and matched against the
    indexed vector. Otherwise every word must start a word of one of the fields, case-insensitively.
    """
    if full:
        from django.contrib.postgres.search import SearchVectorExact

        return Q(SearchVectorExact(vector(fields), _query(terms)))
    words = words_of(terms)
    if not words:
        return Q(pk__in=[])
    found = Q()
    for word in words:
        anywhere = Q()
        for name, _weight in fields:
            anywhere |= _starts_word(name, word)
        found &= anywhere
    return found


def _starts_word(name: str, word: str) -> Q:
    # At the start of a word, so that "SCO" is not found in "Moscow" while "treat" still finds "treaty".
    return Q(**{f"{name}__iregex": r"\b" + re.escape(word)})


def rank(terms: str, fields: Fields, *, full: bool) -> Expression:
    """How well a matching row matches: ``ts_rank`` with the fields' weights on PostgreSQL; elsewhere the
    worth of each field a word appears in, added up (a title's match before a body's)."""
    if full:
        from django.contrib.postgres.search import SearchRank

        return SearchRank(vector(fields), _query(terms))
    total: Expression = Value(0.0, output_field=FloatField())
    for word in words_of(terms):
        for name, weight in fields:
            total = total + Case(
                When(_starts_word(name, word), then=Value(WORTH[False][weight])),
                default=Value(0.0),
                output_field=FloatField(),
            )
    return total


def worth(weight: str, *, full: bool) -> float:
    return WORTH[full][weight]


def ranked(queryset: QuerySet, terms: str, fields: Fields) -> QuerySet:
    """The rows of ``queryset`` matching ``terms``, annotated with ``search_rank`` (higher is better)."""
    full = full_text(queryset)
    return queryset.filter(condition(terms, fields, full=full)).annotate(search_rank=rank(terms, fields, full=full))


def words_of(terms: str) -> list[str]:
    """The words the fallback looks for: the search box's syntax (quotes, a leading minus, ``or``) is
    PostgreSQL's alone, so it is dropped rather than looked for literally."""
    words = [word for word in re.findall(r"[^\s\"]+", terms) if not word.startswith("-") and word.lower() != "or"]
    return list(dict.fromkeys(words))[:FALLBACK_WORDS]
