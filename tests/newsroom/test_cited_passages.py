"""Claims cited by marking their passage in the text: the allow-list keeps the mark and nothing
more, the citations follow the marks, new claims are made in place, and the story page opens a
public claim from its passage while an unpublished one stays plain text."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom import services
from newsroom.cited_passages import cited_passages
from newsroom.models import Article, ArticleClaim
from newsroom.richtext import claim_marks, keep_claim_marks, sanitise
from relations.models import Claim, ClaimRelationship, Source
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    RelationshipFactory,
    ReporterFactory,
    RoleEditorFactory,
    SourceFactory,
    VerifiedClaimFactory,
)
from tests.helpers import admin_form_data, change_url, editing, publish_article

pytestmark = pytest.mark.django_db


def marked(*parts) -> str:
    """A body of paragraphs; a (claim, text) pair is a passage marked as that claim's."""
    html = []
    for part in parts:
        if isinstance(part, tuple):
            claim, text = part
            html.append(f'<p>Before. <mark data-claim="{claim.pk}">{text}</mark> After.</p>')
        else:
            html.append(f"<p>{part}</p>")
    return "".join(html)


def citations(article) -> list[tuple[int, int, str, bool]]:
    return list(
        ArticleClaim.objects.filter(article=article)
        .order_by("position", "pk")
        .values_list("claim_id", "position", "passage", "anchored")
    )


# The allow-list ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ('<mark data-claim="42">a</mark>', '<mark data-claim="42">a</mark>'),
        ('<mark data-claim=" 42 ">a</mark>', '<mark data-claim="42">a</mark>'),
        ('<mark data-claim="4x2">a</mark>', "<mark>a</mark>"),
        ('<mark data-claim="-1">a</mark>', "<mark>a</mark>"),
        ('<mark data-claim="0">a</mark>', "<mark>a</mark>"),
        ('<mark data-claim="1e3">a</mark>', "<mark>a</mark>"),
        (
            '<mark data-claim="42" onclick="x()" class="c" style="s" id="i" data-x="1">a</mark>',
            '<mark data-claim="42">a</mark>',
        ),
        ('<mark data-claim="&quot;><script>alert(1)</script>">a</mark>', "<mark>a</mark>"),
        ('<span data-claim="42">a</span>', "a"),
        ('<p data-claim="42">a</p>', "<p>a</p>"),
        (
            '<a href="https://example.org/" data-claim="42">a</a>',
            '<a href="https://example.org/" rel="noopener noreferrer">a</a>',
        ),
        ('<mark data-claims="42" data-claim-id="42">a</mark>', "<mark>a</mark>"),
    ],
)  # fmt: skip
def test_the_allow_list_keeps_a_claim_id_on_a_mark_and_nothing_else(written, kept):
    assert sanitise(written) == kept


def test_marks_are_read_in_the_order_of_the_text_with_their_text():
    body = sanitise(
        '<p>x <mark data-claim="9">Tom &amp; <em>Jerry</em>\n said</mark> <mark data-claim="3">b</mark></p>'
    )
    assert claim_marks(body) == [(9, "Tom & Jerry said"), (3, "b")]


# Deriving the citations ---------------------------------------------------------------------------


def test_citations_follow_the_marks_in_the_order_of_the_text(editor):
    first, second = ClaimFactory(), ClaimFactory()
    article = ArticleFactory(body=marked((second, "Second claim's words."), "Plain.", (first, "First's.")))
    synced = services.article_sync_citations(article=article, by=editor)
    assert citations(article) == [
        (second.pk, 1, "Second claim's words.", True),
        (first.pk, 2, "First's.", True),
    ]
    assert {claim.pk for claim in synced.added} == {first.pk, second.pk} and synced.removed == []


def test_moving_a_passage_moves_its_citation_and_editing_it_updates_the_passage(editor):
    first, second = ClaimFactory(), ClaimFactory()
    article = ArticleFactory(body=marked((first, "One."), (second, "Two.")))
    services.article_sync_citations(article=article, by=editor)
    article.body = marked((second, "Two, reworded."), (first, "One."))
    article.save()
    services.article_sync_citations(article=article, by=editor)
    assert citations(article) == [(second.pk, 1, "Two, reworded.", True), (first.pk, 2, "One.", True)]


