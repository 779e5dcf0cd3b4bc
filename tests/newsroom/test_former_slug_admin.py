"""Changing an address in the admin: editors may move what readers have, and it is recorded; a
reporter may not; each change form lists the former addresses, with who replaced each and when."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom.factboxes.services import factbox_withdraw
from newsroom.models import Article, ArticleEvent, FactBox
from newsroom.services import article_withdraw
from relations.models import Actor, FormerSlug
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    ReporterFactory,
    RoleEditorFactory,
)
from tests.helpers import admin_form_data, change_url, publish_article, publish_factbox, signed_in

pytestmark = pytest.mark.django_db


def _post(client, obj, **changes):
    """Open the change page, change some fields, submit it: what an editor does."""
    data = admin_form_data(client.get(change_url(obj))) | changes
    return client.post(change_url(obj), data)


def _live_story(slug: str = "old-story", **fields) -> Article:
    return publish_article(article=ArticleFactory(slug=slug, **fields), by=EditorFactory())


def _public_actor(slug: str = "old-actor") -> Actor:
    actor = ActorFactory(slug=slug)
    story = ArticleFactory()
    story.actors.add(actor)
    publish_article(article=story, by=EditorFactory())
    return Actor.objects.get(pk=actor.pk)


def _published_box(slug: str = "old-box") -> FactBox:
    box = FactBoxFactory(slug=slug)
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(), position=1)
    return publish_factbox(factbox=box, by=EditorFactory()).factbox


LIVE = {"story": _live_story, "actor": _public_actor, "box": _published_box}
# Where each kind's former address shows readers the object, as the change form lists it.
ADDRESSES = {"story": "/stories/{}/", "actor": "/actors/{}/", "box": "/embed/factboxes/{}/"}


@pytest.fixture(params=sorted(LIVE))
def kind(request):
    return request.param


def _reloaded(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- Editors ---------------------------------------------------------------------------------------


def test_an_editor_moves_what_readers_have_and_the_form_lists_the_old_address(client, kind):
    editor = RoleEditorFactory(username="ed")
    client.force_login(editor)
    obj = LIVE[kind]()
    response = _post(client, obj, slug="moved")
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert _reloaded(obj).slug == "moved"
    [row] = FormerSlug.objects.all()
    assert (row.target, row.slug, row.replaced_by) == (_reloaded(obj), obj.slug, editor)
    page = client.get(change_url(obj)).content.decode()
    listed = page.split('class="former-addresses"')[1].split("</ul>")[0]
    assert ADDRESSES[kind].format(obj.slug) in listed and "changed by ed" in listed
    assert client.get(ADDRESSES[kind].format(obj.slug)).status_code == 301


def test_the_slug_says_that_old_addresses_lead_on(editor_client, kind):
    page = editor_client.get(change_url(LIVE[kind]())).content.decode()
    assert "Changing it keeps the old addresses working" in page
    assert "None: it has always had this address." in page


def test_moving_a_story_readers_have_is_in_its_audit_trail():
    editor = RoleEditorFactory(username="ed")
    story = _live_story()
    _post(signed_in(editor), story, slug="moved")
    event = story.events.get(kind=ArticleEvent.Kind.RENAMED)
    assert event.by == editor and "old-story" in event.note and "moved" in event.note
    assert event.from_status == event.to_status == Article.Status.PUBLISHED


def test_moving_a_withdrawn_story_is_in_its_audit_trail_too():
    editor = RoleEditorFactory()
    story = _live_story()
    article_withdraw(article=story, by=editor)
    _post(signed_in(editor), _reloaded(story), slug="moved")
    assert story.events.filter(kind=ArticleEvent.Kind.RENAMED).count() == 1


def test_a_scheduled_story_is_an_editors_to_move():
    editor = RoleEditorFactory()
    story = publish_article(
        article=ArticleFactory(slug="old-story"), by=editor, publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert signed_in(ReporterFactory()).post(change_url(story), {"slug": "moved"}).status_code == 403
    assert _post(signed_in(editor), _reloaded(story), slug="moved").status_code == 302
    assert _reloaded(story).slug == "moved"


# --- Reporters -------------------------------------------------------------------------------------


def test_a_reporter_may_not_move_a_published_box_and_is_told_why():
    box = _published_box()
    response = _post(signed_in(ReporterFactory()), box, slug="moved", title="A reworded draft title")
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["slug"]
    assert error == "Readers can find this fact box at its address: only an editor may change it."
    assert (_reloaded(box).slug, _reloaded(box).title) == ("old-box", box.title)
    assert FormerSlug.objects.count() == 0


def test_a_reporter_may_not_move_a_withdrawn_box_either():
    box = _published_box()
    factbox_withdraw(factbox=box, by=EditorFactory())
    response = _post(signed_in(ReporterFactory()), _reloaded(box), slug="moved")
    assert response.status_code == 200 and "slug" in response.context["adminform"].form.errors


@pytest.mark.parametrize("make", [_live_story, _public_actor], ids=["live story", "public actor"])
def test_a_reporter_cannot_post_a_new_slug_for_a_live_story_or_a_public_actor(make, editor_client):
    obj = make()
    data = admin_form_data(editor_client.get(change_url(obj))) | {"slug": "moved"}
    assert signed_in(ReporterFactory()).post(change_url(obj), data).status_code == 403
    assert _reloaded(obj).slug == obj.slug and FormerSlug.objects.count() == 0


@pytest.mark.parametrize(
    "make", [ArticleFactory, ActorFactory, FactBoxFactory], ids=["draft story", "hidden actor", "draft box"]
)
def test_a_reporter_moves_a_draft_and_it_is_recorded_without_an_audit_entry(make):
    reporter = ReporterFactory()
    obj = make(slug="draft")
    assert _post(signed_in(reporter), obj, slug="moved").status_code == 302
    [row] = FormerSlug.objects.all()
    assert (row.slug, row.replaced_by) == ("draft", reporter)
    assert not ArticleEvent.objects.filter(kind=ArticleEvent.Kind.RENAMED).exists()


# --- Deleting --------------------------------------------------------------------------------------


def test_an_editor_deletes_a_draft_with_former_slugs_and_they_go_with_it():
    editor = RoleEditorFactory()
    story = ArticleFactory(slug="draft")
    _post(signed_in(editor), story, slug="moved")
    url = reverse("admin:newsroom_article_delete", args=[story.pk])
    response = signed_in(editor).post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=story.pk).exists()
    assert FormerSlug.objects.count() == 0
