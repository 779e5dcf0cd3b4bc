"""Each role's start page, the notes workflow moves carry, and verdicts given to many claims at once."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from newsroom import services
from newsroom.models import Article, ArticleEvent, FactBoxEvent
from relations import services as relations_services
from relations.models import Claim
from tests.factories import (
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactCheckerFactory,
    ReporterFactory,
    RoleEditorFactory,
    StaffFactory,
    VerifiedClaimFactory,
)
from tests.helpers import admin_form_data, change_url, publish_article, publish_factbox, signed_in

pytestmark = pytest.mark.django_db

START = "/admin/"
CLAIMS = "/admin/relations/claim/"


def section(page: str, section_id: str) -> str:
    assert f'id="{section_id}"' in page, f"no {section_id} on the page"
    return page.split(f'id="{section_id}"')[1].split("</section>")[0]


def start_page(user) -> str:
    return signed_in(user).get(START).content.decode()


def post_move(client, obj, move: str, **changes):
    """Open the change page, fill in the form, press a workflow button: what a person does."""
    data = admin_form_data(client.get(change_url(obj))) | changes | {f"_workflow_{move}": "1"}
    return client.post(change_url(obj), data, follow=True)


def started_by(user, **fields) -> Article:
    return ArticleFactory(created_by=user, **fields)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The reporter's desk ----------------------------------------------------------------------


class TestReporterDesk:
    def test_my_drafts_returned_to_me_and_mine_in_review(self):
        rita, other, editor = ReporterFactory(), ReporterFactory(), RoleEditorFactory(first_name="Amina")
        started_by(rita, title="My own draft")
        started_by(other, title="Someone else's draft")
        waiting = services.article_submit_for_review(article=started_by(rita, title="Mine waiting"), by=rita)
        sent_back = services.article_submit_for_review(article=started_by(rita, title="Sent back"), by=rita)
        services.article_return_to_draft(article=sent_back, by=editor, note="Source the second paragraph.")
        page = start_page(rita)
        drafts, returned, in_review = (
            section(page, name) for name in ("desk-drafts", "desk-returned", "desk-in-review")
        )
        assert "My own draft" in drafts and "Someone else" not in drafts and "Sent back" not in drafts
        assert (
            "Sent back" in returned and "Source the second paragraph." in returned and "returned by Amina" in returned
        )
        assert waiting.title in in_review and "My own draft" not in in_review
        # The editor's sections are not a reporter's.
        assert 'id="queue-review"' not in page and 'id="queue-claims"' not in page

    def test_a_story_i_submitted_but_did_not_start_is_mine_too(self):
        rita = ReporterFactory()
        article = services.article_submit_for_review(article=ArticleFactory(title="Picked up"), by=rita)
        services.article_return_to_draft(article=article, by=RoleEditorFactory(), note="")
        assert "Picked up" in section(start_page(rita), "desk-returned")

    def test_a_draft_resubmitted_after_its_return_is_no_longer_returned(self):
        rita = ReporterFactory()
        article = services.article_submit_for_review(article=started_by(rita, title="Round two"), by=rita)
        article = services.article_return_to_draft(article=article, by=RoleEditorFactory(), note="Shorter.")
        services.article_submit_for_review(article=article, by=rita)
        page = start_page(rita)
        assert "Round two" not in section(page, "desk-returned")
        assert "Round two" in section(page, "desk-in-review")

    def test_adding_an_article_in_the_admin_records_who_started_it(self):
        rita = ReporterFactory()
        client = signed_in(rita)
        data = admin_form_data(client.get(reverse("admin:newsroom_article_add")))
        data |= {"title": "Fresh story", "slug": "fresh-story", "body": "<p>Text.</p>"}
        data.pop("actors")
        response = client.post(reverse("admin:newsroom_article_add"), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert Article.objects.get(slug="fresh-story").created_by == rita
        assert "Fresh story" in section(start_page(rita), "desk-drafts")

    def test_queries_do_not_grow_with_the_rows(self, django_assert_max_num_queries):
        rita, editor = ReporterFactory(), RoleEditorFactory()
        client = signed_in(rita)

        def grow(n: int) -> None:
            for _ in range(n):
                started_by(rita)
                services.article_submit_for_review(article=started_by(rita), by=rita)
                back = services.article_submit_for_review(article=started_by(rita), by=rita)
                services.article_return_to_draft(article=back, by=editor, note="Again.")

        grow(1)
        client.get(START)
        with django_assert_max_num_queries(20) as few:
            client.get(START)
        grow(15)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(START)
        desk = response.context["queue"]["reporter"]
        assert (desk["drafts_count"], desk["returned_count"], desk["in_review_count"]) == (16, 16, 16)
        assert len(desk["drafts"]) == len(desk["returned"]) == len(desk["in_review"]) == 10


# --- The editor's desk ------------------------------------------------------------------------


class TestEditorDesk:
    def test_review_with_the_submitters_note_scheduled_and_recent(self):
        rita = ReporterFactory(username="rita")
        services.article_submit_for_review(
            article=ArticleFactory(title="Waiting story"), by=rita, note="Check the casualty figures."
        )
        publish_article(
            article=ArticleFactory(title="Tomorrow's story"),
            by=EditorFactory(),
            publish_at=timezone.now() + datetime.timedelta(days=1),
        )
        publish_article(article=ArticleFactory(title="Today's story"), by=EditorFactory())
        page = start_page(RoleEditorFactory())
        review = section(page, "queue-review")
        assert "Waiting story" in review and "submitted by rita" in review
        assert "Check the casualty figures." in review
        assert "Tomorrow&#x27;s story" in section(page, "queue-scheduled")
        published = section(page, "queue-published")
        assert "Today&#x27;s story" in published and "Tomorrow" not in published
        assert 'id="queue-factboxes"' in page and 'id="queue-flagged"' in page
        # Neither a reporter's desk nor the fact-checker's list.
        assert 'id="desk-drafts"' not in page and 'id="queue-claims"' not in page

    def test_a_superuser_without_a_role_gets_the_editors_desk(self):
        page = start_page(EditorFactory())
        assert 'id="queue-review"' in page and 'id="desk-drafts"' not in page

    def test_queries_do_not_grow_with_the_rows(self, django_assert_max_num_queries):
        client = signed_in(RoleEditorFactory())
        reporter, editor = ReporterFactory(), EditorFactory()

        def grow(n: int) -> None:
            for _ in range(n):
                services.article_submit_for_review(article=ArticleFactory(), by=reporter, note="Please look.")
                publish_article(article=ArticleFactory(), by=editor)
                publish_article(article=ArticleFactory(), by=editor, publish_at=timezone.now() + datetime.timedelta(1))

        grow(1)
        client.get(START)
        with django_assert_max_num_queries(20) as few:
            client.get(START)
        grow(15)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(START)
        desk = response.context["queue"]["editor"]
        assert desk["in_review_count"] == 16 and len(desk["in_review"]) == 10


# --- The fact-checker's desk ------------------------------------------------------------------


def unverified_cited_by(article: Article, text: str) -> Claim:
    return ArticleClaimFactory(article=article, claim__text=text).claim


class TestFactCheckerDesk:
    def test_unverified_claims_on_their_way_out_and_live(self):
        editor = EditorFactory()
        in_review = services.article_submit_for_review(article=ArticleFactory(), by=ReporterFactory())
        unverified_cited_by(in_review, "Claim in review")
        scheduled = ArticleFactory()
        unverified_cited_by(scheduled, "Claim scheduled")
        publish_article(article=scheduled, by=editor, publish_at=timezone.now() + datetime.timedelta(days=1))
        live = ArticleFactory(title="The live story")
        unverified_cited_by(live, "Claim in a live story")
        publish_article(article=live, by=editor)
        box = FactBoxFactory(title="The live box")
        FactBoxItemFactory(factbox=box, claim=ClaimFactory(text="Claim in a live box"), position=1)
        publish_factbox(factbox=box, by=editor)
        unverified_cited_by(ArticleFactory(), "Claim only in a draft")
        checked = ArticleFactory()
        ArticleClaimFactory(article=checked, claim=VerifiedClaimFactory(text="Claim already checked"))
        publish_article(article=checked, by=editor)

        page = start_page(FactCheckerFactory())
        claims = section(page, "queue-claims")
        for text in ("Claim in review", "Claim scheduled", "Claim in a live story", "Claim in a live box"):
            assert text in claims
        assert "Claim only in a draft" not in claims and "Claim already checked" not in claims
        assert "The live story" in claims and "The live box" in claims
        assert 'name="_selected_action"' in claims and 'name="verification"' in claims
        assert 'id="queue-review"' not in page and 'id="desk-drafts"' not in page

    def test_beyond_the_count_limit_the_heading_says_more_than(self, monkeypatch):
        monkeypatch.setattr("newsroom.selectors.CLAIMS_COUNT_LIMIT", 2)
        article = services.article_submit_for_review(article=ArticleFactory(), by=ReporterFactory())
        for n in range(3):
            unverified_cited_by(article, f"Claim {n}")
        assert "(more than 2)" in section(start_page(FactCheckerFactory()), "queue-claims")

    def test_queries_do_not_grow_with_the_rows(self, django_assert_max_num_queries):
        client = signed_in(FactCheckerFactory())
        editor = EditorFactory()

        def grow(n: int) -> None:
            for _ in range(n):
                live = ArticleFactory()
                unverified_cited_by(live, "Live and unchecked.")
                publish_article(article=live, by=editor)
                box = FactBoxFactory()
                FactBoxItemFactory(factbox=box, claim=ClaimFactory(), position=1)
                publish_factbox(factbox=box, by=editor)
                in_review = services.article_submit_for_review(article=ArticleFactory(), by=editor)
                unverified_cited_by(in_review, "On its way.")

        grow(1)
        client.get(START)
        with django_assert_max_num_queries(20) as few:
            client.get(START)
        grow(15)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(START)
        desk = response.context["queue"]["factchecker"]
        assert (desk["count"], desk["more"], len(desk["claims"])) == (48, False, 25)


class TestSeveralRolesAndTheHeader:
    def test_a_reporter_and_fact_checker_sees_both_desks(self):
        both = StaffFactory(roles=["Reporter", "Fact-checker"], first_name="Mei", last_name="Chen")
        page = start_page(both)
        assert 'id="desk-drafts"' in page and 'id="queue-claims"' in page
        assert 'id="queue-review"' not in page
        assert "Signed in as <strong>Mei Chen</strong> · " in page
        assert "Reporter · Fact-checker" in page

    def test_the_header_names_the_user_and_role_instead_of_welcoming_them(self):
        page = start_page(RoleEditorFactory(first_name="Amina", last_name="Haddad"))
        assert "Signed in as <strong>Amina Haddad</strong>" in page and "Editor" in page
        assert "Welcome," not in page

    def test_without_a_full_name_the_header_gives_the_username(self):
        page = start_page(ReporterFactory(username="tomas"))
        assert "Signed in as <strong>tomas</strong>" in page


# --- Notes on workflow moves ------------------------------------------------------------------


class TestMoveNotes:
    def test_a_submit_note_reaches_the_audit_trail_and_the_review_queue(self):
        rita = ReporterFactory()
        article = started_by(rita, title="Noted story")
        post_move(signed_in(rita), article, "submit", workflow_note="Figures checked against the UN report.")
        event = article.events.get(kind=ArticleEvent.Kind.SUBMITTED)
        assert (event.by, event.note) == (rita, "Figures checked against the UN report.")
        assert "Figures checked against the UN report." in section(start_page(RoleEditorFactory()), "queue-review")

    def test_a_return_note_is_shown_to_the_reporter_on_the_start_page_and_the_form(self):
        rita, editor = ReporterFactory(), RoleEditorFactory(first_name="Amina", last_name="Haddad")
        article = services.article_submit_for_review(article=started_by(rita, title="Too long"), by=rita)
        response = post_move(signed_in(editor), article, "return", workflow_note="Cut it to 600 words.")
        assert response.status_code == 200
        event = article.events.get(kind=ArticleEvent.Kind.RETURNED)
        assert event.note == "Cut it to 600 words."
        assert "Cut it to 600 words." in section(start_page(rita), "desk-returned")
        form = signed_in(rita).get(change_url(article)).content.decode()
        banner = form.split('id="article-returned"')[1].split("</div>")[0]
        assert "Amina Haddad" in banner and "Cut it to 600 words." in banner
        # The audit trail shows it too, below the banner.
        assert form.count("Cut it to 600 words.") == 2

    def test_a_publish_note_comes_before_what_the_workflow_adds(self):
        editor = RoleEditorFactory()
        article = ArticleFactory()
        when = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
        post_move(
            signed_in(editor),
            article,
            "publish",
            workflow_note="Embargo agreed with the agency.",
            go_live_at_0=when.strftime("%Y-%m-%d"),
            go_live_at_1=when.strftime("%H:%M:%S"),
        )
        event = article.events.get(kind=ArticleEvent.Kind.SCHEDULED)
        first, second = event.note.split("\n")
        assert first == "Embargo agreed with the agency." and second.startswith("Goes live")

    def test_a_note_survives_the_unverified_claims_question(self):
        editor = RoleEditorFactory()
        article = ArticleFactory()
        claim = ArticleClaimFactory(article=article).claim
        client = signed_in(editor)
        question = post_move(client, article, "publish", workflow_note="Approved by the desk head.")
        assert "admin/newsroom/publish_confirmation.html" in [t.name for t in question.templates]
        page = question.content.decode()
        assert 'name="workflow_note" value="Approved by the desk head."' in page
        client.post(
            reverse("admin:newsroom_article_workflow_confirm", args=[article.pk, "publish"]),
            {
                "confirm_unverified": [claim.pk],
                "edit_count_seen": Article.objects.get(pk=article.pk).edit_count,
                "go_live_at": "",
                "workflow_note": "Approved by the desk head.",
            },
        )
        event = article.events.get(kind=ArticleEvent.Kind.PUBLISHED)
        assert event.note.startswith("Approved by the desk head.\nPublished with 1 unverified claim")

    def test_a_note_too_long_is_a_form_error_and_nothing_moves(self):
        rita = ReporterFactory()
        article = started_by(rita, title="Unchanged title")
        response = post_move(signed_in(rita), article, "submit", workflow_note="x" * 2001, title="Changed")
        assert response.context["adminform"].form.errors["workflow_note"]
        article.refresh_from_db()
        assert (article.status, article.title) == (Article.Status.DRAFT, "Unchanged title")
        assert not article.events.exists()

    def test_a_fact_box_publish_and_withdraw_carry_notes(self):
        editor = RoleEditorFactory()
        box = FactBoxFactory()
        FactBoxItemFactory(factbox=box, claim=VerifiedClaimFactory(), position=1)
        client = signed_in(editor)
        post_move(client, box, "publish", workflow_note="First edition.")
        box.refresh_from_db()
        post_move(client, box, "withdraw", workflow_note="Superseded by the new map.")
        notes = dict(box.events.values_list("kind", "note"))
        assert notes == {
            FactBoxEvent.Kind.PUBLISHED: "First edition.",
            FactBoxEvent.Kind.WITHDRAWN: "Superseded by the new map.",
        }


# --- Verdicts for many claims at once ---------------------------------------------------------


def bulk(client, claims, **data):
    return client.post(
        CLAIMS, {"action": "set_verdict", ACTION_CHECKBOX_NAME: [claim.pk for claim in claims], **data}, follow=True
    )


class TestBulkVerdict:
    def test_the_intermediate_page_asks_for_the_verdict_and_changes_nothing(self):
        claims = [ClaimFactory(), ClaimFactory()]
        response = bulk(signed_in(FactCheckerFactory()), claims)
        assert "admin/relations/claim/set_verdict.html" in [t.name for t in response.templates]
        assert all(claim.text in response.content.decode() for claim in claims)
        assert set(Claim.objects.values_list("verification", flat=True)) == {"unverified"}

    def test_applying_gives_every_claim_the_verdict_with_the_note(self):
        checker = FactCheckerFactory(first_name="Mei", last_name="Chen")
        claims = [ClaimFactory(internal_note="Earlier remark."), ClaimFactory()]
        response = bulk(
            signed_in(checker), claims, verification="false", note="Contradicted by satellite images.", apply="1"
        )
        assert "2 claims are now marked “False”." in messages_of(response)
        for claim in claims:
            claim.refresh_from_db()
            assert (claim.verification, claim.verified_by) == ("false", checker)
            assert claim.internal_note.endswith("Mei Chen: Contradicted by satellite images.")
        assert claims[0].internal_note.startswith("Earlier remark.\nFalse, ")

    def test_from_the_start_page_it_comes_back_to_the_start_page(self):
        claim = ClaimFactory()
        client = signed_in(FactCheckerFactory())
        response = client.post(
            CLAIMS,
            {
                "action": "set_verdict",
                ACTION_CHECKBOX_NAME: [claim.pk],
                "verification": "verified",
                "apply": "1",
                "next": START,
            },
        )
        assert response.status_code == 302 and response["Location"] == START
        claim.refresh_from_db()
        assert claim.verification == "verified"

    def test_an_address_elsewhere_is_not_followed(self):
        response = signed_in(FactCheckerFactory()).post(
            CLAIMS,
            {
                "action": "set_verdict",
                ACTION_CHECKBOX_NAME: [ClaimFactory().pk],
                "verification": "verified",
                "apply": "1",
                "next": "https://evil.example/",
            },
        )
        assert response.status_code == 302 and response["Location"] != "https://evil.example/"

    def test_a_reporter_is_refused_and_nothing_changes(self):
        claim = ClaimFactory()
        response = bulk(signed_in(ReporterFactory()), [claim], verification="false", apply="1")
        assert response.status_code == 200
        claim.refresh_from_db()
        assert claim.verification == "unverified"
        # The action is not offered to them at all.
        assert "set_verdict" not in signed_in(ReporterFactory()).get(CLAIMS).content.decode()

    def test_a_verdict_the_service_refuses_for_one_claim_changes_none(self, monkeypatch):
        first, second = ClaimFactory(), ClaimFactory()
        real = relations_services.claim_set_verification

        def refusing(*, claim, **kwargs):
            if claim.pk == second.pk:
                from django.core.exceptions import ValidationError

                raise ValidationError("This claim is being edited.")
            return real(claim=claim, **kwargs)

        monkeypatch.setattr("relations.admin.claim_set_verification", refusing)
        response = bulk(signed_in(FactCheckerFactory()), [first, second], verification="false", apply="1")
        assert any("No verdict was given" in message and "being edited" in message for message in messages_of(response))
        assert set(Claim.objects.values_list("verification", flat=True)) == {"unverified"}
        assert not Claim.objects.exclude(verified_by=None).exists()

    def test_an_unknown_verdict_is_a_form_error(self):
        claim = ClaimFactory()
        response = bulk(signed_in(FactCheckerFactory()), [claim], verification="probably", apply="1")
        assert response.context["form"].errors["verification"]
        claim.refresh_from_db()
        assert claim.verification == "unverified"
