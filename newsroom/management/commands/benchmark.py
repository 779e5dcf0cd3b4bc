"""Run the production server at two archive sizes side by side and print how each endpoint scales."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom.benchmark import drive, probe, report
from newsroom.benchmark.report import Row

SMALL = "postgres://postgres@127.0.0.1:5432/nrbench_1k"
LARGE = "postgres://postgres@127.0.0.1:5432/nrbench_1m"
STATIC_TWIN = "benchmark/embed-twin.html"
STATIC_NAME = "static file, same size as the embed"


class Command(BaseCommand):
    help = (
        "Benchmark the production server (manage.py serve) on two PostgreSQL databases, a small and a large "
        "archive, both served at once and loaded alternately: requests/s and p50/p95 of each public endpoint "
        "(wrk), the hot embed against a static file of its size, admin pages and publishing. Prints Markdown "
        "tables with the ratio large/small, the query counts and whether each target is met. Leaves the "
        "databases as it found them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--small", default=SMALL, help=f"Database URL of the small archive. Default: {SMALL}.")
        parser.add_argument("--large", default=LARGE, help=f"Database URL of the large archive. Default: {LARGE}.")
        parser.add_argument("--duration", type=float, default=5, help="Seconds per wrk run. Default: 5.")
        parser.add_argument("--connections", type=int, default=4, help="wrk's open connections. Default: 4.")
        parser.add_argument(
            "--runs", type=int, default=3, help="Runs per endpoint and scale, alternating servers; medians. Default: 3."
        )
        parser.add_argument(
            "--samples", type=int, default=10, help="Requests per admin page, publications per kind. Default: 10."
        )
        parser.add_argument("--workers", type=int, default=2, help="Workers of each server. Default: 2.")
        parser.add_argument("--cache-small", default="redis://127.0.0.1:6379/5", help="CACHE_URL of the small server.")
        parser.add_argument("--cache-large", default="redis://127.0.0.1:6379/6", help="CACHE_URL of the large server.")
        parser.add_argument("--output", help="Also write the tables to this Markdown file.")
        parser.add_argument(
            "--only",
            help="Comma-separated groups (api, pages, embed, admin, publishing) or parts of endpoint names, "
            "e.g. --only 'api,front page'.",
        )
        # Internal: each database is read by a process of its own, started by the command itself.
        parser.add_argument("--probe", action="store_true", help="(internal)")
        parser.add_argument("--probe-admin", action="store_true", help="(internal)")
        parser.add_argument("--probe-publishing", action="store_true", help="(internal)")
        parser.add_argument("--cleanup-session", help="(internal)")
        parser.add_argument("--cleanup-user", type=int, help="(internal)")

    def handle(self, **options):
        if options["probe"]:
            try:
                found = probe.probe(
                    samples=options["samples"],
                    with_admin=options["probe_admin"],
                    with_publishing=options["probe_publishing"],
                )
            except probe.ProbeError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(json.dumps(found))
            return
        if options["cleanup_session"]:
            probe.cleanup(session_key=options["cleanup_session"], user=options["cleanup_user"])
            return
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (apt-get install wrk).")
        if options["runs"] < 1 or options["connections"] < 1 or options["samples"] < 1:
            raise CommandError("--runs, --connections and --samples must be at least 1.")
        self.options = options
        self.only = [token.strip().lower() for token in (options["only"] or "").split(",") if token.strip()]
        with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
            table = self.benchmark(Path(tmp))
        self.stdout.write(table)
        if options["output"]:
            Path(options["output"]).write_text(table + "\n")

    def log(self, message: str) -> None:
        self.stderr.write(message)

    def selected(self, name: str, group: str) -> bool:
        return not self.only or any(token == group or token in name.lower() for token in self.only)

    def wants(self, group: str) -> bool:
        return not self.only or any(token.startswith(group[:5]) for token in self.only)

    def benchmark(self, tmp: Path) -> str:
        options = self.options
        # One key for both scales' probes and servers: the probe signs the editor's session.
        os.environ.setdefault("BENCHMARK_SECRET_KEY", "benchmark-" + os.urandom(24).hex())
        scales = []
        for name, url, cache in [
            ("small", options["small"], options["cache_small"]),
            ("large", options["large"], options["cache_large"]),
        ]:
            scale = drive.Scale(name, url, cache, tmp / f"static-{name}")
            scale.env = drive.production_env(database_url=url, cache_url=cache, static_root=scale.static_root)
            scales.append(scale)
        try:
            # Each probe is a process of its own on a database of its own: they need not wait for each other.
            with ThreadPoolExecutor(len(scales)) as pool:
                probing = [
                    pool.submit(
                        drive.run_probe,
                        scale,
                        samples=options["samples"],
                        with_admin=self.wants("admin"),
                        with_publishing=self.wants("publishing"),
                        log=self.log,
                    )
                    for scale in scales
                ]
                for future in probing:
                    future.result()
            for scale in scales:
                # The same bytes as the embed, served by WhiteNoise from the same server.
                twin = scale.static_root / STATIC_TWIN
                twin.parent.mkdir(parents=True, exist_ok=True)
                twin.write_text(scale.probe["embed"]["body"])
                drive.flush_cache(scale.cache_url)
                scale.server = drive.Server(scale.name, scale.env, options["workers"])
                scale.server.start()
            for scale in scales:
                scale.server.wait()
            started = datetime.datetime.now(datetime.UTC)
            public = self.measure_public(scales)
            admin = self.measure_admin(scales)
        finally:
            for scale in scales:
                if scale.server is not None:
                    scale.server.stop()
                drive.run_cleanup(scale)
        publishing = self.publishing_rows(scales)
        header = self.header(scales, started)
        embeds = {row.name: row for row in public if row.group == "embed"}
        return report.render(header=header, public=public, embeds=embeds, admin=admin, publishing=publishing)

    def header(self, scales, started) -> list[str]:
        options = self.options
        small, large = (scale.probe for scale in scales)
        load = os.getloadavg()
        return [
            f"Benchmark of {started:%Y-%m-%d %H:%M} UTC: small = {small['database']} ({small['claims']:,} claims), "
            f"large = {large['database']} ({large['claims']:,} claims).",
            "",
            f"Each server: `manage.py serve --workers {options['workers']}`, production settings, its own Redis "
            f"cache. wrk: {options['connections']} connections, {options['duration']:g} s per run, "
            f"{options['runs']} runs per endpoint alternating the servers (medians; slowest is the longest request "
            f"of any run). {os.cpu_count()} cores, load average {load[0]:.1f} at the end. Latencies in ms.",
            "",
            f"Best-connected actor: `{small['found']['actor']}` ({small['found']['actor_published_claims']:,} "
            f"published claims) / `{large['found']['actor']}` ({large['found']['actor_published_claims']:,}); "
            f"story `{small['found']['story']}` / `{large['found']['story']}`; "
            f"fact box `{small['found']['factbox']}` / `{large['found']['factbox']}`.",
        ]

    def public_targets(self, scale) -> dict[str, dict]:
        targets = {target["name"]: target for target in scale.probe["public"]}
        path = f"/static/{STATIC_TWIN}"
        targets[STATIC_NAME] = {"name": STATIC_NAME, "group": "embed", "path": path, "headers": {}, "expect": 200}
        status, _body, headers = drive.fetch(scale.server.url + path)
        if status == 200 and headers.get("ETag"):
            targets[f"{STATIC_NAME}, 304"] = {
                "name": f"{STATIC_NAME}, 304",
                "group": "embed",
                "path": path,
                "headers": {"If-None-Match": headers["ETag"]},
                "expect": 304,
            }
        return targets

    def rows(self, scales, kind: str) -> tuple[list[Row], list[dict[str, dict]]]:
        per_scale = [
            self.public_targets(scale) if kind == "public" else {t["name"]: t for t in scale.probe.get("admin", [])}
            for scale in scales
        ]
        rows = []
        for name, target in per_scale[0].items():
            if name not in per_scale[1] or not self.selected(name, target["group"]):
                continue
            row = Row(name, target["group"], search=target.get("search", False))
            row.queries = tuple(targets[name].get("queries") for targets in per_scale)
            first = name.replace(f"page {probe.DEEP_PAGE}", "first page")
            if first != name and all(t[name]["path"] == t.get(first, {}).get("path") for t in per_scale):
                # A list of one page has no deep page: measuring its first page again would say nothing new.
                row.skip = "one page at both scales"
            row.notes = [
                f"{s.name}: {t[name]['note']}" for s, t in zip(scales, per_scale, strict=True) if t[name].get("note")
            ]
            rows.append(row)
        return rows, per_scale

    def measure_public(self, scales) -> list[Row]:
        options = self.options
        rows, per_scale = self.rows(scales, "public")
        for row in rows:
            if row.skip:
                continue
            self.log(f"{row.name}…")
            loads = {scale.name: [] for scale in scales}
            broken = set()
            for run in range(options["runs"]):
                order = list(zip(scales, per_scale, strict=True))
                for scale, targets in order if run % 2 == 0 else reversed(order):
                    target = targets[row.name]
                    url = scale.server.url + target["path"]
                    if run == 0:
                        status = drive.fetch(url, target["headers"])[0]
                        if status != target["expect"]:
                            row.problems.append(f"{scale.name} answered {status}")
                            broken.add(scale.name)
                    if scale.name in broken:
                        continue
                    loads[scale.name].append(
                        drive.wrk(
                            url,
                            headers=target["headers"],
                            duration=options["duration"],
                            connections=options["connections"],
                        )
                    )
            row.small, row.large = (drive.median_load(loads[s.name]) if loads[s.name] else None for s in scales)
        return rows

    def measure_admin(self, scales) -> list[Row]:
        if not self.wants("admin"):
            return []
        rows, per_scale = self.rows(scales, "admin")
        for row in rows:
            self.log(f"{row.name}…")
            loads = []
            for scale, targets in zip(scales, per_scale, strict=True):
                cookie = {"Cookie": f"sessionid={scale.probe['session']['key']}"}
                loads.append(
                    drive.sequential(
                        scale.server.url + targets[row.name]["path"],
                        headers=cookie,
                        samples=self.options["samples"],
                        expect=200,
                    )
                )
            row.small, row.large = loads
        return rows

    def publishing_rows(self, scales) -> list[Row]:
        if not self.wants("publishing"):
            return []
        small, large = (scale.probe.get("publishing", []) for scale in scales)
        rows = []
        for small_kind, large_kind in zip(small, large, strict=True):
            row = Row(large_kind["name"], "publishing")
            row.small = drive.summarise(small_kind["times_ms"])
            row.large = drive.summarise(large_kind["times_ms"])
            row.queries = (small_kind["queries"], large_kind["queries"])
            row.notes = [f"small: {small_kind['detail']}", f"large: {large_kind['detail']}"]
            rows.append(row)
        return rows
