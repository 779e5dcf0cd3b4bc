"""Load an export into an empty database."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from newsroom.transfer import reading


class Command(BaseCommand):
    help = (
        "Load a file written by export_newsroom into a freshly migrated database, in one transaction: "
        "every row with its primary key, or nothing if any line is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to read, or - for standard input.")

    def handle(self, *args, path: str, **options):
        started = time.monotonic()
        try:
            if path == "-":
                report = reading.load(sys.stdin)
            else:
                with open(path, encoding="utf-8", newline="") as source:
                    report = reading.load(source)
        except reading.Refused as refused:
            raise CommandError(f"{refused} Nothing was imported.") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"The file is not UTF-8 text ({error.reason}). Nothing was imported.") from None
        except FileNotFoundError:
            raise CommandError(f"No file at {path}.") from None
        rows = sum(report.counts.values())
        note = "" if report.passwords else " The file carried no passwords: set them with changepassword."
        self.stdout.write(self.style.SUCCESS(f"Imported {rows:,} rows in {time.monotonic() - started:.1f} s.{note}"))
