"""Revisions editors can read, compare and restore, without losing workflow state or verdicts."""

import datetime

import pytest
import reversion
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from newsroom import services
from newsroom.models import Article
from relations.models import Claim, ClaimRelationship
from relations.revisions import revision_restore
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactCheckerFactory,
    RelationshipFactory,
    ReporterFactory,
    SourceFactory,
    StaffFactory,
    VerifiedClaimFactory,
)
from tests.helpers import admin_form_data

pytestmark = pytest.mark.django_db


# --- Helpers: editing the way editors do, through the admin change form ------


def _url(obj, view: str, *args) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


def _save_in_admin(client, obj, **changes):
    """Open the change form, apply ``changes`` (form field names), save; return the response."""
    data = admin_form_data(client.get(_url(obj, "change")))
    data.update(changes)
    response = client.post(_url(obj, "change"), data)
    assert response.status_code == 302, response.context and [
        form.errors for form in [response.context["adminform"].form]
    ]
    return response


def _versions(obj):
    return Version.objects.get_for_object(obj).select_related("revision__user")


def _oldest(obj) -> Version:
    return _versions(obj).last()


def _published_article(**kwargs) -> Article:
    went_live = timezone.now() - datetime.timedelta(days=2)
    return ArticleFactory(
        status=Article.Status.PUBLISHED,
        publish_at=went_live,
        first_published_at=went_live,
        last_published_at=went_live,
        last_modified_at=went_live,
        **kwargs,
    )


def _scheduled_article(**kwargs) -> Article:
    """Published, going live tomorrow: readers have nothing of it yet, so its edits and restores are direct."""
    return ArticleFactory(
        status=Article.Status.PUBLISHED, publish_at=timezone.now() + datetime.timedelta(days=1), **kwargs
    )


def _publish_changes(article: Article) -> None:
    """Publish the draft the admin saved, as an editor confirming its unverified claims does."""
    cited = [row.claim_id for row in article.draft_citations.all()]
    services.article_publish_changes(
        article=article, by=User.objects.get(username="editor"), confirmed_unverified=cited
    )


def _edit_twice(editor_client, article: Article) -> tuple[Article, Claim, Claim]:
    """Save ``article`` twice in the admin: then a new title and body, and a citation swapped.
    A live article's edits reach it, and its history, when an editor publishes them."""
    live = article.is_live
    rows = "draft_citations" if live else "claim_citations"
    first_claim = ArticleClaimFactory(article=article, position=1).claim
    _save_in_admin(editor_client, article, byline="Desk")
    if live:
        _publish_changes(article)
    second_claim = ClaimFactory(text="A claim cited later.")
    _save_in_admin(
        editor_client,
        article,
        title="Axis of upheaval",
        body="<p>New body.</p>",
        **{f"{rows}-0-DELETE": "on", f"{rows}-1-claim": second_claim.pk, f"{rows}-1-position": 2},
    )
    if live:
        _publish_changes(article)
    article.refresh_from_db()
    return article, first_claim, second_claim


@pytest.fixture
def edited_article(editor_client):
    """A published article, not live yet, whose title, body and citations an editor changed."""
    return _edit_twice(editor_client, _scheduled_article(title="Axis of convenience", body="<p>Old body.</p>"))


@pytest.fixture
def live_article(editor_client):
    """A live article whose title, body and citations an editor changed, and published the changes."""
    return _edit_twice(editor_client, _published_article(title="Axis of convenience", body="<p>Old body.</p>"))


# --- Keeping revisions -------------------------------------------------------


def test_each_admin_save_keeps_a_revision_with_its_author(editor_client, editor):
    claim = ClaimFactory()
    _save_in_admin(editor_client, claim, text="Iran supplied drones to Russia.")
    _save_in_admin(editor_client, claim, text="Iran supplied drones and missiles to Russia.")
    revisions = [version.revision for version in _versions(claim)]
    assert len(revisions) == 2
    assert all(revision.user == editor for revision in revisions)
    assert all(revision.date_created <= timezone.now() for revision in revisions)


def test_history_page_lists_revisions_with_author(editor_client, editor):
    claim = ClaimFactory()
    _save_in_admin(editor_client, claim, text="First wording.")
    _save_in_admin(editor_client, claim, text="Second wording.")
    response = editor_client.get(_url(claim, "history"))
    assert response.status_code == 200
    assert len(response.context["action_list"]) == 2
    assert response.content.decode().count(editor.get_username()) >= 2


