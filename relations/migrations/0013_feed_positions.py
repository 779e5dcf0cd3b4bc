"""The feed of changes gets positions partners can sync by (``relations.feed``).

Each entry gets ``due`` (when readers may first see it: its ``at``, a claim's not before the
claim is public) and, once visible, ``position``. The entries visible now are numbered in the
order the feed listed them, by ``at``; the counter starts after them. Set by set, and before
the indexes on the new columns are built, each then in one pass over the rows as they end up
rather than taking every row version the backfill writes.
"""

from django.db import migrations, models
from django.db.models import Max
from django.utils import timezone


def backfill(apps, schema_editor):
    PublicChange = apps.get_model("relations", "PublicChange")
    Claim = apps.get_model("relations", "Claim")
    ContentType = apps.get_model("contenttypes", "ContentType")
    FeedCounter = apps.get_model("relations", "FeedCounter")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    claim_type = ContentType.objects.filter(app_label="relations", model="claim").first()
    table, claims = quote(PublicChange._meta.db_table), quote(Claim._meta.db_table)
    # One statement, so that each row is written once: on PostgreSQL a row written twice in the
    # transaction would leave its foreign key's check pending, and the indexes after could not be built.
    # A claim's entry was shown while the claim was public, from the later of its time and the claim's.
    dated = (
        f'SELECT "entry"."id", "entry"."at", CASE WHEN "entry"."content_type_id" <> %s THEN "entry"."at" '
        f'WHEN "claim"."public_from" > "entry"."at" THEN "claim"."public_from" '
        f'WHEN "claim"."public_from" IS NOT NULL THEN "entry"."at" END AS "due" '
        f'FROM {table} AS "entry" LEFT JOIN {claims} AS "claim" '
        f'ON "entry"."content_type_id" = %s AND "claim"."id" = "entry"."object_id"'
    )
    numbered = (
        'SELECT "dated"."id", "dated"."due", ROW_NUMBER() OVER '
        '(PARTITION BY "dated"."due" <= %s ORDER BY "dated"."at", "dated"."id") AS "n" '
        f'FROM ({dated}) AS "dated"'
    )
    claim_type_id = claim_type.pk if claim_type else 0
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "due" = "numbered"."due", '
            f'"position" = CASE WHEN "numbered"."due" <= %s THEN "numbered"."n" END '
            f'FROM ({numbered}) AS "numbered" WHERE {table}."id" = "numbered"."id"',
            [now, now, claim_type_id, claim_type_id],
        )
    placed = PublicChange.objects.aggregate(last=Max("position"))["last"] or 0
    FeedCounter.objects.create(pk=1, last=placed)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("relations", "0012_former_slugs"),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name="publicchange",
            name="due",
            field=models.DateTimeField(
                blank=True,
                help_text="When readers may first see it; empty while its claim is not public.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="publicchange",
            name="position",
            field=models.BigIntegerField(
                blank=True,
                help_text="Its place in the feed, given once it is visible; empty while it is not.",
                null=True,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="publicchange",
            constraint=models.UniqueConstraint(
                condition=models.Q(("position__isnull", False)), fields=("position",), name="publicchange_position"
            ),
        ),
        migrations.AddIndex(
            model_name="publicchange",
            index=models.Index(
                condition=models.Q(("position__isnull", True)), fields=["due"], name="publicchange_pending"
            ),
        ),
        migrations.AddIndex(
            model_name="publicchange",
            index=models.Index(
                condition=models.Q(("position__isnull", False)), fields=["due"], name="publicchange_placed"
            ),
        ),
    ]
