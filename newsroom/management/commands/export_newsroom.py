"""Write the knowledge graph and the editorial record to a JSON Lines file."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.files import replaced_whole
from newsroom.transfer import writing


class Command(BaseCommand):
    help = (
        "Write every actor, tie, claim, source, story, fact box and published version, the feed of changes, "
        "the slug history, the revisions and the accounts to a JSON Lines file (docs/export-format.md). "
        "Password hashes only with --with-passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write, or - for standard output.")
        parser.add_argument(
            "--with-passwords",
            action="store_true",
            help="Carry the accounts' password hashes (for moving the newsroom; without it, nobody can sign in "
            "to the imported copy until given a password).",
        )

    def handle(self, *args, path: str, with_passwords: bool, **options):
        started = time.monotonic()
        if path == "-":
            writing.export(self.stdout, passwords=with_passwords)
            return
        try:
            # Accounts and drafts, password hashes perhaps: for the owner's eyes only.
            with replaced_whole(Path(path), mode=0o600) as out:
                counts = writing.export(out, passwords=with_passwords)
        except FileNotFoundError as error:
            raise CommandError(f"Cannot write {path}: {error}.") from None
        rows = sum(counts.values())
        self.stderr.write(
            f"Exported {rows:,} rows of {len([n for n in counts.values() if n])} tables to {path} "
            f"in {time.monotonic() - started:.1f} s."
        )
