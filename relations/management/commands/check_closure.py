"""Compare the maintained published closure with the one derived from the roots, and repair drift."""

import time

from django.core.management.base import BaseCommand, CommandError

from relations import closure


class Command(BaseCommand):
    help = (
        "Compare every stored public_from and actor count, and the feed of changes' due moments and "
        "positions, with what live content derives, and, with --repair, write the derived values. "
        "Exits with status 1 when it finds drift it did not repair."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Write the derived values where they differ.")
        parser.add_argument(
            "--show", type=int, default=10, metavar="N", help="List up to N rows of each kind that differ (10)."
        )

    def handle(self, *args, repair: bool, show: int, **options):
        started = time.monotonic()
        drift = closure.check(repair=repair)
        for kind, rows in drift.moments.items():
            for pk, (stored, derived) in list(rows.items())[:show]:
                self.stdout.write(f"{kind} {pk}: public_from {_moment(stored)}, derived {_moment(derived)}")
        for pk, (stored, derived) in list(drift.counts.items())[:show]:
            self.stdout.write(f"actor {pk}: counts (claims, relationships) {stored}, derived {derived}")
        for pk, (stored, derived) in list(drift.feed.items())[:show]:
            self.stdout.write(f"feed entry {pk}: due {_moment(stored)}, derived {_moment(derived)}")
        for pk in sorted(drift.misplaced)[:show]:
            self.stdout.write(f"feed entry {pk}: placed in the feed though not visible")
        summary = ", ".join(f"{kind} {n}" for kind, n in drift.summary().items())
        elapsed = time.monotonic() - started
        if not drift:
            self.stdout.write(self.style.SUCCESS(f"The closure matches what live content derives ({elapsed:.1f} s)."))
        elif repair:
            self.stdout.write(self.style.WARNING(f"Repaired: {summary} ({elapsed:.1f} s)."))
        else:
            raise CommandError(f"The closure has drifted: {summary}. Run check_closure --repair.", returncode=1)


def _moment(value) -> str:
    return value.isoformat() if value else "never"
