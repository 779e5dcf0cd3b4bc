"""The API's docs page in a real browser: Swagger UI draws every operation from this app alone, and runs them."""

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("starting_vocabulary")]


@pytest.fixture
def docs(live_server, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-summary")
    return page, requested, errors


def test_docs_draw_every_operation_of_the_schema(docs, client):
    page, _requested, errors = docs
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    operations = sum(len(methods) for methods in paths.values())
    assert page.locator(".opblock-get").count() == operations
    assert page.locator(".opblock-post, .opblock-put, .opblock-patch, .opblock-delete").count() == 0
    assert "Newsroom relations API" in page.locator(".info .title").inner_text()
    assert errors == []


def test_docs_load_nothing_from_another_site(docs, live_server):
    page, requested, _errors = docs
    page.wait_for_load_state("networkidle")
    ours = urlsplit(live_server.url).netloc
    assert requested
    assert [url for url in requested if urlsplit(url).netloc != ours and not url.startswith("data:")] == []


def test_a_reader_can_try_an_operation_from_the_docs(docs):
    page, _requested, _errors = docs
    operation = page.locator("#operations-relationship-types-relationship_types_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert "mutual-defence-treaty" in operation.locator(".live-responses-table .microlight").first.inner_text()
