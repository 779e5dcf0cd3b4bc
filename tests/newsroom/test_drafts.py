"""Drafts of live articles: what readers keep seeing while editors change a story, and publishing
the changes (``services.article_save_draft``, ``article_publish_changes``, ``article_discard_draft``)."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from newsroom import services
from newsroom.models import Article, ArticleDraft, ArticleEvent
from relations.models import Claim, PublicChange
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReporterFactory,
    VerifiedClaimFactory,
)
from tests.helpers import publish_article

pytestmark = pytest.mark.django_db


def live_story(**fields) -> Article:
    article = ArticleFactory(title="The live title", body="<p>Live body.</p>", **fields)
    ArticleClaimFactory(article=article, claim=VerifiedClaimFactory(text="A claim readers see."), position=1)
    article.actors.add(ActorFactory(name="Russia", slug="russia"))
    return publish_article(article=article, by=EditorFactory())


def content_of(article: Article, **changes) -> dict:
    """The article's live content as ``article_save_draft`` takes it, with ``changes``."""
    live = services.live_content(article)
    values = {name: getattr(live, name) for name in services.DRAFT_FIELDS}
    values["actors"] = list(live.actor_ids)
    values["citations"] = [
        {"claim": row.claim_id, "position": row.position, "passage": row.passage} for row in live.citations
    ]
    return values | changes


def save_draft(article: Article, by=None, **changes):
    return services.article_save_draft(article=article, by=by or EditorFactory(), **content_of(article, **changes))


def publish_changes(article: Article, by=None, **options) -> Article:
    return services.article_publish_changes(article=article, by=by or EditorFactory(), **options)


class TestSavingADraft:
    def test_a_draft_keeps_the_edits_and_readers_keep_the_live_version(self, client):
        article = live_story()
        new_claim = VerifiedClaimFactory(text="A claim only the draft cites.")
        draft = save_draft(
            article,
            title="The drafted title",
            body="<p>Drafted body.</p>",
            citations=[{"claim": new_claim.pk, "position": 1, "passage": "drafted"}],
        )
        assert draft is not None and draft.title == "The drafted title"
        article.refresh_from_db()
        assert (article.title, article.body) == ("The live title", "<p>Live body.</p>")
        page = client.get(f"/stories/{article.slug}/").content.decode()
        assert "The live title" in page and "Live body." in page and "A claim readers see." in page
        assert "drafted" not in page.lower() and "only the draft cites" not in page
        answer = client.get(f"/api/v1/articles/{article.slug}/").json()
        assert answer["title"] == "The live title"
        assert "Drafted" not in answer["body"]
        assert [row["title"] for row in client.get("/api/v1/articles/").json()["results"]] == ["The live title"]
        embed = client.get(f"/embed/stories/{article.slug}/").content.decode()
        assert "The live title" in embed and "drafted title" not in embed
        # Partners are told nothing until the changes are published.
        assert [entry["kind"] for entry in client.get("/api/v1/changes/").json()["results"]] == ["published"]
        # Nothing the draft alone cites becomes public.
        assert not Claim.objects.public().filter(pk=new_claim.pk).exists()

    def test_content_no_different_from_live_leaves_no_draft(self):
        article = live_story()
        assert save_draft(article) is None
        assert not ArticleDraft.objects.filter(article=article).exists()
        save_draft(article, title="Changed")
        assert save_draft(article) is None
        assert not ArticleDraft.objects.filter(article=article).exists()

    def test_saving_a_draft_counts_as_an_edit(self):
        article = live_story()
        before = article.edit_count
        save_draft(article, title="Changed")
        article.refresh_from_db()
        assert article.edit_count == before + 1

    def test_a_reporter_may_not_draft_changes_to_a_live_story(self):
        article = live_story()
        with pytest.raises(PermissionDenied):
            save_draft(article, by=ReporterFactory(), title="A reporter's title")
        assert not ArticleDraft.objects.filter(article=article).exists()

    def test_only_a_live_article_keeps_a_draft(self):
        article = ArticleFactory()
        with pytest.raises(ValidationError):
            save_draft(article, title="Changed")
        assert not ArticleDraft.objects.exists()

    @pytest.mark.parametrize(
        "changes",
        [
            {"title": "   "},
            {"title": "x" * 251},
            {"citations": [{"claim": 10**9, "position": 1}]},
            {"actors": [10**9]},
        ],
        ids=["empty title", "title too long", "no such claim", "no such actor"],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, changes):
        article = live_story()
        save_draft(article, title="A first draft")
        with pytest.raises(ValidationError):
            save_draft(article, **changes)
        assert ArticleDraft.objects.get(article=article).title == "A first draft"
        article.refresh_from_db()
        assert article.title == "The live title"

    def test_citing_one_claim_twice_is_refused(self):
        article = live_story()
        claim = ClaimFactory()
        rows = [{"claim": claim.pk, "position": 1}, {"claim": claim.pk, "position": 2}]
        with pytest.raises(ValidationError):
            save_draft(article, citations=rows)
        assert not ArticleDraft.objects.filter(article=article).exists()

    def test_the_body_is_sanitised_in_the_draft_too(self):
        article = live_story()
        draft = save_draft(article, body='<p onclick="x()">Safe</p><script>alert(1)</script>')
        assert draft.body == "<p>Safe</p>"

    def test_tagging_the_actors_of_a_live_story_tags_its_draft(self):
        article = live_story()
        ActorFactory(name="Iran", slug="iran")
        save_draft(article, body="<p>Iran sent drones.</p>")
        added = services.article_tag_mentioned_actors(article=article, by=EditorFactory())
        assert [actor.name for actor in added] == ["Iran"]
        assert "Iran" not in {actor.name for actor in article.actors.all()}
        assert "Iran" in {actor.name for actor in article.draft.actors.all()}


