"""Source URLs are http(s) addresses: validated by full_clean, and checked by the database for rows
written any other way."""

import django.core.validators
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0010_source_url_schemes_cleared"),
    ]

    operations = [
        migrations.AlterField(
            model_name="source",
            name="url",
            field=models.URLField(
                blank=True,
                max_length=500,
                validators=[
                    django.core.validators.URLValidator(
                        message="Enter an http:// or https:// address.", schemes=("http", "https")
                    )
                ],
                verbose_name="URL",
            ),
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.CheckConstraint(
                condition=Q(url="") | Q(url__istartswith="http://") | Q(url__istartswith="https://"),
                name="source_url_web",
                violation_error_message="Enter an http:// or https:// address.",
            ),
        ),
    ]
