import json
import os
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from pvd.core import limits
from pvd.core.formatting import nombre, nombre_saisie
from pvd.core.forms import BaseForm, BaseModelForm, DateInput, VersionedFormMixin
from pvd.documents.models import ALLOWED_EXTENSIONS, MAX_SIZE, Document

from . import carte
from .models import AfomCategorie, Diagnostic, DocumentPlanification, Donnee, Etude, Initiative, PointInteretKind
from .selectors import afom_themes


class DiagnosticForm(VersionedFormMixin, forms.ModelForm):
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
            return nombre_saisie(value)
        return value


class DonneeForm(VersionedFormMixin, BaseModelForm):
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


def donnee_label(donnee) -> str:
    """A figure as a reader recognises it: what, where, when, how much and from where."""
    territoire = donnee.territoire or donnee.get_echelle_display()
    unite = f"\u00a0{donnee.unite}" if donnee.unite else ""
    return f"{donnee.libelle} — {territoire} ({donnee.millesime}) : {nombre(donnee.valeur)}{unite} · {donnee.source}"


class DonneesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return donnee_label(obj)


class AfomItemForm(VersionedFormMixin, BaseForm):
    theme = forms.ChoiceField(label="Thème", choices=afom_themes)
    categorie = forms.ChoiceField(label="Catégorie", choices=AfomCategorie.choices, widget=forms.RadioSelect)
    texte = forms.CharField(
        label="Constat",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Une phrase ou deux : ce que l'on constate, et si possible pourquoi.",
    )
    donnees = DonneesField(
        label="Chiffres à l'appui",
        queryset=Donnee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les chiffres du diagnostic qui étayent ce constat.",
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the dossier's own figures: the id of another dossier's figure is an invalid choice.
        self.fields["donnees"].queryset = Donnee.objects.filter(dossier=dossier).order_by(
            "theme", "libelle", "echelle", "territoire", "millesime"
        )
        self.fields["donnees"].template_name = "diagnostic/_field_checkboxes.html"
        self.fields["categorie"].template_name = "diagnostic/_field_radios.html"


# --- Documents de planification, études, initiatives -----------------------------------------

_FILE_HELP = (
    f"Facultatif. {', '.join(sorted({e.upper() for e in ALLOWED_EXTENSIONS} - {'JPEG'}))} ; "
    f"{MAX_SIZE // (1024 * 1024)} Mo au plus."
)
_ACCEPT = ",".join(f".{e}" for e in ALLOWED_EXTENSIONS)


def _lien_field():
    # Explicit: a typed address without a scheme is read as https (Django 6's default).
    return forms.URLField(label="Lien", max_length=500, required=False, assume_scheme="https")


class _Checkboxes:
    """django-dsfr's checkbox snippet needs widget_tweaks, not installed: the plan d'action's one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.template_name = "actions/field_checkbox.html"


class PlanForm(VersionedFormMixin, _Checkboxes, BaseModelForm):
    lien = _lien_field()
    file = forms.FileField(
        label="Fichier",
        required=False,
        help_text=_FILE_HELP,
        widget=forms.FileInput(attrs={"accept": _ACCEPT}),
    )
    remove_file = forms.BooleanField(label="Retirer le fichier actuel", required=False)

    class Meta:
        model = DocumentPlanification
        fields = [
            "kind",
            "nom",
            "statut",
            "porteur",
            "date_prescription",
            "date_approbation",
            "date_echeance",
            "lien",
            "commentaire",
        ]
        widgets = {
            "date_prescription": DateInput(),
            "date_approbation": DateInput(),
            "date_echeance": DateInput(),
            "commentaire": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.file:
            current = os.path.basename(self.instance.file.name)
            # The bound fields are already built (django-dsfr reads them in __init__): change them too.
            for name, attribute, value in (
                ("file", "label", "Remplacer le fichier"),
                ("remove_file", "help_text", f"Fichier actuel : {current}."),
            ):
                setattr(self.fields[name], attribute, value)
                setattr(self[name], attribute, value)
        else:
            del self.fields["remove_file"]


class LivrableField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.titre} ({obj.get_kind_display().lower()})"


class EtudeForm(VersionedFormMixin, _Checkboxes, BaseModelForm):
    livrable = LivrableField(
        label="Livrable : un document déjà déposé",
        queryset=Document.objects.none(),
        required=False,
        empty_label="— Aucun —",
        help_text="Un document du dossier (rubrique Documents).",
    )
    livrable_file = forms.FileField(
        label="Ou déposer le livrable",
        required=False,
        help_text=f"Il devient un document « étude » du dossier. {_FILE_HELP}",
        widget=forms.FileInput(attrs={"accept": _ACCEPT}),
    )
    livrable_confidentiel = forms.BooleanField(
        label="Livrable déposé confidentiel",
        required=False,
        help_text="Visible par l'équipe-projet seulement.",
    )

    class Meta:
        model = Etude
        fields = ["objet", "prestataire", "cout", "financement", "statut", "date_debut", "date_fin", "description"]
        widgets = {
            "date_debut": DateInput(),
            "date_fin": DateInput(),
            "financement": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, livrables, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the dossier's documents the user may see: another id is an invalid choice.
        self.fields["livrable"].queryset = livrables
        if self.instance.pk and self.instance.livrable_id:
            self.initial.setdefault("livrable", self.instance.livrable_id)

    def clean(self):
        data = super().clean()
        if data.get("livrable") and data.get("livrable_file"):
            self.add_error("livrable_file", "Choisissez un document déjà déposé ou déposez un fichier, pas les deux.")
        return data


class InitiativeForm(VersionedFormMixin, BaseModelForm):
    lien = _lien_field()

    class Meta:
        model = Initiative
        fields = ["nom", "porteur", "porteur_kind", "description", "lien"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "porteur_kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["porteur_kind"].template_name = "diagnostic/_field_radios.html"


# --- Points d'intérêt (carte) ----------------------------------------------------------------


class PointInteretForm(VersionedFormMixin, BaseForm):
    """A point (latitude and longitude, typed or set by a click on the map) or an area (GeoJSON,
    pasted or drawn on the map): one or the other, never both."""

    nom = forms.CharField(label="Nom", max_length=200)
    kind = forms.ChoiceField(label="Type", choices=PointInteretKind.choices)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    latitude = forms.CharField(
        label="Latitude d'un point",
        required=False,
        help_text="En degrés décimaux (nord-sud), par exemple 47,862 pour Langres.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    longitude = forms.CharField(
        label="Longitude d'un point",
        required=False,
        help_text="En degrés décimaux (est-ouest, négative à l'ouest de Greenwich), par exemple 5,333 pour Langres.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    geometry = forms.CharField(
        label="Ou zone en GeoJSON",
        required=False,
        help_text="Pour une zone plutôt qu'un point : un Polygon ou un MultiPolygon en WGS 84, la longitude puis la "
        "latitude de chaque sommet (un Feature ou une FeatureCollection d'un seul objet sont acceptés). Laissez "
        "la latitude et la longitude vides.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean(self):
        cleaned = super().clean()
        lat_text = (cleaned.get("latitude") or "").strip()
        lon_text = (cleaned.get("longitude") or "").strip()
        text = (cleaned.get("geometry") or "").strip()
        if (lat_text or lon_text) and text:
            raise ValidationError(
                "Indiquez soit une latitude et une longitude (un point), soit une zone en GeoJSON, pas les deux : "
                "videz l'un des deux."
            )
        if text:
            try:
                cleaned["geometry"] = carte.geometry_from_text(text)
            except ValidationError as error:
                self.add_error("geometry", error)
            return cleaned
        if not (lat_text or lon_text):
            raise ValidationError(
                "Placez le point : sa latitude et sa longitude (ou le marqueur de la carte), ou collez une zone en "
                "GeoJSON."
            )
        position = {}
        for name, text_value, label, example in (
            ("latitude", lat_text, "latitude", "47,862"),
            ("longitude", lon_text, "longitude", "5,333"),
        ):
            if not text_value:
                self.add_error(name, f"Indiquez aussi la {label} du point (par exemple {example}).")
                continue
            try:
                position[name] = carte.parse_degrees(text_value, label=label, example=example)
            except ValidationError as error:
                self.add_error(name, error)
        if len(position) == 2:
            try:
                cleaned["geometry"] = carte.validate_geometry(carte.point(position["longitude"], position["latitude"]))
            except ValidationError as error:
                self.add_error("latitude", error)
        return cleaned

    def point_interet_data(self) -> dict:
        """What the services take."""
        data = self.cleaned_data
        return {
            "nom": data["nom"],
            "kind": data["kind"],
            "description": data["description"],
            "geometry": data["geometry"],
        }

    @staticmethod
    def initial_for(point) -> dict:
        initial = {"nom": point.nom, "kind": point.kind, "description": point.description}
        if point.geometry.get("type") == "Point":
            lon, lat = point.geometry["coordinates"]
            initial.update(
                latitude=f"{lat:.6f}".rstrip("0").rstrip("."), longitude=f"{lon:.6f}".rstrip("0").rstrip(".")
            )
        else:
            initial["geometry"] = json.dumps(point.geometry)
        return initial


class PointsInteretImportForm(BaseForm):
    fichier = forms.FileField(
        label="Fichier GeoJSON",
        required=False,
        help_text=f"Fichier .geojson ou .json de {carte.IMPORT_MAX_BYTES // 1_000_000} Mo au plus, "
        f"{carte.IMPORT_MAX_FEATURES} objets au plus.",
    )
    texte = forms.CharField(label="Ou GeoJSON collé", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    kind = forms.ChoiceField(
        label="Type des points importés",
        choices=PointInteretKind.choices,
        help_text="Sauf si un objet porte sa propre propriété « kind » (un code ou un libellé de type).",
    )

    def clean(self):
        cleaned = super().clean()
        fichier, texte = cleaned.get("fichier"), cleaned.get("texte")
        if not fichier and not (texte or "").strip():
            raise ValidationError("Choisissez un fichier GeoJSON ou collez un GeoJSON.")
        if fichier and texte and texte.strip():
            raise ValidationError("Choisissez un fichier ou collez un GeoJSON, pas les deux.")
        size = fichier.size if fichier else len(texte.encode())
        if size > carte.IMPORT_MAX_BYTES:
            raise ValidationError(
                f"Le GeoJSON dépasse {carte.IMPORT_MAX_BYTES // 1_000_000} Mo : découpez-le ou simplifiez les zones."
            )
        if fichier:
            try:
                limits.check_upload(fichier, allowed=["geojson", "json"], max_bytes=carte.IMPORT_MAX_BYTES)
            except ValidationError as error:
                raise ValidationError({"fichier": error.messages}) from error
        cleaned["data"] = fichier.read() if fichier else texte
        return cleaned