class TestPublishingChanges:
    def test_publishing_applies_the_draft_and_tells_the_feed(self, client):
        article = live_story()
        before = PublicChange.objects.filter(object_id=article.pk).count()
        new_claim = VerifiedClaimFactory(text="A claim cited from now on.")
        iran = ActorFactory(name="Iran", slug="iran")
        save_draft(
            article,
            title="The new title",
            body="<p>New body.</p>",
            actors=[iran.pk],
            citations=[{"claim": new_claim.pk, "position": 1, "passage": "cited from now on"}],
        )
        editor = EditorFactory()
        publish_changes(article, by=editor, note="Fixed the headline.")
        article.refresh_from_db()
        assert (article.title, article.body) == ("The new title", "<p>New body.</p>")
        assert [actor.name for actor in article.actors.all()] == ["Iran"]
        assert list(article.claims.all()) == [new_claim]
        assert not ArticleDraft.objects.filter(article=article).exists()
        assert Claim.objects.public().filter(pk=new_claim.pk).exists()
        event = article.events.first()
        assert (event.kind, event.by, event.note) == (
            ArticleEvent.Kind.CHANGES_PUBLISHED,
            editor,
            "Fixed the headline.",
        )
        entries = PublicChange.objects.filter(object_id=article.pk)
        assert entries.count() == before + 1
        assert entries.order_by("-pk").first().kind == PublicChange.Kind.UPDATED
        assert article.last_modified_at == article.last_published_at
        page = client.get(f"/stories/{article.slug}/").content.decode()
        assert "The new title" in page and "A claim cited from now on." in page

    def test_a_reporter_may_not_publish_changes(self):
        article = live_story()
        save_draft(article, title="Changed")
        with pytest.raises(PermissionDenied):
            publish_changes(article, by=ReporterFactory())
        article.refresh_from_db()
        assert article.title == "The live title"
        assert ArticleDraft.objects.filter(article=article).exists()

    def test_nothing_to_publish_without_a_draft(self):
        with pytest.raises(ValidationError):
            publish_changes(live_story())

    def test_a_draft_citing_a_false_claim_is_refused_and_nothing_changes(self):
        article = live_story()
        false = VerifiedClaimFactory(verification=Claim.Verification.FALSE)
        save_draft(article, title="Changed", citations=[{"claim": false.pk, "position": 1}])
        with pytest.raises(ValidationError):
            publish_changes(article)
        article.refresh_from_db()
        assert article.title == "The live title"
        assert list(article.claims.values_list("text", flat=True)) == ["A claim readers see."]
        assert ArticleDraft.objects.filter(article=article).exists()

    def test_unverified_claims_are_confirmed_as_for_a_publication(self):
        article = live_story()
        unverified = ClaimFactory(verification=Claim.Verification.UNVERIFIED)
        save_draft(article, citations=[{"claim": unverified.pk, "position": 1}])
        with pytest.raises(services.UnverifiedClaimsUnconfirmed) as asked:
            publish_changes(article)
        assert [claim.pk for claim in asked.value.claims] == [unverified.pk]
        assert not article.claims.filter(pk=unverified.pk).exists()
        publish_changes(article, confirmed_unverified=[unverified.pk])
        assert list(article.claims.all()) == [unverified]
        assert "unverified" in article.events.first().note

    def test_citations_that_stay_keep_their_rows(self):
        article = live_story()
        kept = article.claim_citations.get()
        save_draft(
            article,
            title="Changed",
            citations=[{"claim": kept.claim_id, "position": 3, "passage": "moved"}],
        )
        publish_changes(article)
        again = article.claim_citations.get()
        # Positions are the citations' order, counted from 1, as the marks in the text number them.
        assert (again.pk, again.position, again.passage) == (kept.pk, 1, "moved")


