"""The feed of changes gets positions partners can sync by (``relations.feed``).

Each entry gets ``due`` (when readers may first see it: its ``at``, a claim's not before the
claim is public) and, once visible, ``position``. The entries visible now are numbered in the
order the feed listed them, by ``at``; the counter starts after them. Set by set, so that an
archive of a million claims migrates in seconds.
"""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone


def backfill(apps, schema_editor):
    PublicChange = apps.get_model("relations", "PublicChange")
    Claim = apps.get_model("relations", "Claim")
    ContentType = apps.get_model("contenttypes", "ContentType")
    FeedCounter = apps.get_model("relations", "FeedCounter")
    connection = schema_editor.connection
    now = timezone.now()

    claim_type = ContentType.objects.filter(app_label="relations", model="claim").first()
    claims, others = PublicChange.objects.none(), PublicChange.objects.all()
    if claim_type is not None:
        claims, others = claims.model.objects.filter(content_type=claim_type), others.exclude(content_type=claim_type)
    others.update(due=F("at"))
    # A claim's entry was shown while the claim was public: from the later of its time and the claim's.
    public_from = Subquery(Claim.objects.filter(pk=OuterRef("object_id")).values("public_from")[:1])
    claims.update(due=public_from)
    claims.filter(due__lt=F("at")).update(due=F("at"))

    numbered = (
        PublicChange.objects.filter(due__lte=now)
        .order_by()
        .annotate(n=Window(RowNumber(), order_by=[F("at").asc(), F("pk").asc()]))
        .values("pk", "n")
    )
    sql, params = numbered.query.sql_with_params()
    table = connection.ops.quote_name(PublicChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "position" = "numbered"."n" FROM ({sql}) AS "numbered" '
            f'WHERE {table}."id" = "numbered"."pk"',
            params,
        )
        given = cursor.rowcount
    FeedCounter.objects.create(pk=1, last=max(given, 0))


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("relations", "0011_source_url_web"),
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
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
