"""Fact boxes in the admin: composing, needs review, publishing and withdrawing through the services,
versions and their comparison, the live preview, embed snippets, and starting a relationship map."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from newsroom.models import FactBox, FactBoxItem, FactBoxPlacement, FactBoxVersion
from relations.models import Claim
from relations.services import claim_set_verification
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    FactCheckerFactory,
    RelationshipFactory,
    ReporterFactory,
    RoleEditorFactory,
    VerifiedClaimFactory,
)
from tests.helpers import admin_form_data, change_url, publish_factbox, signed_in

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:newsroom_factbox_changelist")
START_MAP = reverse("admin:newsroom_factbox_start_map")


def box_with_claim(text: str = "Iran supplied drones to Russia.", *, verified: bool = False, **fields) -> FactBox:
    box = FactBoxFactory(**fields)
    claim = (VerifiedClaimFactory if verified else ClaimFactory)(text=text)
    FactBoxItemFactory(factbox=box, claim=claim, position=1)
    return box


def published(box: FactBox | None = None) -> FactBox:
    version = publish_factbox(factbox=box or box_with_claim(), by=EditorFactory())
    return version.factbox


def claim_of(box: FactBox) -> Claim:
    return box.items.get(claim__isnull=False).claim


def reword(claim: Claim, text: str) -> None:
    claim.text = text
    claim.save()


def post_form(client, box, **changes):
    """Open the change page, change some fields, submit it: what an editor does."""
    data = admin_form_data(client.get(change_url(box))) | changes
    return client.post(change_url(box), data)


def first_blank(response, prefix: str) -> str:
    """The prefix of the inline's first blank row, ready for a new entry."""
    inline = next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == prefix)
    return inline.formset.extra_forms[0].prefix


def buttons(response) -> list[str]:
    return [name for name, _, _ in response.context.get("workflow_buttons") or []]


