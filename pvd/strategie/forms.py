from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from pvd.core import limits
from pvd.core.formatting import nombre
from pvd.core.forms import EMPTY_CHOICE, BaseForm, DateInput, VersionedFormMixin
from pvd.suivi import catalogue
from pvd.suivi.models import Agregation, Frequence, IndicateurKind
from pvd.territoires.models import Organisation
from pvd.territoires.selectors import organisations_for

from . import geo
from .models import Echelle, OrientationCrte, SecteurKind


class ProjetForm(VersionedFormMixin, BaseForm):
    resume = forms.CharField(
        label="Synthèse du projet de territoire",
        help_text="La vision d'ensemble : ce que le territoire veut devenir et pourquoi.",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )


class AxeForm(VersionedFormMixin, BaseForm):
    numero = forms.IntegerField(label="Numéro", min_value=1)
    titre = forms.CharField(label="Titre", max_length=300)
    enjeux = forms.CharField(label="Enjeux", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    echelle = forms.ChoiceField(label="Échelle", choices=Echelle.choices)
    partenaires = forms.ModelMultipleChoiceField(
        label="Partenaires mobilisés",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    orientations_crte = forms.MultipleChoiceField(
        label="Orientations du CRTE",
        choices=OrientationCrte.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    transition_ecologique = forms.BooleanField(label="Contribue à la transition écologique", required=False)
    cohesion_territoriale = forms.BooleanField(label="Contribue à la cohésion territoriale", required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partenaires"].queryset = organisations_for(dossier)


class SousObjectifForm(VersionedFormMixin, BaseForm):
    titre = forms.CharField(label="Nouveau sous-objectif", max_length=300)


def _catalogue_choices():
    # A callable: the catalogue is edited in the admin, read at each form, not at import.
    return [("", EMPTY_CHOICE), *catalogue.catalogue_choices()]


class CatalogueForm(BaseForm):
    modele = forms.ChoiceField(label="Partir d'un indicateur du catalogue", choices=_catalogue_choices)


class IndicateurForm(VersionedFormMixin, BaseForm):
    nom = forms.CharField(label="Nom", max_length=300)
    kind = forms.ChoiceField(label="Type", choices=IndicateurKind.choices)
    unite = forms.CharField(label="Unité", max_length=50)
    valeur_initiale = forms.DecimalField(label="Valeur de référence", max_digits=16, decimal_places=4, required=False)
    date_initiale = forms.DateField(label="Date de la valeur de référence", widget=DateInput, required=False)
    cible = forms.DecimalField(label="Valeur cible", max_digits=16, decimal_places=4, required=False)
    echeance = forms.DateField(label="Échéance de la cible", widget=DateInput, required=False)
    source = forms.CharField(label="Source", max_length=300, required=False)
    frequence = forms.ChoiceField(label="Fréquence de mesure", choices=Frequence.choices, initial=Frequence.ANNUELLE)
    saisie_etat = forms.BooleanField(label="L'État (préfecture, ANCT) peut saisir ses valeurs", required=False)
    saisie_partenaires = forms.BooleanField(label="Les partenaires peuvent saisir ses valeurs", required=False)
    agregation = forms.ChoiceField(
        label="Valeur calculée à partir des indicateurs des fiches action",
        choices=Agregation.choices,
        initial=Agregation.SOMME,
        required=False,
        help_text="Quand des indicateurs de fiches (de même unité) y contribuent, l'indicateur affiche cette valeur "
        "calculée, en plus de ses propres valeurs saisies.",
    )
    catalogue = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_agregation(self):
        return self.cleaned_data.get("agregation") or Agregation.SOMME


def _geometry_from_text(text: str) -> dict:
    features = geo.parse_geojson(text)
    if len(features) != 1:
        raise ValidationError(
            "Un secteur a une seule géométrie : ce GeoJSON contient plusieurs objets. Utilisez l'import pour en "
            "créer plusieurs, ou un MultiPolygon."
        )
    return features[0].geometry


class SecteurForm(VersionedFormMixin, BaseForm):
    nom = forms.CharField(label="Nom", max_length=200)
    kind = forms.ChoiceField(label="Type", choices=SecteurKind.choices)
    commune = forms.ModelChoiceField(label="Commune", queryset=None)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    geometry = forms.CharField(
        label="Géométrie (GeoJSON)",
        help_text="Dessinez le contour sur la carte, ou collez un GeoJSON (Polygon ou MultiPolygon, "
        "longitude puis latitude en WGS 84 ; un Feature ou une FeatureCollection d'un seul objet sont acceptés).",
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = dossier.communes.order_by("nom")

    def clean_geometry(self):
        return _geometry_from_text(self.cleaned_data["geometry"])


class SecteurImportForm(BaseForm):
    fichier = forms.FileField(label="Fichier GeoJSON", required=False, help_text="Fichier .geojson ou .json.")
    texte = forms.CharField(label="Ou GeoJSON collé", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    kind = forms.ChoiceField(
        label="Type des secteurs importés",
        choices=SecteurKind.choices,
        help_text="Sauf si un objet porte sa propre propriété « kind ».",
    )
    commune = forms.ModelChoiceField(label="Commune", queryset=None)
    nom = forms.CharField(
        label="Nom des secteurs",
        max_length=200,
        required=False,
        help_text="Sauf si un objet porte sa propre propriété « nom » ou « name ».",
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = dossier.communes.order_by("nom")
        self.fields["fichier"].help_text = (
            f"Fichier .geojson ou .json de {limits.size_label(settings.PVD_IMPORT_MAX_BYTES)} et "
            f"{nombre(settings.PVD_IMPORT_MAX_FEATURES)} objets au plus."
        )

    def clean(self):
        cleaned = super().clean()
        fichier, texte = cleaned.get("fichier"), cleaned.get("texte")
        if not fichier and not (texte or "").strip():
            raise ValidationError("Choisissez un fichier GeoJSON ou collez un GeoJSON.")
        if fichier:
            try:
                limits.check_upload(fichier, allowed=["geojson", "json"], max_bytes=settings.PVD_IMPORT_MAX_BYTES)
            except ValidationError as error:
                raise ValidationError({"fichier": error.messages}) from error
        cleaned["data"] = fichier.read() if fichier else texte
        return cleaned
