from django.db import migrations, models


class Migration(migrations.Migration):
    """Instance.type → kind (the codebase's word; `type` shadows the builtin). The ordering and
    the constraint naming the field follow, as the autodetector would write them."""

    dependencies = [("gouvernance", "0009_seance_compte_rendu_approved_by")]

    operations = [
        migrations.RemoveConstraint(model_name="instance", name="un_comite_de_projet_par_dossier"),
        migrations.RenameField(model_name="instance", old_name="type", new_name="kind"),
        migrations.AlterModelOptions(name="instance", options={"ordering": ["kind", "nom"], "verbose_name": "instance"}),
        migrations.AddConstraint(
            model_name="instance",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "comite_projet")), fields=("dossier",), name="un_comite_de_projet_par_dossier"
            ),
        ),
    ]
