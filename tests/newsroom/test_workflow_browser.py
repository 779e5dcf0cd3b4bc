"""In a real browser: a reporter submits a story, an editor publishes it from the queue, a reader sees it."""

import pytest

from tests.factories import ArticleFactory, ReporterFactory, RoleEditorFactory
from tests.helpers import signed_in_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("roles", "starting_vocabulary")]


def test_reporter_submits_editor_publishes_reader_reads(new_page, live_server):
    ReporterFactory(username="rita")
    RoleEditorFactory(username="eddie")
    article = ArticleFactory(title="Moscow and Pyongyang sign a defence pact", slug="defence-pact")

    reporter = signed_in_page(new_page, live_server, "rita")
    reporter.goto(f"{live_server.url}/admin/newsroom/article/{article.pk}/change/")
    assert reporter.locator("input[name=_workflow_publish]").count() == 0
    reporter.click("input[name=_workflow_submit]")
    assert "is now in review" in reporter.locator(".messagelist").inner_text()

    editor = signed_in_page(new_page, live_server, "eddie")
    queue = editor.locator("#queue-review")
    assert "submitted by rita" in queue.inner_text()
    queue.get_by_role("link", name="Moscow and Pyongyang sign a defence pact").click()
    editor.click("input[name=_workflow_publish]")
    assert "is now published" in editor.locator(".messagelist").inner_text()

    reader = new_page()
    reader.goto(f"{live_server.url}/")
    reader.get_by_role("link", name="Moscow and Pyongyang sign a defence pact").click()
    assert reader.url.endswith("/stories/defence-pact/")
    assert reader.locator("h1").inner_text() == "Moscow and Pyongyang sign a defence pact"
