"""Signing in to the admin: wrong passwords for one account from one address pause that account there."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import EditorFactory
from tests.helpers import signs_in

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-correct-password"
HERE = {"REMOTE_ADDR": "203.0.113.10"}
ELSEWHERE = {"REMOTE_ADDR": "203.0.113.20"}


@pytest.fixture
def staff():
    user = EditorFactory(username="desk")
    user.set_password(PASSWORD)
    user.save()
    return user


def _fail(client, username: str, times: int, **request):
    for _ in range(times):
        assert not signs_in(client, username, "wrong", **request)


def test_sixty_wrong_passwords_then_the_right_one_does_not_sign_in(client, settings, staff):
    _fail(client, "desk", 60, **HERE)
    response = client.post(reverse("admin:login"), {"username": "desk", "password": PASSWORD}, **HERE)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_says_what_happened_for_how_long_and_what_to_do(client, settings, staff):
    _fail(client, "desk", settings.AXES_FAILURE_LIMIT, **HERE)
    response = client.post(reverse("admin:login"), {"username": "desk", "password": PASSWORD}, **HERE)
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    text = response.content.decode()
    assert "Signing in is paused" in text
    assert f"wrong {settings.AXES_FAILURE_LIMIT} times in a row" in text
    assert "<strong>desk</strong> from here is paused for 15 minutes" in text
    assert "Other accounts are not affected" in text
    assert "Newsroom relations workspace" in text  # the admin's own page, not a bare message


def test_below_the_limit_the_right_password_signs_in_and_clears_the_count(client, settings, staff):
    _fail(client, "desk", settings.AXES_FAILURE_LIMIT - 1, **HERE)
    assert signs_in(client, "desk", PASSWORD, **HERE)
    client.logout()
    # The count started again: as many failures again still leave one more try.
    _fail(client, "desk", settings.AXES_FAILURE_LIMIT - 1, **HERE)
    assert signs_in(client, "desk", PASSWORD, **HERE)


def test_the_pause_is_of_one_account_from_one_address(client, settings, staff):
    colleague = EditorFactory(username="colleague")
    colleague.set_password(PASSWORD)
    colleague.save()
    _fail(client, "desk", settings.AXES_FAILURE_LIMIT, **HERE)
    assert not signs_in(client, "desk", PASSWORD, **HERE)
    assert signs_in(client, "colleague", PASSWORD, **HERE)
    client.logout()
    assert signs_in(client, "desk", PASSWORD, **ELSEWHERE)


def test_the_pause_ends_after_the_cool_off(client, settings, staff):
    _fail(client, "desk", settings.AXES_FAILURE_LIMIT, **HERE)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert signs_in(client, "desk", PASSWORD, **HERE)


def test_an_administrator_lifts_the_pause_in_the_admin(client, settings, staff):
    _fail(client, "desk", settings.AXES_FAILURE_LIMIT, **HERE)
    admin = get_user_model().objects.create_superuser("chief", "chief@example.org", PASSWORD)
    boss = type(client)()
    boss.force_login(admin)
    changelist = boss.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and "desk" in changelist.content.decode()
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="desk")
    response = boss.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert signs_in(client, "desk", PASSWORD, **HERE)


def test_an_administrator_lifts_the_pause_from_the_command_line(client, settings, staff):
    _fail(client, "desk", settings.AXES_FAILURE_LIMIT, **HERE)
    call_command("axes_reset_username", "desk", stdout=io.StringIO())
    assert signs_in(client, "desk", PASSWORD, **HERE)


def test_with_no_proxy_configured_a_forwarded_for_header_does_not_escape_the_pause(client, settings, staff):
    for n in range(settings.AXES_FAILURE_LIMIT):
        assert not signs_in(client, "desk", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}", **HERE)
    assert not signs_in(client, "desk", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99", **HERE)


def test_behind_a_proxy_the_pause_is_of_the_address_the_proxy_saw(client, settings, staff):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    _fail(client, "desk", settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="198.51.100.7", **balancer)
    # What a client writes before the address the balancer appends changes nothing.
    forged = "192.0.2.1, 198.51.100.7"
    assert not signs_in(client, "desk", PASSWORD, HTTP_X_FORWARDED_FOR=forged, **balancer)
    # Another reader behind the same balancer is not paused.
    assert signs_in(client, "desk", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8", **balancer)
