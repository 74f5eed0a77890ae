from django.db import migrations


class Migration(migrations.Migration):
    """`file` as in the conventions' documents; the upload path is unchanged, so stored paths stay valid."""

    dependencies = [
        ("actions", "0007_piecejointe_added_by"),
    ]

    operations = [
        migrations.RenameField(model_name="piecejointe", old_name="fichier", new_name="file"),
    ]
