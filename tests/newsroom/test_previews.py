"""Previews of a story as readers will see it: the admin's preview, and the signed, expiring,
revocable links shared with people who have no account."""

import datetime
import urllib.error
import urllib.request

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core import public_cache
from newsroom import previews, services
from newsroom.models import Article, Correction, PreviewLink
from tests.factories import (
    ActorFactory,
    ArticleClaimFactory,
    ArticleFactory,
    ClaimRelationshipFactory,
    EditorFactory,
    FactBoxFactory,
    FactBoxItemFactory,
    FactBoxPlacementFactory,
    RelationshipFactory,
    ReporterFactory,
    RoleEditorFactory,
    SourceFactory,
    VerifiedClaimFactory,
)
from tests.helpers import publish_article, publish_factbox, signed_in

pytestmark = pytest.mark.django_db

# The link, the article, its boxes and corrections, the draft, its actors, its citations with their
# claims, the claims' sources and their relationships; however many of each.
SHARE_QUERIES = 9
SIZES = [1, 30]


def live_story_with_draft() -> Article:
    article = ArticleFactory(title="The live title", slug="the-story", body="<p>Live body.</p>")
    ArticleClaimFactory(article=article, claim=VerifiedClaimFactory(text="A claim readers see."), position=1)
    publish_article(article=article, by=EditorFactory())
    drafted = VerifiedClaimFactory(text="A claim only the draft cites.")
    services.article_save_draft(
        article=article,
        by=EditorFactory(),
        title="The drafted title",
        body="<p>Drafted body.</p>",
        citations=[{"claim": drafted.pk, "position": 1}],
    )
    return article


def share(article: Article, hours: int = 48) -> str:
    link = services.article_share_preview(article=article, by=EditorFactory(), hours=hours)
    return previews.preview_url(link)


