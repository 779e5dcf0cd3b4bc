"""The public search page: live stories, public actors and public claims matching a reader's words."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.public_cache import keep_public
from newsroom.models import Article
from relations.models import Actor, Claim

MAX_QUERY_LENGTH = 200
# How many of each kind a search of everything shows before "more": the stories lead.
FIRST = {"stories": 8, "actors": 5, "claims": 5}
# One kind at a time: a page of this many, and no further than LAST_PAGE pages (a search is not an
# archive: past a few hundred results a reader refines the words).
PER_PAGE = 20
LAST_PAGE = 25
KINDS = {"stories": "Stories", "actors": "Actors", "claims": "Claims"}


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search stories, actors and claims",
        max_length=MAX_QUERY_LENGTH,
        required=False,
        error_messages={"max_length": "Search for at most %(limit_value)d characters (you typed %(show_value)d)."},
    )
    type = forms.ChoiceField(choices=[("", "Everything"), *KINDS.items()], required=False)
    page = forms.IntegerField(
        min_value=1,
        max_value=LAST_PAGE,
        required=False,
        error_messages={
            "invalid": "That page number is not a number.",
            "max_value": f"Search shows the first {LAST_PAGE} pages; try more precise words.",
        },
    )


def stories(terms: str) -> QuerySet[Article]:
    return (
        Article.objects.public()
        .search(terms)
        .defer("body")
        .with_publication_date()
        .order_by("-search_rank", "-publish_at", "-pk")
    )


def actors(terms: str) -> QuerySet[Actor]:
    return Actor.objects.public().search(terms).order_by("-search_rank", "name", "pk")


def claims(terms: str) -> QuerySet[Claim]:
    """With what ``newsroom/_claim.html`` shows of each: the verdict, who says so, sources, ties, and the
    live stories citing it, where a reader can read it in context."""
    live_stories = Prefetch("articles", queryset=Article.objects.public().for_listing(), to_attr="live_stories")
    return (
        Claim.objects.public()
        .search(terms)
        .for_display()
        .prefetch_related(live_stories)
        .order_by("-search_rank", "-public_from", "-pk")
    )


READS = {"stories": stories, "actors": actors, "claims": claims}


@dataclass
class Found:
    kind: str
    label: str
    rows: list
    more: bool


def _first(queryset: QuerySet, count: int) -> tuple[list, bool]:
    """At most ``count`` rows, and whether there are more (one more row read, no count)."""
    rows = list(queryset[: count + 1])
    return rows[:count], len(rows) > count


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """``?q=`` words (PostgreSQL's web search syntax: "phrases", ``or``, ``-word``), ``type=`` one kind,
    ``page=`` its page. A query too long, or a page out of range, answers 400 with the reason."""
    form = SearchForm(request.GET)
    context = {"form": form, "kinds": KINDS}
    if not form.is_valid():
        return render(request, "newsroom/search.html", context, status=400)
    terms = " ".join(form.cleaned_data["q"].split())
    kind = form.cleaned_data["type"]
    page = form.cleaned_data["page"] or 1
    context.update(terms=terms, kind=kind, page=page)
    if terms and kind:
        rows, more = _first(READS[kind](terms)[(page - 1) * PER_PAGE :], PER_PAGE)
        context["found"] = [Found(kind, KINDS[kind], rows, more)]
        context["paged"] = True
    elif terms:
        context["found"] = [Found(name, KINDS[name], *_first(READS[name](terms), FIRST[name])) for name in KINDS]
    context["nothing"] = bool(terms) and not any(found.rows for found in context.get("found", []))
    return keep_public(render(request, "newsroom/search.html", context))
