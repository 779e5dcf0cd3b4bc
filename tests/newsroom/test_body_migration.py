"""Bodies stored before the editor are converted by the migration, in the database itself.

A module of its own: a transactional test cannot run while another module's demo transaction is open."""

import pytest

from newsroom.richtext import sanitise
from tests.helpers import latest_migrations, migrate
from tests.newsroom.test_body_editor import EDGE_CASES


@pytest.mark.django_db(transaction=True)
def test_the_migration_converts_stored_bodies():
    old_apps = migrate([("newsroom", "0013_article_created_by")])
    OldArticle = old_apps.get_model("newsroom", "Article")
    bodies = {name: body for name, (body, _expected) in EDGE_CASES.items()}
    pks = {name: OldArticle.objects.create(title=name, slug=f"edge-{index}", body=body).pk
           for index, (name, body) in enumerate(bodies.items())}  # fmt: skip
    try:
        new_apps = migrate([("newsroom", "0014_article_body_paragraphs")])
        NewArticle = new_apps.get_model("newsroom", "Article")
        for name, pk in pks.items():
            expected = EDGE_CASES[name][1]
            assert NewArticle.objects.get(pk=pk).body == sanitise(bodies[name] if expected is None else expected), name
    finally:
        migrate(latest_migrations())
