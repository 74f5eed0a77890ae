from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """Field names in English (`*_by`), as the rest of the code: the column is renamed, the label stays French."""

    dependencies = [
        ("suivi", "0005_french_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="mesure", old_name="saisie_par", new_name="entered_by"),
        migrations.AlterField(
            model_name="mesure",
            name="entered_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="saisie par",
            ),
        ),
    ]
