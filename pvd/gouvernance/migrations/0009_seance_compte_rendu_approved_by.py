from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """Field names in English (`*_by`), as the rest of the code: the column is renamed, the label stays French."""

    dependencies = [
        ("gouvernance", "0008_roles_par_type_instance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="seance", old_name="compte_rendu_approuve_par", new_name="compte_rendu_approved_by"
        ),
        migrations.AlterField(
            model_name="seance",
            name="compte_rendu_approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="compte rendu approuvé par",
            ),
        ),
    ]
