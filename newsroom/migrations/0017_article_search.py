from django.db import migrations

from relations.migration_operations import PostgreSQLOnly

# As django.contrib.postgres.search.SearchVector compiles the stories' search vector (core/search.py,
# ARTICLE_SEARCH_FIELDS): PostgreSQL uses the index only while the query's expression is the same.
VECTOR = (
    "((setweight(to_tsvector('english'::regconfig, COALESCE(\"title\", '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(\"standfirst\", '')), 'B'))"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(\"body\", '')), 'C'))"
)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0016_article_drafts_and_preview_links"),
        ("relations", "0015_search"),
    ]

    operations = [
        PostgreSQLOnly(
            sql=f'CREATE INDEX IF NOT EXISTS "article_search" ON "newsroom_article" USING gin (({VECTOR}))',
            reverse_sql='DROP INDEX IF EXISTS "article_search"',
        ),
    ]
