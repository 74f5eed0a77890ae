"""The upload form of the import of values (the file itself is read by `importer`)."""

from django import forms

from pvd.core.forms import BaseForm

from .importer import MAX_SIZE, MAX_SIZE_LABEL


class ValeursImportForm(BaseForm):
    fichier = forms.FileField(
        label="Fichier des valeurs (CSV ou XLSX)",
        help_text=f"Un fichier .csv (UTF-8) ou .xlsx, {MAX_SIZE_LABEL} au plus.",
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if not fichier.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Le fichier doit être un CSV (.csv) ou un classeur Excel (.xlsx).")
        if fichier.size > MAX_SIZE:
            raise forms.ValidationError(f"Le fichier dépasse {MAX_SIZE_LABEL}.")
        return fichier
