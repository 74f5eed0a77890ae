import os

from django import forms

from pvd.core.formatting import nombre
from pvd.core.forms import BaseForm, BaseModelForm, DateInput
from pvd.documents.models import ALLOWED_EXTENSIONS, MAX_SIZE, Document

from .models import AfomCategorie, Diagnostic, DocumentPlanification, Donnee, Etude, Initiative
from .selectors import afom_themes


class DiagnosticForm(forms.ModelForm):
    class Meta:
        model = Diagnostic
        fields = ["histoire", "dynamiques", "synthese"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}


# --- Figures (chiffres du territoire) -------------------------------------------------------


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


class AfomItemForm(BaseForm):
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


class PlanForm(_Checkboxes, BaseModelForm):
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


class EtudeForm(_Checkboxes, BaseModelForm):
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


class InitiativeForm(BaseModelForm):
    lien = _lien_field()

    class Meta:
        model = Initiative
        fields = ["nom", "porteur", "porteur_kind", "description", "lien"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "porteur_kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["porteur_kind"].template_name = "diagnostic/_field_radios.html"


# --- Points d'intérêt (carte) ----------------------------------------------------------------
