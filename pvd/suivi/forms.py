"""Forms of the measured values: one value, the saisie grid of a period, the choice of the period."""

import datetime

from django import forms
from django.utils import timezone

from pvd.core.forms import BaseForm, DateInput, VersionedFormMixin

from .values import (
    ANNEE,
    MOIS_KIND,
    PERIOD_HELP,
    TRIMESTRE,
    Periode,
    UnreadableValue,
    current_quarter,
    read_periode,
    read_valeur,
    valeur_input,
)


class ValeurField(forms.CharField):
    """A number as a French reader types it (« 1 234,5 »): see `values.read_valeur`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return valeur_input(value) if not isinstance(value, str) and value is not None else value

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return read_valeur(value)
        except UnreadableValue as error:
            raise forms.ValidationError(str(error)) from error


def periode_of(date: datetime.date, label: str) -> Periode | None:
    """The period a stored value stands for (its last day and its label), or None for a date."""
    if not label:
        return None
    for periode in (
        Periode(ANNEE, date.year),
        Periode(TRIMESTRE, date.year, (date.month - 1) // 3 + 1),
        Periode(MOIS_KIND, date.year, date.month),
    ):
        if periode.label == label and periode.fin == date:
            return periode
    return None


def mesure_initial(mesure) -> dict:
    """A value's correction form, as read from the value."""
    periode = periode_of(mesure.date, mesure.periode)
    return {
        "date": None if periode else mesure.date,
        "periode": periode.key if periode else "",
        "valeur": mesure.valeur,
        "source": mesure.source,
        "commentaire": mesure.commentaire,
    }


class MesureForm(VersionedFormMixin, BaseForm):
    """One value of an indicator, at a date or for a period (exactly one of them)."""

    date = forms.DateField(label="Date", widget=DateInput, required=False, help_text="La date de la mesure.")
    periode = forms.CharField(
        label="Ou période",
        required=False,
        max_length=20,
        help_text=f"À la place d'une date : {PERIOD_HELP}. La valeur est datée du dernier jour de la période.",
    )
    valeur = ValeurField(label="Valeur", help_text="Par exemple 1 234,5 (une espace entre les milliers).")
    source = forms.CharField(label="Source", max_length=300, required=False)
    commentaire = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, mesure=None, indicateur=None, **kwargs):
        if mesure is not None:  # a correction: checked against the version read (pvd.core.concurrency)
            kwargs.setdefault("versioned", mesure)
            kwargs.setdefault("initial_for", mesure_initial)
        elif indicateur is not None:
            kwargs.setdefault("initial", {"source": indicateur.source})
        super().__init__(*args, **kwargs)
        if indicateur is not None:
            self.fields["valeur"].label = f"Valeur ({indicateur.unite})"

    def clean(self):
        data = super().clean()
        date, written = data.get("date"), (data.get("periode") or "").strip()
        if "date" in self.errors:
            return data
        if date and written:
            self.add_error("periode", "Indiquez une date ou une période, pas les deux.")
        elif written:
            periode = read_periode(written)
            if periode is None:
                self.add_error("periode", f"Période illisible : « {written} » (écrivez {PERIOD_HELP}).")
            else:
                data["date"], data["periode"] = periode.fin, periode.label
        elif not date:
            self.add_error("date", "Indiquez la date de la mesure, ou sa période.")
        else:
            data["periode"] = ""
        return data


# --- The saisie grid -------------------------------------------------------------------------


def period_choices(today: datetime.date) -> list:
    """The periods offered by the grid, grouped: the quarters, years and months of the last three
    years and of this one, the latest first."""
    years = range(today.year, today.year - 3, -1)
    quarters = [
        Periode(TRIMESTRE, year, number)
        for year in years
        for number in range(4, 0, -1)
        if Periode(TRIMESTRE, year, number).debut <= today
    ]
    months = [
        Periode(MOIS_KIND, year, number)
        for year in years
        for number in range(12, 0, -1)
        if Periode(MOIS_KIND, year, number).debut <= today
    ]
    return [
        ("Trimestres", [(p.key, p.label.capitalize()) for p in quarters]),
        ("Années", [(p.key, p.label.capitalize()) for p in (Periode(ANNEE, year) for year in years)]),
        ("Mois", [(p.key, p.label.capitalize()) for p in months]),
    ]


