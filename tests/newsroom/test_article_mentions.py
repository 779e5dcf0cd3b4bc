"""The article admin shows the actors an article's text mentions and tags them in one step."""

import re

import pytest
from django.core.exceptions import ValidationError
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
    # One checkbox per actor mentioned but not tagged, ticked, beside the places the text names it.
    assert re.findall(r'<input type="checkbox" name="tag_actor" value="(\d+)" checked>', page) == [
        str(actors["north_korea"].pk),
        str(actors["iran"].pk),
    ]
    assert '<strong class="mention-untagged">North Korea</strong>' in page
    assert "Only Russia and the <mark>DPRK</mark> have a mutual" in page
    assert "Save and tag the actors ticked" in page
    assert ">China<" not in page


def test_the_text_is_shown_with_every_mention_marked_and_nothing_else(editor_client, actors):
    article = ArticleFactory(
        title="Allies",
        body=BODY + '<p>Russia &amp; <a href="https://example.org">Iran</a> &lt;script&gt;alert(1)&lt;/script&gt;</p>',
    )
    article.actors.add(actors["russia"])
    page = editor_client.get(_change_url(article)).content.decode()
    text = page[page.index('<div class="mention-text-body">') :]
    text = text[: text.index("</div>")]
    assert re.findall(r'<mark id="mention-\d+" class="mention mention-(\w+)" title="([^"]+)">([^<]+)</mark>', text) == [
        ("tagged", "Russia", "Russia"),
        ("untagged", "North Korea", "DPRK"),
        ("untagged", "Iran", "Tehran"),
        ("tagged", "Russia", "Moscow"),
        ("tagged", "Russia", "Russia"),
        ("untagged", "Iran", "Iran"),
    ]
    # Paragraph by paragraph, as plain escaped text: the body's own markup is not carried over.
    assert "<p>Allies</p>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<a " not in text and "<b>" not in text and "&amp;amp;" not in text


def test_the_editor_tags_only_the_actors_ticked(editor_client, actors):
    article = ArticleFactory(body=BODY)
    data = admin_form_data(editor_client.get(_change_url(article)))
    data["standfirst"] = "Edited in the same step."
    response = editor_client.post(
        _change_url(article), data | {"_tag_mentions": "1", "tag_actor": [str(actors["iran"].pk)]}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response.url == _change_url(article)
    article.refresh_from_db()
    assert article.standfirst == "Edited in the same step."
    assert list(article.actors.all()) == [actors["iran"]]
    page = editor_client.get(response.url).content.decode()
    assert "tagged Iran" in page


def test_ticking_nothing_tags_nothing_and_says_so(editor_client, actors):
    article = ArticleFactory(body=BODY)
    data = admin_form_data(editor_client.get(_change_url(article)))
    response = editor_client.post(_change_url(article), data | {"_tag_mentions": "1"}, follow=True)
    assert "No actor was ticked: nothing was tagged." in response.content.decode()
    assert article.actors.count() == 0


def test_an_actor_the_text_does_not_mention_is_refused_and_nothing_is_tagged(editor_client, actors):
    article = ArticleFactory(body=BODY)
    data = admin_form_data(editor_client.get(_change_url(article)))
    chosen = [str(actors["iran"].pk), str(actors["china"].pk)]
    response = editor_client.post(_change_url(article), data | {"_tag_mentions": "1", "tag_actor": chosen}, follow=True)
    assert "The text does not mention China: nothing was tagged." in response.content.decode()
    assert article.actors.count() == 0


def test_service_tags_only_the_actors_chosen(actors):
    article = ArticleFactory(body=BODY)
    added = article_tag_mentioned_actors(article=article, by=EditorFactory(), actors=[actors["north_korea"]])
    assert added == [actors["north_korea"]]
    assert list(article.actors.all()) == [actors["north_korea"]]


def test_service_refuses_an_actor_not_mentioned_and_writes_nothing(actors):
    article = ArticleFactory(body=BODY)
    with pytest.raises(ValidationError, match="does not mention China"):
        article_tag_mentioned_actors(
            article=article, by=EditorFactory(), actors=[actors["russia"].pk, actors["china"].pk]
        )
    assert article.actors.count() == 0


def test_a_reader_of_a_live_article_sees_the_mentions_with_nothing_to_tick(client, actors):
    from tests.factories import ReporterFactory
    from tests.helpers import publish_article

    article = ArticleFactory(body=BODY)
    publish_article(article=article, by=EditorFactory())
    client.force_login(ReporterFactory())
    page = client.get(_change_url(article)).content.decode()
    assert '<strong class="mention-untagged">North Korea</strong>' in page
    assert 'name="tag_actor"' in page and " disabled>" in page and " checked>" not in page
    assert "Save and tag" not in page


def test_changelist_action_tags_several_articles(editor_client, actors):
    first, second = ArticleFactory(body=BODY), ArticleFactory(body="<p>China watched.</p>")
    response = editor_client.post(
        reverse("admin:newsroom_article_changelist"),
        {"action": "tag_mentioned_actors", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert first.actors.count() == 3
    assert list(second.actors.all()) == [actors["china"]]