# --- Comparing two revisions -------------------------------------------------


def test_comparing_article_revisions_shows_changed_title_and_body(editor_client, edited_article):
    article, _, _ = edited_article
    older, newer = _versions(article).last(), _versions(article).first()
    response = editor_client.get(_url(article, "compare"), {"version_id1": older.pk, "version_id2": newer.pk})
    assert response.status_code == 200
    changed = {entry["field"].name for entry in response.context["compare_data"]}
    assert {"title", "body"} <= changed
    assert "upheaval" in response.content.decode()


def test_comparing_article_revisions_leaves_out_unchanged_fields(editor_client, edited_article):
    article, _, _ = edited_article
    older, newer = _versions(article).last(), _versions(article).first()
    response = editor_client.get(_url(article, "compare"), {"version_id1": older.pk, "version_id2": newer.pk})
    changed = {entry["field"].name for entry in response.context["compare_data"]}
    assert "byline" not in changed
    assert "standfirst" not in changed


def test_comparing_claim_revisions_shows_changed_relationship_stance(editor_client):
    link = ClaimRelationshipFactory(stance=ClaimRelationship.Stance.SUPPORTS)
    claim = link.claim
    _save_in_admin(editor_client, claim)
    _save_in_admin(editor_client, claim, **{"relationship_links-0-stance": ClaimRelationship.Stance.CONTRADICTS})
    older, newer = _versions(claim).last(), _versions(claim).first()
    response = editor_client.get(_url(claim, "compare"), {"version_id1": older.pk, "version_id2": newer.pk})
    changed = {entry["field"].name for entry in response.context["compare_data"]}
    assert "relationship_links" in changed
    assert "Contradicts:" in response.content.decode()


def test_comparing_claim_revisions_does_not_report_an_unchanged_attribution(editor_client):
    claim = ClaimFactory(attributed_to=ActorFactory())
    _save_in_admin(editor_client, claim, text="First wording.")
    _save_in_admin(editor_client, claim, text="Second wording.")
    older, newer = _versions(claim).last(), _versions(claim).first()
    response = editor_client.get(_url(claim, "compare"), {"version_id1": older.pk, "version_id2": newer.pk})
    changed = {entry["field"].name for entry in response.context["compare_data"]}
    assert changed == {"text"}


def test_comparing_does_not_report_unchanged_tags_when_one_revision_holds_the_tagged_actors(editor_client):
    # A revision that saved the actors too (as the demo loader's does) once made every tag look removed and re-added.
    article = ArticleFactory()
    actor = ActorFactory()
    with reversion.create_revision():
        article.actors.add(actor)
        article.save()
    with reversion.create_revision():
        actor.save()
        article.title = "Retitled"
        article.save()
    older, newer = _versions(article).last(), _versions(article).first()
    response = editor_client.get(_url(article, "compare"), {"version_id1": older.pk, "version_id2": newer.pk})
    changed = {entry["field"].name for entry in response.context["compare_data"]}
    assert changed == {"title"}


# --- Restoring ---------------------------------------------------------------


def test_restoring_brings_back_title_body_and_citations(editor_client, edited_article):
    article, first_claim, _ = edited_article
    editor_client.post(_url(article, "revision", _oldest(article).pk))
    article.refresh_from_db()
    assert article.title == "Axis of convenience"
    assert article.body == "<p>Old body.</p>"
    assert list(article.claims.all()) == [first_claim]


def test_restoring_keeps_a_published_article_published(editor_client, edited_article):
    article, _, _ = edited_article
    publish_at, first_published_at = article.publish_at, article.first_published_at
    editor_client.post(_url(article, "revision", _oldest(article).pk))
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.publish_at == publish_at
    assert article.first_published_at == first_published_at


def test_restoring_counts_as_an_edit(editor_client, edited_article):
    article, _, _ = edited_article
    before = article.edit_count
    editor_client.post(_url(article, "revision", _oldest(article).pk))
    article.refresh_from_db()
    assert article.edit_count == before + 1


def test_restoring_redirects_to_the_change_page_with_a_message(editor_client, edited_article):
    article, _, _ = edited_article
    response = editor_client.post(_url(article, "revision", _oldest(article).pk), follow=True)
    assert response.redirect_chain[-1][0] == _url(article, "change")
    assert any("Restored the revision of" in str(message) for message in response.context["messages"])