class PeriodeForm(BaseForm):
    """The period of the grid (GET): the current quarter by default."""

    periode = forms.ChoiceField(label="Période")

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["periode"].choices = period_choices(self.today)
        self.fields["periode"].initial = current_quarter(self.today).key

    def chosen(self) -> Periode:
        if self.is_bound and self.is_valid():
            return read_periode(self.cleaned_data["periode"])
        return current_quarter(self.today)


class GrilleForm(forms.Form):
    """One row per indicator of the grid: `valeur_<pk>`, `source_<pk>`, `commentaire_<pk>`.

    A row whose value is blank is ignored (a source or comment without a value is refused: it
    would be lost). Fields named after an indicator that is not a row of the grid (another
    dossier's, one the viewer may not enter) are refused (`smuggled`): nothing is saved."""

    FIELDS = ("valeur", "source", "commentaire")

    def __init__(self, *args, indicateurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicateurs = indicateurs
        for indicateur in indicateurs:
            existing = indicateur.saisie_periode
            self.fields[f"valeur_{indicateur.pk}"] = ValeurField(
                label=f"Valeur de « {indicateur.nom} » ({indicateur.unite})",
                required=False,
                initial=existing.valeur if existing else None,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "fr-input"}),
            )
            self.fields[f"source_{indicateur.pk}"] = forms.CharField(
                label=f"Source de « {indicateur.nom} »",
                max_length=300,
                required=False,
                initial=existing.source if existing else indicateur.source,
                widget=forms.TextInput(attrs={"class": "fr-input"}),
            )
            self.fields[f"commentaire_{indicateur.pk}"] = forms.CharField(
                label=f"Commentaire sur « {indicateur.nom} »",
                required=False,
                initial=existing.commentaire if existing else "",
                widget=forms.TextInput(attrs={"class": "fr-input"}),
            )

    def smuggled(self) -> list[str]:
        """The row fields of the data that name no row of the grid."""
        known = set(self.fields)
        return sorted(
            name
            for name in self.data
            if name.partition("_")[0] in self.FIELDS and name.partition("_")[2].isdigit() and name not in known
        )

    def clean(self):
        data = super().clean()
        if self.smuggled():
            raise forms.ValidationError(
                "Le formulaire contient des indicateurs qui ne sont pas dans cette grille (un autre dossier, ou un "
                "indicateur dont vous ne saisissez pas les valeurs) : rien n'a été enregistré."
            )
        for indicateur in self.indicateurs:
            pk = indicateur.pk
            if data.get(f"valeur_{pk}") is None and f"valeur_{pk}" not in self.errors:
                existing = indicateur.saisie_periode
                source, commentaire = data.get(f"source_{pk}") or "", data.get(f"commentaire_{pk}") or ""
                default_source = existing.source if existing else indicateur.source
                if commentaire or (source and source != default_source):
                    self.add_error(f"valeur_{pk}", "Saisissez la valeur, ou videz la source et le commentaire.")
        return data

    def rows(self):
        """(indicateur, its three bound fields, its errors) for the template."""
        for indicateur in self.indicateurs:
            fields = [self[f"{name}_{indicateur.pk}"] for name in self.FIELDS]
            errors = [e for f in fields for e in f.errors]
            yield {
                "indicateur": indicateur,
                "valeur": fields[0],
                "source": fields[1],
                "commentaire": fields[2],
                "errors": errors,
            }

    def filled(self) -> list[tuple]:
        """(indicateur, valeur, source, commentaire) of the rows with a value."""
        return [
            (
                indicateur,
                self.cleaned_data[f"valeur_{indicateur.pk}"],
                self.cleaned_data[f"source_{indicateur.pk}"],
                self.cleaned_data[f"commentaire_{indicateur.pk}"],
            )
            for indicateur in self.indicateurs
            if self.cleaned_data.get(f"valeur_{indicateur.pk}") is not None
        ]
