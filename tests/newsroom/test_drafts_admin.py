"""A live article's change form edits its draft: the banner, saving, publishing the changes, the
comparison with the live version, discarding, and "View live" on what readers can open."""

import pytest
import reversion
from django.core.exceptions import ValidationError
from django.urls import reverse
from reversion.models import Version

from newsroom import services
from newsroom.models import Article, ArticleDraft
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    ReporterFactory,
    RoleEditorFactory,
    VerifiedClaimFactory,
)
from tests.helpers import admin_form_data, change_url, publish_article, publish_factbox, signed_in

pytestmark = pytest.mark.django_db


def live_story() -> Article:
    article = ArticleFactory(title="The live title", body="<p>Live body.</p>")
    ArticleClaimFactory(article=article, claim=VerifiedClaimFactory(text="A claim readers see."), position=1)
    return publish_article(article=article, by=EditorFactory())


def admin_url(article: Article, view: str) -> str:
    return reverse(f"admin:newsroom_article_{view}", args=[article.pk])


def post_form(client, article: Article, **changes):
    data = admin_form_data(client.get(change_url(article))) | changes
    return client.post(change_url(article), data)


@pytest.fixture
def editor():
    return signed_in(RoleEditorFactory())


def test_saving_a_live_article_keeps_the_edits_in_a_draft(editor, client):
    article = live_story()
    response = post_form(editor, article, title="A drafted title")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "The live title"
    assert ArticleDraft.objects.get(article=article).title == "A drafted title"
    assert "The live title" in client.get(f"/stories/{article.slug}/").content.decode()
    messages = [str(m) for m in editor.get(response["Location"]).context["messages"]]
    assert any("saved as a draft" in message for message in messages)
    # Not also the admin's "changed successfully": readers' version did not change.
    assert not any("changed successfully" in message for message in messages)


def test_a_draft_the_service_refuses_after_the_form_was_valid_saves_nothing_and_says_why(editor, monkeypatch):
    article = live_story()
    slug = article.slug

    def refuse(**kwargs):
        raise ValidationError("One of the cited claims no longer exists.")

    # As when a claim is deleted between the form's checks and the save.
    monkeypatch.setattr(services, "article_save_draft", refuse)
    response = post_form(editor, article, title="A drafted title", slug="a-new-address")
    assert response.status_code == 302 and response["Location"] == change_url(article)
    shown = [str(m) for m in editor.get(response["Location"]).context["messages"]]
    assert any("not saved" in m and "no longer exists" in m for m in shown)
    assert not any("changed successfully" in m for m in shown)
    article.refresh_from_db()
    assert (article.title, article.slug) == ("The live title", slug)
    assert not ArticleDraft.objects.filter(article=article).exists()


def test_an_untouched_form_leaves_no_draft(editor):
    article = live_story()
    assert post_form(editor, article).status_code == 302
    assert not ArticleDraft.objects.filter(article=article).exists()


def test_the_form_shows_the_draft_with_a_banner(editor):
    article = live_story()
    post_form(editor, article, title="A drafted title", body="<p>Drafted body.</p>")
    response = editor.get(change_url(article))
    page = response.content.decode()
    assert response.context["adminform"].form["title"].value() == "A drafted title"
    assert 'id="draft-banner"' in page and "Live version differs from draft." in page
    assert admin_url(article, "draft_compare") in page and admin_url(article, "discard_draft") in page
    # The citations are the draft's: the live inline is replaced by the draft's.
    prefixes = [inline.formset.prefix for inline in response.context["inline_admin_formsets"]]
    assert "draft_citations" in prefixes and "claim_citations" not in prefixes


def test_a_live_article_without_a_draft_starts_from_the_live_citations(editor):
    article = live_story()
    response = editor.get(change_url(article))
    assert 'id="draft-note"' in response.content.decode()
    inline = next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "draft_citations")
    assert [form.initial.get("claim") for form in inline.formset.forms][:1] == [article.claims.get().pk]


def test_removing_and_adding_citations_goes_to_the_draft(editor):
    article = live_story()
    other = VerifiedClaimFactory(text="A claim added in the draft.")
    post_form(
        editor,
        article,
        **{"draft_citations-0-DELETE": "on", "draft_citations-1-claim": other.pk, "draft_citations-1-position": 2},
    )
    draft = ArticleDraft.objects.get(article=article)
    assert [row.claim for row in article.draft_citations.all()] == [other]
    assert draft.title == "The live title"
    assert [claim.text for claim in article.claims.all()] == ["A claim readers see."]


def test_citing_a_claim_twice_is_a_form_error(editor):
    article = live_story()
    cited = article.claims.get()
    response = post_form(editor, article, **{"draft_citations-1-claim": cited.pk, "draft_citations-1-position": 2})
    assert response.status_code == 200
    assert "cites the same claim twice" in response.content.decode()
    assert not ArticleDraft.objects.filter(article=article).exists()


