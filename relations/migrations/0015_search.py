from django.db import migrations

from relations.migration_operations import PostgreSQLOnly


def _weighted(column: str, weight: str) -> str:
    # As django.contrib.postgres.search.SearchVector(column, weight=weight, config="english") compiles:
    # the public search (core/search.py) uses these indexes only while its expressions are the same.
    return f"setweight(to_tsvector('english'::regconfig, COALESCE(\"{column}\", '')), '{weight}')"


def search_index(table: str, name: str, *columns: tuple[str, str]) -> PostgreSQLOnly:
    expression = _weighted(*columns[0])
    for column in columns[1:]:
        expression = f"({expression} || {_weighted(*column)})"
    return PostgreSQLOnly(
        sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({expression}))',
        reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0014_readable_labels"),
    ]

    operations = [
        search_index("relations_actor", "actor_search", ("name", "A"), ("description", "C")),
        search_index("relations_actoralias", "actoralias_search", ("name", "A")),
        search_index("relations_claim", "claim_search", ("text", "A"), ("quote", "B")),
    ]
