from django.db import migrations


class Migration(migrations.Migration):
    """Epci.type and Organisation.type → kind (the codebase's word; `type` shadows the builtin)."""

    dependencies = [("territoires", "0004_organisation_dossier")]

    operations = [
        migrations.RenameField(model_name="epci", old_name="type", new_name="kind"),
        migrations.RenameField(model_name="organisation", old_name="type", new_name="kind"),
    ]
