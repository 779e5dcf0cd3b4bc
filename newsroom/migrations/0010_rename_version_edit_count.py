from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0009_trigram_search"),
    ]

    operations = [
        migrations.RenameField(model_name="article", old_name="version", new_name="edit_count"),
        migrations.RenameField(model_name="factbox", old_name="version", new_name="edit_count"),
    ]
