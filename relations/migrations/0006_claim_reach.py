import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0005_published_closure"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimReach",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_from", models.DateTimeField()),
                (
                    "actor",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="relations.actor",
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="relations.claim"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["actor", "public_from"], name="claimreach_actor_public_from")],
                "constraints": [models.UniqueConstraint(fields=("actor", "claim"), name="claimreach_unique")],
            },
        ),
    ]
