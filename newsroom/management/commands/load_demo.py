"""Load the demo story and the demo editor account (development only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.demo import DEMO_EDITOR_PASSWORD, DEMO_EDITOR_USERNAME, load_demo


class Command(BaseCommand):
    help = "Load the demo story, its actors, ties and claims, and a demo editor account. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the workspace is served.")

    def handle(self, *args, url: str, **options):
        if not settings.DEMO_CONTENT:
            raise CommandError(
                "Demo content is off in these settings: it creates an editor with a published password. "
                "Set DEMO_CONTENT=1 (or DEBUG=1) on a development machine only."
            )
        result = load_demo()
        self.stdout.write(
            f"Demo content: {result.created} rows created, {result.updated} updated "
            f"({', '.join(article.title for article in result.articles)})."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo editor: log in at {url.rstrip('/')}/admin/ as {DEMO_EDITOR_USERNAME} / {DEMO_EDITOR_PASSWORD}"
            )
        )
