from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """Field names in English (`*_by`), as the rest of the code: the column is renamed, the label stays French."""

    dependencies = [
        ("actions", "0006_fiche_axe_principal"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="piecejointe", old_name="ajoutee_par", new_name="added_by"),
        migrations.AlterField(
            model_name="piecejointe",
            name="added_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="ajoutée par",
            ),
        ),
    ]
