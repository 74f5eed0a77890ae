from django.db import migrations


class Migration(migrations.Migration):
    """`file` as in the conventions' documents; the upload path is unchanged, so stored paths stay valid."""

    dependencies = [
        ("documents", "0002_author_may_be_gone"),
    ]

    operations = [
        migrations.RenameField(model_name="documentversion", old_name="fichier", new_name="file"),
    ]
