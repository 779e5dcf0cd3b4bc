"""`manage.py serve` started as a deployment starts it, for the tests that speak to it over HTTP."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_settings import ROOT

# Start-up may migrate a fresh database and collects static files; the budget is generous for a busy machine.
STARTUP_SECONDS = 120
STOP_SECONDS = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    # The load balancer terminates TLS and says so; without it production redirects to HTTPS.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@dataclass
class Served:
    url: str
    process: subprocess.Popen
    log: Path


def _answers(url: str, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError):
            if http_get(url)[0] == 200:
                return True
        time.sleep(0.2)
    return False


@contextlib.contextmanager
def serving(env: dict[str, str], log: Path, *, migrate: bool = True) -> Iterator[Served]:
    """``manage.py serve`` with two workers on a free port, with ``env`` and nothing of the test run's
    own environment; answering ``/healthz`` when yielded, stopped (SIGTERM, then SIGKILL) afterwards."""
    port = free_port()
    command = [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    if not migrate:
        command.append("--no-migrate")
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=clean | env, stdout=output, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        if not _answers(f"{served.url}/healthz", process):
            pytest.fail(f"the server did not answer /healthz within {STARTUP_SECONDS} s:\n{log.read_text()}")
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:  # stopping is tests/test_serve.py's subject, not every module's
                process.kill()
                process.wait()
