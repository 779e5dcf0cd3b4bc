"""A synthetic newsroom archive for scale testing (``manage.py generate_archive``).

For ``claims`` claims it writes about claims/20 actors with aliases, claims/8
relationships, claims/4 sources, claims/10 articles in every workflow state, the
claims' links (about 1.9 actors, 0.96 relationships and 1.1 citations each) and
claims/100 fact boxes. Rows are written around the services, in bulk (COPY on
PostgreSQL), with every field the services would have set: workflow timestamps,
versions, audit events and the public feed (each entry due at its time). Twenty
fact boxes are published through the real publish service; the rest are copies
of them, with their versions, references and events as that service leaves
them. The published closure is then derived whole (``relations.closure.rebuild``),
and with it the feed's positions, given to the entries due by now in the order
they fell due.

The same seed gives the same archive; dates are relative to the day it runs.
"""

from __future__ import annotations

import bisect
import datetime
import html
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from newsroom import archive_words as words
from newsroom import roles
from newsroom.demo import DEMO_ACCOUNTS, DemoResult, demo_user
from newsroom.factboxes import payload
from newsroom.factboxes.services import factbox_publish, factbox_start_relationship_map, factbox_unverified_claims
from newsroom.factboxes.snapshots import forget_review_state
from newsroom.models import (
    Article,
    ArticleClaim,
    ArticleDraft,
    ArticleDraftClaim,
    ArticleEvent,
    Correction,
    FactBox,
    FactBoxEvent,
    FactBoxItem,
    FactBoxPlacement,
    FactBoxReference,
    FactBoxVersion,
    PreviewLink,
)
from newsroom.richtext import sanitise
from relations import closure, dates
from relations.mentions import forget_index
from relations.models import (
    Actor,
    ActorAlias,
    Claim,
    ClaimReach,
    ClaimRelationship,
    PublicChange,
    Relationship,
    RelationshipType,
    Source,
)

SAMPLE_BOXES = 20
YEARS = 10
# Rows per COPY (or per executemany on SQLite): large enough that statements cost nothing, small
# enough that the buffered rows of every table stay a few hundred megabytes at a million claims.
BATCH = 20_000

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


class ArchiveNotEmpty(Exception):
    pass


def content_models() -> list[type[models.Model]]:
    """Every table the archive fills, children first."""
    return [
        PreviewLink,
        ArticleDraftClaim,
        ArticleDraft.actors.through,
        ArticleDraft,
        ArticleEvent,
        Correction,
        FactBoxEvent,
        FactBoxPlacement,
        FactBoxReference,
        FactBoxItem,
        FactBoxVersion,
        FactBox,
        ArticleClaim,
        Article.actors.through,
        Article,
        ClaimReach,
        ClaimRelationship,
        Claim.actors.through,
        Claim.sources.through,
        Claim,
        Source,
        Relationship,
        ActorAlias,
        Actor,
        PublicChange,
    ]


def is_empty() -> bool:
    return not any(model.objects.exists() for model in content_models())


