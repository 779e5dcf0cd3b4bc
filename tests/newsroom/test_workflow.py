"""The article workflow as services: who may make which transition, and what each records."""

import datetime

import pytest
import reversion
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from reversion.models import Version

from newsroom import services
from newsroom.models import Article, ArticleEvent, Correction
from relations.models import Claim
from relations.revisions import revision_restore
from relations.services import claim_set_verification
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    EditorFactory,
    FactCheckerFactory,
    ReporterFactory,
    RoleEditorFactory,
)
from tests.helpers import publish_article

pytestmark = pytest.mark.django_db

ROLES = {"reporter": ReporterFactory, "editor": RoleEditorFactory, "fact-checker": FactCheckerFactory}
STATES = ["draft", "in_review", "scheduled", "live", "withdrawn"]
ACTIONS = ["submit", "return", "publish", "withdraw"]

# (action, starting state) -> the roles allowed to make it, and the event it leaves.
ALLOWED = {
    ("submit", "draft"): ({"reporter", "editor"}, ArticleEvent.Kind.SUBMITTED, "in_review"),
    ("return", "in_review"): ({"reporter", "editor"}, ArticleEvent.Kind.RETURNED, "draft"),
    ("publish", "draft"): ({"editor"}, ArticleEvent.Kind.PUBLISHED, "published"),
    ("publish", "in_review"): ({"editor"}, ArticleEvent.Kind.PUBLISHED, "published"),
    ("publish", "scheduled"): ({"editor"}, ArticleEvent.Kind.SCHEDULED, "published"),
    ("return", "scheduled"): ({"editor"}, ArticleEvent.Kind.RETURNED, "draft"),
    ("withdraw", "live"): ({"editor"}, ArticleEvent.Kind.WITHDRAWN, "withdrawn"),
    ("return", "withdrawn"): ({"editor"}, ArticleEvent.Kind.RETURNED, "draft"),
}


def article_in(state: str) -> Article:
    """An article brought to ``state`` through the workflow itself."""
    boss = EditorFactory(username="boss")
    article = ArticleFactory()
    if state == "in_review":
        services.article_submit_for_review(article=article, by=boss)
    elif state == "scheduled":
        publish_article(article=article, by=boss, publish_at=timezone.now() + datetime.timedelta(days=1))
    elif state in ("live", "withdrawn"):
        publish_article(article=article, by=boss)
        if state == "withdrawn":
            services.article_withdraw(article=article, by=boss)
    article.refresh_from_db()
    return article


