"""Sources written before their addresses were held to http(s) come through the migration readable."""

import pytest

from tests.helpers import latest_migrations, migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("relations", "0009_rename_version_edit_count")]
AFTER = [("relations", "0011_source_url_web")]


def test_a_source_url_of_another_scheme_is_cleared_and_the_source_kept():
    Source = migrate(BEFORE).get_model("relations", "Source")
    kept = Source.objects.create(title="Report", url="https://example.org/report")
    shouted = Source.objects.create(title="Old report", url="HTTP://EXAMPLE.ORG/old")
    unsafe = Source.objects.create(title="Imported", publisher="Wire", url="javascript:alert(1)")
    archive = Source.objects.create(title="Archive", url="ftp://example.org/archive")
    try:
        Source = migrate(AFTER).get_model("relations", "Source")
        urls = dict(Source.objects.values_list("pk", "url"))
        assert urls == {
            kept.pk: "https://example.org/report",
            shouted.pk: "HTTP://EXAMPLE.ORG/old",
            unsafe.pk: "",
            archive.pk: "",
        }
        assert Source.objects.get(pk=unsafe.pk).publisher == "Wire"
    finally:
        migrate(latest_migrations())
