import re
from decimal import Decimal

from django import forms

from pvd.core.forms import BaseModelForm

from .models import Diagnostic, Donnee


class DiagnosticForm(forms.ModelForm):
    class Meta:
        model = Diagnostic
        fields = ["histoire", "dynamiques", "synthese"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}


# --- Figures (chiffres du territoire) -------------------------------------------------------


class ValeurField(forms.DecimalField):
    """A number as a French reader types it: « 1 234,5 », « 1234.5 », « -3 ». Spaces group the
    thousands; a comma or a point marks the decimals. « 1.234,5 » can be read two ways: refused."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value)
            if "," in value and "." in value:
                raise forms.ValidationError(
                    "Écrivez le nombre sans point pour les milliers, avec une virgule pour les décimales : 1234,5."
                )
            if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", value):
                raise forms.ValidationError(
                    f"« {value} » peut se lire de deux façons : écrivez les milliers sans point "
                    f"({value.replace('.', '')}) et les décimales avec une virgule ({value.replace('.', ',')})."
                )
            value = value.replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_decimal_input(value)
        return value


def format_decimal_input(value: Decimal) -> str:
    """1234.5000 → "1234,5": what the field shows back, without trailing zeros."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


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
            "valeur": "Un nombre, avec une virgule pour les décimales : 1234,5.",
            "unite": "Par exemple : habitants, logements, %, €.",
            "code_territoire": "Code INSEE de la commune, SIREN de l'EPCI, code du département…",
            "source": "Par exemple : INSEE, recensement de la population 2021.",
            "millesime": "L'année des données, par exemple 2021.",
        }
        error_messages = {
            "valeur": {"invalid": "Saisissez un nombre, par exemple 1234,5."},
        }
        field_classes = {"valeur": ValeurField}

    def clean_millesime(self):
        millesime = self.cleaned_data["millesime"].strip()
        if not re.fullmatch(r"\d{4}", millesime):
            raise forms.ValidationError("Indiquez l'année des données sur quatre chiffres, par exemple 2021.")
        return millesime


# --- Imports ---------------------------------------------------------------------------------


# --- AFOM ------------------------------------------------------------------------------------


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------