def test_restoring_a_claim_keeps_its_verification(editor_client):
    claim = VerifiedClaimFactory(text="Only Russia and North Korea have a defence treaty.")
    verified_at = claim.verified_at
    _save_in_admin(editor_client, claim)
    _save_in_admin(editor_client, claim, text="Russia and North Korea have a defence treaty.")
    editor_client.post(_url(claim, "revision", _oldest(claim).pk))
    claim.refresh_from_db()
    assert claim.text == "Only Russia and North Korea have a defence treaty."
    assert claim.verification == Claim.Verification.VERIFIED
    assert claim.verified_at == verified_at


def test_restoring_a_claim_brings_back_its_relationship_stance(editor_client):
    link = ClaimRelationshipFactory(stance=ClaimRelationship.Stance.SUPPORTS)
    _save_in_admin(editor_client, link.claim)
    _save_in_admin(editor_client, link.claim, **{"relationship_links-0-stance": ClaimRelationship.Stance.CONTEXT})
    editor_client.post(_url(link.claim, "revision", _oldest(link.claim).pk))
    link.refresh_from_db()
    assert link.stance == ClaimRelationship.Stance.SUPPORTS


def test_restoring_an_actor_removes_aliases_added_since(editor):
    actor = ActorFactory(name="Russia")
    with reversion.create_revision():
        ActorAliasFactory(actor=actor, name="Moscow")
        actor.save()
    with reversion.create_revision():
        ActorAliasFactory(actor=actor, name="the Kremlin")
        actor.save()
    revision_restore(version=_oldest(actor), by=editor)
    assert list(actor.aliases.values_list("name", flat=True)) == ["Moscow"]


def test_restore_is_recorded_as_a_new_revision_by_the_restorer(client, edited_article):
    article, _, _ = edited_article
    restorer = EditorFactory(username="restorer")
    client.force_login(restorer)
    client.post(_url(article, "revision", _oldest(article).pk))
    latest = _versions(article).first().revision
    assert latest.user == restorer
    assert latest.comment.startswith("Restored the revision of")


def test_a_form_opened_before_the_restore_is_refused_after_it(editor_client, edited_article):
    article, _, _ = edited_article
    stale = admin_form_data(editor_client.get(_url(article, "change")))
    editor_client.post(_url(article, "revision", _oldest(article).pk))
    stale["title"] = "Written over the restore"
    response = editor_client.post(_url(article, "change"), stale)
    assert response.status_code == 200
    assert "after you opened it" in str(response.context["adminform"].form.non_field_errors())
    article.refresh_from_db()
    assert article.title == "Axis of convenience"


def test_user_without_change_permission_gets_403_and_nothing_changes(client, edited_article):
    article, _, _ = edited_article
    client.force_login(FactCheckerFactory())
    response = client.post(_url(article, "revision", _oldest(article).pk))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Axis of upheaval"


def test_service_refuses_user_without_change_permission(edited_article):
    article, _, _ = edited_article
    with pytest.raises(PermissionDenied):
        revision_restore(version=_oldest(article), by=FactCheckerFactory())
    article.refresh_from_db()
    assert article.title == "Axis of upheaval"


def test_user_without_change_permission_does_not_get_the_confirmation_page(client, edited_article):
    article, _, _ = edited_article
    client.force_login(FactCheckerFactory())
    assert client.get(_url(article, "revision", _oldest(article).pk)).status_code == 403


def test_reporter_can_restore_an_article_revision(client, editor_client):
    article = ArticleFactory(title="Reporter's first title")
    _save_in_admin(editor_client, article)
    _save_in_admin(editor_client, article, title="Reporter's second title")
    client.force_login(ReporterFactory())
    client.post(_url(article, "revision", _oldest(article).pk))
    article.refresh_from_db()
    assert article.title == "Reporter's first title"


def test_reporter_cannot_restore_a_revision_that_removes_citations(client, editor_client):
    # Reporters may not delete citations in the change form, so not through a restore either.
    draft = ArticleFactory(title="Axis of convenience", body="<p>Old body.</p>")
    article, _, second_claim = _edit_twice(editor_client, draft)
    client.force_login(ReporterFactory())
    response = client.post(_url(article, "revision", _oldest(article).pk), follow=True)
    assert any("which you may not do" in str(message) for message in response.context["messages"])
    article.refresh_from_db()
    assert article.title == "Axis of upheaval"
    assert list(article.claims.all()) == [second_claim]