def test_a_mark_removed_removes_its_citation_and_a_citation_without_a_mark_stays_after(editor):
    legacy, kept, dropped = ClaimFactory(), ClaimFactory(), ClaimFactory()
    article = ArticleFactory(body=marked((dropped, "Gone soon."), (kept, "Kept.")))
    ArticleClaimFactory(article=article, claim=legacy, position=1, passage="Typed by hand.")
    services.article_sync_citations(article=article, by=editor)
    assert [row[0] for row in citations(article)] == [dropped.pk, kept.pk, legacy.pk]
    article.body = marked("Gone.", (kept, "Kept."))
    article.save()
    synced = services.article_sync_citations(article=article, by=editor)
    assert citations(article) == [(kept.pk, 1, "Kept.", True), (legacy.pk, 2, "Typed by hand.", False)]
    assert synced.removed == [dropped]


def test_a_claim_marked_twice_is_cited_once_where_it_is_first_marked(editor):
    claim, other = ClaimFactory(), ClaimFactory()
    article = ArticleFactory(body=marked((claim, "First time."), (other, "Other."), (claim, "Again.")))
    services.article_sync_citations(article=article, by=editor)
    assert citations(article) == [(claim.pk, 1, "First time.", True), (other.pk, 2, "Other.", True)]


def test_marking_a_claim_already_cited_by_hand_anchors_that_citation(editor):
    claim = ClaimFactory()
    article = ArticleFactory(body=marked((claim, "Now marked.")))
    citation = ArticleClaimFactory(article=article, claim=claim, position=5, passage="Old passage.")
    services.article_sync_citations(article=article, by=editor)
    assert citations(article) == [(claim.pk, 1, "Now marked.", True)]
    assert ArticleClaim.objects.get(article=article).pk == citation.pk


def test_a_mark_naming_no_claim_is_refused_and_nothing_changes(editor):
    claim = ClaimFactory()
    article = ArticleFactory(body=marked((claim, "Real.")))
    services.article_sync_citations(article=article, by=editor)
    missing = Claim.objects.order_by("-pk").first().pk + 1000
    Article.objects.filter(pk=article.pk).update(body=article.body + f'<p><mark data-claim="{missing}">x</mark></p>')
    with pytest.raises(services.ValidationError):
        services.article_sync_citations(article=article, by=editor)
    assert citations(article) == [(claim.pk, 1, "Real.", True)]


def test_only_someone_who_may_edit_the_article_derives_its_citations(editor):
    article = ArticleFactory(body=marked((ClaimFactory(), "x")))
    publish_article(article=article, by=editor)
    with pytest.raises(services.PermissionDenied):
        services.article_sync_citations(article=article, by=ReporterFactory())


def test_marking_a_claim_in_a_live_story_makes_it_public_and_unmarking_withdraws_it(editor):
    claim = ClaimFactory()
    article = ArticleFactory(body="<p>Nothing cited.</p>")
    publish_article(article=article, by=editor)
    assert not Claim.objects.public().filter(pk=claim.pk).exists()
    Article.objects.filter(pk=article.pk).update(body=marked((claim, "Now cited.")))
    services.article_sync_citations(article=article, by=editor)
    assert Claim.objects.public().filter(pk=claim.pk).exists()
    Article.objects.filter(pk=article.pk).update(body="<p>Nothing cited.</p>")
    services.article_sync_citations(article=article, by=editor)
    assert not Claim.objects.public().filter(pk=claim.pk).exists()


# The admin ----------------------------------------------------------------------------------------


def test_saving_the_form_derives_the_citations_and_says_which_were_removed(editor_client):
    kept, dropped = ClaimFactory(), ClaimFactory()
    article = ArticleFactory(body=marked((kept, "Kept."), (dropped, "Dropped.")))
    data = admin_form_data(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), {**data, "body": marked((kept, "Kept."), (dropped, "Dropped."))})
    assert [row[0] for row in citations(article)] == [kept.pk, dropped.pk]
    data = admin_form_data(editor_client.get(change_url(article)))
    response = editor_client.post(change_url(article), {**data, "body": marked((kept, "Kept."))}, follow=True)
    assert [row[0] for row in citations(article)] == [kept.pk]
    shown = [str(message) for message in response.context["messages"]]
    assert any("was removed" in message and str(dropped) in message for message in shown)


