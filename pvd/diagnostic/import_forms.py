"""The form of the import page: one file, CSV or XLSX, within the size limit (the lines are
counted by the importer, which reads them)."""

from django import forms

from pvd.core.formatting import nombre
from pvd.core.forms import BaseForm

from .importer import MAX_ROWS, MAX_SIZE, MAX_SIZE_LABEL

EXTENSIONS = (".csv", ".txt", ".xlsx")


class DonneesImportForm(BaseForm):
    fichier = forms.FileField(
        label="Fichier de données (CSV ou XLSX)",
        help_text=f"Fichier INSEE ou fichier générique ; au plus {MAX_SIZE_LABEL} et {nombre(MAX_ROWS)} lignes.",
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if not fichier.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError("Le fichier doit être un CSV (.csv) ou un classeur Excel (.xlsx).")
        if fichier.size > MAX_SIZE:
            raise forms.ValidationError(
                f"Le fichier dépasse {MAX_SIZE_LABEL} : ne gardez que les lignes de vos territoires."
            )
        return fichier
