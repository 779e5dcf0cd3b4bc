from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0004_publicchange"),
    ]

    operations = [
        migrations.AddField(
            model_name="relationshiptype",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
    ]
