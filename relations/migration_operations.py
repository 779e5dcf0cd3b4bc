"""Migration operations that only some databases run."""

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """SQL that PostgreSQL runs and other databases skip: trigram indexes, for one, have no
    SQLite equivalent, and SQLite's own searches stay fast at the sizes it is used for."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(table: str, column: str, name: str) -> PostgreSQLOnly:
    """A GIN trigram index on ``UPPER(column::text)``, the expression Django's ``icontains``
    compares on PostgreSQL, so that ``'%…%'`` searches read the index instead of the table."""
    return PostgreSQLOnly(
        sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)',
        reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
    )


def former_slugs_from_revisions(app_label: str, model_name: str) -> migrations.RunPython:
    """Fill in the former slugs of ``app_label.model_name`` from its revisions, when slug history
    begins: every admin save kept the slug in a revision, so the addresses given up before it
    lead to the object too, with when and by whom they were given up.

    A slug held again by its object is no former slug of it; one that several objects gave up
    goes to the latest. A revision in another format than JSON, or without the slug, is passed
    over. The reverse does nothing: the table goes with the migration that made it.
    """

    def fill_in(apps, schema_editor) -> None:
        import json

        from django.utils import timezone

        db = schema_editor.connection.alias
        content_type = (
            apps.get_model("contenttypes", "ContentType")
            .objects.using(db)
            .filter(app_label=app_label, model=model_name)
            .first()
        )
        if content_type is None:  # a new database: nothing was saved yet
            return
        model = apps.get_model(app_label, model_name)
        current = dict(model._base_manager.using(db).values_list("pk", "slug"))
        given_up: dict[str, tuple[int, object, int | None]] = {}

        def give_up(slug, pk, at, user) -> None:
            held = given_up.get(slug)
            if held is None or held[1] <= at:
                given_up[slug] = (pk, at, user)

        def slug_in(format_: str, data: str) -> str | None:
            if format_ != "json":
                return None
            try:
                slug = json.loads(data)[0]["fields"]["slug"]
            except (ValueError, LookupError, TypeError):
                return None
            return slug if isinstance(slug, str) and slug else None

        versions = (
            apps.get_model("reversion", "Version")
            .objects.using(db)
            .filter(content_type=content_type)
            .order_by("object_id", "revision__date_created", "pk")
            .values_list("object_id", "format", "serialized_data", "revision__date_created", "revision__user")
        )
        now = timezone.now()
        pk, last = None, None
        for object_id, format_, data, at, user in versions.iterator(chunk_size=2000):
            this = int(object_id) if object_id.isdigit() else None
            if this != pk:
                if last is not None and last != current[pk]:
                    # Changed since its last revision, outside the admin: when is not known.
                    give_up(last, pk, now, None)
                pk, last = this, None
            if pk not in current or (slug := slug_in(format_, data)) is None:
                continue
            if last is not None and slug != last:
                give_up(last, pk, at, user)
            last = slug
        if last is not None and last != current[pk]:
            give_up(last, pk, now, None)

        former_slug = apps.get_model("relations", "FormerSlug")
        former_slug.objects.using(db).bulk_create(
            [
                former_slug(content_type=content_type, object_id=pk, slug=slug, replaced_at=at, replaced_by_id=user)
                for slug, (pk, at, user) in given_up.items()
                if current[pk] != slug
            ],
            batch_size=1000,
        )

    return migrations.RunPython(fill_in, migrations.RunPython.noop, elidable=True)
