"""Production servers started as a deployment starts them, and the load put on them."""

from __future__ import annotations

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from newsroom.benchmark.probe import FORWARDED, HOST

STARTUP_SECONDS = 180
# wrk's own default (2 s) would count a slow request as an error instead of measuring it.
WRK_TIMEOUT = "10s"
# Latency percentiles from wrk itself: its text output has no 95th.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCHMARK %d %d %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(*, database_url: str, cache_url: str, static_root: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        # Signs the editor's session: the probe that makes it and the server that reads it share it.
        "SECRET_KEY": os.environ.get("BENCHMARK_SECRET_KEY") or "benchmark-" + os.urandom(24).hex(),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "STATIC_ROOT": str(static_root),
        # Every request comes from one address: the throttle would answer 429 within a second.
        "API_ANON_RATE": "1000000000/second",
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str, env: dict[str, str], timeout: float | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def flush_cache(cache_url: str) -> None:
    """Each scale starts from an empty cache of its own, so neither server is warmed by an earlier run."""
    if cache_url.startswith(("redis://", "rediss://")):
        import redis

        redis.Redis.from_url(cache_url).flushdb()


@dataclass
class Server:
    scale: str
    env: dict[str, str]
    workers: int
    port: int = 0
    process: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        self.log = Path(tempfile.mkstemp(prefix=f"benchmark-{self.scale}-", suffix=".log")[1])
        with self.log.open("w") as output:
            # Migrations are a release step: the probe refused an unmigrated database already.
            args = ["serve", "--bind", f"{HOST}:{self.port}", "--workers", str(self.workers), "--no-migrate"]
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", *args],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if fetch(f"{self.url}/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the {self.scale} server did not answer /healthz:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={**FORWARDED, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@dataclass
class Load:
    """One wrk run: requests/s and latency in milliseconds."""

    rps: float
    p50: float
    p95: float
    max: float
    errors: int


def wrk(url: str, *, headers: dict[str, str], duration: float, connections: int) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    args = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{max(1, round(duration))}s"]
    args += ["--timeout", WRK_TIMEOUT, "-s", script.name]
    for name, value in {**FORWARDED, **headers}.items():
        args += ["-H", f"{name}: {value}"]
    try:
        result = subprocess.run([*args, url], capture_output=True, text=True, timeout=duration + 60)
    finally:
        os.unlink(script.name)
    match = re.search(r"^BENCHMARK ((?:\d+ ?){11})$", result.stdout, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk gave no figures for {url}: {result.stdout}{result.stderr}")
    requests, micros, p50, p95, _p99, longest, *errors = (int(n) for n in match.group(1).split())
    return Load(requests / (micros / 1e6), p50 / 1000, p95 / 1000, longest / 1000, sum(errors))


def sequential(url: str, *, headers: dict[str, str], samples: int, expect: int) -> Load:
    """Timed one at a time, for pages too slow or too personal (a session) to put under load."""
    times, errors = [], 0
    for _ in range(samples):
        start = time.perf_counter()
        status, _body, _headers = fetch(url, headers)
        times.append((time.perf_counter() - start) * 1000)
        errors += status != expect
    return summarise(times, errors)


def summarise(times_ms: list[float], errors: int = 0) -> Load:
    ordered = sorted(times_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return Load(1000 / statistics.mean(ordered), statistics.median(ordered), p95, ordered[-1], errors)


def median_load(loads: list[Load]) -> Load:
    """The median of each figure over runs; the longest request of any run, and every error."""
    return Load(
        statistics.median(load.rps for load in loads),
        statistics.median(load.p50 for load in loads),
        statistics.median(load.p95 for load in loads),
        max(load.max for load in loads),
        sum(load.errors for load in loads),
    )


@dataclass
class Scale:
    name: str
    database_url: str
    cache_url: str
    static_root: Path
    env: dict[str, str] = field(default_factory=dict)
    probe: dict = field(default_factory=dict)
    server: Server | None = None


def run_probe(scale: Scale, *, samples: int, with_admin: bool, with_publishing: bool, log) -> None:
    args = ["benchmark", "--probe", "--samples", str(samples)]
    args += [*(["--probe-admin"] if with_admin else []), *(["--probe-publishing"] if with_publishing else [])]
    collected = manage("collectstatic", "--noinput", "--verbosity", "0", env=scale.env)
    if collected.returncode:
        raise RuntimeError(f"collectstatic failed for {scale.name}:\n{collected.stderr}")
    log(f"{scale.name}: finding targets and counting queries in {scale.database_url.rsplit('/', 1)[-1]}…")
    result = manage(*args, env=scale.env)
    if result.returncode:
        raise RuntimeError(f"probing the {scale.name} database failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    scale.probe = json.loads(result.stdout.strip().splitlines()[-1])


def run_cleanup(scale: Scale) -> None:
    session = scale.probe.get("session")
    if session:
        args = ["benchmark", "--cleanup-session", session["key"]]
        if session["created_user"]:
            args += ["--cleanup-user", str(session["user"])]
        manage(*args, env=scale.env)
