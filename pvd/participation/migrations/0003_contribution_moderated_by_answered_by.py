from django.db import migrations


class Migration(migrations.Migration):
    """Field names in English (`*_by`), as the rest of the code: the column is renamed, the label stays French."""

    dependencies = [
        ("participation", "0002_french_verbose_names"),
    ]

    operations = [
        migrations.RenameField(model_name="contribution", old_name="moderee_par", new_name="moderated_by"),
        migrations.RenameField(model_name="contribution", old_name="reponse_par", new_name="answered_by"),
    ]
