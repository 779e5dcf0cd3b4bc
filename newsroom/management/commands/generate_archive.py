"""Fill an empty database with a synthetic archive for scale testing (development only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from newsroom import archive


class Command(BaseCommand):
    help = (
        "Write a synthetic archive of N claims, with their actors, relationships, sources, articles in every "
        "workflow state and published fact boxes, then derive the published closure. Refuses a database that "
        "already holds content unless --flush empties it first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, required=True, metavar="N", help="How many claims to write.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed writes the same archive (1).")
        parser.add_argument(
            "--flush", action="store_true", help="Empty the content tables (not accounts, not the vocabulary) first."
        )

    def handle(self, *args, claims: int, seed: int, flush: bool, **options):
        if not settings.DEMO_CONTENT:
            raise CommandError(
                "Demo content is off in these settings: the archive comes with the demo accounts and their "
                "published password. Set DEMO_CONTENT=1 (or DEBUG=1) on a development machine only."
            )
        if claims < 1:
            raise CommandError("--claims must be at least 1.")
        if flush:
            archive.flush()
        elif not archive.is_empty():
            raise CommandError("The database already holds content: run with --flush to replace it.")
        report = archive.Generator(claims=claims, seed=seed, progress=self.stdout.write).run()
        for label, count in sorted(report.rows.items()):
            self.stdout.write(f"{label}: {count:,} rows")
        self.stdout.write(f"{sum(report.rows.values()):,} rows in all")
        for box in report.boxes[:3]:
            self.stdout.write(f"Fact box “{box.title}”: {reverse('embed_factbox', args=[box.slug])}")
        self.stdout.write(self.style.SUCCESS(f"Archive of {claims:,} claims written in {report.seconds:.1f} s."))