def test_save_and_publish_changes_applies_them(editor, client):
    article = live_story()
    response = post_form(editor, article, title="Published from the form", _workflow_publish_changes="1")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Published from the form"
    assert not ArticleDraft.objects.filter(article=article).exists()
    assert "Published from the form" in client.get(f"/stories/{article.slug}/").content.decode()


def test_a_new_address_applies_at_once(editor):
    article = live_story()
    post_form(editor, article, slug="a-new-address", title="A drafted title")
    article.refresh_from_db()
    assert (article.slug, article.title) == ("a-new-address", "The live title")
    assert article.former_slugs.exists()


def test_the_comparison_shows_what_the_draft_changes(editor):
    article = live_story()
    iran = ActorFactory(name="Iran")
    post_form(editor, article, title="A drafted title", actors=[iran.pk], **{"draft_citations-0-DELETE": "on"})
    response = editor.get(admin_url(article, "draft_compare"))
    assert response.status_code == 200
    names = [row["name"] for row in response.context["rows"]]
    assert names == ["title", "actors", "citations"]
    page = response.content.decode()
    assert "drafted" in page and "<ins>Iran</ins>" in page and "<del>A claim readers see.</del>" in page


def test_the_comparison_without_a_draft_leads_back_to_the_form(editor):
    article = live_story()
    assert editor.get(admin_url(article, "draft_compare"))["Location"] == change_url(article)


def test_discarding_from_the_banner(editor):
    article = live_story()
    post_form(editor, article, title="A drafted title")
    assert editor.get(admin_url(article, "discard_draft")).status_code == 302
    assert ArticleDraft.objects.filter(article=article).exists()  # a GET discards nothing
    assert editor.post(admin_url(article, "discard_draft"))["Location"] == change_url(article)
    assert not ArticleDraft.objects.filter(article=article).exists()
    assert editor.get(change_url(article)).context["adminform"].form["title"].value() == "The live title"


def test_a_reporter_cannot_discard_a_live_story_s_draft(editor):
    article = live_story()
    post_form(editor, article, title="A drafted title")
    reporter = signed_in(ReporterFactory())
    reporter.post(admin_url(article, "discard_draft"))
    assert ArticleDraft.objects.filter(article=article).exists()


class TestViewLive:
    def test_a_live_story_links_to_its_page(self, editor):
        article = live_story()
        page = editor.get(change_url(article)).content.decode()
        assert f'href="/stories/{article.slug}/"' in page and "View live" in page

    def test_a_story_not_live_has_no_such_link(self, editor):
        page = editor.get(change_url(ArticleFactory())).content.decode()
        assert "View live" not in page and 'id="preview-link"' in page

    def test_a_published_box_links_to_its_embed(self, editor):
        box = FactBoxFactory()
        FactBoxItemFactory(factbox=box, claim=VerifiedClaimFactory())
        assert "View live" not in editor.get(change_url(box)).content.decode()
        publish_factbox(factbox=box, by=EditorFactory())
        page = editor.get(change_url(box)).content.decode()
        assert f'href="/embed/factboxes/{box.slug}/"' in page and "View live" in page

    def test_an_actor_links_to_its_page_once_public(self, editor):
        actor = ActorFactory(slug="iran")
        assert "View live" not in editor.get(change_url(actor)).content.decode()
        article = ArticleFactory()
        article.actors.add(actor)
        publish_article(article=article, by=EditorFactory())
        page = editor.get(change_url(actor)).content.decode()
        assert 'href="/actors/iran/"' in page and "View live" in page


def test_publishing_changes_asks_about_unverified_claims_first(editor):
    article = live_story()
    unverified = ClaimFactory(verification="unverified", text="Nobody checked this.")
    response = post_form(
        editor,
        article,
        _workflow_publish_changes="1",
        **{"draft_citations-1-claim": unverified.pk, "draft_citations-1-position": 2},
    )
    assert response.status_code == 200 and "Nobody checked this." in response.content.decode()
    assert not article.claims.filter(pk=unverified.pk).exists()
    # The answer carries what the page asked it at, as the browser posts it.
    seen = response.context["hidden"]
    answer = editor.post(
        reverse("admin:newsroom_article_workflow_confirm", args=[article.pk, "publish_changes"]),
        {"confirm_unverified": [unverified.pk, *article.claims.values_list("pk", flat=True)], **dict(seen)},
    )
    assert answer.status_code == 302
    assert article.claims.filter(pk=unverified.pk).exists()
    assert not ArticleDraft.objects.filter(article=article).exists()


def test_the_restore_page_compares_the_live_version_not_the_draft(editor):
    article = live_story()
    with reversion.create_revision():
        article.title = "An older title"
        article.save()
    version = Version.objects.get_for_object(article).first()
    with reversion.create_revision():
        article.title = "The live title"
        article.save()
    post_form(editor, article, title="A drafted title")
    editor.get(change_url(article))  # reads the messages the save left
    page = editor.get(reverse("admin:newsroom_article_revision", args=[article.pk, version.pk])).content.decode()
    assert "The live title" in page and "An older title" in page
    assert "A drafted title" not in page
