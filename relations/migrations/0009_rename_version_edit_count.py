from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0008_trigram_search"),
    ]

    operations = [
        migrations.RenameField(model_name="actor", old_name="version", new_name="edit_count"),
        migrations.RenameField(model_name="claim", old_name="version", new_name="edit_count"),
        migrations.RenameField(model_name="relationship", old_name="version", new_name="edit_count"),
        migrations.RenameField(model_name="source", old_name="version", new_name="edit_count"),
    ]