def assert_private(response, *, frame: str) -> None:
    assert response["X-Robots-Tag"].startswith("noindex")
    # The admin's own pages add no-cache and must-revalidate.
    assert {"private", "no-store", "max-age=0"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert response["X-Frame-Options"] == frame
    ancestors = "frame-ancestors 'self'" if frame == "SAMEORIGIN" else "frame-ancestors 'none'"
    assert ancestors in response["Content-Security-Policy"]


class TestAdminPreview:
    def test_the_frame_shows_the_draft_as_readers_will_see_it(self):
        article = live_story_with_draft()
        client = signed_in(RoleEditorFactory())
        response = client.get(reverse("admin:newsroom_article_preview_page", args=[article.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "The drafted title" in page and "A claim only the draft cites." in page
        assert "The live title" not in page and "A claim readers see." not in page
        assert_private(response, frame="SAMEORIGIN")
        # Nothing was saved: readers still have the live version.
        article.refresh_from_db()
        assert article.title == "The live title"

    def test_the_preview_page_frames_it_with_a_width_toggle(self):
        article = live_story_with_draft()
        response = signed_in(RoleEditorFactory()).get(reverse("admin:newsroom_article_preview", args=[article.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert 'id="story-preview-frame"' in page and 'id="preview-phone"' in page and 'id="preview-desktop"' in page
        assert reverse("admin:newsroom_article_preview_page", args=[article.pk]) in page
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    def test_a_story_never_published_previews_its_own_content(self):
        article = ArticleFactory(title="Not out yet", body="<p>Coming soon.</p>")
        article.actors.add(ActorFactory(name="Iran"))
        response = signed_in(ReporterFactory()).get(reverse("admin:newsroom_article_preview_page", args=[article.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Not out yet" in page and "Coming soon." in page and "Iran" in page

    def test_no_one_signed_out_sees_it(self, client):
        article = live_story_with_draft()
        response = client.get(reverse("admin:newsroom_article_preview_page", args=[article.pk]))
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_an_unknown_article_is_404(self):
        client = signed_in(RoleEditorFactory())
        assert client.get(reverse("admin:newsroom_article_preview_page", args=[10**9])).status_code == 404
        assert client.get("/admin/newsroom/article/not-a-number/preview/page/").status_code == 404


class TestSharedLinks:
    def test_the_link_shows_the_draft_privately(self, client):
        article = live_story_with_draft()
        response = client.get(share(article))
        page = response.content.decode()
        assert response.status_code == 200
        assert "The drafted title" in page and "Drafted body." in page
        assert_private(response, frame="DENY")
        assert not response.cookies

    def test_a_forged_or_altered_token_is_404(self, client):
        url = share(live_story_with_draft())
        token = url.rstrip("/").rsplit("/", 1)[1]
        for bad in ("nonsense", token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x", "." + token):
            assert client.get(reverse("story_preview", args=[bad])).status_code == 404

    def test_a_token_naming_another_article_is_404(self, client):
        first, second = live_story_with_draft(), ArticleFactory()
        link = services.article_share_preview(article=first, by=EditorFactory())
        # Signed by us, but the row it names is another article's.
        forged = previews._signer.sign_object({"link": link.pk, "article": second.pk}, compress=True)
        assert client.get(reverse("story_preview", args=[forged])).status_code == 404

    def test_an_expired_link_is_404(self, client):
        article = live_story_with_draft()
        url = share(article, hours=2)
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, minutes=59)):
            assert client.get(url).status_code == 200
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=2, minutes=1)):
            assert client.get(url).status_code == 404

    def test_a_revoked_link_is_404(self, client):
        article = live_story_with_draft()
        link = services.article_share_preview(article=article, by=EditorFactory())
        url = previews.preview_url(link)
        assert client.get(url).status_code == 200
        services.article_revoke_preview(link=link, by=EditorFactory())
        assert client.get(url).status_code == 404

    def test_withdrawing_the_story_ends_its_links_and_it_is_not_shared_again(self, client):
        article = live_story_with_draft()
        url = share(article)
        assert "Drafted body." in client.get(url).content.decode()
        services.article_withdraw(article=article, by=EditorFactory())
        assert client.get(url).status_code == 404
        assert not previews.active_links(article)
        with pytest.raises(ValidationError):
            share(article)

    def test_the_link_of_a_deleted_article_is_404(self, client):
        article = ArticleFactory()
        url = share(article)
        article.delete()
        assert client.get(url).status_code == 404

    def test_the_public_cache_never_stores_it(self, client, monkeypatch):
        url = share(live_story_with_draft())
        assert not public_cache._cached_path(url)
        stored = []
        monkeypatch.setattr(public_cache, "_keep", lambda *args: stored.append(args))
        response = client.get(url)
        assert public_cache._stored(response) is None
        # Even were its address one the cache answers, the page is private: nothing is kept.
        monkeypatch.setattr(public_cache, "CACHED_PREFIXES", (*public_cache.CACHED_PREFIXES, "/preview/"))
        assert client.get(url).status_code == 200
        assert stored == []

    def test_only_someone_who_may_edit_the_story_shares_it(self):
        article = live_story_with_draft()
        with pytest.raises(PermissionDenied):
            services.article_share_preview(article=article, by=ReporterFactory())
        assert not PreviewLink.objects.exists()

    @pytest.mark.parametrize("hours", [0, -1, services.PREVIEW_HOURS_MAX + 1])
    def test_a_lifetime_out_of_range_is_refused(self, hours):
        with pytest.raises(ValidationError):
            services.article_share_preview(article=ArticleFactory(), by=EditorFactory(), hours=hours)
        assert not PreviewLink.objects.exists()

    def test_the_admin_makes_lists_and_revokes_links(self, client):
        article = live_story_with_draft()
        editor = signed_in(RoleEditorFactory())
        response = editor.post(reverse("admin:newsroom_article_share", args=[article.pk]), {"hours": "24"})
        assert response.status_code == 302
        link = PreviewLink.objects.get(article=article)
        assert link.expires_at - link.created_at == datetime.timedelta(hours=24)
        page = editor.get(response["Location"]).content.decode()
        assert previews.preview_url(link) in page and 'id="preview-links"' in page
        editor.post(reverse("admin:newsroom_article_revoke_preview", args=[article.pk, link.pk]))
        link.refresh_from_db()
        assert link.revoked_at is not None
        assert 'id="no-preview-links"' in editor.get(response["Location"]).content.decode()
        assert client.get(previews.preview_url(link)).status_code == 404

    def test_the_admin_refuses_a_lifetime_it_does_not_offer(self):
        article = ArticleFactory()
        editor = signed_in(RoleEditorFactory())
        editor.post(reverse("admin:newsroom_article_share", args=[article.pk]), {"hours": "9999"})
        assert not PreviewLink.objects.exists()

    def test_a_reporter_cannot_revoke_an_editor_s_link_to_a_live_story(self):
        article = live_story_with_draft()
        link = services.article_share_preview(article=article, by=EditorFactory())
        with pytest.raises(PermissionDenied):
            services.article_revoke_preview(link=link, by=ReporterFactory())
        link.refresh_from_db()
        assert link.revoked_at is None


@pytest.mark.parametrize("n", SIZES)
def test_the_shared_page_reads_a_fixed_number_of_times(client, django_assert_max_num_queries, n):
    article = ArticleFactory()
    publish_article(article=article, by=EditorFactory())
    editor = EditorFactory()
    citations = []
    for position in range(n):
        claim = VerifiedClaimFactory(attributed_to=ActorFactory(kind="person"))
        claim.sources.add(SourceFactory(), SourceFactory())
        ClaimRelationshipFactory(claim=claim, relationship=RelationshipFactory())
        citations.append({"claim": claim.pk, "position": position})
        Correction.objects.create(article=article, by=editor, text=f"Correction {position}.")
        box = FactBoxFactory()
        FactBoxItemFactory(factbox=box, claim=VerifiedClaimFactory())
        publish_factbox(factbox=box, by=editor)
        FactBoxPlacementFactory(factbox=box, article=article, position=position, after_paragraph=position or None)
    services.article_save_draft(
        article=article,
        by=editor,
        title="Drafted",
        body="".join(f"<p>Paragraph {i}.</p>" for i in range(n)),
        actors=[ActorFactory().pk for _ in range(n)],
        citations=citations,
    )
    url = share(article)
    with django_assert_max_num_queries(SHARE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<li class="claim">') == n
    assert page.count('<section class="factbox') == n


# --- Over HTTP ---------------------------------------------------------------------------------


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read().decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("starting_vocabulary")
def test_a_shared_link_over_http(live_server):
    article = live_story_with_draft()
    link = services.article_share_preview(article=article, by=EditorFactory(), hours=2)
    url = live_server.url + previews.preview_url(link)
    status, headers, page = _get(url)
    assert status == 200 and "The drafted title" in page
    assert headers["X-Robots-Tag"].startswith("noindex")
    assert headers["Cache-Control"] == "private, no-store, max-age=0"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "Set-Cookie" not in headers
    # The story's own address still shows readers the live version.
    status, _, live = _get(f"{live_server.url}/stories/the-story/")
    assert "The live title" in live and "The drafted title" not in live
    services.article_revoke_preview(link=link, by=EditorFactory())
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(url)
    assert refused.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(f"{live_server.url}/preview/not-a-token/")
    assert refused.value.code == 404
