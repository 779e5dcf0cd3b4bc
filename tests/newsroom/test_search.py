"""The public search page: ranked, bounded, and never finding anything readers may not see."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from newsroom import search
from newsroom.models import Article
from newsroom.services import article_withdraw
from relations.models import Actor, Claim
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    SourceFactory,
)
from tests.helpers import editing, publish_article

pytestmark = pytest.mark.django_db

CANARY = "zebracanary"
NOT_LIVE = ["draft", "in_review", "withdrawn", "scheduled"]
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")


def _found(response, kind: str) -> list:
    for found in response.context["found"]:
        if found.kind == kind:
            return found.rows
    return []


# --- The demo: what a reader searching for it finds first ---------------------------------------


def test_searching_the_demo_finds_the_bloc_by_its_alias_and_not_the_brief_in_review(client, demo):
    response = client.get("/search/", {"q": "SCO"})
    assert response.status_code == 200
    assert [actor.slug for actor in _found(response, "actors")] == ["shanghai-cooperation-organization"]
    # The brief headlined "…for SCO talks" is in review: not found.
    assert Article.objects.get(slug="iran-defence-minister-at-sco-meeting").status == "in_review"
    assert _found(response, "stories") == []
    assert "iran-defence-minister-at-sco-meeting" not in response.content.decode()


def test_searching_the_demo_for_north_korea_puts_the_country_and_the_claim_about_it_first(client, demo):
    response = client.get("/search/", {"q": "North Korea"})
    assert _found(response, "actors")[0].slug == "north-korea"
    assert _found(response, "claims")[0].text.startswith("North Korea has sent troops")
    assert [story.slug for story in _found(response, "stories")] == ["china-and-russia-keep-their-distance-from-iran"]


def test_searching_the_demo_for_treaty_finds_the_claim_and_the_live_story_only(client, demo):
    response = client.get("/search/", {"q": "treaty"})
    assert [story.slug for story in _found(response, "stories")] == ["china-and-russia-keep-their-distance-from-iran"]
    assert _found(response, "claims")[0].text.startswith("Of the four countries, only Russia and North Korea")


def test_a_title_match_ranks_before_a_standfirst_match_before_a_body_match(client, db):
    editor = EditorFactory()
    for title, standfirst, body in [
        ("Ice floes", "Walruses gather.", "<p>Cold.</p>"),
        ("Sea lanes", "Ships pass.", "<p>A walrus watched.</p>"),
        ("The walrus question", "Who counts them?", "<p>Nobody.</p>"),
    ]:
        publish_article(article=ArticleFactory(title=title, standfirst=standfirst, body=body), by=editor)
    stories = _found(client.get("/search/", {"q": "walrus"}), "stories")
    assert [story.title for story in stories] == ["The walrus question", "Ice floes", "Sea lanes"]


def test_the_scheduled_demo_story_is_not_found_before_its_time(client, demo):
    scheduled = Article.objects.get(slug="russia-and-north-korea-the-one-pact-with-teeth")
    assert not scheduled.is_live
    html = client.get("/search/", {"q": "pact with teeth"}).content.decode()
    assert scheduled.slug not in html
    for words in ("treaty", "pact", "teeth"):
        response = client.get("/search/", {"q": words, "type": "stories"})
        assert scheduled not in _found(response, "stories"), words


def test_one_kind_at_a_time_is_paginated(client, demo):
    response = client.get("/search/", {"q": "Iran", "type": "claims"})
    assert response.status_code == 200
    assert [found.kind for found in response.context["found"]] == ["claims"]
    assert 0 < len(_found(response, "claims")) <= search.PER_PAGE


# --- Input a reader can type ------------------------------------------------------------------


def test_an_empty_search_asks_for_words(client, db):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "Type a name" in response.content.decode()
    assert client.get("/search/", {"q": "   "}).status_code == 200


def test_an_over_long_search_answers_400_with_the_reason(client, db):
    response = client.get("/search/", {"q": "x" * (search.MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"q": "iran", "page": "two"}, {"q": "iran", "page": "0"}, {"q": "iran", "page": "999"}, {"q": "a\x00b"}],
    ids=["page-not-a-number", "page-zero", "page-too-far", "nul"],
)
def test_bad_parameters_answer_400_never_500(client, db, query):
    assert client.get("/search/", query).status_code == 400


@pytest.mark.parametrize(
    "q", ['"unclosed phrase', "-", "or", "!!!", "a & b | c", "<script>", "'", ":*", "the", "русский текст"]
)
def test_search_syntax_and_odd_characters_never_break_the_page(client, db, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200


def test_the_words_are_echoed_escaped(client, db):
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_type_not_offered_answers_400(client, db):
    assert client.get("/search/", {"q": "iran", "type": "users"}).status_code == 400


def test_the_header_of_every_page_has_the_search_box(client, db):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html


# --- Canaries: nothing that is not live is ever found -----------------------------------------


@pytest.fixture
def canaries(db):
    """A live story, and for each way of not being live a story carrying the canary word in its title,
    standfirst and body, citing a claim with the canary in its statement and quote, about an actor whose
    name, description and alias carry it. Plus a claim and an actor nothing live reaches at all."""
    editor = EditorFactory()
    live = ArticleFactory(title="A live story about drones", body="<p>Drones over the steppe.</p>")
    shared = ClaimFactory(text="Drones were seen.")
    ArticleClaimFactory(article=live, claim=shared)
    live = publish_article(article=live, by=editor)
    for kind in NOT_LIVE:
        article = ArticleFactory(
            title=f"{CANARY} {kind} title",
            standfirst=f"{CANARY} standfirst",
            body=f"<p>{CANARY} body</p>",
            slug=f"hidden-{kind.replace('_', '-')}",
        )
        actor = ActorFactory(name=f"{CANARY} {kind}", description=f"{CANARY} description")
        ActorAliasFactory(actor=actor, name=f"{CANARY}alias {kind}")
        claim = ClaimFactory(text=f"{CANARY} {kind} drones claim", quote=f"{CANARY} quote", attributed_to=actor)
        claim.actors.add(actor)
        claim.sources.add(SourceFactory(title=f"{CANARY} source"))
        ClaimRelationshipFactory(claim=claim)
        ArticleClaimFactory(article=article, claim=claim)
        ArticleClaimFactory(article=article, claim=shared)
        article.actors.add(actor)
        if kind == "in_review":
            with editing(article):
                Article.objects.filter(pk=article.pk).update(status=Article.Status.IN_REVIEW)
        elif kind == "withdrawn":
            article_withdraw(article=publish_article(article=article, by=editor), by=editor)
        elif kind == "scheduled":
            publish_article(article=article, by=editor, publish_at=timezone.now() + timedelta(days=1))
    ClaimFactory(text=f"{CANARY} claim cited by nothing")
    ActorFactory(name=f"{CANARY} actor named by nothing")
    return live


def test_nothing_unpublished_is_ever_found(client, canaries):
    for kind in ["", "stories", "actors", "claims"]:
        for words in [CANARY, f"{CANARY}alias", "title", "standfirst", "quote", "drones", f"{CANARY} OR drones"]:
            response = client.get("/search/", {"q": words, "type": kind})
            assert response.status_code == 200
            # The page echoes the words searched for, and nothing else may carry the canary.
            echoed = response.content.decode().replace(words, "").replace(words.replace(" ", "+"), "")
            assert CANARY not in echoed, (kind, words)
            assert not any(CANARY in str(row) for found in response.context["found"] for row in found.rows)


def test_the_canaries_would_be_found_if_they_were_public(client, canaries):
    # The canaries are findable text: only the rule keeps them out.
    assert Article.objects.search(CANARY).count() == len(NOT_LIVE)
    assert Actor.objects.search(CANARY).count() == len(NOT_LIVE) + 1
    assert Claim.objects.search(CANARY).count() == len(NOT_LIVE) + 1
    assert Actor.objects.search(f"{CANARY}alias").count() == len(NOT_LIVE)


def test_live_content_is_found_beside_the_canaries(client, canaries):
    response = client.get("/search/", {"q": "drones"})
    assert [story.pk for story in _found(response, "stories")] == [canaries.pk]
    assert [claim.text for claim in _found(response, "claims")] == ["Drones were seen."]


# --- Cost ---------------------------------------------------------------------------------------

# Everything: the stories; the actors; the claims, their sources, their ties, the stories citing them.
SEARCH_QUERIES = 6


@pytest.mark.parametrize("n", [1, 25])
def test_search_queries_do_not_grow_with_results(client, django_assert_max_num_queries, n):
    editor = EditorFactory()
    for i in range(n):
        actor = ActorFactory(name=f"Walrus {i}", description="A walrus.")
        ActorAliasFactory(actor=actor, name=f"Walrus alias {i}")
        claim = ClaimFactory(text=f"Walrus claim {i}", attributed_to=ActorFactory(kind="person"))
        claim.actors.add(actor)
        claim.sources.add(SourceFactory(), SourceFactory())
        ClaimRelationshipFactory(claim=claim)
        article = ArticleFactory(title=f"Walrus story {i}")
        ArticleClaimFactory(article=article, claim=claim)
        article.actors.add(actor)
        publish_article(article=article, by=editor)
    for kind in ("", "stories", "actors", "claims"):
        with django_assert_max_num_queries(SEARCH_QUERIES):
            response = client.get("/search/", {"q": "walrus", "type": kind})
        assert response.status_code == 200
        shown = sum(len(found.rows) for found in response.context["found"])
        assert shown == (min(n, search.PER_PAGE) if kind else sum(min(n, first) for first in search.FIRST.values()))


def test_a_search_is_kept_by_the_public_cache_until_the_next_public_change(client, canaries):
    first = client.get("/search/", {"q": "drones"})
    assert first.status_code == 200
    assert client.get("/search/", {"q": "drones"}).content == first.content
    with editing(canaries):
        article_withdraw(article=canaries, by=EditorFactory())
    after = client.get("/search/", {"q": "drones"})
    assert "A live story about drones" not in after.content.decode()


# --- PostgreSQL: the full-text search and its indexes --------------------------------------------


@postgres_only
def test_postgresql_searches_with_full_text_and_its_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%search"])
        names = {row[0] for row in cursor.fetchall()}
    assert {"article_search", "actor_search", "actoralias_search", "claim_search"} <= names
    for queryset in (Article.objects.public(), Actor.objects.public(), Claim.objects.public()):
        sql = str(queryset.search("treaty").query)
        assert "to_tsvector" in sql and "@@" in sql and "websearch_to_tsquery" in sql


@postgres_only
@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: Article.objects.search("treaty"), "article_search"),
        (lambda: Actor.objects.search("treaty"), "actor_search"),
        (lambda: Actor.objects.search("treaty"), "actoralias_search"),
        (lambda: Claim.objects.public().search("treaty"), "claim_search"),
    ],
    ids=["stories", "actors", "aliases", "claims"],
)
def test_postgresql_matches_through_the_gin_indexes(queryset, index):
    # The planner takes an index only for the expression it was built on: this holds the migrations'
    # expressions to core/search.py's. (Sequential scans are priced out, as on a table of any size.)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert index in queryset().explain()


@postgres_only
def test_postgresql_stems_and_reads_web_search_syntax(client, canaries):
    assert Article.objects.public().search("drone").count() == 1  # "Drones"
    assert Article.objects.public().search('"live story"').count() == 1
    assert Article.objects.public().search("drones -steppe").count() == 0
    assert Article.objects.public().search("walrus or drones").count() == 1