def test_revision_whose_slug_is_now_taken_gives_an_error_and_changes_nothing(editor_client, editor):
    article = _scheduled_article(title="Old title", slug="the-axis")
    _save_in_admin(editor_client, article, byline="Desk")
    _save_in_admin(editor_client, article, title="New title", slug="the-axis-revisited")
    ArticleFactory(slug="the-axis")
    article.refresh_from_db()
    count_before = article.edit_count
    response = editor_client.post(_url(article, "revision", _oldest(article).pk), follow=True)
    assert any("cannot be restored" in str(message) for message in response.context["messages"])
    article.refresh_from_db()
    assert (article.title, article.slug, article.edit_count) == ("New title", "the-axis-revisited", count_before)


def test_revision_citing_a_deleted_claim_gives_an_error_and_changes_nothing(editor_client, edited_article):
    article, first_claim, _ = edited_article
    first_claim.delete()
    response = editor_client.post(_url(article, "revision", _oldest(article).pk), follow=True)
    assert any("has since been deleted" in str(message) for message in response.context["messages"])
    article.refresh_from_db()
    assert article.title == "Axis of upheaval"


# --- Restoring a live article: into its draft -------------------------------


def _readers_see(client, article: Article) -> tuple[str, str]:
    """The title and body of ``article`` on its story page and in the API, checked to agree."""
    page = client.get(f"/stories/{article.slug}/").content.decode()
    answer = client.get(f"/api/v1/articles/{article.slug}/").json()
    assert answer["title"] in page
    return answer["title"], answer["body"]


def test_restoring_a_live_article_puts_the_revision_in_its_draft(client, editor, live_article):
    article, first_claim, second_claim = live_article
    seen_before, revisions_before, edits_before = (
        _readers_see(client, article),
        _versions(article).count(),
        article.edit_count,
    )
    client.force_login(editor)
    response = client.post(_url(article, "revision", _oldest(article).pk), follow=True)
    assert response.redirect_chain[-1][0] == _url(article, "change")
    messages = [str(message) for message in response.context["messages"]]
    assert "The revision is in the draft: readers see the live version until you publish the changes." in messages
    assert 'id="draft-banner"' in response.content.decode()

    article.refresh_from_db()
    assert (article.title, article.body, article.status) == ("Axis of upheaval", "<p>New body.</p>", "published")
    assert list(article.claims.all()) == [second_claim]
    assert article.edit_count == edits_before + 1
    # The live row did not change, so its history did not either.
    assert _versions(article).count() == revisions_before
    draft = services.article_draft(article)
    assert (draft.title, draft.body, draft.byline) == ("Axis of convenience", "<p>Old body.</p>", article.byline)
    assert [row.claim for row in article.draft_citations.all()] == [first_claim]
    client.logout()
    assert _readers_see(client, article) == seen_before
    assert seen_before[0] == "Axis of upheaval"


def test_publishing_the_restored_draft_makes_the_revision_live(client, editor_client, live_article):
    article, first_claim, _ = live_article
    editor_client.post(_url(article, "revision", _oldest(article).pk))
    _publish_changes(article)
    article.refresh_from_db()
    assert (article.title, article.body) == ("Axis of convenience", "<p>Old body.</p>")
    assert list(article.claims.all()) == [first_claim]
    assert services.article_draft(article) is None
    client.logout()
    assert _readers_see(client, article) == ("Axis of convenience", "<p>Old body.</p>")


def test_restoring_a_live_article_replaces_its_draft(editor_client, live_article):
    article, _, _ = live_article
    _save_in_admin(editor_client, article, title="A title in the draft")
    editor_client.post(_url(article, "revision", _oldest(article).pk))
    assert services.article_draft(article).title == "Axis of convenience"


def test_restoring_what_is_live_leaves_no_draft(editor_client, live_article):
    article, _, _ = live_article
    _save_in_admin(editor_client, article, title="A title in the draft")
    newest = _versions(article).first()
    response = editor_client.post(_url(article, "revision", newest.pk), follow=True)
    assert services.article_draft(article) is None
    assert any("matches the live version" in str(message) for message in response.context["messages"])


