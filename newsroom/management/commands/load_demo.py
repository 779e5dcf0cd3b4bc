"""Load the demo story and the demo newsroom accounts (development only)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from newsroom.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo story, its actors, ties and claims, the fact boxes that run with it, and demo editor, "
        "reporter and fact-checker accounts. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the workspace is served.")

    def handle(self, *args, url: str, **options):
        if not settings.DEMO_CONTENT:
            raise CommandError(
                "Demo content is off in these settings: it creates accounts with a published password. "
                "Set DEMO_CONTENT=1 (or DEBUG=1) on a development machine only."
            )
        try:
            result = load_demo()
        except ValidationError as refused:
            # With PUBLISH_UNVERIFIED=refuse the demo's unverified claims keep its stories from going live.
            raise CommandError(f"The demo could not be published: {' '.join(refused.messages)}") from refused
        self.stdout.write(
            f"Demo content: {result.created} rows created, {result.updated} updated "
            f"({', '.join(f'{article.title} [{_state(article)}]' for article in result.articles)})."
        )
        site = url.rstrip("/")
        for box in result.factboxes:
            self.stdout.write(f"Fact box “{box.title}”: embed at {site}{reverse('embed_factbox', args=[box.slug])}")
        admin_url = f"{site}/admin/"
        for account in DEMO_ACCOUNTS:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo {account.title.lower()}: log in at {admin_url} as {account.username} / {DEMO_PASSWORD}"
                )
            )


def _state(article) -> str:
    if article.is_live:
        return "live"
    if article.is_scheduled:
        return "scheduled"
    return article.get_status_display().lower()