def test_publishing_from_the_form_asks_about_a_claim_marked_in_the_same_save(client):
    editor = RoleEditorFactory()
    client.force_login(editor)
    unchecked = ClaimFactory(text="Marked and unchecked.")
    article = ArticleFactory(body="<p>Nothing cited yet.</p>")
    data = admin_form_data(client.get(change_url(article)))
    body = marked((unchecked, "Just marked."))
    response = client.post(change_url(article), {**data, "body": body, "_workflow_publish": "Save and publish"})
    # The citation was derived before the move: the editor is asked about the claim, by name.
    assert response.status_code == 200 and "Marked and unchecked." in response.content.decode()
    assert citations(article) == [(unchecked.pk, 1, "Just marked.", True)]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_mark_naming_no_claim_is_a_form_error_and_saves_nothing(editor_client):
    article = ArticleFactory(body="<p>As it was.</p>")
    data = admin_form_data(editor_client.get(change_url(article)))
    missing = (Claim.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    response = editor_client.post(
        change_url(article), {**data, "body": f'<p><mark data-claim="{missing}">x</mark></p>'}
    )
    assert response.status_code == 200
    assert f"#{missing}" in str(response.context["adminform"].form.errors["body"])
    article.refresh_from_db()
    assert article.body == "<p>As it was.</p>"


def test_the_editor_is_given_the_addresses_it_searches_and_posts_to(editor_client):
    page = editor_client.get(change_url(ArticleFactory())).content.decode()
    assert "model_name=articleclaim" in page and "field_name=claim" in page
    assert reverse("admin:newsroom_cite_new_claim") in page


def test_the_claim_search_the_dialog_uses_finds_claims(editor_client):
    claim = ClaimFactory(text="Iran sells oil to China.")
    url = reverse("admin:autocomplete")
    answer = editor_client.get(
        url, {"app_label": "newsroom", "model_name": "articleclaim", "field_name": "claim", "term": "oil"}
    )
    assert answer.status_code == 200
    assert {"id": str(claim.pk), "text": str(claim)} in answer.json()["results"]


def test_a_new_claim_is_made_in_place_with_its_attribution_actors_stance_and_source(editor_client):
    speaker, about = ActorFactory(), ActorFactory()
    tie = RelationshipFactory()
    answer = editor_client.post(
        reverse("admin:newsroom_cite_new_claim"),
        {
            "text": "Iran kept selling oil to China.",
            "kind": "assessment",
            "attributed_to": speaker.pk,
            "actors": [about.pk, speaker.pk],
            "relationship": tie.pk,
            "stance": "contradicts",
            "source_url": "https://example.org/oil",
            "source_title": "Oil report",
        },
    )
    assert answer.status_code == 201
    claim = Claim.objects.get(pk=answer.json()["id"])
    assert answer.json()["text"] == str(claim)
    assert (claim.text, claim.kind, claim.attributed_to, claim.verification) == (
        "Iran kept selling oil to China.", "assessment", speaker, Claim.Verification.UNVERIFIED,
    )  # fmt: skip
    assert set(claim.actors.all()) == {about, speaker}
    assert list(ClaimRelationship.objects.filter(claim=claim).values_list("relationship", "stance")) == [
        (tie.pk, "contradicts")
    ]
    assert list(claim.sources.values_list("url", "title")) == [("https://example.org/oil", "Oil report")]


def test_a_new_claim_reuses_the_source_recorded_at_its_address(editor_client):
    source = SourceFactory(url="https://example.org/known", title="Known")
    answer = editor_client.post(
        reverse("admin:newsroom_cite_new_claim"),
        {"text": "x", "kind": "fact", "stance": "supports", "source_url": source.url},
    )
    assert answer.status_code == 201
    assert list(Claim.objects.get(pk=answer.json()["id"]).sources.all()) == [source]
    assert Source.objects.filter(url=source.url).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "", "kind": "fact", "stance": "supports"}, "text"),
        ({"text": "x", "kind": "nonsense", "stance": "supports"}, "kind"),
        ({"text": "x", "kind": "quote", "stance": "supports"}, "quote"),
        ({"text": "x", "kind": "assessment", "stance": "supports"}, "attributed_to"),
        ({"text": "x", "kind": "fact", "stance": "supports", "source_url": "javascript:alert(1)"}, "source_url"),
        ({"text": "x", "kind": "fact", "stance": "supports", "actors": ["999999"]}, "actors"),
        ({"text": "x", "kind": "fact", "stance": "sideways"}, "stance"),
    ],
)
def test_a_new_claim_with_bad_input_is_a_400_naming_the_field_and_writes_nothing(editor_client, data, field):
    before = Claim.objects.count()
    answer = editor_client.post(reverse("admin:newsroom_cite_new_claim"), data)
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    assert Claim.objects.count() == before


