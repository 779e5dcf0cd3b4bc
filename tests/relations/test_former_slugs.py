"""Slug history: whatever saves an article, an actor or a fact box with a new slug keeps the old one,
the feed names the new one, and restoring a revision is such a save too."""

from __future__ import annotations

import pytest
import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from reversion.models import Version

from core import public_state
from newsroom.models import Article, FactBox
from newsroom.services import article_withdraw
from relations.models import Actor, FormerSlug, PublicChange
from relations.revisions import revision_restore
from relations.services import record_slug_change
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    ReporterFactory,
)
from tests.helpers import publish_article, publish_factbox

pytestmark = pytest.mark.django_db

FACTORIES = {"article": ArticleFactory, "actor": ActorFactory, "factbox": FactBoxFactory}


@pytest.fixture(params=sorted(FACTORIES))
def make(request):
    return FACTORIES[request.param]


def _former(obj) -> list[str]:
    return list(obj.former_slugs.values_list("slug", flat=True))


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def _rename(obj, slug: str):
    obj = _fresh(obj)
    obj.slug = slug
    obj.save()
    return obj


def test_a_new_slug_keeps_the_old_one_with_when(make):
    obj = make(slug="first")
    before = timezone.now()
    _rename(obj, "second")
    [row] = FormerSlug.objects.all()
    assert (row.target, row.slug, row.replaced_by) == (_fresh(obj), "first", None)
    assert row.replaced_at >= before


def test_creating_and_saves_that_keep_the_slug_keep_nothing(make):
    obj = make(slug="first")
    obj = _fresh(obj)
    obj.save()
    obj.slug = "ignored"
    obj.save(update_fields=["updated_at"])
    assert FormerSlug.objects.count() == 0
    assert _fresh(obj).slug == "first"


def test_each_former_slug_is_kept_newest_first(make):
    obj = make(slug="first")
    for slug in ("second", "third"):
        obj = _rename(obj, slug)
    assert _former(obj) == ["second", "first"]


def test_taking_a_slug_back_removes_it_from_the_history(make):
    obj = make(slug="first")
    obj = _rename(obj, "second")
    obj = _rename(obj, "first")
    assert _former(obj) == ["second"]


def test_the_latest_holder_of_an_old_slug_has_it(make):
    one = _rename(make(slug="shared"), "one")
    two = make(slug="shared")
    _rename(two, "two")
    [row] = FormerSlug.objects.filter(slug="shared")
    assert row.object_id == two.pk
    assert _former(one) == []


def test_kinds_keep_their_former_slugs_apart():
    _rename(ArticleFactory(slug="same"), "story")
    _rename(ActorFactory(slug="same"), "actor")
    _rename(FactBoxFactory(slug="same"), "box")
    assert FormerSlug.objects.filter(slug="same").count() == 3


def test_one_slug_is_one_kinds_former_slug_once():
    article = _rename(ArticleFactory(slug="same"), "story")
    content_type = ContentType.objects.get_for_model(Article)
    with pytest.raises(IntegrityError), transaction.atomic():
        FormerSlug.objects.create(content_type=content_type, object_id=article.pk + 1, slug="same")


def test_a_save_after_a_deferred_load_or_a_refresh_still_knows_the_old_slug(make):
    obj = make(slug="first")
    model = type(obj)
    deferred = model.objects.only("pk").get(pk=obj.pk)
    deferred.slug = "second"
    deferred.save()
    refreshed = model.objects.get(pk=obj.pk)
    model.objects.filter(pk=obj.pk).update(slug="written-around")
    refreshed.refresh_from_db()
    refreshed.slug = "third"
    refreshed.save()
    assert _former(obj) == ["written-around", "first"]


def test_deleting_the_object_deletes_its_history(make):
    obj = _rename(make(slug="first"), "second")
    obj.delete()
    assert FormerSlug.objects.count() == 0


