"""The article admin shows the actors an article's text mentions and tags them in one step."""

import pytest
from django.urls import reverse

from newsroom.models import Article
from newsroom.services import article_tag_mentioned_actors
from tests.factories import ActorAliasFactory, ActorFactory, ArticleFactory, EditorFactory
from tests.helpers import admin_form_data

BODY = (
    "<p>Only Russia and the DPRK have a mutual defence treaty.</p>"
    "<p>Tehran&rsquo;s drones reached Moscow&#39;s forces; <b>Iranian</b> oil went east.</p>"
)


@pytest.fixture
def actors(db):
    russia = ActorFactory(name="Russia", slug="russia")
    ActorAliasFactory(actor=russia, name="Moscow")
    north_korea = ActorFactory(name="North Korea", slug="north-korea")
    ActorAliasFactory(actor=north_korea, name="DPRK")
    iran = ActorFactory(name="Iran", slug="iran")
    ActorAliasFactory(actor=iran, name="Tehran")
    china = ActorFactory(name="China", slug="china")
    return {"russia": russia, "north_korea": north_korea, "iran": iran, "china": china}


def _change_url(article: Article) -> str:
    return reverse("admin:newsroom_article_change", args=[article.pk])


def test_service_tags_every_mentioned_actor_from_the_text_without_markup(actors):
    article = ArticleFactory(title="Allies at arm's length", body=BODY)
    added = article_tag_mentioned_actors(article=article, by=EditorFactory())
    assert added == [actors["russia"], actors["north_korea"], actors["iran"]]
    assert set(article.actors.all()) == {actors["russia"], actors["north_korea"], actors["iran"]}


def test_service_is_idempotent(actors):
    article = ArticleFactory(body=BODY)
    article_tag_mentioned_actors(article=article, by=EditorFactory())
    assert article_tag_mentioned_actors(article=article, by=EditorFactory()) == []
    assert article.actors.count() == 3


def test_change_page_lists_mentioned_actors_and_offers_to_tag_the_untagged(editor_client, actors):
    article = ArticleFactory(body=BODY)
    article.actors.add(actors["russia"])
    page = editor_client.get(_change_url(article)).content.decode()
    assert '<span class="mention-tagged">Russia</span>' in page
    assert '<strong class="mention-untagged">North Korea</strong> (untagged)' in page
    assert "Save and tag 2 untagged actors" in page
    assert ">China</span>" not in page


def test_one_click_saves_the_form_and_tags_the_mentions(editor_client, actors):
    article = ArticleFactory(body=BODY)
    data = admin_form_data(editor_client.get(_change_url(article)))
    data["standfirst"] = "Edited in the same step."
    response = editor_client.post(_change_url(article), data | {"_tag_mentions": "1"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response.url == _change_url(article)
    article.refresh_from_db()
    assert article.standfirst == "Edited in the same step."
    assert set(article.actors.all()) == {actors["russia"], actors["north_korea"], actors["iran"]}
    page = editor_client.get(response.url).content.decode()
    assert "tagged Russia, North Korea, Iran" in page
    assert "all tagged" in page


def test_changelist_action_tags_several_articles(editor_client, actors):
    first, second = ArticleFactory(body=BODY), ArticleFactory(body="<p>China watched.</p>")
    response = editor_client.post(
        reverse("admin:newsroom_article_changelist"),
        {"action": "tag_mentioned_actors", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert first.actors.count() == 3
    assert list(second.actors.all()) == [actors["china"]]
