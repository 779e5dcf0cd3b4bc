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
