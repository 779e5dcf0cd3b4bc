"""The workflow in the admin: each role sees only its buttons, the server refuses the rest,
two editors cannot overwrite each other, and the start page is the editorial queue."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from newsroom import services
from newsroom.models import Article, Correction
from relations.models import Claim
from relations.services import claim_set_verification
from tests.factories import (
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactCheckerFactory,
    ReporterFactory,
    RoleEditorFactory,
)
from tests.helpers import admin_form_data, change_url, publish_article, signed_in

pytestmark = pytest.mark.django_db


def buttons(response) -> list[str]:
    return [label for _, label, _ in response.context.get("workflow_buttons") or []]


def post_form(client, obj, **changes):
    """Open the change page, change some fields, submit it: what an editor does."""
    data = admin_form_data(client.get(change_url(obj))) | changes
    return client.post(change_url(obj), data)


def live_article() -> Article:
    return publish_article(article=ArticleFactory(), by=EditorFactory())


class TestButtonsByRole:
    def test_a_reporter_may_submit_a_draft_but_not_publish_it(self):
        response = signed_in(ReporterFactory()).get(change_url(ArticleFactory()))
        assert buttons(response) == ["Save and submit for review"]

    def test_an_editor_may_submit_or_publish_a_draft(self):
        response = signed_in(RoleEditorFactory()).get(change_url(ArticleFactory()))
        assert buttons(response) == ["Save and submit for review", "Save and publish"]

    def test_a_fact_checker_has_no_workflow_button_and_a_read_only_article(self):
        response = signed_in(FactCheckerFactory()).get(change_url(ArticleFactory()))
        assert buttons(response) == []
        assert not response.context["has_change_permission"]

    def test_a_reporter_sees_a_live_article_read_only_without_withdraw(self):
        response = signed_in(ReporterFactory()).get(change_url(live_article()))
        assert buttons(response) == []
        assert not response.context["has_change_permission"]

    def test_an_editor_may_publish_changes_to_or_withdraw_a_live_article(self):
        response = signed_in(RoleEditorFactory()).get(change_url(live_article()))
        assert buttons(response) == ["Save and publish changes", "Withdraw from the site"]

    def test_an_editor_may_reschedule_or_unschedule_a_scheduled_article(self):
        article = publish_article(
            article=ArticleFactory(), by=EditorFactory(), publish_at=timezone.now() + datetime.timedelta(days=1)
        )
        response = signed_in(RoleEditorFactory()).get(change_url(article))
        assert buttons(response) == ["Unschedule (back to draft)", "Save and reschedule", "Publish now"]

    def test_only_editors_get_the_publish_and_withdraw_actions(self):
        url = reverse("admin:newsroom_article_changelist")
        ArticleFactory()
        reporter_actions = signed_in(ReporterFactory()).get(url).context["action_form"].fields["action"].choices
        editor_actions = signed_in(RoleEditorFactory()).get(url).context["action_form"].fields["action"].choices
        assert "publish_now" not in dict(reporter_actions)
        assert {"publish_now", "withdraw"} <= set(dict(editor_actions))


class TestServerRefuses:
    def test_a_reporter_posting_publish_anyway_leaves_the_article_unpublished(self):
        article = ArticleFactory()
        response = post_form(
            signed_in(ReporterFactory()), article, _workflow_publish="Save and publish", title="Changed title"
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == "draft"
        assert article.title == "Changed title"
        assert not article.events.exists()

    def test_a_reporter_posting_the_publish_action_anyway_changes_nothing(self):
        article = ArticleFactory()
        signed_in(ReporterFactory()).post(
            reverse("admin:newsroom_article_changelist"), {"action": "publish_now", "_selected_action": [article.pk]}
        )
        article.refresh_from_db()
        assert article.status == "draft"

    def test_a_reporter_cannot_edit_a_live_article_by_posting_to_it(self):
        article = live_article()
        data = admin_form_data(signed_in(EditorFactory()).get(change_url(article))) | {"title": "Defaced"}
        response = signed_in(ReporterFactory()).post(change_url(article), data)
        assert response.status_code == 403
        article.refresh_from_db()
        assert article.title != "Defaced"

    def test_a_reporter_cannot_set_a_verdict_by_posting_it(self):
        claim = ClaimFactory()
        data = admin_form_data(signed_in(EditorFactory()).get(change_url(claim))) | {"verification": "verified"}
        assert signed_in(ReporterFactory()).post(change_url(claim), data).status_code == 302
        claim.refresh_from_db()
        assert claim.verification == "unverified"

    def test_a_fact_checker_sets_a_verdict_in_the_admin(self):
        checker = FactCheckerFactory()
        claim = ClaimFactory()
        assert post_form(signed_in(checker), claim, verification="verified").status_code == 302
        claim.refresh_from_db()
        assert (claim.verification, claim.verified_by) == ("verified", checker)

    def test_a_reporter_cannot_extend_the_relationship_vocabulary(self):
        response = signed_in(ReporterFactory()).get(reverse("admin:relations_relationshiptype_add"))
        assert response.status_code == 403


class TestEditorInTheAdmin:
    def test_publishes_a_story_in_review(self):
        editor = RoleEditorFactory()
        article = services.article_submit_for_review(article=ArticleFactory(), by=ReporterFactory())
        response = post_form(signed_in(editor), article, _workflow_publish="Save and publish")
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.is_live
        assert article.events.first().by == editor

    def test_schedules_a_story_for_a_future_time(self):
        article = ArticleFactory()
        when = timezone.localtime() + datetime.timedelta(days=2)
        response = post_form(
            signed_in(RoleEditorFactory()),
            article,
            _workflow_publish="Save and publish",
            go_live_at_0=when.strftime("%d/%m/%Y"),
            go_live_at_1=when.strftime("%H:%M:%S"),
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.is_scheduled
        assert article.publish_at == when.replace(microsecond=0)

    def test_a_past_publish_at_is_a_form_error_and_nothing_changes(self):
        article = ArticleFactory()
        response = post_form(
            signed_in(RoleEditorFactory()),
            article,
            _workflow_publish="Save and publish",
            title="Not saved",
            go_live_at_0="01/01/2020",
            go_live_at_1="10:00:00",
        )
        assert response.status_code == 200
        assert "That time has passed" in response.content.decode()
        article.refresh_from_db()
        assert (article.status, article.title) != ("published", "Not saved")

    def test_a_refused_publication_names_the_false_claim(self):
        article = ArticleFactory()
        citation = ArticleClaimFactory(article=article, claim__text="Pyongyang sent no troops at all.")
        claim_set_verification(claim=citation.claim, state=Claim.Verification.FALSE, by=EditorFactory())
        client = signed_in(RoleEditorFactory())
        response = post_form(client, article, _workflow_publish="Save and publish")
        page = client.get(response["Location"]).content.decode()
        assert "Pyongyang sent no troops at all." in page
        assert "was not moved" in page
        article.refresh_from_db()
        assert article.status == "draft"

    def test_adds_a_public_correction_to_a_live_story(self):
        editor = RoleEditorFactory()
        article = live_article()
        client = signed_in(editor)
        page = client.get(change_url(article))
        # No blank row: "Add a correction" adds one, as here.
        assert "corrections-0-text" not in page.content.decode()
        assert "&quot;addText&quot;: &quot;Add a correction&quot;" in page.content.decode()
        data = admin_form_data(page)
        data |= {"corrections-TOTAL_FORMS": "1", "corrections-0-text": "An earlier version misdated the treaty."}
        assert client.post(change_url(article), data).status_code == 302
        correction = Correction.objects.get(article=article)
        assert (correction.by, correction.text) == (editor, "An earlier version misdated the treaty.")
        article.refresh_from_db()
        assert article.last_modified_at == correction.published_at


class TestScheduledInTheAdmin:
    @pytest.fixture
    def scheduled(self):
        when = timezone.now() + datetime.timedelta(days=1)
        return publish_article(article=ArticleFactory(), by=EditorFactory(), publish_at=when)

    def test_saving_and_rescheduling_without_touching_the_time_keeps_the_embargo(self, scheduled):
        client = signed_in(RoleEditorFactory())
        response = post_form(client, scheduled, title="Typo fixed", _workflow_publish="Save and reschedule")
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "is scheduled: it goes live" in page and "was not moved" not in page
        publish_at = scheduled.publish_at
        scheduled.refresh_from_db()
        assert scheduled.title == "Typo fixed"
        assert scheduled.is_scheduled
        assert abs(scheduled.publish_at - publish_at) < datetime.timedelta(seconds=1)

    def test_a_plain_save_does_not_move_the_time_and_says_so(self, scheduled):
        client = signed_in(RoleEditorFactory())
        later = timezone.localtime(scheduled.publish_at) + datetime.timedelta(days=2)
        response = post_form(
            client, scheduled, go_live_at_0=later.strftime("%d/%m/%Y"), go_live_at_1=later.strftime("%H:%M:%S")
        )
        assert "was not applied" in client.get(response["Location"]).content.decode()
        publish_at = scheduled.publish_at
        scheduled.refresh_from_db()
        assert scheduled.publish_at == publish_at

    def test_a_form_opened_before_the_time_passed_still_saves_into_a_draft(self, scheduled):
        client = signed_in(RoleEditorFactory())
        data = admin_form_data(client.get(change_url(scheduled))) | {"title": "Saved once live"}
        title = scheduled.title
        with time_machine.travel(scheduled.publish_at + datetime.timedelta(minutes=10)):
            assert client.post(change_url(scheduled), data).status_code == 302
        # Live by then: readers keep the version they have, and the edit waits in the draft.
        scheduled.refresh_from_db()
        assert scheduled.title == title
        assert scheduled.draft.title == "Saved once live"

    def test_an_article_scheduled_before_the_workflow_can_be_unscheduled(self):
        article = ArticleFactory(status="published", publish_at=timezone.now() + datetime.timedelta(days=1))
        response = post_form(signed_in(RoleEditorFactory()), article, _workflow_return="Unschedule (back to draft)")
        assert response.status_code == 302
        article.refresh_from_db()
        assert (article.status, article.publish_at, article.first_published_at) == ("draft", None, None)

    def test_publish_now_publishes_a_scheduled_article_at_once(self, scheduled):
        assert (
            post_form(signed_in(RoleEditorFactory()), scheduled, _workflow_publish_now="Publish now").status_code == 302
        )
        scheduled.refresh_from_db()
        assert scheduled.is_live

    def test_no_correction_can_be_added_before_it_is_live(self, scheduled):
        response = signed_in(RoleEditorFactory()).get(change_url(scheduled))
        corrections = next(
            inline for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "corrections"
        )
        assert not corrections.has_add_permission


class TestNoLostUpdates:
    def test_a_form_opened_before_a_withdrawal_cannot_put_the_article_back(self):
        article = live_article()
        client = signed_in(RoleEditorFactory())
        stale = admin_form_data(client.get(change_url(article)))
        services.article_withdraw(article=article, by=EditorFactory())
        response = client.post(change_url(article), stale | {"title": "Late edit"})
        assert "after you opened it" in response.content.decode()
        article.refresh_from_db()
        assert article.status == "withdrawn"
        assert article.title != "Late edit"

    @pytest.mark.parametrize("kind", ["article", "claim"])
    def test_the_second_of_two_editors_is_refused_and_the_first_keeps_their_work(self, kind):
        obj = ArticleFactory() if kind == "article" else ClaimFactory()
        text_field = "title" if kind == "article" else "text"
        first, second = signed_in(RoleEditorFactory(username="ana")), signed_in(RoleEditorFactory(username="ben"))
        first_form = admin_form_data(first.get(change_url(obj)))
        second_form = admin_form_data(second.get(change_url(obj)))

        assert first.post(change_url(obj), first_form | {text_field: "Ana's version"}).status_code == 302
        response = second.post(change_url(obj), second_form | {text_field: "Ben's version"})

        assert response.status_code == 200
        page = response.content.decode()
        assert "saved this" in page and "after you opened it" in page
        assert "Ben&#x27;s version" in page or "Ben's version" in page  # still in the form, to copy
        obj.refresh_from_db()
        assert getattr(obj, text_field) == "Ana's version"

    def test_the_refused_editor_can_save_after_reopening(self):
        article = ArticleFactory()
        first, second = signed_in(RoleEditorFactory()), signed_in(RoleEditorFactory())
        stale = admin_form_data(second.get(change_url(article)))
        post_form(first, article, title="First")
        assert second.post(change_url(article), stale | {"title": "Second"}).status_code == 200
        assert post_form(second, article, title="Second").status_code == 302
        article.refresh_from_db()
        assert (article.title, article.edit_count) == ("Second", 3)

    def test_a_form_without_its_edit_count_is_refused(self):
        article = ArticleFactory()
        client = signed_in(RoleEditorFactory())
        data = admin_form_data(client.get(change_url(article))) | {"title": "Blind write"}
        del data["edit_count_seen"]
        assert client.post(change_url(article), data).status_code == 200
        article.refresh_from_db()
        assert article.title != "Blind write"


class TestEditorialQueue:
    def test_the_start_page_shows_review_scheduled_and_recent(self):
        reporter = ReporterFactory(username="rita")
        services.article_submit_for_review(article=ArticleFactory(title="Waiting story"), by=reporter)
        publish_article(
            article=ArticleFactory(title="Tomorrow's story"),
            by=EditorFactory(),
            publish_at=timezone.now() + datetime.timedelta(days=1),
        )
        publish_article(article=ArticleFactory(title="Today's story"), by=EditorFactory())
        page = signed_in(RoleEditorFactory()).get(reverse("admin:index")).content.decode()
        review = page.split('id="queue-review"')[1].split("</section>")[0]
        scheduled = page.split('id="queue-scheduled"')[1].split("</section>")[0]
        published = page.split('id="queue-published"')[1].split("</section>")[0]
        assert "Waiting story" in review and "submitted by rita" in review
        assert "Tomorrow&#x27;s story" in scheduled
        assert "Today&#x27;s story" in published and "Tomorrow" not in published

    def test_fact_checkers_see_unverified_claims_in_stories_on_their_way_out(self):
        article = services.article_submit_for_review(article=ArticleFactory(), by=ReporterFactory())
        ArticleClaimFactory(article=article, claim__text="Unchecked claim in review")
        ArticleClaimFactory(claim__text="Claim only in a draft")
        page = signed_in(FactCheckerFactory()).get(reverse("admin:index")).content.decode()
        assert "Unchecked claim in review" in page
        assert "Claim only in a draft" not in page

    def test_reporters_get_their_own_desk_not_the_fact_checking_list(self):
        page = signed_in(ReporterFactory()).get(reverse("admin:index")).content.decode()
        assert 'id="desk-drafts"' in page
        assert 'id="queue-claims"' not in page

    def test_the_start_page_queries_do_not_grow_with_the_queue(self, django_assert_max_num_queries):
        client = signed_in(RoleEditorFactory())
        reporter = ReporterFactory()
        services.article_submit_for_review(article=ArticleFactory(), by=reporter)
        # The role's groups (the header names them) and the submissions' events are read once each.
        with django_assert_max_num_queries(17) as one:
            client.get(reverse("admin:index"))
        for _ in range(15):
            services.article_submit_for_review(article=ArticleFactory(), by=reporter)
            publish_article(article=ArticleFactory(), by=EditorFactory())
        with django_assert_max_num_queries(len(one.captured_queries)):
            client.get(reverse("admin:index"))
