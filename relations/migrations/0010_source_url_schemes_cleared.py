"""Before source URLs must be http(s) addresses (0011): clear any other scheme.

A row written before the rule (an import, a shell) may hold one. Readers were never shown
such an address as a link, so it is cleared rather than kept where the constraint would
refuse it; the source keeps its title, publisher and date. A migration of its own: on
PostgreSQL, rows updated in the transaction that adds the constraint would block it.
"""

from django.db import migrations
from django.db.models import Q

WEB = Q(url="") | Q(url__istartswith="http://") | Q(url__istartswith="https://")


def clear_other_schemes(apps, schema_editor):
    Source = apps.get_model("relations", "Source")
    Source.objects.exclude(WEB).update(url="")


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0009_rename_version_edit_count"),
    ]

    operations = [
        migrations.RunPython(clear_other_schemes, migrations.RunPython.noop, elidable=True),
    ]