def flush() -> None:
    """Empty the content tables, and the revisions of their rows, keeping accounts and the vocabulary."""
    from reversion.models import Revision, Version

    tables = [model._meta.db_table for model in content_models()]
    quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Checks still deferred from earlier writes in the same transaction (a test's) would block TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        versioned = [model for model in content_models() if not model._meta.auto_created]
        types = ContentType.objects.get_for_models(*versioned).values()
        Version.objects.filter(content_type__in=list(types)).delete()
        Revision.objects.filter(version__isnull=True).delete()


# --- Writing rows in bulk -----------------------------------------------------------------


class _Writer:
    """Rows of one model as tuples of its fields' values, in the order ``fields`` names them.

    PostgreSQL takes them through COPY. On SQLite they are inserted with executemany after each
    field's own conversion: ``bulk_create`` would stamp every row's created_at and updated_at with
    the moment of the insert (``auto_now``), where an archive needs ten years of them."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.rows: Counter[str] = Counter()

    def write(self, model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> None:
        meta = model._meta
        columns = [meta.get_field(name) for name in fields]
        table = connection.ops.quote_name(meta.db_table)
        names = ", ".join(connection.ops.quote_name(column.column) for column in columns)
        count = 0
        with connection.cursor() as cursor:
            if self.postgres:
                from psycopg.types.json import Jsonb

                json = [i for i, column in enumerate(columns) if isinstance(column, models.JSONField)]
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        if json:
                            row = list(row)
                            for i in json:
                                row[i] = Jsonb(row[i])
                        copy.write_row(row)
                        count += 1
            else:
                sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
                preps = [column.get_db_prep_save for column in columns]
                batch = []
                for row in rows:
                    batch.append([prep(value, connection) for prep, value in zip(preps, row, strict=True)])
                    if len(batch) >= BATCH:
                        cursor.executemany(sql, batch)
                        count, batch = count + len(batch), []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.rows[meta.label] += count

    def reset_sequences(self, *models_: type[models.Model]) -> None:
        """Point the id sequences past the ids written explicitly, for rows the ORM adds next."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
                cursor.execute(sql)


class _Buffer:
    """Rows of several tables collected together and written table by table, parents first."""

    def __init__(self, writer: _Writer, tables: list[tuple[type[models.Model], list[str]]]) -> None:
        self.writer = writer
        self.tables = tables
        self.rows: dict[type[models.Model], list[tuple]] = {model: [] for model, _fields in tables}

    def __getitem__(self, model: type[models.Model]) -> list[tuple]:
        return self.rows[model]

    def flush(self) -> None:
        for model, fields in self.tables:
            if self.rows[model]:
                self.writer.write(model, fields, self.rows[model])
                self.rows[model] = []


# --- The archive --------------------------------------------------------------------------


@dataclass
class Report:
    phases: list[tuple[str, float]] = field(default_factory=list)
    rows: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    boxes: list[FactBox] = field(default_factory=list)


@dataclass
class _Article:
    """An article planned before its claims are written: its state and dates decide theirs."""

    pk: int
    created: datetime.datetime
    state: str  # draft, in_review, published, scheduled, withdrawn
    publish_at: datetime.datetime | None
    cited: int = 0  # citations written so far: the next one's position


class Generator:
    def __init__(self, *, claims: int, seed: int, progress: Callable[[str], None] | None = None) -> None:
        self.n = claims
        self.rng = random.Random(seed)
        self.progress = progress or (lambda message: None)
        self.now = timezone.now()
        self.today = self.now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.start = self.today - YEARS * 365 * DAY
        self.writer = _Writer()
        self.report = Report()
        # Sizes, from the issue: about one actor per 20 claims, one article per 10, one fact box per 100.
        self.actor_count = max(claims // 20, len(words.COUNTRIES) + len(words.BLOCS) + 40)
        self.relationship_count = max(claims // 8, 60)
        self.source_count = max(claims // 4, 30)
        self.article_count = max(claims // 10, 10)
        self.box_count = max(claims // 100, SAMPLE_BOXES)

    @contextmanager
    def _phase(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        yield
        elapsed = time.monotonic() - started
        self.report.phases.append((name, elapsed))
        self.progress(f"{name}: {elapsed:.1f} s")

    def run(self) -> Report:
        started = time.monotonic()
        with transaction.atomic():
            with self._phase("accounts"):
                self._accounts()
            # On PostgreSQL the loaded tables' secondary indexes are built after the load, each in one
            # sorted pass, instead of taking the rows one by one: at 100,000 claims the whole archive
            # took 82 s that way against 124 s with every index in place (the claims' phase 28 s
            # against 57 s: each row went into a dozen indexes, the trigram ones dearest). The trigram
            # indexes, which nothing here reads, come last, after the closure has written its
            # moments, since a rewritten row goes into every index of its table again.
            dropped = self._drop_secondary_indexes()
            trigram = [(name, sql) for name, sql in dropped if " USING gin " in sql]
            with self._phase("actors and aliases"):
                self._actors()
            with self._phase("relationships"):
                self._relationships()
            with self._phase("sources"):
                self._sources()
            with self._phase("claims, articles and their links"):
                self._claims_and_articles()
                self.writer.reset_sequences(Actor, Relationship, Source, Claim, Article)
            with self._phase(f"foreign keys checked, {len(dropped) - len(trigram)} indexes created again, statistics"):
                self._create_indexes([index for index in dropped if index not in trigram])
                self._analyze()
            with self._phase("sample fact boxes, published through the service"):
                self._sample_boxes()
            with self._phase("fact box copies"):
                self._box_copies()
                self.writer.reset_sequences(FactBox, FactBoxVersion)
                self._analyze()
            with self._phase("published closure (rebuild)"):
                closure.rebuild()
            with self._phase(f"trigram indexes ({len(trigram)} created again)"):
                self._create_indexes(trigram)
        # A caller's transaction (a test's) leaves that to autovacuum.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with self._phase("vacuum and statistics"):
                self._vacuum()
        with self._phase("counting rows"):
            # Counted in the tables: the services and the closure wrote rows of their own.
            for model in content_models():
                self.report.rows[model._meta.label] = model.objects.count()
        # Whatever an earlier archive left in the caches describes rows that are gone.
        forget_review_state()
        forget_index()
        self.report.seconds = time.monotonic() - started
        return self.report

    def _drop_secondary_indexes(self) -> list[tuple[str, str]]:
        """On PostgreSQL, drop the bulk-loaded tables' secondary indexes for the load; returns their
        definitions, to create them again after it exactly as the migrations left them. Indexes that
        back a constraint (primary keys, unique constraints) stay. See ``run`` for why."""
        if connection.vendor != "postgresql":
            return []
        tables = [model._meta.db_table for model in content_models() if model not in _NOT_BULK_LOADED]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid)
                FROM pg_index index JOIN pg_class tab ON tab.oid = index.indrelid
                WHERE tab.relname = ANY(%s) AND pg_table_is_visible(tab.oid) AND NOT index.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = index.indexrelid)
                ORDER BY 1
                """,
                [tables],
            )
            definitions = cursor.fetchall()
            for name, _definition in definitions:
                cursor.execute(f"DROP INDEX {name}")
        return definitions

    def _create_indexes(self, definitions: list[tuple[str, str]]) -> None:
        if not definitions:
            return
        with connection.cursor() as cursor:
            # A table with foreign key checks still pending takes no new index: run them now (they
            # would run at commit anyway), then defer what follows again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # A trigram index builds in memory when it has room.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _name, definition in definitions:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def _analyze(self) -> None:
        """Statistics for the tables just filled: autovacuum cannot see rows of a transaction still open,
        and the closure's statements, planned for empty tables, would scan a table once per row."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in content_models():
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def _vacuum(self) -> None:
        """What autovacuum would do in its own time, before anything measures the archive: statistics
        for the closure's moments, written after the last ANALYZE (planned on the old ones, a filter
        on ``public_from`` was taken to match a handful of rows where it matches nearly all), and
        the visibility map that lets a count read an index alone. Outside the load's transaction,
        as VACUUM must be."""
        with connection.cursor() as cursor:
            for model in content_models():
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")

    # --- Helpers ---

    def _moment(self, fraction: float) -> datetime.datetime:
        """A moment ``fraction`` of the way through the archive's ten years, at a working hour."""
        day = self.start + int(fraction * YEARS * 365) * DAY
        return day + datetime.timedelta(hours=self.rng.randint(6, 21), minutes=self.rng.randint(0, 59))

    def _past(self, moment: datetime.datetime) -> datetime.datetime:
        return min(moment, self.today - HOUR)

    def _format(self, template: str, s: int, o: int | None, when: datetime.datetime) -> str:
        rng = self.rng
        return template.format(
            s=self.names[s],
            o=self.names[o] if o else "its neighbours",
            n=rng.randint(2, 40),
            m=rng.randint(41, 90),
            year=when.year,
            month=words.MONTHS[when.month - 1],
            nth=rng.choice(words.ORDINALS),
            weapon=rng.choice(words.WEAPONS),
            capital=rng.choice(words.COUNTRIES)[1],
        )

    # --- Accounts ---

    def _accounts(self) -> None:
        """The demo's three staff accounts, each with its role's group only: the admin is benchmarked as them."""
        users = {}
        for account in DEMO_ACCOUNTS:
            user = demo_user(account, DemoResult())
            users[account.role] = user
        self.editor, self.reporter, self.factchecker = (
            users[roles.EDITOR],
            users[roles.REPORTER],
            users[roles.FACT_CHECKER],
        )

    # --- Actors ---

    def _actors(self) -> None:
        rng = self.rng
        kinds = Actor.Kind
        self.names: list[str] = [""]  # by id
        self.countries: list[int] = []
        self.blocs: list[int] = []
        self.people: list[int] = []
        self.organisations: list[int] = []
        self.armed_groups: list[int] = []
        rows, aliases = [], []
        slugs: set[str] = set()

        def add(kind: str, name: str, description: str, alias: str, bucket: list[int]) -> None:
            pk = len(self.names)
            slug = slugify(name)[:180] or "actor"
            if slug in slugs:
                slug = f"{slug}-{pk}"
            slugs.add(slug)
            created = self.start - rng.randint(30, 900) * DAY
            rows.append((pk, kind, name, slug, description, "", 0, 0, None, 1, created, created))
            if alias and alias.casefold() != name.casefold():
                aliases.append((pk, alias))
            self.names.append(name)
            bucket.append(pk)

        for name, capital, _demonym in words.COUNTRIES:
            add(kinds.COUNTRY, name, "", capital, self.countries)
        for name, acronym in words.BLOCS:
            add(kinds.BLOC, name, "", acronym, self.blocs)
        while len(self.names) <= self.actor_count:
            roll = rng.random()
            country, capital, demonym = rng.choice(words.COUNTRIES)
            if roll < 0.55:
                last = rng.choice(words.LAST_NAMES)
                first = rng.choice(words.FIRST_NAMES)
                name = f"{first} {last}" if rng.random() < 0.6 else f"{first} {rng.choice('ABDEGKMNRST')}. {last}"
                description = f"{demonym} {rng.choice(words.ROLES)}."
                add(kinds.PERSON, name, description, last if rng.random() < 0.3 else "", self.people)
            elif roll < 0.9:
                name = rng.choice(words.ORG_FORMS).format(
                    adj=rng.choice(words.ORG_ADJECTIVES),
                    field=rng.choice(words.ORG_FIELDS),
                    country=demonym,
                    industry=rng.choice(words.ORG_INDUSTRIES),
                    ministry=rng.choice(words.ORG_MINISTRIES),
                )
                initials = "".join(word[0] for word in name.split() if word[0].isupper())
                description = f"Based in {capital}."
                add(kinds.ORGANISATION, name, description, initials if len(initials) >= 3 else "", self.organisations)
            else:
                name = rng.choice(words.ARMED_GROUP_FORMS).format(
                    colour=rng.choice(words.COLOURS), noun=rng.choice(words.NOUNS), adj=demonym
                )
                add(kinds.ARMED_GROUP, name, f"Armed group active in {country}.", "", self.armed_groups)
        fields = [
            "id",
            "kind",
            "name",
            "slug",
            "description",
            "wikidata_id",
            "published_claim_count",
            "published_relationship_count",
            "public_from",
            "edit_count",
            "created_at",
            "updated_at",
        ]
        self.writer.write(Actor, fields, rows)
        self.writer.write(ActorAlias, ["actor", "name"], aliases)
        self.speakers = self.people + self.organisations

    # --- Relationships ---

    def _relationships(self) -> None:
        rng = self.rng
        types = {t.slug: t for t in RelationshipType.objects.all()}
        self.rel_subject: list[int] = [0]
        self.rel_object: list[int] = [0]
        self.rel_category: list[str] = [""]
        taken: set[tuple[int, int, int]] = set()
        # Countries are few: a tie or two per pair, as coverage has them, not every type between every two.
        country_ties = min(len(self.countries) ** 2 // 2, self.relationship_count // 3)
        rows = []
        attempts = 0
        while len(self.rel_subject) <= self.relationship_count and attempts < self.relationship_count * 20:
            attempts += 1
            roll = rng.random()
            if len(self.rel_subject) <= country_ties:
                kind = types[rng.choice(words.COUNTRY_TYPES)]
                subject, object_ = rng.sample(self.countries, 2)
            elif roll < 0.35:
                kind = types["membership"]
                subject = rng.choice(self.countries if rng.random() < 0.3 else self.organisations)
                object_ = rng.choice(self.blocs)
            elif roll < 0.8:
                kind = types["affiliation"]
                subject = rng.choice(self.people if rng.random() < 0.8 else self.armed_groups or self.people)
                object_ = rng.choice(self.organisations if rng.random() < 0.7 else self.countries)
            else:
                kind = types["arms-supply"]
                subject = rng.choice(self.countries if rng.random() < 0.5 else self.organisations)
                object_ = rng.choice(self.armed_groups or self.countries)
            if subject == object_:
                continue
            if kind.symmetric and subject > object_:
                subject, object_ = object_, subject
            if (subject, object_, kind.pk) in taken:
                continue
            taken.add((subject, object_, kind.pk))
            pk = len(self.rel_subject)
            precision = rng.choice(("day", "month", "year"))
            valid_from = dates.truncate(
                self._moment(rng.random() * 0.9).date() - 365 * rng.randint(0, 15) * DAY, precision
            )
            status = rng.choices(("active", "ended", "suspended", "alleged"), (70, 15, 5, 10))[0]
            valid_until = None
            if status == "ended":
                valid_until = dates.truncate(min(valid_from + rng.randint(200, 3000) * DAY, self.today.date()), "month")
                valid_until = max(valid_until, valid_from)
            summary = words.SUMMARIES[kind.category].format(s=self.names[subject], o=self.names[object_])
            created = self._past(self.start + rng.randint(0, YEARS * 365) * DAY)
            rows.append(
                (
                    pk,
                    subject,
                    object_,
                    kind.pk,
                    status,
                    valid_from,
                    precision,
                    valid_until,
                    "month",
                    summary,
                    1,
                    created,
                    created,
                    None,
                )
            )
            self.rel_subject.append(subject)
            self.rel_object.append(object_)
            self.rel_category.append(kind.category)
        fields = [
            "id",
            "subject",
            "object",
            "type",
            "status",
            "valid_from",
            "valid_from_precision",
            "valid_until",
            "valid_until_precision",
            "summary",
            "edit_count",
            "created_at",
            "updated_at",
            "public_from",
        ]
        self.writer.write(Relationship, fields, rows)
        self.relationship_count = len(self.rel_subject) - 1

    # --- Sources ---

    def _sources(self) -> None:
        rng = self.rng
        rows = []
        for pk in range(1, self.source_count + 1):
            when = self._moment(pk / (self.source_count + 1))
            publisher, domain = rng.choice(words.PUBLISHERS)
            s, o = rng.sample(self.countries, 2)
            title = self._format(rng.choice(words.SOURCE_TITLES), s, o, when)
            url = f"https://www.{domain}/{when:%Y/%m/%d}/{slugify(title)[:80]}-{pk}"
            created = self._past(when + rng.randint(0, 5) * DAY)
            rows.append((pk, url, title, publisher, when.date(), 1, created, created, None))
        fields = [
            "id",
            "url",
            "title",
            "publisher",
            "published_on",
            "edit_count",
            "created_at",
            "updated_at",
            "public_from",
        ]
        self.writer.write(Source, fields, rows)

    # --- Claims and articles ---

    def _plan_articles(self) -> list[_Article]:
        rng = self.rng
        planned = []
        recent = int(self.article_count * 0.97)
        for index in range(self.article_count):
            created = self._past(self._moment((index + rng.random()) / self.article_count))
            if index >= recent:
                # The newest stories are still being worked on, or wait for their moment.
                state = rng.choices(("scheduled", "in_review", "draft"), (50, 20, 30))[0]
            else:
                state = rng.choices(("published", "withdrawn", "draft", "in_review"), (88, 3, 6, 3))[0]
            publish_at = None
            if state == "scheduled":
                publish_at = self._scheduled(rng)
            elif state in ("published", "withdrawn"):
                publish_at = self._past(created + rng.randint(2, 48) * HOUR)
            planned.append(_Article(index + 1, created, state, publish_at))
        # However small the archive, every state is in it: the newest story waits for its moment,
        # and older ones stand for the rest.
        wanted = ["scheduled", "published", "withdrawn", "in_review", "draft"]
        missing = [state for state in wanted if state not in {article.state for article in planned}]
        for state in missing:
            counts = Counter(article.state for article in planned)
            # Taken from a state that keeps another article, the newest for a schedule, else any older one.
            spare = [article for article in planned if counts[article.state] > 1]
            article = spare[-1] if state == "scheduled" else spare[rng.randrange(len(spare))]
            article.state = state
            article.publish_at = None
            if state == "scheduled":
                article.publish_at = self._scheduled(rng)
            elif state in ("published", "withdrawn"):
                article.publish_at = self._past(article.created + rng.randint(2, 48) * HOUR)
        return planned

    def _scheduled(self, rng) -> datetime.datetime:
        # From tomorrow on: an hour after midnight today may already have passed, and the story
        # would be live, not waiting.
        return self.today + DAY + rng.randint(0, 30 * 24) * HOUR

    def _claims_and_articles(self) -> None:
        rng = self.rng
        articles = self._plan_articles()
        self.articles = articles
        ct = ContentType.objects.get_for_model(Article)
        tables = [
            (
                Article,
                [
                    "id",
                    "title",
                    "slug",
                    "standfirst",
                    "body",
                    "byline",
                    "section",
                    "status",
                    "publish_at",
                    "first_published_at",
                    "last_published_at",
                    "last_modified_at",
                    "edit_count",
                    "created_at",
                    "updated_at",
                ],
            ),
            (
                Claim,
                [
                    "id",
                    "text",
                    "quote",
                    "kind",
                    "attributed_to",
                    "verification",
                    "verified_by",
                    "verified_at",
                    "internal_note",
                    "edit_count",
                    "created_at",
                    "updated_at",
                    "public_from",
                ],
            ),
            (Claim.actors.through, ["claim", "actor"]),
            (ClaimRelationship, ["claim", "relationship", "stance"]),
            (Claim.sources.through, ["claim", "source"]),
            (ArticleClaim, ["article", "claim", "position", "passage", "anchored"]),
            (Article.actors.through, ["article", "actor"]),
            (ArticleEvent, ["article", "kind", "by", "at", "from_status", "to_status", "note"]),
            (Correction, ["article", "text", "published_at", "by"]),
            (PublicChange, ["at", "kind", "content_type", "object_id", "key", "note", "due"]),
        ]
        buffer = _Buffer(self.writer, tables)
        # Claims fall to articles in runs of about ten, in the order both are dated.
        weights = [0.5 + rng.random() for _ in articles]
        total = sum(weights)
        bounds, running = [], 0.0
        for weight in weights:
            running += weight
            bounds.append(int(running / total * self.n))
        self.picks: dict[str, list[tuple[int, tuple[int, ...]]]] = {"verified": [], "disputed": [], "false": []}
        pick_every = max(1, self.n // 2000)
        live = ("published", "scheduled")
        open_article, texts, tagged = 0, [], []
        for i in range(self.n):
            pk = i + 1
            home = bisect.bisect_right(bounds, i)
            home = min(home, len(articles) - 1)
            if home != open_article:
                self._article(buffer, articles[open_article], texts, tagged, ct)
                open_article, texts, tagged = home, [], []
            article = articles[home]
            # Citations: none for about one claim in twelve (still in a reporter's notes), up to three.
            roll = rng.random()
            citing = [] if roll < 0.08 else [home]
            extra = 0 if roll < 0.86 else (1 if roll < 0.96 else 2)
            for _ in range(extra):
                other = min(max(home + rng.randint(-40, 40), 0), len(articles) - 1)
                if other not in citing:
                    citing.append(other)
            moments = [articles[a].publish_at for a in citing if articles[a].state in live]
            public_from = min(moments) if moments else None
            went_out = any(articles[a].state in (*live, "withdrawn") for a in citing)
            # The relationship the claim bears on decides whom it is about.
            roll = rng.random()
            ties = [] if roll < 0.14 else [rng.randint(1, self.relationship_count)]
            if roll >= 0.90:
                ties.append(rng.randint(1, self.relationship_count))
            if ties:
                s, o = self.rel_subject[ties[0]], self.rel_object[ties[0]]
                category = self.rel_category[ties[0]]
            else:
                s, category = rng.choice(self.countries), None
                o = rng.randint(1, len(self.names) - 1) if rng.random() < 0.9 else None
                o = None if o == s else o
            roll = rng.random()
            about = [s] if roll < 0.17 or o is None else [s, o]
            if roll >= 0.9:
                third = rng.randint(1, len(self.names) - 1)
                if third not in about:
                    about.append(third)
            when = article.created
            kind = rng.choices(("fact", "assessment", "quote", "allegation"), (50, 20, 15, 15))[0]
            attributed = None
            quote = ""
            if kind in ("assessment", "quote") or rng.random() < 0.25:
                attributed = rng.choice(self.speakers)
            if kind == "quote":
                quote = rng.choice(words.QUOTES).format(o=self.names[o or s])
                partner = self.names[o] if o else "its partners"
                text = f"{self.names[attributed]} said {self.names[s]} stands by {partner}."
            elif kind == "assessment":
                text = self._format(rng.choice(words.ASSESSMENTS), s, o, when)
            elif kind == "allegation":
                text = self._format(rng.choice(words.ALLEGATIONS), s, o, when)
            elif category:
                text = self._format(rng.choice(words.CLAIMS_BY_CATEGORY[category]), s, o, when)
            else:
                text = self._format(rng.choice(words.LONE_CLAIMS), s, o, when)
            # A claim a story went out with was not known to be false then; only claims no story
            # carried may have been found false or retracted.
            if went_out:
                verification = rng.choices(("unverified", "verified", "disputed"), (45, 45, 10))[0]
            else:
                verification = rng.choices(
                    ("unverified", "verified", "disputed", "false", "retracted"), (40, 30, 15, 10, 5)
                )[0]
            created = self._past(when - rng.randint(0, 72) * HOUR)
            verified_at = verified_by = None
            if verification != "unverified":
                verified_at = self._past(created + rng.randint(1, 240) * HOUR)
                verified_by = self.factchecker.pk
            note = "Check the figures with the desk before reuse." if rng.random() < 0.1 else ""
            updated = max(created, verified_at or created)
            buffer[Claim].append(
                (
                    pk,
                    text,
                    quote,
                    kind,
                    attributed,
                    verification,
                    verified_by,
                    verified_at,
                    note,
                    1,
                    created,
                    updated,
                    public_from,
                )
            )
            for actor in about:
                buffer[Claim.actors.through].append((pk, actor))
            stance_roll = rng.random()
            for tie in dict.fromkeys(ties):
                stance = "supports" if stance_roll < 0.7 else ("contradicts" if stance_roll < 0.85 else "context")
                buffer[ClaimRelationship].append((pk, tie, stance))
                stance_roll = rng.random()
            near = int(i / self.n * self.source_count)
            cited = {
                min(max(near + rng.randint(-300, 300), 1), self.source_count)
                for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3)))
            }
            for source in sorted(cited):
                buffer[Claim.sources.through].append((pk, source))
            for a in citing:
                articles[a].cited += 1
                buffer[ArticleClaim].append((articles[a].pk, pk, articles[a].cited, text, False))
            if citing and citing[0] == home:
                texts.append((text, quote))
                tagged.extend(actor for actor in about if actor not in tagged)
            # A spread of claims for the sample boxes: public ones to state as facts, verdicts to check.
            shown = verification == "false" or (public_from is not None and public_from <= self.today)
            if pk % pick_every == 0 and verification in self.picks and shown:
                self.picks[verification].append((pk, tuple(about)))
            if pk % BATCH == 0:
                buffer.flush()
                if pk % (BATCH * 10) == 0:
                    self.progress(f"  {pk:,} claims")
        self._article(buffer, articles[open_article], texts, tagged, ct)
        for article in articles[open_article + 1 :]:
            self._article(buffer, article, [], [], ct)
        buffer.flush()

    def _article(
        self, buffer: _Buffer, article: _Article, texts: list[tuple[str, str]], tagged: list[int], ct: ContentType
    ) -> None:
        rng = self.rng
        tags = tagged[:5] or [rng.choice(self.countries)]
        s, o = tags[0], tags[1] if len(tags) > 1 else rng.choice(self.countries)
        title = rng.choice(words.HEADLINES).format(s=self.names[s], o=self.names[o])
        slug = f"{slugify(title)[:200]}-{article.pk}"
        paragraphs = []
        for index, (text, quote) in enumerate(texts):
            paragraphs.append(f"<p>{html.escape(text, quote=False)}</p>")
            if quote:
                paragraphs.append(f"<blockquote><p>“{html.escape(quote, quote=False)}”</p></blockquote>")
            if index % 3 == 2:
                paragraphs.append(f"<p>{html.escape(rng.choice(words.FILLER), quote=False)}</p>")
            if index == 4:
                paragraphs.append("<h2>What the record shows</h2>")
        if not paragraphs:
            paragraphs.append(f"<p>{html.escape(rng.choice(words.FILLER), quote=False)}</p>")
        body = sanitise("\n".join(paragraphs))
        state = article.state
        status = {"scheduled": "published"}.get(state, state)
        publish_at = article.publish_at
        first = last = modified = None
        version, updated = 1, article.created
        events = buffer[ArticleEvent]
        feed = buffer[PublicChange]
        editor, reporter = self.editor.pk, self.reporter.pk
        if state != "draft":
            submitted = article.created + HOUR
            events.append((article.pk, "submitted", reporter, submitted, "draft", "in_review", ""))
            version, updated = 2, submitted
        if state in ("published", "withdrawn", "scheduled"):
            first = last = modified = publish_at
            version = 3
            if state == "scheduled":
                scheduled_at = self._past(article.created + 2 * HOUR)
                note = f"Goes live {timezone.localtime(publish_at).strftime('%d %b %Y %H:%M %Z')}"
                events.append((article.pk, "scheduled", editor, scheduled_at, "in_review", "published", note))
                updated = scheduled_at
            else:
                events.append((article.pk, "published", editor, publish_at, "in_review", "published", ""))
                updated = publish_at
            feed.append((publish_at, "published", ct.pk, article.pk, slug, "", publish_at))
        if state == "published" and rng.random() < 0.02:
            corrected = self._past(publish_at + rng.randint(1, 240) * HOUR)
            text = "An earlier version of this article misstated a date."
            buffer[Correction].append((article.pk, text, corrected, editor))
            events.append((article.pk, "corrected", editor, corrected, "published", "published", text))
            feed.append((corrected, "updated", ct.pk, article.pk, slug, text, corrected))
            modified, version, updated = corrected, version + 1, corrected
        if state == "withdrawn":
            withdrawn = self._past(publish_at + rng.randint(1, 480) * HOUR)
            events.append((article.pk, "withdrawn", editor, withdrawn, "published", "withdrawn", "Legal review."))
            feed.append((withdrawn, "withdrawn", ct.pk, article.pk, slug, "", withdrawn))
            version, updated = 4, withdrawn
        buffer[Article].append(
            (
                article.pk,
                title,
                slug,
                rng.choice(words.STANDFIRSTS),
                body,
                rng.choice(words.BYLINES),
                rng.choice(words.SECTIONS),
                status,
                publish_at,
                first,
                last,
                modified,
                version,
                article.created,
                updated,
            )
        )
        for actor in tags:
            buffer[Article.actors.through].append((article.pk, actor))

    # --- Fact boxes ---

    def _sample_boxes(self) -> None:
        """Twenty boxes of every kind, built and published as editors do, through the services."""
        rng = self.rng
        editor = self.editor
        verified = self.picks["verified"] or self.picks["disputed"]
        live = [a for a in self.articles if a.state == "published"]
        self.live_articles = live
        boxes: list[FactBox] = []

        def new_box(kind: str, title: str, items: list[dict]) -> FactBox:
            box = FactBox.objects.create(
                kind=kind,
                title=title,
                slug=f"{slugify(title)[:150]}-{len(boxes) + 1}",
                intro=rng.choice(words.BOX_INTROS),
            )
            FactBoxItem.objects.bulk_create(
                [FactBoxItem(factbox=box, position=position, **item) for position, item in enumerate(items, start=1)]
            )
            return box

        # The big map: the ten countries with most ties among themselves, trimmed as an editor would.
        # The ties between countries were written first: each pair taken adds at least one tie to the map.
        ten: list[int] = []
        for pk in range(1, self.relationship_count + 1):
            for party in (self.rel_subject[pk], self.rel_object[pk]):
                if len(ten) < 10 and party not in ten:
                    ten.append(party)
        big = factbox_start_relationship_map(
            actors=list(Actor.objects.filter(pk__in=ten).order_by("name")),
            by=editor,
            title="Who backs whom: ten countries",
            slug="ten-country-map",
        )
        self._trim_map(big, 15)
        boxes.append(big)
        for n in range(4):
            anchor = self.countries[(n * 7) % len(self.countries)]
            partners = [
                self.rel_object[pk] if self.rel_subject[pk] == anchor else self.rel_subject[pk]
                for pk in range(1, self.relationship_count + 1)
                if anchor in (self.rel_subject[pk], self.rel_object[pk])
            ][:4]
            if not partners:
                continue
            actors = list(Actor.objects.filter(pk__in=[anchor, *partners]).order_by("pk"))
            box = factbox_start_relationship_map(
                actors=actors, by=editor, slug=f"ties-of-{slugify(self.names[anchor])}"
            )
            self._trim_map(box, 8)
            boxes.append(box)
        for _n in range(5):
            claims = rng.sample(verified, min(5, len(verified)))
            items = [{"text": "The figures below were checked by our fact-checkers."}]
            items += [{"claim_id": pk} for pk, _about in claims]
            items.append({"relationship_id": rng.randint(1, self.relationship_count)})
            boxes.append(new_box("key_facts", f"Key facts: {self.names[claims[0][1][0]]}", items))
        for n in range(3):
            ties_ = rng.sample(range(1, self.relationship_count + 1), min(5, self.relationship_count))
            items = [{"relationship_id": pk} for pk in ties_]
            items += [
                {"claim_id": pk, "date": self._moment(rng.random()).date(), "date_precision": "month"}
                for pk, _about in rng.sample(verified, min(3, len(verified)))
            ]
            for item in items:
                # A relationship with no start date needs one on its item to stand in a timeline.
                item.setdefault("date", self._moment(rng.random()).date())
            boxes.append(new_box("timeline", f"Timeline {n + 1}: how the ties grew", items))
        for n in range(3):
            pk, about = verified[(n * 13) % len(verified)]
            actor = about[0]
            same = [c for c, a in verified if actor in a][:4] or [pk]
            items = [{"actor_id": actor}] + [{"claim_id": c} for c in same]
            boxes.append(new_box("actor_profile", f"Who is {self.names[actor]}?", items))
        checkable = self.picks["disputed"] + self.picks["false"]
        for n in range(SAMPLE_BOXES - len(boxes)):
            claims = rng.sample(checkable or verified, min(4, len(checkable or verified)))
            boxes.append(
                new_box(
                    "claim_check",
                    f"Claim check {n + 1}: {self.names[claims[0][1][0]]}",
                    [{"claim_id": pk} for pk, _about in claims],
                )
            )
        for position, box in enumerate(boxes):
            article = live[(position * 37) % len(live)] if live else None
            if article:
                FactBoxPlacement.objects.create(factbox=box, article_id=article.pk, after_paragraph=2, position=1)
            # Synthetic claims: the editor confirms whatever unverified ones a box shows, as the admin asks.
            unverified = [claim.pk for claim in factbox_unverified_claims(factbox=box)]
            factbox_publish(factbox=box, by=editor, confirmed_unverified=unverified)
        self.samples = list(
            FactBox.objects.filter(pk__in=[box.pk for box in boxes]).select_related("published_version").order_by("pk")
        )
        self.report.boxes = self.samples

    def _trim_map(self, box: FactBox, keep: int) -> None:
        ties = box.items.filter(relationship__isnull=False).order_by("position")
        box.items.filter(pk__in=list(ties.values_list("pk", flat=True)[keep:])).delete()

    def _box_copies(self) -> None:
        """The rest of the boxes: copies of the samples, with their versions, references, events and
        feed entries as the publish service leaves them, published over the archive's years."""
        rng = self.rng
        copies = self.box_count - len(self.samples)
        if copies <= 0:
            return
        ct = ContentType.objects.get_for_model(FactBox)
        items = {box.pk: list(box.items.values_list(*_ITEM_FIELDS)) for box in self.samples}
        references = {
            box.pk: list(
                FactBoxReference.objects.filter(version=box.published_version_id).values_list(*_REFERENCE_FIELDS)
            )
            for box in self.samples
        }
        # A copy is published after everything it shows last changed, as the sample was; a few
        # earlier, so that the review queue has work in it.
        floors = {box.pk: self._shown_since(box) for box in self.samples}
        first_box = (FactBox.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        first_version = (FactBoxVersion.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        tables = [
            (
                FactBox,
                [
                    "id",
                    "title",
                    "slug",
                    "kind",
                    "intro",
                    "status",
                    "published_version",
                    "first_published_at",
                    "last_published_at",
                    "edit_count",
                    "created_at",
                    "updated_at",
                ],
            ),
            (FactBoxVersion, ["id", "factbox", "number", "payload", "published_at", "published_by"]),
            (FactBoxItem, ["factbox", *_ITEM_FIELDS]),
            (FactBoxReference, ["version", *_REFERENCE_FIELDS]),
            (FactBoxEvent, ["factbox", "kind", "version", "by", "at", "note"]),
            (FactBoxPlacement, ["factbox", "article", "after_paragraph", "position"]),
            (PublicChange, ["at", "kind", "content_type", "object_id", "key", "note", "due"]),
        ]
        buffer = _Buffer(self.writer, tables)
        editor = self.editor.pk
        latest = self.now - 5 * 60 * datetime.timedelta(seconds=1)
        for n in range(copies):
            sample = self.samples[n % len(self.samples)]
            pk, version = first_box + n, first_version + n
            floor = floors[sample.pk] if rng.random() > 0.02 else self.start
            published = floor + (latest - floor) * rng.random()
            title = f"{sample.title} ({published:%B %Y}, {n + 1})"
            slug = f"{sample.slug}-{n + 1}"
            status = rng.choices(("published", "withdrawn", "draft"), (92, 4, 4))[0]
            created = published - rng.randint(1, 72) * HOUR
            for item in items[sample.pk]:
                buffer[FactBoxItem].append((pk, *item))
            if status == "draft":
                buffer[FactBox].append(
                    (pk, title, slug, sample.kind, sample.intro, status, None, None, None, 1, created, created)
                )
                continue
            copy = {**sample.published_version.payload, "title": title, "slug": slug}
            stored = payload.published(copy, number=1, at=published)
            updated, box_version = published, 2
            buffer[FactBoxVersion].append((version, pk, 1, stored, published, editor))
            for reference in references[sample.pk]:
                buffer[FactBoxReference].append((version, *reference))
            buffer[FactBoxEvent].append((pk, "published", version, editor, published, ""))
            buffer[PublicChange].append((published, "published", ct.pk, pk, slug, "", published))
            if status == "withdrawn":
                withdrawn = published + (latest - published) * rng.random()
                buffer[FactBoxEvent].append((pk, "withdrawn", version, editor, withdrawn, "Superseded."))
                buffer[PublicChange].append((withdrawn, "withdrawn", ct.pk, pk, slug, "", withdrawn))
                updated, box_version = withdrawn, 3
            elif self.live_articles and rng.random() < 0.5:
                article = self.live_articles[rng.randrange(len(self.live_articles))]
                buffer[FactBoxPlacement].append((pk, article.pk, rng.choice((None, 2, 3)), 1))
            buffer[FactBox].append(
                (
                    pk,
                    title,
                    slug,
                    sample.kind,
                    sample.intro,
                    status,
                    version,
                    published,
                    published,
                    box_version,
                    created,
                    updated,
                )
            )
            if len(buffer[FactBoxReference]) >= BATCH:
                buffer.flush()
        buffer.flush()

    def _shown_since(self, box: FactBox) -> datetime.datetime:
        """When the last of the rows the box's version shows was saved (or its claims' sources)."""
        references = FactBoxReference.objects.filter(version=box.published_version_id)
        moments = [
            references.aggregate(m=Max("claim__updated_at"))["m"],
            references.aggregate(m=Max("claim__verified_at"))["m"],
            references.aggregate(m=Max("claim__sources__updated_at"))["m"],
            references.aggregate(m=Max("relationship__updated_at"))["m"],
            references.aggregate(m=Max("actor__updated_at"))["m"],
        ]
        return max([m for m in moments if m] or [self.start]) + closure_margin()


# Written by the services and the copies of their boxes, once the indexes are back.
_NOT_BULK_LOADED = {FactBoxEvent, FactBoxPlacement, FactBoxReference, FactBoxItem, FactBoxVersion, FactBox, ClaimReach}

_ITEM_FIELDS = ["position", "claim", "relationship", "actor", "text", "date", "date_precision"]
_REFERENCE_FIELDS = ["kind", "claim", "relationship", "actor", "label", "shown"]


def closure_margin() -> datetime.timedelta:
    # Past the review check's margin for clock skew: a copy published then shows nothing as changed.
    from newsroom.factboxes.snapshots import CLOCK_MARGIN

    return CLOCK_MARGIN + datetime.timedelta(minutes=1)