def make(action: str, article: Article, user) -> Article:
    if action == "submit":
        return services.article_submit_for_review(article=article, by=user)
    if action == "return":
        return services.article_return_to_draft(article=article, by=user)
    if action == "publish":
        # From the schedule, publishing again means rescheduling; from elsewhere, publishing now.
        later = timezone.now() + datetime.timedelta(days=2) if article.is_scheduled else None
        return publish_article(article=article, by=user, publish_at=later)
    return services.article_withdraw(article=article, by=user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_for_every_role(action, state, role):
    article = article_in(state)
    user = ROLES[role]()
    before = (article.status, article.publish_at, article.events.count())
    allowed_roles, kind, to_status = ALLOWED.get((action, state), (set(), None, None))

    if role in allowed_roles:
        make(action, article, user)
        article.refresh_from_db()
        event = article.events.first()
        assert (event.kind, event.by, event.to_status) == (kind, user, to_status)
        assert article.status == to_status
        assert article.events.count() == before[2] + 1
    else:
        with pytest.raises((PermissionDenied, ValidationError)):
            make(action, article, user)
        article.refresh_from_db()
        assert (article.status, article.publish_at, article.events.count()) == before


def test_audit_trail_reads_the_whole_path_in_order():
    reporter, editor = ReporterFactory(), RoleEditorFactory()
    article = ArticleFactory()
    services.article_submit_for_review(article=article, by=reporter)
    services.article_return_to_draft(article=article, by=editor, note="Needs a second source.")
    services.article_submit_for_review(article=article, by=reporter)
    publish_article(article=article, by=editor)
    services.article_withdraw(article=article, by=editor, note="Legal hold.")
    trail = list(article.events.order_by("at", "pk").values_list("kind", "by__username", "from_status", "to_status"))
    assert trail == [
        ("submitted", reporter.username, "draft", "in_review"),
        ("returned", editor.username, "in_review", "draft"),
        ("submitted", reporter.username, "draft", "in_review"),
        ("published", editor.username, "in_review", "published"),
        ("withdrawn", editor.username, "published", "withdrawn"),
    ]
    assert article.events.filter(kind="returned").get().note == "Needs a second source."


@pytest.mark.parametrize("verdict", [Claim.Verification.FALSE, Claim.Verification.RETRACTED])
def test_publishing_refuses_an_article_citing_a_false_or_retracted_claim_and_names_it(verdict):
    article = article_in("in_review")
    citation = ArticleClaimFactory(article=article, claim__text="The treaty was signed in 1950.")
    services_user = EditorFactory()
    claim_set_verification(claim=citation.claim, state=verdict, by=services_user)
    with pytest.raises(ValidationError) as refused:
        publish_article(article=article, by=RoleEditorFactory())
    assert "The treaty was signed in 1950." in " ".join(refused.value.messages)
    assert verdict in " ".join(refused.value.messages)
    article.refresh_from_db()
    assert article.status == "in_review"
    assert not article.events.filter(kind="published").exists()


def test_publishing_refuses_an_article_without_a_body():
    article = ArticleFactory(body="")
    with pytest.raises(ValidationError, match="no body"):
        publish_article(article=article, by=RoleEditorFactory())


def test_publishing_sets_first_and_last_published_and_republishing_keeps_the_first():
    editor = RoleEditorFactory()
    article = ArticleFactory()
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        publish_article(article=article, by=editor)
    with time_machine.travel(datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        services.article_withdraw(article=article, by=editor)
        services.article_return_to_draft(article=article, by=editor)
        publish_article(article=article, by=editor)
    article.refresh_from_db()
    assert article.first_published_at == datetime.datetime(2025, 6, 1, 9, 0, tzinfo=datetime.UTC)
    assert article.last_published_at == datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC)


class TestScheduling:
    NOW = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC)
    GO_LIVE = NOW + datetime.timedelta(hours=3)

    @pytest.fixture
    def scheduled(self):
        with time_machine.travel(self.NOW, tick=False):
            return publish_article(article=ArticleFactory(), by=RoleEditorFactory(), publish_at=self.GO_LIVE)

    def test_is_recorded_as_scheduled_with_its_time(self, scheduled):
        event = scheduled.events.get()
        assert event.kind == "scheduled"
        assert scheduled.publish_at == self.GO_LIVE

    def test_is_not_live_a_second_before_publish_at(self, scheduled):
        with time_machine.travel(self.GO_LIVE - datetime.timedelta(seconds=1), tick=False):
            assert not Article.objects.public().filter(pk=scheduled.pk).exists()
            assert Article.objects.scheduled().filter(pk=scheduled.pk).exists()

    def test_is_live_at_publish_at_and_after(self, scheduled):
        for moment in (self.GO_LIVE, self.GO_LIVE + datetime.timedelta(seconds=1)):
            with time_machine.travel(moment, tick=False):
                assert Article.objects.public().filter(pk=scheduled.pk).exists()
                assert not Article.objects.scheduled().filter(pk=scheduled.pk).exists()

    def test_its_story_page_answers_404_until_it_is_live(self, scheduled, client):
        url = f"/stories/{scheduled.slug}/"
        with time_machine.travel(self.GO_LIVE - datetime.timedelta(seconds=1), tick=False):
            assert client.get(url).status_code == 404
        with time_machine.travel(self.GO_LIVE + datetime.timedelta(seconds=1), tick=False):
            assert client.get(url).status_code == 200

    def test_a_publish_at_in_the_past_publishes_now(self):
        with time_machine.travel(self.NOW, tick=False):
            article = publish_article(
                article=ArticleFactory(), by=RoleEditorFactory(), publish_at=self.NOW - datetime.timedelta(days=3)
            )
        assert article.publish_at == self.NOW
        assert article.events.get().kind == "published"

    def test_unscheduling_takes_it_back_to_draft_without_a_publication_time(self, scheduled):
        with time_machine.travel(self.NOW, tick=False):
            services.article_return_to_draft(article=scheduled, by=RoleEditorFactory())
        scheduled.refresh_from_db()
        assert (scheduled.status, scheduled.publish_at) == ("draft", None)


class TestCorrections:
    def test_an_editor_adds_a_dated_correction_that_counts_as_an_update(self):
        editor = RoleEditorFactory()
        article = article_in("live")
        published = article.last_modified_at
        correction = services.article_add_correction(
            article=article, by=editor, text="An earlier version gave the wrong year."
        )
        article.refresh_from_db()
        assert article.last_modified_at == correction.published_at > published
        assert (correction.by, correction.text) == (editor, "An earlier version gave the wrong year.")
        assert article.events.first().kind == "corrected"

    def test_a_reporter_cannot_add_one(self):
        article = article_in("live")
        with pytest.raises(PermissionDenied):
            services.article_add_correction(article=article, by=ReporterFactory(), text="Fixed.")
        assert not Correction.objects.exists()

    def test_a_draft_takes_no_correction(self):
        with pytest.raises(ValidationError):
            services.article_add_correction(article=ArticleFactory(), by=RoleEditorFactory(), text="Fixed.")
        assert not Correction.objects.exists()

    def test_an_empty_correction_is_refused_and_nothing_changes(self):
        article = article_in("live")
        before = article.last_modified_at
        with pytest.raises(ValidationError):
            services.article_add_correction(article=article, by=RoleEditorFactory(), text="   ")
        article.refresh_from_db()
        assert article.last_modified_at == before
        assert not Correction.objects.exists()


