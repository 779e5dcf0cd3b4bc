"""Derive the published closure for content written before it was kept (relations 0005 and 0006 add its columns and table)."""

from django.db import migrations


def derive_closure(apps, schema_editor):
    # The closure follows from the roots newsroom registers (stories and fact boxes), so it is derived
    # here, where both apps are migrated. A new database has nothing to derive.
    if (
        not apps.get_model("relations", "Claim").objects.exists()
        and not apps.get_model("relations", "Actor").objects.exists()
    ):
        return
    from relations import closure

    closure.rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0005_factbox_roles"),
        ("relations", "0006_claim_reach"),
    ]

    operations = [migrations.RunPython(derive_closure, migrations.RunPython.noop, elidable=True)]