def test_someone_who_may_not_add_claims_cannot_make_one_in_place(client):
    client.force_login(_staff_without_claims())
    answer = client.post(reverse("admin:newsroom_cite_new_claim"), {"text": "x", "kind": "fact", "stance": "supports"})
    assert answer.status_code == 403
    assert not Claim.objects.filter(text="x").exists()


def _staff_without_claims():
    from django.contrib.auth.models import Permission

    user = EditorFactory.build(is_superuser=False, is_staff=True, username="nobody")
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    return user


def test_making_a_claim_in_place_takes_a_post(editor_client):
    assert editor_client.get(reverse("admin:newsroom_cite_new_claim")).status_code == 405


# The story page -----------------------------------------------------------------------------------


def _live_story(editor, body: str) -> Article:
    article = ArticleFactory(body=body)
    services.article_sync_citations(article=article, by=editor)
    publish_article(article=article, by=editor, publish_at=None)
    return article


def test_a_public_claim_opens_from_its_passage_with_its_verdict_and_sources(client, editor):
    claim = VerifiedClaimFactory(text="Iran has supplied drones to Russia.", attributed_to=ActorFactory(name="Kremlin"))
    claim.sources.add(SourceFactory(title="Wire report", url="https://example.org/wire"))
    article = _live_story(editor, marked((claim, "Iran sent <em>drones</em>.")))
    page = client.get(reverse("story", args=[article.slug])).content.decode()
    button = re.search(
        r'<button type="button" class="cited-passage" aria-expanded="false" aria-controls="([^"]+)">', page
    )
    assert button is not None
    start = page.index(f'<span class="cited-note" id="{button.group(1)}"')
    note = page[start : page.index("</p>", start)]
    assert re.match(r'<span class="cited-note" id="[^"]+" role="group" aria-label="[^"]+" hidden>', note)
    assert "Iran has supplied drones to Russia." in note
    assert "Verified" in note and "Kremlin" in note and "Wire report" in note
    assert "Iran sent <em>drones</em>." in page
    assert "newsroom/cited.js" in page
    assert "data-claim" not in page


def test_a_mark_whose_claim_is_not_public_is_plain_text_and_leaks_nothing(client, editor):
    public = VerifiedClaimFactory(text="Public claim words.")
    article = _live_story(editor, marked((public, "Shown passage.")))
    secret = ClaimFactory(text="Unpublished claim words.", internal_note="secret note")
    # A mark written around the services (raw SQL, an old dump): no citation, so not public.
    Article.objects.filter(pk=article.pk).update(
        body=article.body + f'<p>Then <mark data-claim="{secret.pk}">a hidden passage</mark>.</p>'
    )
    assert not Claim.objects.public().filter(pk=secret.pk).exists()
    page = client.get(reverse("story", args=[article.slug])).content.decode()
    assert "Then a hidden passage." in page
    assert "Unpublished claim words." not in page and "secret note" not in page
    assert f'data-claim="{secret.pk}"' not in page and "<mark" not in page
    assert page.count('class="cited-passage"') == 1