class TestVerificationRoles:
    def test_a_fact_checker_sets_a_verdict(self):
        checker = FactCheckerFactory()
        claim = claim_set_verification(claim=ArticleClaimFactory().claim, state="verified", by=checker)
        assert claim.verified_by == checker

    def test_a_reporter_cannot_set_a_verdict(self):
        claim = ArticleClaimFactory().claim
        with pytest.raises(PermissionDenied):
            claim_set_verification(claim=claim, state="verified", by=ReporterFactory())
        claim.refresh_from_db()
        assert claim.verification == "unverified"


class TestWhoMayChangeWhatReadersSee:
    @pytest.mark.parametrize("state", ["live", "scheduled", "withdrawn"])
    def test_a_reporter_cannot_tag_actors_on_an_article_past_review(self, state):
        article = article_in(state)
        with pytest.raises(PermissionDenied):
            services.article_tag_mentioned_actors(article=article, by=ReporterFactory())

    def test_tagging_keeps_a_revision_by_the_tagger(self):
        ActorFactory(name="Iran", slug="iran")
        reporter = ReporterFactory()
        article = ArticleFactory(body="<p>Iran sent drones.</p>")
        assert [a.name for a in services.article_tag_mentioned_actors(article=article, by=reporter)] == ["Iran"]
        revision = Version.objects.get_for_object(article).get().revision
        assert revision.user == reporter

    def test_a_reporter_cannot_restore_a_live_articles_revision(self):
        article = ArticleFactory(title="Before")
        with reversion.create_revision():
            article.save()
        publish_article(article=article, by=EditorFactory())
        Article.objects.filter(pk=article.pk).update(title="After")
        with pytest.raises(PermissionDenied):
            revision_restore(version=Version.objects.get_for_object(article).get(), by=ReporterFactory())
        article.refresh_from_db()
        assert article.title == "After"


class TestScheduleEdges:
    NOW = datetime.datetime(2025, 6, 2, 8, 0, tzinfo=datetime.UTC)

    def at(self, hours: float) -> datetime.datetime:
        return self.NOW + datetime.timedelta(hours=hours)

    def test_rescheduling_without_a_time_is_refused_so_the_embargo_holds(self):
        with time_machine.travel(self.NOW, tick=False):
            article = publish_article(article=ArticleFactory(), by=RoleEditorFactory(), publish_at=self.at(24))
            with pytest.raises(ValidationError, match="new publication time"):
                publish_article(article=article, by=RoleEditorFactory())
            article.refresh_from_db()
            assert article.is_scheduled and article.publish_at == self.at(24)

    def test_postponing_moves_the_first_publication_with_it(self):
        editor = RoleEditorFactory()
        with time_machine.travel(self.NOW, tick=False):
            article = publish_article(article=ArticleFactory(), by=editor, publish_at=self.at(24))
            article = publish_article(article=article, by=editor, publish_at=self.at(48))
        assert article.first_published_at == article.last_published_at == self.at(48)

    def test_unscheduling_forgets_a_publication_that_never_happened(self):
        editor = RoleEditorFactory()
        with time_machine.travel(self.NOW, tick=False):
            article = publish_article(article=ArticleFactory(), by=editor, publish_at=self.at(24))
            article = services.article_return_to_draft(article=article, by=editor)
        assert (article.first_published_at, article.last_published_at, article.last_modified_at) == (None, None, None)
        with time_machine.travel(self.at(72), tick=False):
            article = publish_article(article=article, by=editor)
        assert article.first_published_at == self.at(72)

    def test_a_scheduled_article_takes_no_correction_before_it_is_live(self):
        with time_machine.travel(self.NOW, tick=False):
            article = publish_article(article=ArticleFactory(), by=RoleEditorFactory(), publish_at=self.at(24))
            with pytest.raises(ValidationError, match="live"):
                services.article_add_correction(article=article, by=RoleEditorFactory(), text="Fixed.")
        assert not Correction.objects.exists()

    def test_every_move_counts_as_an_edit(self):
        article = ArticleFactory()
        counts = [article.edit_count]
        editor = RoleEditorFactory()
        for move in (services.article_submit_for_review, services.article_publish, services.article_withdraw):
            counts.append(move(article=article, by=editor).edit_count)
        assert counts == [1, 2, 3, 4]


def test_available_transitions_follow_role_and_state():
    assert services.available_transitions(article=article_in("draft"), user=ReporterFactory()) == ["submit"]
    assert services.available_transitions(article=article_in("draft"), user=RoleEditorFactory()) == [
        "submit",
        "publish",
    ]
    assert services.available_transitions(article=article_in("live"), user=RoleEditorFactory()) == ["withdraw"]
    assert services.available_transitions(article=article_in("live"), user=FactCheckerFactory()) == []
