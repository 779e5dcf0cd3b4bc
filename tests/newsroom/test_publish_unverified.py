"""Publishing unverified claims is an editor's decision, named and recorded: the services refuse it
unconfirmed (or altogether, with PUBLISH_UNVERIFIED=refuse), and the admin asks before it publishes
a story or a fact box, one at a time or selected in the list."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from newsroom import services
from newsroom.factboxes.services import factbox_publish
from newsroom.models import Article, ArticleEvent, FactBox, FactBoxEvent
from newsroom.services import UnverifiedClaimsUnconfirmed
from relations.models import PublicChange
from tests.factories import (
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    FactBoxItemFactory,
    FactCheckerFactory,
    RelationshipFactory,
    ReporterFactory,
    RoleEditorFactory,
    VerifiedClaimFactory,
)
from tests.helpers import admin_form_data, change_url, publish_article, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusing(settings):
    settings.PUBLISH_UNVERIFIED = "refuse"


def story(*claims, **fields) -> Article:
    article = ArticleFactory(**fields)
    for claim in claims:
        ArticleClaimFactory(article=article, claim=claim)
    return article


def box(*claims, **fields) -> FactBox:
    factbox = FactBoxItemFactory(claim=claims[0], **{f"factbox__{k}": v for k, v in fields.items()}).factbox
    for claim in claims[1:]:
        FactBoxItemFactory(factbox=factbox, claim=claim)
    return factbox


def nothing_published(article: Article) -> None:
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.publish_at is None
    assert not article.events.exists()
    assert not PublicChange.objects.filter(content_type__model="article", object_id=article.pk).exists()


class TestStoryService:
    def test_refuses_unconfirmed_naming_the_claims_and_writes_nothing(self):
        first, second = ClaimFactory(text="First unchecked."), ClaimFactory(text="Second unchecked.")
        article = story(first, VerifiedClaimFactory(), second)
        with pytest.raises(UnverifiedClaimsUnconfirmed) as asked:
            services.article_publish(article=article, by=RoleEditorFactory())
        assert [claim.pk for claim in asked.value.claims] == [first.pk, second.pk]
        assert "“First unchecked.”" in str(asked.value) and "“Second unchecked.”" in str(asked.value)
        nothing_published(article)

    def test_publishes_once_each_is_confirmed_and_records_the_decision(self):
        first, second = ClaimFactory(text="First unchecked."), ClaimFactory(text="Second unchecked.")
        article = story(first, second)
        article = services.article_publish(
            article=article, by=RoleEditorFactory(), confirmed_unverified=[first.pk, second.pk]
        )
        assert article.is_live
        event = article.events.get()
        assert event.kind == ArticleEvent.Kind.PUBLISHED
        assert event.note == (
            f"Published with 2 unverified claims, confirmed: “First unchecked.” (#{first.pk}); "
            f"“Second unchecked.” (#{second.pk})."
        )

    def test_a_partial_confirmation_asks_again_about_all_of_them(self):
        first, second = ClaimFactory(), ClaimFactory()
        article = story(first, second)
        with pytest.raises(UnverifiedClaimsUnconfirmed) as asked:
            services.article_publish(article=article, by=RoleEditorFactory(), confirmed_unverified=[first.pk])
        assert [claim.pk for claim in asked.value.claims] == [first.pk, second.pk]
        nothing_published(article)

    def test_scheduling_counts_as_publishing(self):
        claim = ClaimFactory()
        article = story(claim)
        when = timezone.now() + datetime.timedelta(days=1)
        with pytest.raises(UnverifiedClaimsUnconfirmed):
            services.article_publish(article=article, by=RoleEditorFactory(), publish_at=when)
        nothing_published(article)
        article = services.article_publish(
            article=article, by=RoleEditorFactory(), publish_at=when, confirmed_unverified=[claim.pk]
        )
        event = article.events.get()
        assert event.kind == ArticleEvent.Kind.SCHEDULED
        assert event.note.startswith("Goes live ")
        assert f"Scheduled with 1 unverified claim, confirmed: “{claim}” (#{claim.pk})." in event.note

    def test_rescheduling_asks_again(self):
        claim = ClaimFactory()
        article = publish_article(
            article=story(claim), by=RoleEditorFactory(), publish_at=timezone.now() + datetime.timedelta(days=1)
        )
        with pytest.raises(UnverifiedClaimsUnconfirmed):
            services.article_publish(
                article=article, by=RoleEditorFactory(), publish_at=timezone.now() + datetime.timedelta(days=2)
            )

    def test_verified_or_no_claims_need_no_confirmation(self):
        article = services.article_publish(article=story(VerifiedClaimFactory()), by=RoleEditorFactory())
        assert article.is_live and article.events.get().note == ""

    def test_refuse_setting_refuses_even_when_confirmed_and_writes_nothing(self, refusing):
        claim = ClaimFactory(text="Nobody looked at this.")
        article = story(claim)
        with pytest.raises(ValidationError) as refused:
            services.article_publish(article=article, by=RoleEditorFactory(), confirmed_unverified=[claim.pk])
        assert not isinstance(refused.value, UnverifiedClaimsUnconfirmed)
        assert "“Nobody looked at this.”" in " ".join(refused.value.messages)
        assert "Have it checked before publishing." in " ".join(refused.value.messages)
        nothing_published(article)


class TestFactBoxService:
    def test_refuses_unconfirmed_including_a_relationships_evidence(self):
        own = ClaimFactory(text="A claim item.")
        evidence = ClaimFactory(text="Evidence of the tie.")
        tie = RelationshipFactory()
        ClaimRelationshipFactory(claim=evidence, relationship=tie)
        # Evidence a box shows is what readers could already check: a live story cites it.
        publish_article(article=story(evidence), by=RoleEditorFactory())
        factbox = box(own)
        FactBoxItemFactory(factbox=factbox, claim=None, relationship=tie)
        with pytest.raises(UnverifiedClaimsUnconfirmed) as asked:
            factbox_publish(factbox=factbox, by=RoleEditorFactory())
        assert [claim.pk for claim in asked.value.claims] == [own.pk, evidence.pk]
        factbox.refresh_from_db()
        assert factbox.status == FactBox.Status.DRAFT and not factbox.versions.exists()
        assert not FactBoxEvent.objects.exists()

        version = factbox_publish(factbox=factbox, by=RoleEditorFactory(), confirmed_unverified=[own.pk, evidence.pk])
        assert version.events.get().note == (
            f"Published with 2 unverified claims, confirmed: “A claim item.” (#{own.pk}); "
            f"“Evidence of the tie.” (#{evidence.pk})."
        )

    def test_refuse_setting_refuses(self, refusing):
        claim = ClaimFactory()
        factbox = box(claim)
        with pytest.raises(ValidationError, match="Have it checked before publishing"):
            factbox_publish(factbox=factbox, by=RoleEditorFactory(), confirmed_unverified=[claim.pk])
        assert not factbox.versions.exists()


# --- The admin --------------------------------------------------------------------------------


def save_and_publish(client, obj, **changes):
    data = admin_form_data(client.get(change_url(obj))) | {"_workflow_publish": "Save and publish"} | changes
    return client.post(change_url(obj), data)


def answer(client, response, *, drop_claim: bool = False, **changes):
    """Post the confirmation page's form as it stands (the editor pressed "Yes")."""
    html = response.content.decode()
    action = re.search(r'<form method="post" action="([^"]+)">', html).group(1)
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value.replace("&#x27;", "'").replace("&amp;", "&"))
    if drop_claim:
        data["confirm_unverified"] = data["confirm_unverified"][:-1]
    return client.post(action, data | changes)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


