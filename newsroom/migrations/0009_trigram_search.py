from django.db import migrations

from relations.migration_operations import trigram_index


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0008_admin_indexes"),
        # It creates the pg_trgm extension.
        ("relations", "0008_trigram_search"),
    ]

    operations = [
        trigram_index("newsroom_article", "title", "article_title_trgm"),
        trigram_index("newsroom_article", "slug", "article_slug_trgm"),
        trigram_index("newsroom_article", "standfirst", "article_standfirst_trgm"),
        trigram_index("newsroom_article", "byline", "article_byline_trgm"),
        trigram_index("newsroom_article", "body", "article_body_trgm"),
        trigram_index("newsroom_factbox", "title", "factbox_title_trgm"),
    ]
