"""One Django form per row of the import's sheets: a fiche, a financing line, a budget.

The importer gives each form a row's cells keyed by column. The fields read the cells with the
readings of `import_values` (amounts, dates, coded values, oui/non, axes, étapes); `RowForm.clean`
then has the model validate what they read, so that lengths, digit counts, ranges, choices and
the model's own `clean()` are the model's and nowhere else. Rules across rows (a number used
twice, a year budgeted twice) belong to the sheet: see `importer`.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django import forms
from django.core.exceptions import ValidationError

from pvd.strategie.models import AxeStrategique, SecteurIntervention
from pvd.territoires.models import Organisation
from pvd.territoires.selectors import organisation_key, organisations_by_name

from .import_values import (
    is_blank,
    parse_date,
    read_axes,
    read_bool,
    read_choice,
    read_coordinate,
    read_etapes,
    read_euros,
    read_integer,
    read_names,
)
from .models import BudgetAnnuel, FicheAction, LigneFinancement


def model_field(model, name: str, **kwargs) -> forms.Field:
    """The form field the model declares for `name`: its max_length, whether it is required."""
    return model._meta.get_field(name).formfield(**kwargs)


class CellField(forms.Field):
    """A cell read by `read` (a blank cell gives `blank`, or the `required` message): a ValueError
    of the reading becomes its own message (an AmountError's) or `invalid`, « {value} » the cell."""

    def __init__(self, read=None, *, invalid="Valeur illisible : « {value} ».", blank=None, required=""):
        super().__init__(required=bool(required), error_messages={"required": required} if required else None)
        self.read, self.invalid, self.blank = read, invalid, blank

    def to_python(self, value):
        if is_blank(value):
            return self.blank
        try:
            return self.read(value) if self.read else value
        except ValueError as error:
            raise ValidationError(getattr(error, "message", None) or self.invalid.format(value=value)) from error


def coded(model, name: str, **kwargs) -> CellField:
    """A coded value of the model by its code or its label, accents and case aside; a blank cell
    gives the model's default unless the cell is required."""
    field = model._meta.get_field(name)
    labels = ", ".join(label for _, label in field.choices)
    kwargs.setdefault("invalid", f"Valeur inconnue : « {{value}} » ({labels}).")
    blank = None if kwargs.get("required") else field.get_default()
    return CellField(partial(read_choice, field.choices), blank=blank, **kwargs)


def date_cell() -> CellField:
    return CellField(parse_date, invalid="Date illisible : « {value} » (format attendu JJ/MM/AAAA).")


def yes_no_cell() -> CellField:
    return CellField(read_bool, blank=False, invalid="Valeur « {value} » : répondez oui ou non.")


def coordinate_cell() -> CellField:
    return CellField(read_coordinate, invalid="Coordonnée illisible : « {value} ».")


class RowForm(forms.Form):
    """A row of a sheet. After its fields, the model validates the row: `full_clean` of an
    unsaved instance with the scalar values read, without the database (relations come from
    lookups loaded once per file; uniqueness and constraints are checked again on save)."""

    model = None

    def refuse(self, name: str, message: str) -> None:
        """One message per cell: the first fault of a cell says why, the others follow from it."""
        if not self.has_error(name):
            self.add_error(name, message)

    def clean(self):
        fields = {f.name for f in self.model._meta.fields}
        scalars = {f.name for f in self.model._meta.fields if not f.is_relation}
        values = {k: v for k, v in self.cleaned_data.items() if k in scalars and v is not None}
        try:
            self.model(**values).full_clean(
                exclude=fields - values.keys(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self.add_error(None, error)
        return self.cleaned_data


def _name_key(name) -> str:
    return str(name).strip().casefold()


@dataclass
class FicheLookups:
    """What fiche rows refer to, loaded once for the file: the dossier's axes, communes and
    sectors, and the organisations the rows name (one query for them all)."""

    axes: dict
    communes: dict
    secteurs: dict
    organisations: dict

    @classmethod
    def load(cls, dossier, rows: list[dict]) -> "FicheLookups":
        secteurs: dict[str, list] = {}
        for secteur in SecteurIntervention.objects.filter(dossier=dossier).order_by("nom"):
            secteurs.setdefault(_name_key(secteur.nom), []).append(secteur)
        names = [str(raw["maitre_ouvrage"]) for raw in rows if not is_blank(raw.get("maitre_ouvrage"))]
        names += [name for raw in rows for name in read_names(raw.get("partenaires"))]
        return cls(
            axes={axe.numero: axe for axe in AxeStrategique.objects.filter(dossier=dossier)},
            communes={commune.code: commune for commune in dossier.communes.all()},
            secteurs=secteurs,
            organisations=organisations_by_name(names, dossier=dossier),
        )


def _found(items: list) -> list:
    """The values a reading found; or the first message it gave, that says why."""
    if messages := [item for item in items if isinstance(item, str)]:
        raise ValidationError(messages[0])
    return items


ORGANISATION_NOM = model_field(Organisation, "nom")


class FicheRowForm(RowForm):
    """A line of the Fiches sheet; its fields are the sheet's columns, in their order."""

    model = FicheAction

    numero = CellField(
        partial(read_integer, minimum=1), invalid="Numéro invalide : « {value} » (entier positif attendu)."
    )
    titre = model_field(FicheAction, "titre", error_messages={"required": "Le titre est obligatoire."})
    axes = CellField()
    statut = coded(FicheAction, "statut")
    maturite = coded(FicheAction, "maturite")
    priorite = coded(FicheAction, "priorite")
    # A known organisation, else a free text as long as the model's free text allows.
    maitre_ouvrage = model_field(FicheAction, "maitre_ouvrage_texte")
    pilote = model_field(FicheAction, "pilote")
    partenaires = CellField()
    commune = CellField()
    secteur = CellField()
    localisation = model_field(FicheAction, "localisation")
    latitude = coordinate_cell()
    longitude = coordinate_cell()
    date_debut = date_cell()
    date_fin = date_cell()
    cout_ht = CellField(read_euros)
    cout_ttc = CellField(read_euros)
    inscrite_crte = yes_no_cell()
    confidentielle = yes_no_cell()
    contexte = model_field(FicheAction, "contexte")
    description = model_field(FicheAction, "description")
    objectifs = model_field(FicheAction, "objectifs")
    etapes = CellField()

    def __init__(self, data, *, lookups: FicheLookups):
        super().__init__(data)
        self.lookups = lookups

    def clean_axes(self):
        return list(dict.fromkeys(_found(read_axes(self.cleaned_data["axes"], self.lookups.axes))))

    def clean_etapes(self):
        return _found(read_etapes(self.cleaned_data["etapes"]))

    def clean_maitre_ouvrage(self):
        name = self.cleaned_data["maitre_ouvrage"]
        return self.lookups.organisations.get(organisation_key(name), name) if name else ""

    def clean_partenaires(self):
        """(the known organisations, the new names), each once."""
        known, new = {}, {}
        for name in read_names(self.cleaned_data["partenaires"]):
            try:
                ORGANISATION_NOM.clean(name)
            except ValidationError as error:
                raise ValidationError(f"Partenaire « {name} » : {' '.join(error.messages)}") from error
            if organisation := self.lookups.organisations.get(organisation_key(name)):
                known.setdefault(organisation.pk, organisation)
            else:
                new.setdefault(organisation_key(name), name)
        return list(known.values()), list(new.values())

    def clean_commune(self):
        commune, communes = self.cleaned_data["commune"], self.lookups.communes
        if commune is not None and str(commune).strip().zfill(5) not in communes:
            raise ValidationError(f"Commune « {commune} » hors du dossier (codes : {', '.join(communes)}).")
        return None if commune is None else communes[str(commune).strip().zfill(5)]

    def clean_secteur(self):
        secteur = self.cleaned_data["secteur"]
        found = [] if secteur is None else self.lookups.secteurs.get(_name_key(secteur), [])
        if len(found) > 1:
            raise ValidationError(f"Plusieurs secteurs du dossier s'appellent « {secteur} » : renommez-les.")
        if secteur is not None and not found:
            known = ", ".join(same[0].nom for same in self.lookups.secteurs.values()) or "aucun"
            raise ValidationError(f"Secteur inconnu : « {secteur} » (secteurs du dossier : {known}).")
        return found[0] if found else None

    def clean(self):
        data = self.cleaned_data
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.refuse("latitude", "Un point demande une latitude et une longitude.")
        if data.get("date_debut") and data.get("date_fin") and data["date_fin"] < data["date_debut"]:
            self.refuse("date_fin", "La fin prévue précède le début prévu.")
        return super().clean()

    def fiche(self) -> dict:
        """A valid row as `fiche_create` takes it (`fields` the model's), and as the preview shows it."""
        fields = dict(self.cleaned_data)
        item = {key: fields.pop(key) for key in ("numero", "axes", "etapes")}
        item["partenaires"], item["nouveaux_partenaires"] = fields.pop("partenaires")
        maitre = fields.pop("maitre_ouvrage")
        fields["maitre_ouvrage" if isinstance(maitre, Organisation) else "maitre_ouvrage_texte"] = maitre
        return {**item, "titre": fields["titre"], "cout_ht": fields["cout_ht"], "fields": fields}


FICHE_ABSENTE = "Fiche « {value} » absente de la feuille Fiches."
ANNEE_INVALIDE = "Année invalide : « {value} »."


class FicheLineForm(RowForm):
    """A line of another sheet, that names its fiche by the number it has in the Fiches sheet."""

    fiche = CellField(read_integer, invalid=FICHE_ABSENTE, required="Le numéro de fiche est obligatoire.")

    def __init__(self, data, *, fiches: set[int]):
        super().__init__(data)
        self.fiches = fiches

    def clean_fiche(self):
        if self.cleaned_data["fiche"] not in self.fiches:
            raise ValidationError(FICHE_ABSENTE.format(value=self.data.get("fiche")))
        return self.cleaned_data["fiche"]


class LigneRowForm(FicheLineForm):
    """A line of the Financements sheet."""

    model = LigneFinancement

    financeur = model_field(Organisation, "nom", error_messages={"required": "Le financeur est obligatoire."})
    dispositif = coded(
        LigneFinancement,
        "dispositif",
        invalid="Dispositif inconnu : « {value} ».",
        required="Le dispositif est obligatoire.",
    )
    montant = CellField(read_euros, required="Montant obligatoire : indiquez-le en euros (exemple : 1 200 000 €).")
    statut = coded(
        LigneFinancement,
        "statut",
        invalid="Statut inconnu : « {value} » (sollicité, accordé, refusé).",
        required="Le statut est obligatoire (sollicité, accordé, refusé).",
    )
    date = date_cell()


class BudgetRowForm(FicheLineForm):
    """A line of the Budgets sheet."""

    model = BudgetAnnuel

    annee = CellField(read_integer, invalid=ANNEE_INVALIDE, required="L'année est obligatoire.")
    investissement = CellField(read_euros, blank=Decimal("0.00"))
    fonctionnement = CellField(read_euros, blank=Decimal("0.00"))

    def clean_annee(self):
        try:  # the model's range, with the message of a year that cannot be read
            BudgetAnnuel._meta.get_field("annee").run_validators(self.cleaned_data["annee"])
        except ValidationError as error:
            raise ValidationError(ANNEE_INVALIDE.format(value=self.data.get("annee"))) from error
        return self.cleaned_data["annee"]