class TestStoryInTheAdmin:
    def test_asks_naming_the_claims_with_the_edits_saved_and_nothing_published(self):
        claim = ClaimFactory(text="Moscow promised twelve warships.")
        article = story(claim, VerifiedClaimFactory(), title="Before")
        client = signed_in(RoleEditorFactory())
        response = save_and_publish(client, article, title="After")
        assert response.status_code == 200
        assert response.templates[0].name == "admin/newsroom/publish_confirmation.html"
        page = response.content.decode()
        assert "shows readers a claim nobody has verified yet" in page
        assert f'<a href="{change_url(claim)}">Moscow promised twelve warships.</a>' in page
        assert 'value="Yes, publish with these claims unverified"' in page
        assert f'<a href="{change_url(article)}" class="button cancel-link">No, take me back</a>' in page
        article.refresh_from_db()
        assert article.title == "After"
        assert article.status == Article.Status.DRAFT and not article.events.exists()

    def test_confirming_publishes_and_records_the_decision(self):
        claim = ClaimFactory(text="Moscow promised twelve warships.")
        article = story(claim)
        editor = RoleEditorFactory()
        client = signed_in(editor)
        response = answer(client, save_and_publish(client, article))
        assert response.status_code == 302 and response.url == change_url(article)
        article.refresh_from_db()
        assert article.is_live
        event = article.events.get()
        assert event.by == editor
        assert event.note == f"Published with 1 unverified claim, confirmed: “{claim}” (#{claim.pk})."
        assert any("is now published" in m for m in messages_of(client.get(change_url(article))))

    def test_going_back_changes_nothing(self):
        article = story(ClaimFactory())
        client = signed_in(RoleEditorFactory())
        response = save_and_publish(client, article)
        back = re.search(r'<a href="([^"]+)" class="button cancel-link">', response.content.decode()).group(1)
        assert client.get(back).status_code == 200
        nothing_published(article)

    def test_scheduling_carries_the_time_through_the_question(self):
        claim = ClaimFactory()
        article = story(claim)
        client = signed_in(RoleEditorFactory())
        when = timezone.localtime() + datetime.timedelta(days=2)
        response = save_and_publish(
            client, article, go_live_at_0=when.strftime("%d/%m/%Y"), go_live_at_1=when.strftime("%H:%M:%S")
        )
        assert 'value="Yes, schedule it with these claims unverified"' in response.content.decode()
        answer(client, response)
        article.refresh_from_db()
        assert article.is_scheduled
        assert abs(article.publish_at - when) < datetime.timedelta(seconds=1)
        assert article.events.get().kind == ArticleEvent.Kind.SCHEDULED

    def test_a_claim_cited_since_the_question_is_asked_about_again(self):
        first = ClaimFactory(text="Asked about.")
        article = story(first)
        client = signed_in(RoleEditorFactory())
        question = save_and_publish(client, article)
        ArticleClaimFactory(article=article, claim=ClaimFactory(text="Cited meanwhile."))
        again = answer(client, question)
        assert again.status_code == 200
        assert "Asked about." in again.content.decode() and "Cited meanwhile." in again.content.decode()
        nothing_published(article)
        answer(client, again)
        article.refresh_from_db()
        assert article.is_live

    def test_an_article_changed_since_the_question_is_not_published(self):
        article = story(ClaimFactory())
        client = signed_in(RoleEditorFactory())
        question = save_and_publish(client, article)
        save_and_publish(signed_in(RoleEditorFactory()), article, title="Changed by a colleague")
        response = answer(client, question)
        assert response.status_code == 302
        assert any("was changed after you were asked" in m for m in messages_of(client.get(response.url)))
        nothing_published(article)

    def test_an_answer_that_leaves_a_claim_out_asks_again(self):
        article = story(ClaimFactory(), ClaimFactory())
        client = signed_in(RoleEditorFactory())
        again = answer(client, save_and_publish(client, article), drop_claim=True)
        assert again.status_code == 200
        assert again.templates[0].name == "admin/newsroom/publish_confirmation.html"
        nothing_published(article)

    def test_bad_answers_are_refused_cleanly(self):
        article = story(ClaimFactory())
        client = signed_in(RoleEditorFactory())
        question = save_and_publish(client, article)
        url = reverse("admin:newsroom_article_workflow_confirm", args=[article.pk, "publish"])
        assert answer(client, question, go_live_at="not a time").status_code == 400
        assert answer(client, question, confirm_unverified=["x", "1e3"]).status_code == 200  # asked again
        assert client.get(url).status_code == 302
        missing = reverse("admin:newsroom_article_workflow_confirm", args=[article.pk, "no_such_move"])
        assert client.post(missing).status_code == 404
        nothing_published(article)

    def test_only_those_who_may_publish_get_anywhere_with_an_answer(self):
        article = story(ClaimFactory())
        question = save_and_publish(signed_in(RoleEditorFactory()), article)
        assert answer(signed_in(FactCheckerFactory()), question).status_code == 403
        reporter = signed_in(ReporterFactory())
        response = answer(reporter, question)
        assert any("was not moved" in m for m in messages_of(reporter.get(response.url)))
        nothing_published(article)

    def test_refuse_setting_shows_an_error_and_keeps_the_edits(self, refusing):
        claim = ClaimFactory(text="Nobody looked at this.")
        article = story(claim, title="Before")
        client = signed_in(RoleEditorFactory())
        response = save_and_publish(client, article, title="After")
        assert response.status_code == 302
        shown = messages_of(client.get(response.url))
        assert any("was not moved" in m and "“Nobody looked at this.”" in m for m in shown)
        assert "Your edits were saved." in shown
        article.refresh_from_db()
        assert article.title == "After" and article.status == Article.Status.DRAFT
        assert not article.events.exists()