def messages_on(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def compare_url(box: FactBox) -> str:
    return reverse("admin:newsroom_factbox_versions_compare", args=[box.pk])


def preview_url(box: FactBox) -> str:
    return reverse("admin:newsroom_factbox_preview", args=[box.pk])


class TestChangelist:
    def test_lists_title_kind_status_version_and_needs_review(self, editor_client):
        box = published(box_with_claim(title="The axis at a glance"))
        reword(claim_of(box), "Iran sold drones to Russia.")
        response = editor_client.get(CHANGELIST)
        page = response.content.decode()
        row = page.split(">The axis at a glance</a>")[1].split("</tr>")[0]
        assert "Key facts" in row and "Published" in row
        assert '<td class="field-published_number">1</td>' in row
        assert "1 change" in row and "statement changed" in row

    def test_queries_do_not_grow_with_boxes_needing_review(self, editor_client):
        def make(n: int) -> None:
            for i in range(n):
                box = published()
                if i % 2 == 0:
                    reword(claim_of(box), f"Reworded {i}")

        make(1)
        with CaptureQueriesContext(connection) as one:
            assert editor_client.get(CHANGELIST).status_code == 200
        make(20)
        with CaptureQueriesContext(connection) as many:
            response = editor_client.get(CHANGELIST)
        assert response.context["cl"].result_count == 21
        assert len(many) == len(one), [q["sql"] for q in many.captured_queries]

    def test_needs_review_filter_lists_only_flagged_boxes(self, editor_client):
        flagged = published(box_with_claim(title="Flagged box"))
        reword(claim_of(flagged), "Changed since.")
        published(box_with_claim(title="Current box"))
        FactBoxFactory(title="Draft box")
        flagged_titles = {
            b.title for b in editor_client.get(CHANGELIST, {"needs_review": "yes"}).context["cl"].result_list
        }
        other_titles = {
            b.title for b in editor_client.get(CHANGELIST, {"needs_review": "no"}).context["cl"].result_list
        }
        assert flagged_titles == {"Flagged box"}
        assert other_titles == {"Current box", "Draft box"}

    def test_offers_starting_a_map_to_those_who_may_add_boxes(self):
        assert START_MAP in signed_in(ReporterFactory()).get(CHANGELIST).content.decode()
        assert START_MAP not in signed_in(FactCheckerFactory()).get(CHANGELIST).content.decode()


class TestChangePage:
    def test_needs_review_banner_names_what_changed(self, editor_client):
        box = published(box_with_claim("Only Russia and North Korea have a defence pact."))
        claim_set_verification(claim=claim_of(box), state=Claim.Verification.DISPUTED, by=EditorFactory())
        page = editor_client.get(change_url(box)).content.decode()
        banner = page.split('id="factbox-needs-review"')[1].split("</div>")[0]
        assert "Only Russia and North Korea have a defence pact." in banner
        assert "verification state (unverified → disputed)" in banner

    def test_publishing_again_clears_the_banner(self, editor_client):
        box = published(box_with_claim(verified=True))
        reword(claim_of(box), "Reworded after publication.")
        post_form(editor_client, box, _workflow_publish="Save and publish a new version")
        assert 'id="factbox-needs-review"' not in editor_client.get(change_url(box)).content.decode()

    def test_shows_the_published_version_and_who_published_it(self, editor_client):
        box = publish_factbox(factbox=box_with_claim(), by=EditorFactory(username="ed")).factbox
        state = editor_client.get(change_url(box)).content.decode().split('id="factbox-state"')[1]
        assert "readers see version 1" in state and "by ed" in state
        assert 'id="factbox-draft-same"' in state

    def test_says_when_the_draft_differs_from_the_published_version(self, editor_client):
        box = published()
        assert post_form(editor_client, box, title="A new title for the draft").status_code == 302
        page = editor_client.get(change_url(box)).content.decode()
        assert 'id="factbox-draft-differs"' in page

    def test_an_editor_may_move_a_published_box_and_its_embed_address_leads_on(self, editor_client, client):
        box = published(box_with_claim(slug="first-address"))
        post_form(editor_client, box, slug="second-address")
        box.refresh_from_db()
        assert box.slug == "second-address"
        moved = client.get("/embed/factboxes/first-address/")
        assert (moved.status_code, moved["Location"]) == (301, "http://testserver/embed/factboxes/second-address/")

    def test_a_reporter_may_not_move_a_published_box(self):
        box = published(box_with_claim(slug="first-address"))
        response = post_form(signed_in(ReporterFactory()), box, slug="second-address")
        assert "slug" in response.context["adminform"].form.errors
        box.refresh_from_db()
        assert box.slug == "first-address"


class TestPublishing:
    def test_an_editor_publishes_version_one_then_two(self):
        client = signed_in(RoleEditorFactory())
        # A verified claim: publishing unverified ones asks first (tests/newsroom/test_publish_unverified.py).
        box = box_with_claim(verified=True)
        assert buttons(client.get(change_url(box))) == ["publish"]
        response = post_form(client, box, _workflow_publish="Save and publish")
        assert "readers now see version 1" in messages_on(client, response)
        response = post_form(client, box, title="Second title", _workflow_publish="Save and publish a new version")
        assert "readers now see version 2" in messages_on(client, response)
        box.refresh_from_db()
        assert box.published_version.number == 2
        assert box.published_version.payload["title"] == "Second title"
        assert list(box.versions.values_list("number", flat=True)) == [2, 1]

    def test_a_reporter_sees_no_publish_or_withdraw_button(self):
        client = signed_in(ReporterFactory())
        assert buttons(client.get(change_url(box_with_claim()))) == []
        assert buttons(client.get(change_url(published()))) == []

    def test_a_reporter_posting_publish_anyway_is_refused_and_keeps_their_edits(self):
        client = signed_in(ReporterFactory())
        box = box_with_claim()
        response = post_form(client, box, title="Reporter's title", _workflow_publish="Save and publish")
        assert "Only editors publish fact boxes" in messages_on(client, response)
        box.refresh_from_db()
        assert (box.status, box.title) == ("draft", "Reporter's title")
        assert not FactBoxVersion.objects.exists()

    def test_a_reporter_posting_withdraw_anyway_leaves_the_box_live(self):
        box = published()
        response = post_form(signed_in(ReporterFactory()), box, _workflow_withdraw="Withdraw")
        assert response.status_code == 302
        box.refresh_from_db()
        assert box.is_live

    def test_an_editor_withdraws_a_live_box(self):
        client = signed_in(RoleEditorFactory())
        box = published()
        assert buttons(client.get(change_url(box))) == ["publish", "withdraw"]
        response = post_form(client, box, _workflow_withdraw="Withdraw")
        assert "is withdrawn" in messages_on(client, response)
        box.refresh_from_db()
        assert box.status == "withdrawn"
        assert box.events.first().kind == "withdrawn"

    def test_a_refused_publication_names_the_problem_and_creates_nothing(self):
        client = signed_in(RoleEditorFactory())
        box = FactBoxFactory(kind=FactBox.Kind.RELATIONSHIP_MAP)
        FactBoxItemFactory(factbox=box, claim=None, actor=ActorFactory(), position=1)
        response = post_form(client, box, _workflow_publish="Save and publish")
        page = messages_on(client, response)
        assert "was not published" in page and "A relationship map needs at least one relationship." in page
        assert "Your edits were saved." in page
        box.refresh_from_db()
        assert box.status == "draft"
        assert not FactBoxVersion.objects.exists()


class TestItemsInline:
    def test_a_row_with_two_contents_and_no_kind_is_a_form_error_on_that_row(self, editor_client):
        box = FactBoxFactory()
        response = editor_client.get(change_url(box))
        data = with_new_rows(
            admin_form_data(response), "items", {"claim": str(ClaimFactory().pk), "text": "And a line of text too"}
        )
        response = editor_client.post(change_url(box), data)
        assert response.status_code == 200
        items = next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "items")
        assert "Choose one claim, one relationship or one actor" in str(items.formset.forms[0].non_field_errors())
        assert 'class="row-form-errors"' in response.content.decode()
        assert not FactBoxItem.objects.exists()

    def test_a_row_with_no_content_is_a_form_error(self, editor_client):
        box = FactBoxFactory()
        response = editor_client.get(change_url(box))
        data = with_new_rows(admin_form_data(response), "items", {"date": "2024-06-12"})
        response = editor_client.post(change_url(box), data)
        assert response.status_code == 200
        assert "Choose one claim, one relationship or one actor" in response.content.decode()
        assert not FactBoxItem.objects.exists()

    def test_a_line_of_text_is_saved_with_its_spaces_tidied(self, editor_client):
        box = FactBoxFactory()
        response = editor_client.get(change_url(box))
        data = with_new_rows(admin_form_data(response), "items", {"kind": "text", "text": "  A line   in our words "})
        assert editor_client.post(change_url(box), data).status_code == 302
        assert [item.text for item in box.items.all()] == ["A line in our words"]


