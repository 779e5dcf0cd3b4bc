"""In a real browser, with the keyboard only: an editor publishing a story that cites an unverified
claim is asked first, goes back once, then confirms, and the story goes live."""

import pytest

from newsroom.models import Article
from tests.factories import ArticleClaimFactory, ArticleFactory, ClaimFactory, RoleEditorFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles", "starting_vocabulary")]

PASSWORD = "correct horse battery staple"


def focus_by_tab(page, name: str) -> None:
    """Press Tab until the control called ``name`` has the focus, as someone without a mouse does."""
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.value || document.activeElement.textContent")
        if focused.strip() == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with the keyboard")


def test_the_editor_is_asked_can_go_back_and_confirms(page, live_server):
    RoleEditorFactory(username="eddie")
    article = ArticleFactory(title="Moscow and Pyongyang sign a defence pact")
    ArticleClaimFactory(article=article, claim=ClaimFactory(text="The pact binds both to mutual defence."))

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "eddie")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#site-name")
    change = f"{live_server.url}/admin/newsroom/article/{article.pk}/change/"
    page.goto(change)
    page.fill("#id_standfirst", "Edited before publishing.")
    page.click("input[name=_workflow_publish]")

    page.wait_for_selector(".publish-confirmation")
    assert page.locator("h1").inner_text() == "Publish with unverified claims?"
    assert page.get_by_role("link", name="The pact binds both to mutual defence.").count() == 1

    focus_by_tab(page, "No, take me back")
    page.keyboard.press("Enter")
    page.wait_for_url(change)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.standfirst == "Edited before publishing."

    page.click("input[name=_workflow_publish]")
    page.wait_for_selector(".publish-confirmation")
    focus_by_tab(page, "Yes, publish with these claims unverified")
    page.keyboard.press("Enter")
    page.wait_for_url(change)
    assert "is now published" in page.locator(".messagelist").inner_text()
    article.refresh_from_db()
    assert article.is_live
    assert "confirmed: “The pact binds both to mutual defence.”" in article.events.get(kind="published").note
