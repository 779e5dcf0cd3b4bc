"""Write the public graph as FollowTheMoney entities, one JSON object a line."""

import time
from collections import Counter
from pathlib import Path

import orjson
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.addresses import web_url_validator
from core.files import replaced_whole
from relations import ftm


class Command(BaseCommand):
    help = (
        "Write every public actor, tie, claim and source as FollowTheMoney entities in JSON Lines, "
        "as `ftm` and `alephclient write-entities` read them: to standard output, or to --output. "
        "Nothing unpublished is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", metavar="PATH", help="Write to this file (replaced whole once complete) instead."
        )
        parser.add_argument(
            "--id-prefix",
            metavar="PREFIX",
            help="Start every entity id with this instead of the FTM_ID_PREFIX setting. Keep it from one export "
            "to the next, or a loader holds every entity twice.",
        )
        parser.add_argument(
            "--site-url",
            metavar="URL",
            default="",
            help="The public site's address (https://news.example.org): each actor's page becomes its sourceUrl.",
        )

    def handle(self, *args, output: str | None, id_prefix: str | None, site_url: str, **options):
        if id_prefix is not None and not ftm.ID_PREFIX_RE.fullmatch(id_prefix):
            raise CommandError(f"--id-prefix must be lower-case letters, digits and hyphens, not {id_prefix!r}.")
        if site_url:
            try:
                web_url_validator(site_url)
            except ValidationError as error:
                raise CommandError(f"--site-url: {error.messages[0]}") from None
        started = time.monotonic()
        counts: Counter[str] = Counter()
        entities = ftm.export_entities(prefix=id_prefix, site_url=site_url)
        if output is None:
            for proxy in entities:
                counts[proxy.schema.name] += 1
                self.stdout.write(orjson.dumps(ftm.entity_line(proxy)).decode())
        else:
            self._write_file(Path(output), entities, counts)
        summary = ", ".join(f"{n:,} {schema}" for schema, n in sorted(counts.items()))
        elapsed = time.monotonic() - started
        self.stderr.write(f"Exported {sum(counts.values()):,} entities ({summary or 'none'}) in {elapsed:.1f} s.")

    def _write_file(self, path: Path, entities, counts: Counter) -> None:
        try:
            # The public graph: readable by whoever serves the file.
            with replaced_whole(path, mode=0o644, binary=True) as file:
                for proxy in entities:
                    counts[proxy.schema.name] += 1
                    file.write(orjson.dumps(ftm.entity_line(proxy)))
                    file.write(b"\n")
        except FileNotFoundError as error:
            raise CommandError(f"--output: {error}.") from None
