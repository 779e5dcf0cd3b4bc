"""In a real browser: an editor starts a relationship map from two actors, publishes it and copies its snippet."""

import pytest

from tests.factories import ActorFactory, RelationshipFactory, RoleEditorFactory, SymmetricTypeFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles", "starting_vocabulary")]

PASSWORD = "correct horse battery staple"


def choose_actor(page, name: str) -> None:
    """Type into the admin's autocomplete and pick the actor it offers."""
    page.locator(".field-actors .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(name[:4])
    page.locator(".select2-results__option", has_text=name).click()


def test_editor_starts_a_map_from_actors_publishes_it_and_copies_the_snippet(page, live_server):
    RoleEditorFactory(username="eddie")
    china, russia = ActorFactory(name="China", slug="china"), ActorFactory(name="Russia", slug="russia")
    RelationshipFactory(
        subject=china, object=russia, type=SymmetricTypeFactory(label="has a strategic partnership with")
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/newsroom/factbox/")
    page.fill("#id_username", "eddie")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.get_by_role("link", name="Start a relationship map from actors").click()
    choose_actor(page, "China")
    choose_actor(page, "Russia")
    page.click("input[type=submit][value='Start the map']")

    assert "started with 1 relationship" in page.locator(".messagelist").inner_text()
    preview = page.frame_locator("iframe.factbox-preview-frame")
    assert "has a strategic partnership with" in preview.locator("body").inner_text()

    page.click("input[name=_workflow_publish]")
    assert "readers now see version 1" in page.locator(".messagelist").inner_text()
    snippet = page.locator("#snippet-placeholder").input_value()
    assert f'<a href="{live_server.url}/embed/factboxes/china-and-russia/">China and Russia</a>' in snippet
    assert f'<script async src="{live_server.url}/embed.js"></script>' in snippet

    page.click("button[data-copy=snippet-placeholder]")
    page.get_by_text("Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == snippet
