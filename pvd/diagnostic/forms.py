from django import forms

from .models import Diagnostic


class DiagnosticForm(forms.ModelForm):
    class Meta:
        model = Diagnostic
        fields = ["histoire", "dynamiques", "synthese"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}


# --- Figures (chiffres du territoire) -------------------------------------------------------


# --- Imports ---------------------------------------------------------------------------------


# --- AFOM ------------------------------------------------------------------------------------


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------
