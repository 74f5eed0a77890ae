import re

from django import forms

from pvd.core.forms import BaseModelForm

from .models import Diagnostic, Donnee


class DiagnosticForm(forms.ModelForm):
    class Meta:
        model = Diagnostic
        fields = ["histoire", "dynamiques", "synthese"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}


# --- Figures (chiffres du territoire) -------------------------------------------------------


class DonneeForm(BaseModelForm):
    """A figure typed by the team, with its provenance."""

    class Meta:
        model = Donnee
        fields = [
            "theme",
            "indicateur",
            "libelle",
            "valeur",
            "unite",
            "echelle",
            "territoire",
            "code_territoire",
            "source",
            "millesime",
        ]
        help_texts = {
            "indicateur": (
                "Un code court et stable, qui relie le chiffre aux graphiques et aux imports : par exemple "
                "pop_totale, log_vacants, taux_vacance, taux_chomage, etablissements."
            ),
            "libelle": "Ce que le chiffre mesure, tel qu'un lecteur le lira.",
            "valeur": "Un nombre ; la virgule ou le point pour les décimales.",
            "unite": "Par exemple : habitants, logements, %, €.",
            "code_territoire": "Code INSEE de la commune, SIREN de l'EPCI, code du département…",
            "source": "Par exemple : INSEE, recensement de la population 2021.",
            "millesime": "L'année des données, par exemple 2021.",
        }
        error_messages = {
            "valeur": {"invalid": "Saisissez un nombre, par exemple 1234,5."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valeur"].localize = True
        self.fields["valeur"].widget.is_localized = True

    def clean_millesime(self):
        millesime = self.cleaned_data["millesime"].strip()
        if not re.fullmatch(r"\d{4}", millesime):
            raise forms.ValidationError("Indiquez l'année des données sur quatre chiffres, par exemple 2021.")
        return millesime


# --- Imports ---------------------------------------------------------------------------------


# --- AFOM ------------------------------------------------------------------------------------


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------