def test_a_form_opened_before_restoring_into_the_draft_is_refused_after_it(editor_client, live_article):
    article, _, _ = live_article
    stale = admin_form_data(editor_client.get(_url(article, "change")))
    editor_client.post(_url(article, "revision", _oldest(article).pk))
    stale["title"] = "Written over the restore"
    response = editor_client.post(_url(article, "change"), stale)
    assert response.status_code == 200
    assert "after you opened it" in str(response.context["adminform"].form.non_field_errors())
    assert services.article_draft(article).title == "Axis of convenience"


def test_reporter_cannot_restore_a_live_article(client, live_article):
    article, _, second_claim = live_article
    edits_before = article.edit_count
    client.force_login(ReporterFactory())
    assert client.get(_url(article, "revision", _oldest(article).pk)).status_code == 403
    assert client.post(_url(article, "revision", _oldest(article).pk)).status_code == 403
    article.refresh_from_db()
    assert (article.title, article.edit_count) == ("Axis of upheaval", edits_before)
    assert list(article.claims.all()) == [second_claim]
    assert services.article_draft(article) is None


def test_refused_restore_into_the_draft_gives_an_error_and_changes_nothing(editor_client, live_article):
    article, first_claim, _ = live_article
    edits_before = article.edit_count
    first_claim.delete()
    response = editor_client.post(_url(article, "revision", _oldest(article).pk), follow=True)
    assert response.redirect_chain[-1][0] == _url(article, "revision", _oldest(article).pk)
    assert any(
        str(message) == "This revision cannot be restored: One of the cited claims no longer exists."
        for message in response.context["messages"]
    )
    article.refresh_from_db()
    assert (article.title, article.edit_count) == ("Axis of upheaval", edits_before)
    assert services.article_draft(article) is None
    assert not LogEntry.objects.filter(object_id=str(article.pk), change_message__contains="into the draft").exists()


def test_restoring_into_the_draft_is_logged_for_the_article(editor_client, live_article):
    article, _, _ = live_article
    editor_client.post(_url(article, "revision", _oldest(article).pk))
    entry = LogEntry.objects.filter(object_id=str(article.pk)).first()
    assert entry.get_change_message().startswith("Restored the revision of")
    assert entry.get_change_message().endswith("into the draft")


def test_confirmation_page_of_a_live_article_says_the_revision_goes_into_the_draft(editor_client, live_article):
    article, _, _ = live_article
    page = editor_client.get(_url(article, "revision", _oldest(article).pk)).content.decode()
    assert "This story is live: the revision goes into its draft" in page
    assert "It replaces the draft" not in page
    _save_in_admin(editor_client, article, title="A title in the draft")
    page = editor_client.get(_url(article, "revision", _oldest(article).pk)).content.decode()
    assert "It replaces the draft of changes saved" in page


def test_confirmation_page_of_an_article_not_yet_live_says_nothing_of_a_draft(editor_client, edited_article):
    article, _, _ = edited_article
    page = editor_client.get(_url(article, "revision", _oldest(article).pk)).content.decode()
    assert "restore-note" not in page


# --- The confirmation page ---------------------------------------------------