def test_a_story_without_marks_loads_no_script_for_them(client, editor):
    article = _live_story(editor, "<p>Nothing cited.</p>")
    page = client.get(reverse("story", args=[article.slug])).content.decode()
    assert "cited.js" not in page and "cited-passage" not in page


def test_the_passages_ids_are_unique_on_the_page():
    claims = {1: VerifiedClaimFactory.build(pk=1), 2: VerifiedClaimFactory.build(pk=2)}
    html, made = cited_passages(
        '<p><mark data-claim="1">a</mark> <mark data-claim="2">b</mark></p>', claims, prefix="p0"
    )
    ids = re.findall(r'aria-controls="([^"]+)"', html)
    assert made and ids == ["p0-1", "p0-2"]


@pytest.mark.parametrize("n", [1, 30])
def test_the_story_page_reads_as_often_with_many_marked_passages(client, editor, django_assert_max_num_queries, n):
    claims = []
    for _ in range(n):
        claim = VerifiedClaimFactory(attributed_to=ActorFactory(kind="person"))
        claim.sources.add(SourceFactory(), SourceFactory())
        ClaimRelationshipFactory(claim=claim, relationship=RelationshipFactory())
        claims.append(claim)
    article = _live_story(editor, marked(*[(claim, f"Passage {index}.") for index, claim in enumerate(claims)]))
    with editing(article):
        Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(minutes=5))
    from tests.newsroom.test_page_queries import STORY_QUERIES

    with django_assert_max_num_queries(STORY_QUERIES):
        page = client.get(reverse("story", args=[article.slug])).content.decode()
    assert page.count('class="cited-passage"') == n


def test_the_api_keeps_the_marks_of_the_claims_it_lists_and_no_other(client, editor):
    public = VerifiedClaimFactory()
    article = _live_story(editor, marked((public, "Shown passage.")))
    secret = ClaimFactory(text="Unpublished claim words.")
    Article.objects.filter(pk=article.pk).update(
        body=article.body + f'<p>Then <mark data-claim="{secret.pk}">a hidden passage</mark>.</p>'
    )
    story = client.get(reverse("article-detail", args=[article.slug])).json()
    assert f'<mark data-claim="{public.pk}">Shown passage.</mark>' in story["body"]
    assert "<p>Then a hidden passage.</p>" in story["body"]
    assert f'data-claim="{secret.pk}"' not in story["body"]
    assert [citation["claim"]["id"] for citation in story["claims"]] == [public.pk]


def test_deleting_the_row_of_a_marked_citation_is_refused_with_the_way_to_uncite_it(editor_client):
    claim = ClaimFactory(text="Marked in the text.")
    article = ArticleFactory(body=marked((claim, "The passage.")))
    data = admin_form_data(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), data)
    assert [row[0] for row in citations(article)] == [claim.pk]
    data = admin_form_data(editor_client.get(change_url(article)))
    row = next(
        key[: -len("-claim")] for key, value in data.items() if key.endswith("-claim") and str(value) == str(claim.pk)
    )
    response = editor_client.post(change_url(article), {**data, f"{row}-DELETE": "on", "title": "Changed"})
    # The save would cite it again from its mark: the editor is told how to uncite it, and nothing is saved.
    assert response.status_code == 200
    assert "Remove citation" in response.content.decode()
    article.refresh_from_db()
    assert article.title != "Changed" and [row[0] for row in citations(article)] == [claim.pk]


def test_a_mark_inside_a_mark_is_unwrapped_so_no_claim_hides_in_a_passage():
    nested = (
        '<p><mark data-claim="1">a <mark data-claim="99">b</mark> c</mark> '
        '<mark>x<mark data-claim="5">y</mark></mark></p>'
    )
    body = sanitise(nested)
    assert body == '<p><mark data-claim="1">a b c</mark> <mark>xy</mark></p>'
    assert claim_marks(body) == [(1, "a b c")]
    # Unwrapping the marks readers may not see leaves no claim's id behind.
    assert "data-claim" not in keep_claim_marks(body, set())
    assert sanitise(body) == body
