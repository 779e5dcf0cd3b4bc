"""Production settings come from the environment and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "SECRET_KEY": "k3!p9-production-like-secret-with-enough-length-and-variety-0xA1b2C3d4",
    "ALLOWED_HOSTS": "news.example.org",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Nothing of the test run's own environment may leak into "production".
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(("debug", "expected"), [("0", False), ("1", True)])
def test_demo_content_follows_debug_unless_set(debug, expected):
    env = PRODUCTION | {"DEBUG": debug}
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.DEMO_CONTENT)", env=env)
    assert result.stdout.strip().splitlines()[-1] == str(expected), result.stderr


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    script = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = _manage("shell", "-c", script, env=PRODUCTION)
    assert result.stdout.strip().splitlines()[-1] == "60 True", result.stderr


def test_publishing_unverified_claims_is_asked_about_unless_refused_and_nothing_else_is_accepted():
    script = "from django.conf import settings; print(settings.PUBLISH_UNVERIFIED)"
    assert _manage("shell", "-c", script, env=PRODUCTION).stdout.strip().splitlines()[-1] == "confirm"
    refusing = _manage("shell", "-c", script, env=PRODUCTION | {"PUBLISH_UNVERIFIED": "refuse"})
    assert refusing.stdout.strip().splitlines()[-1] == "refuse"
    result = _manage("check", env=PRODUCTION | {"PUBLISH_UNVERIFIED": "ask"})
    assert result.returncode != 0
    assert "PUBLISH_UNVERIFIED must be confirm or refuse" in result.stderr
