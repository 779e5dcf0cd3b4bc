from django.db import migrations

from relations.migration_operations import PostgreSQLOnly, trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0007_admin_ordering_indexes"),
    ]

    operations = [
        # pg_trgm is a trusted extension: the database's owner may create it (PostgreSQL 13+).
        PostgreSQLOnly(sql="CREATE EXTENSION IF NOT EXISTS pg_trgm", reverse_sql=migrations.RunSQL.noop),
        trigram_index("relations_actor", "name", "actor_name_trgm"),
        trigram_index("relations_actor", "slug", "actor_slug_trgm"),
        trigram_index("relations_actor", "wikidata_id", "actor_wikidata_id_trgm"),
        trigram_index("relations_actoralias", "name", "actoralias_name_trgm"),
        trigram_index("relations_claim", "text", "claim_text_trgm"),
        trigram_index("relations_claim", "quote", "claim_quote_trgm"),
        trigram_index("relations_relationship", "summary", "relationship_summary_trgm"),
        trigram_index("relations_source", "title", "source_title_trgm"),
        trigram_index("relations_source", "publisher", "source_publisher_trgm"),
        trigram_index("relations_source", "url", "source_url_trgm"),
    ]
