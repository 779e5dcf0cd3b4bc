"""In a real browser: an editor changes a live story, readers keep the live version, the editor
compares, previews at a phone's width, shares a preview someone signed out reads, revokes it, and
publishes the changes."""

import pytest

from tests.factories import ArticleClaimFactory, ArticleFactory, EditorFactory, RoleEditorFactory, VerifiedClaimFactory
from tests.helpers import publish_article, signed_in_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles", "starting_vocabulary")]


def test_an_editor_drafts_previews_shares_and_publishes_changes(new_page, live_server):
    RoleEditorFactory(username="eddie")
    article = ArticleFactory(title="Moscow and Pyongyang sign a pact", slug="the-pact", body="<p>Live words.</p>")
    ArticleClaimFactory(article=article, claim=VerifiedClaimFactory(text="They signed."), position=1)
    publish_article(article=article, by=EditorFactory())

    editor = signed_in_page(new_page, live_server, "eddie")
    editor.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    assert editor.locator("#draft-note").is_visible()
    editor.fill("#id_title", "Moscow and Pyongyang sign a defence pact")
    editor.click("input[name=_continue]")
    assert "saved as a draft" in editor.locator(".messagelist").inner_text()
    assert "Live version differs from draft." in editor.locator("#draft-banner").inner_text()

    reader = new_page()
    reader.goto(f"{live_server.url}/stories/the-pact/")
    assert reader.locator("h1").inner_text() == "Moscow and Pyongyang sign a pact"

    editor.click("#draft-compare")
    assert "defence" in editor.locator("#diff-title").inner_text()
    editor.go_back()
    editor.click("#preview-link")
    frame = editor.frame_locator("#story-preview-frame")
    assert frame.locator("h1").inner_text() == "Moscow and Pyongyang sign a defence pact"
    editor.click("#preview-phone")
    # The story inside sees a phone's viewport; the frame's border is outside it.
    assert editor.locator("#story-preview-frame").evaluate("frame => frame.clientWidth") == 390
    assert editor.locator("#preview-phone").get_attribute("aria-pressed") == "true"

    editor.select_option("#id_hours", "24")
    editor.click("#make-preview-link")
    link = editor.locator(".preview-link-url").first.input_value()
    guest = new_page()
    guest.goto(link)
    assert guest.locator("h1").inner_text() == "Moscow and Pyongyang sign a defence pact"
    editor.get_by_role("button", name="Revoke").click()
    assert "revoked" in editor.locator(".messagelist").inner_text()
    assert guest.goto(link).status == 404

    editor.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    editor.click("input[name=_workflow_publish_changes]")
    assert "are live" in editor.locator(".messagelist").inner_text()
    assert editor.locator("#draft-banner").count() == 0
    reader.reload()
    assert reader.locator("h1").inner_text() == "Moscow and Pyongyang sign a defence pact"