class TestFactBoxInTheAdmin:
    def test_asks_then_publishes_and_records_the_decision(self):
        claim = ClaimFactory(text="A claim in a box.")
        factbox = box(claim, title="Key facts")
        editor = RoleEditorFactory()
        client = signed_in(editor)
        question = save_and_publish(client, factbox)
        assert question.status_code == 200
        assert "A claim in a box." in question.content.decode()
        factbox.refresh_from_db()
        assert not factbox.versions.exists()

        response = answer(client, question)
        assert response.url == change_url(factbox)
        factbox.refresh_from_db()
        assert factbox.is_live
        event = factbox.events.get()
        assert (event.by, event.note) == (
            editor,
            f"Published with 1 unverified claim, confirmed: “{claim}” (#{claim.pk}).",
        )

    def test_refuse_setting_shows_an_error(self, refusing):
        factbox = box(ClaimFactory(text="A claim in a box."))
        client = signed_in(RoleEditorFactory())
        response = save_and_publish(client, factbox)
        assert any("was not published" in m and "A claim in a box." in m for m in messages_of(client.get(response.url)))
        factbox.refresh_from_db()
        assert not factbox.is_live


class TestPublishAction:
    def run_action(self, client, *articles, **extra):
        return client.post(
            reverse("admin:newsroom_article_changelist"),
            {"action": "publish_now", "_selected_action": [a.pk for a in articles], "index": 0} | extra,
        )

    def test_asks_once_for_the_selection_before_publishing_any(self):
        claim = ClaimFactory(text="Unchecked in the first.")
        first, clean = story(claim, title="First"), story(VerifiedClaimFactory(), title="Clean")
        client = signed_in(RoleEditorFactory())
        question = self.run_action(client, first, clean)
        assert question.status_code == 200
        page = question.content.decode()
        assert "Of the 2 articles selected, one shows readers claims nobody has verified yet" in page
        assert "Unchecked in the first." in page and f'href="{change_url(first)}">First</a>' in page
        nothing_published(first)
        clean.refresh_from_db()
        assert clean.status == Article.Status.DRAFT

        answer(client, question)
        first.refresh_from_db()
        clean.refresh_from_db()
        assert first.is_live and clean.is_live
        assert f"(#{claim.pk})" in first.events.get().note
        assert clean.events.get().note == ""

    def test_publishes_at_once_when_nothing_needs_asking(self):
        article = story(VerifiedClaimFactory())
        response = self.run_action(signed_in(RoleEditorFactory()), article)
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.is_live

    def test_a_claim_cited_after_the_answer_was_given_is_refused_not_published(self):
        article = story(ClaimFactory())
        client = signed_in(RoleEditorFactory())
        question = self.run_action(client, article)
        ArticleClaimFactory(article=article, claim=ClaimFactory(text="Cited meanwhile."))
        response = answer(client, question)
        assert any("was not moved" in m and "Cited meanwhile." in m for m in messages_of(client.get(response.url)))
        nothing_published(article)

    def test_refuse_setting_publishes_the_others_and_names_the_refused(self, refusing):
        held = story(ClaimFactory(text="Holds it back."), title="Held")
        clean = story(VerifiedClaimFactory(), title="Clean")
        client = signed_in(RoleEditorFactory())
        response = self.run_action(client, held, clean)
        assert response.status_code == 302
        shown = messages_of(client.get(response.url))
        assert any("“Held” was not moved" in m and "Holds it back." in m for m in shown)
        nothing_published(held)
        clean.refresh_from_db()
        assert clean.is_live
