"""Serve the site in production: migrate, collect static files, then become the WSGI server."""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def default_workers() -> int:
    """Two sync workers per core, plus one: a core stays busy while a worker waits on the database."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 * cores + 1


class Command(BaseCommand):
    help = (
        "Run the site in production: apply migrations, collect static files, then serve with gunicorn "
        "(sync workers, as many as WEB_CONCURRENCY or two per core plus one). Refuses to run with DEBUG on. "
        "The process becomes gunicorn's master: SIGTERM stops it gracefully, SIGINT at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="host:port (or unix:/path) to listen on. Default: 127.0.0.1:8000."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes. Default: WEB_CONCURRENCY if set, else two per core plus one.",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_false",
            dest="migrate",
            help="Do not apply migrations (when a release step applies them once for several hosts).",
        )

    def handle(self, *, bind: str, workers: int | None, migrate: bool, verbosity: int, **options) -> None:
        if settings.DEBUG:
            raise CommandError("DEBUG is on: serve runs the production server. Unset DEBUG, or use `make run`.")
        if not settings.ALLOWED_HOSTS:
            raise CommandError(
                "ALLOWED_HOSTS is empty, so every request would answer 400: set it to the host names "
                "the site answers to, e.g. ALLOWED_HOSTS=news.example.org."
            )
        if workers is None:
            concurrency = os.environ.get("WEB_CONCURRENCY", "")
            if concurrency and not concurrency.isdigit():
                raise CommandError(f"WEB_CONCURRENCY must be a number of workers, not {concurrency!r}.")
            workers = int(concurrency) if concurrency else default_workers()
        if workers < 1:
            raise CommandError("There must be at least one worker (--workers, WEB_CONCURRENCY).")

        if migrate:
            call_command("migrate", interactive=False, verbosity=verbosity)
        # The manifest storage answers 500 for every page that links a static file it has not collected.
        call_command("collectstatic", interactive=False, verbosity=verbosity)

        # Each worker is a process of its own: a local-memory cache would not see another's writes
        # (throttle counts, invalidations). A file-based one is shared on this host; several hosts need Redis.
        if "CACHE_URL" not in os.environ:
            os.environ["CACHE_URL"] = f"filecache://{settings.DATA_DIR / 'cache'}"

        # The server starts from a fresh interpreter: no connection of this one may leak into its workers.
        connections.close_all()
        self.stdout.write(f"Serving on {bind} with {workers} workers (cache: {os.environ['CACHE_URL'].split(':')[0]}).")
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--chdir",
                str(settings.BASE_DIR),
                "--bind",
                bind,
                "--workers",
                str(workers),
                # Its default path is per user, so a second server on the host would take over the first's.
                "--no-control-socket",
            ],
        )
