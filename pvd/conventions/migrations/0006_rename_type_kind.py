from django.db import migrations, models


class Migration(migrations.Migration):
    """Convention.type → kind (the codebase's word; `type` shadows the builtin). The constraints
    naming the field are dropped and re-created on the new name, as the autodetector would."""

    dependencies = [("conventions", "0005_signataire_requis")]

    operations = [
        migrations.RemoveConstraint(model_name="convention", name="avenant_amende_une_convention"),
        migrations.RemoveConstraint(model_name="convention", name="avenant_numero_unique"),
        migrations.RemoveConstraint(model_name="convention", name="une_convention_par_type"),
        migrations.RenameField(model_name="convention", old_name="type", new_name="kind"),
        migrations.AddConstraint(
            model_name="convention",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind__in", ["adhesion", "cadre"]), models.Q(("etat", "resiliee"), _negated=True)),
                fields=("dossier", "kind"),
                name="une_convention_par_type",
                violation_error_message="Ce dossier a déjà une convention de ce type en cours.",
            ),
        ),
        migrations.AddConstraint(
            model_name="convention",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "avenant"), ("amende__isnull", False)),
                    models.Q(models.Q(("kind", "avenant"), _negated=True), ("amende__isnull", True)),
                    _connector="OR",
                ),
                name="avenant_amende_une_convention",
                violation_error_message="Un avenant modifie une convention, et seul un avenant en modifie une.",
            ),
        ),
        migrations.AddConstraint(
            model_name="convention",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "avenant")),
                fields=("amende", "numero_avenant"),
                name="avenant_numero_unique",
            ),
        ),
    ]