class TestOtherMoves:
    def test_discarding_drops_the_draft_and_says_so(self):
        article = live_story()
        save_draft(article, title="Changed")
        editor = EditorFactory()
        services.article_discard_draft(article=article, by=editor)
        assert not ArticleDraft.objects.filter(article=article).exists()
        assert article.events.first().kind == ArticleEvent.Kind.DRAFT_DISCARDED
        article.refresh_from_db()
        assert article.title == "The live title"

    def test_a_reporter_may_not_discard_a_live_story_s_draft(self):
        article = live_story()
        save_draft(article, title="Changed")
        with pytest.raises(PermissionDenied):
            services.article_discard_draft(article=article, by=ReporterFactory())
        assert ArticleDraft.objects.filter(article=article).exists()

    def test_withdrawing_applies_the_draft_readers_no_longer_see(self):
        article = live_story()
        save_draft(article, title="Changed while live")
        services.article_withdraw(article=article, by=EditorFactory())
        article.refresh_from_db()
        assert (article.status, article.title) == (Article.Status.WITHDRAWN, "Changed while live")
        assert not ArticleDraft.objects.filter(article=article).exists()


def test_no_public_path_shows_a_draft(client):
    """A canary in a draft's every field, a claim and an actor only it names: none reaches readers,
    partners or investigators until the changes are published."""
    article = live_story()
    canary = "CANARY-DRAFT"
    claim = VerifiedClaimFactory(text=f"{canary} claim")
    actor = ActorFactory(name=f"{canary} actor", slug="canary-actor")
    save_draft(
        article,
        title=f"{canary} title",
        standfirst=f"{canary} standfirst",
        body=f"<p>{canary} body</p>",
        byline=f"{canary} byline",
        section=f"{canary} section",
        actors=[actor.pk],
        citations=[{"claim": claim.pk, "position": 1, "passage": f"{canary} passage"}],
    )
    paths = [
        "/",
        f"/stories/{article.slug}/",
        "/actors/canary-actor/",
        f"/embed/stories/{article.slug}/",
        f"/oembed/?url=http://testserver/stories/{article.slug}/",
        "/api/v1/articles/",
        f"/api/v1/articles/{article.slug}/",
        "/api/v1/claims/",
        "/api/v1/actors/",
        "/api/v1/changes/",
    ]
    for path in paths:
        assert canary not in client.get(path).content.decode(), path
    out = io.StringIO()
    call_command("export_ftm", stdout=out, stderr=io.StringIO())
    assert canary not in out.getvalue()


class TestPassagesMarkedInADraft:
    """A draft cites what its text marks, as a saved article does; publishing anchors them."""

    def test_the_draft_cites_its_marks_in_the_order_of_the_text_and_publishing_anchors_them(self, client):
        article = live_story()
        legacy = article.claim_citations.get()
        first, second = VerifiedClaimFactory(text="Marked second."), VerifiedClaimFactory(text="Marked first.")
        body = (
            f'<p><mark data-claim="{second.pk}">Mali bought drones.</mark> '
            f'Then <mark data-claim="{first.pk}">Niger followed.</mark></p>'
        )
        save_draft(article, body=body)
        cited = list(article.draft_citations.order_by("position").values_list("claim", "position", "passage"))
        assert cited == [
            (second.pk, 1, "Mali bought drones."),
            (first.pk, 2, "Niger followed."),
            (legacy.claim_id, 3, legacy.passage),
        ]
        # Readers see none of it until the changes are published.
        assert "Mali bought drones" not in client.get(f"/stories/{article.slug}/").content.decode()
        publish_changes(article)
        live = list(article.claim_citations.order_by("position").values_list("claim", "anchored"))
        assert live == [(second.pk, True), (first.pk, True), (legacy.claim_id, False)]
        page = client.get(f"/stories/{article.slug}/").content.decode()
        assert page.count('class="cited-passage"') == 2

    def test_a_mark_the_draft_removes_takes_its_citation_with_it(self):
        article = live_story()
        claim = VerifiedClaimFactory(text="Once marked.")
        save_draft(article, body=f'<p><mark data-claim="{claim.pk}">Marked.</mark></p>')
        publish_changes(article)
        assert article.claim_citations.filter(claim=claim, anchored=True).exists()
        draft = save_draft(article, body="<p>Marked no more.</p>")
        assert draft is not None and not article.draft_citations.filter(claim=claim).exists()
        publish_changes(article)
        assert not article.claim_citations.filter(claim=claim).exists()

    def test_a_mark_naming_no_claim_is_refused_and_nothing_is_saved(self):
        article = live_story()
        with pytest.raises(ValidationError) as refused:
            save_draft(article, body='<p><mark data-claim="999999999">Nobody.</mark></p>')
        assert "#999999999" in str(refused.value)
        assert not ArticleDraft.objects.filter(article=article).exists()