def with_new_rows(data: dict, prefix: str, *rows: dict) -> dict:
    """``data`` with ``rows`` added to the inline ``prefix``, as its "Add …" buttons add them (a new
    item row carries the initial values of its position and date precision, as the browser posts them)."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data = dict(data)
    for offset, row in enumerate(rows):
        row = {"position": "0", "date_precision": "day", **row} if prefix == "items" else row
        data |= {f"{prefix}-{total + offset}-{name}": value for name, value in row.items()}
    data[f"{prefix}-TOTAL_FORMS"] = str(total + len(rows))
    return data


class TestPlacements:
    def test_an_editor_places_a_box_alongside_a_story(self):
        client = signed_in(RoleEditorFactory())
        box, article = box_with_claim(), ArticleFactory()
        response = client.get(change_url(box))
        row = first_blank(response, "placements")
        data = admin_form_data(response) | {f"{row}-article": str(article.pk), f"{row}-after_paragraph": "2"}
        assert client.post(change_url(box), data).status_code == 302
        assert FactBoxPlacement.objects.get(factbox=box).article == article

    def test_a_reporter_sees_placements_read_only_and_cannot_post_one(self):
        client = signed_in(ReporterFactory())
        box = box_with_claim()
        FactBoxPlacementFactory(factbox=box, after_paragraph=1)
        response = client.get(change_url(box))
        placements = next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "placements")
        assert not placements.has_add_permission and not placements.has_change_permission
        data = admin_form_data(response) | {
            "placements-TOTAL_FORMS": "2",
            "placements-1-article": str(ArticleFactory().pk),
            "placements-1-position": "2",
        }
        client.post(change_url(box), data)
        assert box.placements.count() == 1


class TestVersions:
    @pytest.fixture
    def three_versions(self, editor):
        box = box_with_claim("Russia and North Korea signed a treaty.", title="Pact box")
        publish_factbox(factbox=box, by=editor)
        reword(claim_of(box), "Russia and North Korea signed a mutual defence treaty.")
        FactBoxItemFactory(factbox=box, claim=None, text="Ratified in November 2024.", position=2)
        publish_factbox(factbox=box, by=editor)
        box.items.filter(text__startswith="Ratified").delete()
        box.title = "The pact at a glance"
        box.save()
        publish_factbox(factbox=box, by=editor)
        return box

    def test_change_page_lists_versions_with_pinned_embeds(self, editor_client, three_versions):
        section = editor_client.get(change_url(three_versions)).content.decode().split('id="factbox-versions"')[1]
        for number in (1, 2, 3):
            assert reverse("embed_factbox_version", args=[three_versions.slug, number]) in section
        assert f"{compare_url(three_versions)}?a=2&amp;b=3" in section

    def test_compare_shows_changed_and_added_items(self, editor_client, three_versions):
        response = editor_client.get(compare_url(three_versions), {"a": 1, "b": 2})
        diff = response.context["diff"]
        assert diff.added == ["Ratified in November 2024."]
        assert [c.label for c in diff.changed[0].changes] == ["statement"]
        assert "mutual defence treaty" in response.content.decode()

    def test_compare_shows_removed_items_and_the_new_title(self, editor_client, three_versions):
        diff = editor_client.get(compare_url(three_versions), {"a": 2, "b": 3}).context["diff"]
        assert diff.removed == ["Ratified in November 2024."]
        assert [(c.before, c.after) for c in diff.box] == [("Pact box", "The pact at a glance")]

    def test_a_version_compared_with_itself_shows_no_change(self, editor_client, three_versions):
        response = editor_client.get(compare_url(three_versions), {"a": 2, "b": 2})
        assert 'id="diff-none"' in response.content.decode()

    @pytest.mark.parametrize(
        "query", [{}, {"a": "1"}, {"a": "x", "b": "2"}, {"a": "0", "b": "1"}, {"a": "1", "b": "9" * 30}]
    )
    def test_missing_or_malformed_numbers_answer_400(self, editor_client, three_versions, query):
        assert editor_client.get(compare_url(three_versions), query).status_code == 400

    def test_an_unknown_version_answers_404(self, editor_client, three_versions):
        assert editor_client.get(compare_url(three_versions), {"a": "1", "b": "7"}).status_code == 404

    def test_an_unknown_box_answers_404(self, editor_client):
        url = reverse("admin:newsroom_factbox_versions_compare", args=[987654])
        assert editor_client.get(url, {"a": "1", "b": "2"}).status_code == 404


class TestPreview:
    def test_shows_the_draft_not_the_published_version(self, editor_client):
        box = published(box_with_claim("The published wording."))
        reword(claim_of(box), "The draft wording.")
        response = editor_client.get(preview_url(box))
        page = response.content.decode()
        assert response.status_code == 200
        assert "The draft wording." in page and "The published wording." not in page

    def test_renders_a_box_never_published(self, editor_client):
        response = editor_client.get(preview_url(box_with_claim("Not yet public.")))
        assert "Not yet public." in response.content.decode()

    def test_may_be_framed_by_the_admin_only(self, editor_client):
        response = editor_client.get(preview_url(box_with_claim()))
        assert response["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in response["Content-Security-Policy"]

    def test_honours_the_theme(self, editor_client):
        response = editor_client.get(preview_url(box_with_claim()), {"theme": "dark"})
        assert 'data-theme="dark"' in response.content.decode()

    def test_is_refused_to_anonymous_visitors(self, client):
        box = box_with_claim("A draft nobody outside may read.")
        response = client.get(preview_url(box))
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        assert "A draft nobody outside may read." not in response.content.decode()

    def test_is_refused_to_staff_without_view_permission(self):
        from tests.factories import StaffFactory

        response = signed_in(StaffFactory()).get(preview_url(box_with_claim()))
        assert response.status_code == 403

    def test_the_change_page_frames_it(self, editor_client):
        box = box_with_claim()
        page = editor_client.get(change_url(box)).content.decode()
        assert f'src="{preview_url(box)}"' in page
        assert f'href="{preview_url(box)}?theme=dark"' in page


class TestSnippets:
    def test_a_published_box_offers_snippets_with_the_absolute_embed_url(self, editor_client):
        box = published(box_with_claim(title="Axis <at> a glance", slug="axis"))
        page = editor_client.get(change_url(box)).content.decode()
        snippets = page.split('id="factbox-snippets"')[1]
        # Escaped once for the textarea: what the editor copies is the HTML itself.
        assert (
            "&lt;div data-factbox=&quot;axis&quot;&gt;&lt;a href=&quot;http://testserver/embed/factboxes/axis/&quot;&gt;"
            "Axis &amp;lt;at&amp;gt; a glance&lt;/a&gt;&lt;/div&gt;"
            "&lt;script async src=&quot;http://testserver/embed.js&quot;&gt;&lt;/script&gt;"
        ) in snippets
        assert "&lt;iframe src=&quot;http://testserver/embed/factboxes/axis/&quot;" in snippets
        assert "&lt;iframe src=&quot;http://testserver/embed/factboxes/axis/v/1/&quot;" in snippets
        assert 'data-copy="snippet-iframe"' in snippets
        # The same frame oEmbed gives: as wide, and as tall as the box renders at that width.
        answer = editor_client.get("/oembed/", {"url": "http://testserver/embed/factboxes/axis/"}).json()
        assert f"width=&quot;640&quot; height=&quot;{answer['height']}&quot;" in snippets
        assert "width:100%;max-width:640px;border:0" in snippets

    def test_drafts_and_withdrawn_boxes_offer_no_snippet(self, editor_client):
        from newsroom.factboxes.services import factbox_withdraw

        withdrawn = factbox_withdraw(factbox=published(), by=EditorFactory())
        for box in (box_with_claim(), withdrawn):
            assert 'id="factbox-snippets"' not in editor_client.get(change_url(box)).content.decode()

    def test_the_copy_script_is_served_by_the_app(self, editor_client):
        page = editor_client.get(change_url(box_with_claim())).content.decode()
        assert "/static/newsroom/admin/factboxes.js" in page


class TestStartRelationshipMap:
    @pytest.fixture
    def axis(self):
        china, russia, iran = (ActorFactory(name=n) for n in ("China", "Russia", "Iran"))
        partnership = RelationshipFactory(subject=china, object=russia)
        RelationshipFactory(subject=iran, object=russia)  # Iran is not chosen: this tie stays out
        return china, russia, partnership

    def test_creates_a_draft_map_of_the_actors_and_their_ties(self, axis):
        china, russia, partnership = axis
        client = signed_in(ReporterFactory())
        response = client.post(START_MAP, {"title": "", "actors": [china.pk, russia.pk]})
        box = FactBox.objects.get()
        assert response.status_code == 302 and response["Location"] == change_url(box)
        assert (box.kind, box.status, box.title) == ("relationship_map", "draft", "China and Russia")
        assert [item.content for item in box.items.all()] == [china, russia, partnership]
        assert "started with 1 relationship" in messages_on(client, response)

    def test_keeps_the_title_given(self, axis):
        china, russia, _ = axis
        signed_in(ReporterFactory()).post(START_MAP, {"title": "Old friends", "actors": [china.pk, russia.pk]})
        assert FactBox.objects.get().title == "Old friends"

    def test_one_actor_is_a_form_error_and_creates_nothing(self, axis):
        response = signed_in(ReporterFactory()).post(START_MAP, {"actors": [axis[0].pk]})
        assert response.status_code == 200
        assert "Choose at least two actors" in response.content.decode()
        assert not FactBox.objects.exists()

    def test_the_form_uses_the_admin_autocomplete(self):
        page = signed_in(ReporterFactory()).get(START_MAP).content.decode()
        assert 'class="admin-autocomplete' in page and 'data-model-name="factboxitem"' in page

    def test_is_closed_to_those_who_may_not_add_boxes(self, axis):
        response = signed_in(FactCheckerFactory()).post(START_MAP, {"actors": [axis[0].pk, axis[1].pk]})
        assert response.status_code == 403
        assert not FactBox.objects.exists()


class TestNoLostUpdates:
    def test_the_second_of_two_editors_is_refused_and_the_first_keeps_their_work(self):
        box = box_with_claim()
        first, second = signed_in(RoleEditorFactory(username="ana")), signed_in(RoleEditorFactory(username="ben"))
        first_form = admin_form_data(first.get(change_url(box)))
        second_form = admin_form_data(second.get(change_url(box)))
        assert first.post(change_url(box), first_form | {"title": "Ana's box"}).status_code == 302
        response = second.post(change_url(box), second_form | {"title": "Ben's box"})
        assert response.status_code == 200
        assert "after you opened it" in response.content.decode()
        box.refresh_from_db()
        assert box.title == "Ana's box"

    def test_a_form_opened_before_a_publication_cannot_overwrite_it_unnoticed(self):
        box = box_with_claim()
        client = signed_in(RoleEditorFactory())
        stale = admin_form_data(client.get(change_url(box)))
        published(box)
        response = client.post(change_url(box), stale | {"title": "Late edit"})
        assert "after you opened it" in response.content.decode()
        box.refresh_from_db()
        assert box.title != "Late edit"


class TestRevisions:
    @pytest.fixture
    def edited(self, editor_client):
        """A published box an editor saved twice in the admin: then a new title and one more item."""
        box = published(box_with_claim(title="First title"))
        post_form(editor_client, box)
        response = editor_client.get(change_url(box))
        data = with_new_rows(admin_form_data(response), "items", {"kind": "text", "text": "An added line"})
        assert editor_client.post(change_url(box), data | {"title": "Second title"}).status_code == 302
        return box

    def test_history_compares_two_revisions_items_included(self, editor_client, edited):
        older, newer = Version.objects.get_for_object(edited).order_by("pk")
        url = reverse("admin:newsroom_factbox_compare", args=[edited.pk])
        response = editor_client.get(url, {"version_id1": older.pk, "version_id2": newer.pk})
        assert response.status_code == 200
        assert "Second title" in response.content.decode()

    def test_restoring_brings_back_the_draft_and_keeps_the_box_published(self, editor_client, edited):
        version = edited.published_version_id
        oldest = Version.objects.get_for_object(edited).order_by("pk").first()
        editor_client.post(reverse("admin:newsroom_factbox_revision", args=[edited.pk, oldest.pk]))
        edited.refresh_from_db()
        assert edited.title == "First title"
        assert not edited.items.filter(text="An added line").exists()
        assert (edited.status, edited.published_version_id) == ("published", version)


class TestStartPage:
    def test_lists_fact_boxes_needing_review_with_what_changed(self):
        box = published(box_with_claim("A claim that moved.", title="Moving box"))
        reword(claim_of(box), "A claim that moved again.")
        published(box_with_claim(title="Steady box"))
        page = signed_in(RoleEditorFactory()).get(reverse("admin:index")).content.decode()
        section = page.split('id="queue-factboxes"')[1].split("</section>")[0]
        assert "Moving box" in section and "statement changed" in section
        assert "Steady box" not in section

    def test_queries_do_not_grow_with_boxes_needing_review(self, django_assert_max_num_queries):
        client = signed_in(RoleEditorFactory())
        reword(claim_of(published()), "Changed.")
        with django_assert_max_num_queries(20) as one:
            client.get(reverse("admin:index"))
        for i in range(15):
            reword(claim_of(published()), f"Changed {i}.")
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get(reverse("admin:index"))
        assert "Fact boxes needing review (16)" in response.content.decode()


def test_a_box_never_published_may_be_deleted(client):
    box = box_with_claim()
    client.force_login(RoleEditorFactory())
    response = client.post(reverse("admin:newsroom_factbox_delete", args=[box.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not FactBox.objects.exists()


def test_a_box_readers_have_seen_is_withdrawn_not_deleted(client):
    box = published()
    client.force_login(RoleEditorFactory())
    response = client.post(reverse("admin:newsroom_factbox_delete", args=[box.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert FactBoxVersion.objects.filter(factbox=box).exists()