def test_a_rename_ends_the_public_state():
    generation = public_state.current()
    _rename(ActorFactory(slug="first"), "second")
    assert public_state.current() != generation


# --- The feed names the current address ------------------------------------------------------------


def test_the_feed_entries_of_a_story_name_its_new_slug():
    editor = EditorFactory()
    story = publish_article(article=ArticleFactory(slug="first"), by=editor)
    other = publish_article(article=ArticleFactory(slug="other"), by=editor)
    article_withdraw(article=story, by=editor)
    _rename(story, "second")
    assert set(PublicChange.objects.filter(object_id=story.pk).values_list("key", flat=True)) == {"second"}
    assert list(PublicChange.objects.filter(object_id=other.pk).values_list("key", flat=True)) == ["other"]


def test_the_feed_entries_of_a_box_name_its_new_slug():
    box = FactBoxFactory(slug="first")
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(), position=1)
    box = publish_factbox(factbox=box, by=EditorFactory()).factbox
    _rename(box, "second")
    content_type = ContentType.objects.get_for_model(FactBox)
    assert list(PublicChange.objects.filter(content_type=content_type).values_list("key", flat=True)) == ["second"]


# --- Who changed it ----------------------------------------------------------------------------------


def test_recording_who_changed_a_slug():
    editor = EditorFactory()
    actor = _rename(ActorFactory(slug="first"), "second")
    row = record_slug_change(target=actor, former_slug="first", by=editor)
    assert row.replaced_by == editor


def test_recording_a_change_of_a_public_slug_by_a_reporter_is_refused():
    actor = ActorFactory(slug="first")
    story = ArticleFactory()
    story.actors.add(actor)
    publish_article(article=story, by=EditorFactory())
    actor = _rename(actor, "second")
    with pytest.raises(PermissionDenied):
        record_slug_change(target=actor, former_slug="first", by=ReporterFactory())


# --- Restoring a revision is a rename too ------------------------------------------------------------


def _revision(obj, by) -> None:
    with reversion.create_revision():
        reversion.add_to_revision(obj)
        reversion.set_user(by)


def test_restoring_a_revision_with_the_old_slug_records_who_did(make):
    editor = EditorFactory()
    obj = make(slug="first")
    _revision(obj, editor)
    obj = _rename(obj, "second")
    oldest = Version.objects.get_for_object(obj).last()
    revision_restore(version=oldest, by=editor)
    assert _fresh(obj).slug == "first"
    [row] = obj.former_slugs.all()
    assert (row.slug, row.replaced_by) == ("second", editor)


def test_a_reporter_may_not_restore_an_old_slug_onto_a_published_box():
    editor = EditorFactory()
    box = FactBoxFactory(slug="first")
    FactBoxItemFactory(factbox=box, claim=ClaimFactory(), position=1)
    _revision(box, editor)
    box = publish_factbox(factbox=_rename(box, "second"), by=editor).factbox
    with pytest.raises(PermissionDenied):
        revision_restore(version=Version.objects.get_for_object(box).last(), by=ReporterFactory())
    assert _fresh(box).slug == "second"
    assert _former(box) == ["first"]


# --- Reading: which object a former slug addresses ----------------------------------------------------


def test_renamed_from_finds_the_object_only_while_no_object_holds_the_slug():
    actor = _rename(ActorFactory(slug="first"), "second")
    assert list(Actor.objects.renamed_from("first")) == [actor]
    assert list(Actor.objects.renamed_from("second")) == []
    assert list(Actor.objects.renamed_from("never")) == []
    ActorFactory(slug="first")
    assert list(Actor.objects.renamed_from("first")) == []


def test_renamed_from_reads_within_the_queryset_it_is_given():
    actor = _rename(ActorFactory(slug="first"), "second")
    assert list(Actor.objects.public().renamed_from("first")) == []
    assert list(Actor.objects.filter(pk=actor.pk).renamed_from("first")) == [actor]
