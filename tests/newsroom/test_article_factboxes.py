"""A story's fact boxes from its change page: listing them, placing one after a paragraph chosen by
its first words, and starting a box from the claims the story cites (the service and its page)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from newsroom.admin.article_factboxes import paragraph_choices
from newsroom.factboxes import services
from newsroom.factboxes.services import factbox_start_from_article
from newsroom.models import FactBox, FactBoxItem, FactBoxPlacement
from tests.factories import (
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    FactBoxFactory,
    FactBoxPlacementFactory,
    FactCheckerFactory,
    ReporterFactory,
    RoleEditorFactory,
    VerifiedClaimFactory,
)
from tests.helpers import admin_form_data, change_url, publish_factbox, signed_in
from tests.newsroom.test_factbox_admin import with_new_rows

pytestmark = pytest.mark.django_db

BODY = (
    "<p>Russia and North Korea signed a treaty in June 2024, binding each to the other's defence.</p>"
    "<h2>What it says</h2><p>Each side is bound to come to the other's aid.</p>"
)


def start_url(article) -> str:
    return reverse("admin:newsroom_article_start_factbox", args=[article.pk])


def placements_of(response):
    return next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "factbox_placements")


@pytest.fixture
def story():
    """A story citing three claims, in an order that is not the order they were written in."""
    article = ArticleFactory(body=BODY)
    first, second, third = ClaimFactory(text="Third written"), ClaimFactory(text="First written"), ClaimFactory()
    for position, claim in enumerate((second, third, first), start=1):
        ArticleClaimFactory(article=article, claim=claim, position=position)
    return article


class TestStartingABoxFromClaims:
    def test_lists_the_cited_claims_in_citation_order_and_places_the_box(self, story):
        editor = RoleEditorFactory()
        box = factbox_start_from_article(article=story, by=editor)
        cited = list(story.claim_citations.order_by("position").values_list("claim", flat=True))
        assert list(box.items.order_by("position").values_list("claim", flat=True)) == cited
        assert (box.kind, box.status) == (FactBox.Kind.CLAIM_CHECK, FactBox.Status.DRAFT)
        assert box.title == f"Claims in “{story.title}”"
        assert list(box.placements.values_list("article", "after_paragraph")) == [(story.pk, None)]

    def test_a_reporters_box_waits_for_an_editor_to_place_it(self, story):
        box = factbox_start_from_article(article=story, by=ReporterFactory(), title="Our claims", kind="key_facts")
        assert (box.title, box.kind, box.items.count()) == ("Our claims", "key_facts", 3)
        assert not box.placements.exists()

    def test_refused_to_those_who_may_not_add_boxes(self, story):
        with pytest.raises(PermissionDenied):
            factbox_start_from_article(article=story, by=FactCheckerFactory())
        assert not FactBox.objects.exists()

    def test_a_story_citing_nothing_is_refused(self):
        with pytest.raises(ValidationError, match="cites no claim yet"):
            factbox_start_from_article(article=ArticleFactory(), by=RoleEditorFactory())
        assert not FactBox.objects.exists()

    def test_an_unknown_kind_is_refused(self, story):
        with pytest.raises(ValidationError):
            factbox_start_from_article(article=story, by=RoleEditorFactory(), kind="relationship_map")
        assert not FactBox.objects.exists()

    def test_a_failure_half_way_writes_nothing(self, story, monkeypatch):
        def broken(*args, **kwargs):
            raise IntegrityError("the placement could not be written")

        monkeypatch.setattr(services.FactBoxPlacement.objects, "create", broken)
        with pytest.raises(IntegrityError):
            factbox_start_from_article(article=story, by=RoleEditorFactory())
        assert not FactBox.objects.exists() and not FactBoxItem.objects.exists()

    def test_the_page_lists_the_claims_then_opens_the_new_box(self, story):
        client = signed_in(RoleEditorFactory())
        page = client.get(start_url(story)).text
        assert page.index("First written") < page.index("Third written")
        response = client.post(start_url(story), {"title": "", "kind": "claim_check"})
        box = FactBox.objects.get()
        assert response.status_code == 302 and response["Location"] == change_url(box)
        assert "runs beside it" in client.get(response["Location"]).text

    def test_the_page_says_why_a_story_without_claims_cannot_start_one(self):
        client = signed_in(RoleEditorFactory())
        article = ArticleFactory()
        response = client.post(start_url(article), {"kind": "claim_check"})
        assert response.status_code == 200 and "cites no claim yet" in response.text
        assert not FactBox.objects.exists()

    def test_the_page_is_refused_to_those_who_may_not_add_boxes(self, story):
        assert signed_in(FactCheckerFactory()).post(start_url(story), {"kind": "claim_check"}).status_code == 403
        assert not FactBox.objects.exists()

    def test_the_change_page_links_to_it(self, story):
        assert start_url(story) in signed_in(ReporterFactory()).get(change_url(story)).text
        assert start_url(story) not in signed_in(FactCheckerFactory()).get(change_url(story)).text


class TestTheStorysBoxes:
    def test_lists_each_box_with_its_state_version_and_links(self, story):
        live = FactBoxFactory(title="Live box")
        FactBoxItem.objects.create(factbox=live, claim=VerifiedClaimFactory(), position=1)
        publish_factbox(factbox=live, by=RoleEditorFactory())
        FactBoxPlacementFactory(factbox=live, article=story, after_paragraph=1)
        FactBoxPlacementFactory(factbox=FactBoxFactory(title="Draft box"), article=story)
        page = signed_in(RoleEditorFactory()).get(change_url(story)).text
        section = page.split('id="factbox_placements-group"')[1].split('class="article-start-factbox"')[0]
        assert "Published, version 1" in section and "Never published" in section
        assert reverse("admin:newsroom_factbox_change", args=[live.pk]) in section
        assert reverse("embed_factbox", args=[live.slug]) in section
        assert section.count("View live") == 1

    def test_paragraphs_are_chosen_by_their_first_words(self):
        choices = paragraph_choices(BODY)
        assert choices[0] == ("", "Beside the story (after it on phones)")
        assert choices[1] == ("1", "After paragraph 1: “Russia and North Korea signed a treaty in June…”")
        assert choices[2] == ("2", "After paragraph 2: “What it says”")
        assert len(choices) == 4
        assert paragraph_choices(BODY, current=7)[-1][0] == "7"

    def test_the_boxs_own_page_names_the_paragraph_by_its_first_words(self, story):
        client = signed_in(RoleEditorFactory())
        box = FactBoxFactory()
        FactBoxPlacementFactory(factbox=box, article=story, after_paragraph=2)
        response = client.get(change_url(box))
        assert '<option value="2" selected>After paragraph 2: “What it says”</option>' in response.text
        data = admin_form_data(response) | {"placements-0-after_paragraph": "1"}
        assert client.post(change_url(box), data).status_code == 302
        assert FactBoxPlacement.objects.get(factbox=box).after_paragraph == 1

    def test_an_editor_places_a_box_after_a_paragraph(self, story):
        client = signed_in(RoleEditorFactory())
        box = FactBoxFactory()
        data = with_new_rows(
            admin_form_data(client.get(change_url(story))),
            "factbox_placements",
            {"factbox": str(box.pk), "after_paragraph": "2"},
        )
        assert client.post(change_url(story), data).status_code == 302
        assert FactBoxPlacement.objects.get(article=story).after_paragraph == 2

    def test_a_live_story_with_a_draft_places_boxes_by_its_live_paragraphs(self):
        from newsroom import services as article_services
        from tests.helpers import publish_article

        article = ArticleFactory(body=BODY)
        publish_article(article=article, by=RoleEditorFactory())
        article_services.article_save_draft(
            article=article, by=RoleEditorFactory(), title=article.title, body="<p>A draft's only paragraph.</p>"
        )
        client = signed_in(RoleEditorFactory())
        page = client.get(change_url(article)).text
        # The form edits the draft, but a placement applies to what readers see now.
        assert "only paragraph" in page
        assert "After paragraph 2: “What it says”" in page
        assert "After paragraph 1: “A draft" not in page

    def test_a_paragraph_the_story_does_not_have_is_a_form_error(self, story):
        client = signed_in(RoleEditorFactory())
        data = with_new_rows(
            admin_form_data(client.get(change_url(story))),
            "factbox_placements",
            {"factbox": str(FactBoxFactory().pk), "after_paragraph": "12"},
        )
        response = client.post(change_url(story), data)
        assert response.status_code == 200
        assert "Select a valid choice" in str(placements_of(response).formset.errors)
        assert not FactBoxPlacement.objects.exists()

    def test_a_reporter_sees_the_boxes_but_cannot_place_one(self, story):
        FactBoxPlacementFactory(factbox=FactBoxFactory(), article=story)
        client = signed_in(ReporterFactory())
        response = client.get(change_url(story))
        inline = placements_of(response)
        assert not inline.has_add_permission and not inline.has_change_permission
        data = with_new_rows(admin_form_data(response), "factbox_placements", {"factbox": str(FactBoxFactory().pk)})
        client.post(change_url(story), data)
        assert story.factbox_placements.count() == 1
