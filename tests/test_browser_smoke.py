"""An editor signs in to the workspace in a real browser."""

import pytest

from tests.factories import EditorFactory


@pytest.mark.django_db(transaction=True)
def test_editor_signs_in_through_the_login_form(live_server, page):
    EditorFactory(username="desk", password="correct horse battery staple")
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    assert "Editorial workspace" in page.title()