def test_confirmation_page_shows_what_restoring_changes(editor_client, edited_article):
    article, first_claim, second_claim = edited_article
    response = editor_client.get(_url(article, "revision", _oldest(article).pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert {entry["field"].name for entry in response.context["field_diffs"]} >= {"title", "body"}
    assert str(first_claim) in page
    assert str(second_claim) in page
    assert "Restore this revision" in page
    assert "csrfmiddlewaretoken" in page


def test_confirmation_page_changes_nothing(editor_client, edited_article):
    article, _, _ = edited_article
    revisions_before = _versions(article).count()
    editor_client.get(_url(article, "revision", _oldest(article).pk))
    article.refresh_from_db()
    assert article.title == "Axis of upheaval"
    assert _versions(article).count() == revisions_before


def _versioned(obj, **changes):
    for _ in range(2):
        with reversion.create_revision():
            for name, value in changes.items():
                setattr(obj, name, value)
            obj.save()
    return obj


VERSIONED_OBJECTS = {
    "article": lambda: _versioned(ArticleFactory(), title="Retitled"),
    "claim": lambda: _versioned(ClaimRelationshipFactory().claim, text="Reworded."),
    "relationship": lambda: _versioned(ClaimRelationshipFactory().relationship, summary="Resummarised."),
    "actor": lambda: _versioned(ActorAliasFactory().actor, description="Redescribed."),
    "source": lambda: _versioned(SourceFactory(), title="Retitled report"),
}


@pytest.mark.parametrize("make", VERSIONED_OBJECTS.values(), ids=VERSIONED_OBJECTS.keys())
def test_confirmation_page_renders_for_each_versioned_model(editor_client, make):
    obj = make()
    response = editor_client.get(_url(obj, "revision", _oldest(obj).pk))
    assert response.status_code == 200
    assert "Restore this revision" in response.content.decode()


# --- Recovering deleted records ----------------------------------------------


def test_recovering_deleted_records_is_closed(editor_client):
    relationship = RelationshipFactory()
    with reversion.create_revision():
        relationship.save()
    version = _oldest(relationship)
    relationship.delete()
    opts = relationship._meta
    assert editor_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_recoverlist")).status_code == 403
    recover = reverse(f"admin:{opts.app_label}_{opts.model_name}_recover", args=[version.pk])
    assert editor_client.post(recover).status_code == 403


def test_change_list_offers_no_recover_link(editor_client):
    response = editor_client.get(reverse("admin:newsroom_article_changelist"))
    assert "recover" not in response.content.decode().lower()


# --- The compare page refuses what it cannot compare ---------------------------


def _compare_url(obj, object_id) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_compare", args=[object_id])


def _both(obj) -> dict[str, int]:
    versions = list(_versions(obj))
    return {"version_id1": versions[-1].pk, "version_id2": versions[0].pk}


@pytest.mark.parametrize("make", VERSIONED_OBJECTS.values(), ids=VERSIONED_OBJECTS.keys())
@pytest.mark.parametrize("object_id", ["abc", "999999", "-1"])
def test_comparing_revisions_of_a_malformed_or_unknown_object_answers_404(editor_client, make, object_id):
    obj = make()
    assert editor_client.get(_compare_url(obj, object_id), _both(obj)).status_code == 404


@pytest.mark.parametrize("make", VERSIONED_OBJECTS.values(), ids=VERSIONED_OBJECTS.keys())
def test_comparing_two_revisions_renders_for_each_versioned_model(editor_client, make):
    obj = make()
    assert editor_client.get(_compare_url(obj, obj.pk), _both(obj)).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"version_id1": "1"},
        {"version_id1": "abc", "version_id2": "2"},
        {"version_id1": "0", "version_id2": "1"},
        {"version_id1": "1.5", "version_id2": "2"},
        {"version_id1": "1", "version_id2": str(2**70)},
    ],
)
def test_comparing_without_two_revision_ids_answers_400(editor_client, query):
    article = _versioned(ArticleFactory(), title="Retitled")
    assert editor_client.get(_compare_url(article, article.pk), query).status_code == 400


def test_comparing_revisions_of_another_object_answers_404(editor_client):
    article = _versioned(ArticleFactory(), title="Retitled")
    other = _versioned(ArticleFactory(), title="Also retitled")
    mixed = {"version_id1": _oldest(article).pk, "version_id2": _oldest(other).pk}
    assert editor_client.get(_compare_url(article, article.pk), mixed).status_code == 404
    assert editor_client.get(_compare_url(article, article.pk), _both(other)).status_code == 404


def test_comparing_with_an_unknown_revision_answers_404(editor_client):
    article = _versioned(ArticleFactory(), title="Retitled")
    query = {"version_id1": _oldest(article).pk, "version_id2": 999999}
    assert editor_client.get(_compare_url(article, article.pk), query).status_code == 404


def test_comparing_needs_permission_to_view_the_object(client):
    article = _versioned(ArticleFactory(title="Embargoed draft"), title="Embargoed draft, retitled")
    client.force_login(StaffFactory(roles=[]))
    response = client.get(_compare_url(article, article.pk), _both(article))
    assert response.status_code == 403
    assert "Embargoed" not in response.content.decode()


def test_a_fact_checker_may_compare_what_they_may_read(client):
    article = _versioned(ArticleFactory(), title="Retitled")
    client.force_login(FactCheckerFactory())
    assert client.get(_compare_url(article, article.pk), _both(article)).status_code == 200
