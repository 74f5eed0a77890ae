from django import forms
from django.conf import settings

from pvd.core import limits
from pvd.core.formatting import nombre
from pvd.core.forms import BaseForm, BaseModelForm, DateInput, VersionedFormMixin
from pvd.strategie.models import AxeStrategique, SecteurIntervention
from pvd.suivi import catalogue, rollup
from pvd.suivi.models import Indicateur
from pvd.territoires.models import Organisation, OrganisationType

from .models import (
    AXE_PRINCIPAL_RULE,
    PIECE_EXTENSIONS,
    BudgetAnnuel,
    Etape,
    FicheAction,
    LigneFinancement,
    Note,
    PieceJointe,
    StatutFinancement,
)
from .selectors import organisations_for
from .services import FICHE_FIELDS


class _CheckboxTemplates:
    """django-dsfr's checkbox snippets need widget_tweaks, which the project does not install
    as an app: checkboxes of this app's forms use small templates of their own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.template_name = "actions/field_checkboxes.html"
            elif isinstance(field.widget, forms.CheckboxInput):
                field.template_name = "actions/field_checkbox.html"


class FicheForm(VersionedFormMixin, _CheckboxTemplates, BaseModelForm):
    nouveaux_partenaires = forms.CharField(
        label="Autres partenaires",
        required=False,
        help_text="Absents de la liste ? Un nom par ligne : ils sont ajoutés aux organisations.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = FicheAction
        fields = [*FICHE_FIELDS[:5], "axes", "axe_principal", *FICHE_FIELDS[5:8], "partenaires", *FICHE_FIELDS[8:]]
        widgets = {
            "date_debut": DateInput(),
            "date_fin": DateInput(),
            "contexte": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "objectifs": forms.Textarea(attrs={"rows": 3}),
            "axes": forms.CheckboxSelectMultiple(),
            "partenaires": forms.SelectMultiple(),
        }

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.fields["axes"].queryset = AxeStrategique.objects.filter(dossier=dossier)
        self.fields["axe_principal"].queryset = AxeStrategique.objects.filter(dossier=dossier)
        self.fields["axe_principal"].empty_label = "Le premier axe coché"
        self.fields[
            "axe_principal"
        ].help_text = f"L'axe sous lequel la fiche compte dans la maquette financière. {AXE_PRINCIPAL_RULE}"
        self.fields["numero"].required = False
        self.fields["numero"].help_text = (
            "Laissez vide pour garder le numéro actuel." if self.instance.pk else "Laissez vide pour le numéro suivant."
        )
        self.fields["commune"].queryset = dossier.communes.all()
        organisations = organisations_for(dossier)
        self.fields["maitre_ouvrage"].queryset = organisations
        self.fields["maitre_ouvrage"].help_text = "Absent de la liste ? Saisissez-le dans le champ suivant."
        self.fields["partenaires"].queryset = organisations
        self.fields["secteur"].queryset = SecteurIntervention.objects.filter(dossier=dossier)

    field_order = [
        *FICHE_FIELDS[:5],
        "axes",
        "axe_principal",
        *FICHE_FIELDS[5:8],
        "partenaires",
        "nouveaux_partenaires",
    ]

    def clean(self):
        data = super().clean()
        principal, axes = data.get("axe_principal"), data.get("axes")
        if principal is not None and axes is not None and principal not in axes:
            self.add_error("axe_principal", "L'axe principal doit être l'un des axes cochés de la fiche.")
        return data

    def clean_nouveaux_partenaires(self) -> list[str]:
        noms = [nom.strip() for nom in self.cleaned_data.get("nouveaux_partenaires", "").splitlines() if nom.strip()]
        limit = Organisation._meta.get_field("nom").max_length
        too_long = [nom for nom in noms if len(nom) > limit]
        if too_long:
            raise forms.ValidationError(f"Un nom d'organisation compte au plus {limit} caractères.")
        return noms

    def validate_unique(self):
        # The dossier is not a form field: the services and the constraint check uniqueness.
        pass


LOCKED_BY_STATE = ("statut", "montant")
LIGNE_FORM_FIELDS = ("dispositif", "montant", "statut", "date_demande", "date_decision")


class LigneFinancementForm(VersionedFormMixin, BaseModelForm):
    nouveau_financeur = forms.CharField(
        label="Nouveau financeur",
        required=False,
        max_length=200,
        help_text="S'il est absent de la liste : nom de l'organisation.",
    )
    type_financeur = forms.ChoiceField(
        label="Type du nouveau financeur",
        choices=OrganisationType.choices,
        initial=OrganisationType.AUTRE,
        required=False,
    )

    class Meta:
        model = LigneFinancement
        fields = ["financeur", "dispositif", "montant", "statut", "date_demande", "date_decision"]
        widgets = {"date_demande": DateInput(), "date_decision": DateInput()}

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].required = False
        self.fields["financeur"].queryset = organisations_for(dossier)
        if self.instance.pk and self.instance.decidee_par_etat:
            # The State decided: statut and amount are its own (the service refuses them too).
            for name in LOCKED_BY_STATE:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Décision enregistrée par l'État : non modifiable par l'équipe."

    def clean(self):
        data = super().clean()
        if not data.get("financeur") and not data.get("nouveau_financeur"):
            self.add_error("financeur", "Choisissez un financeur ou saisissez-en un nouveau.")
        return data

    def validate_unique(self):
        pass

    def _post_clean(self):
        # The fiche is set by the service, which runs full_clean() itself.
        pass

    def financeur_fields(self) -> dict:
        """The funder as the service takes it: an organisation, or a new one's name and type
        (created by the service, inside its transaction)."""
        if self.cleaned_data.get("financeur"):
            return {"financeur": self.cleaned_data["financeur"]}
        return {
            "nouveau_financeur": self.cleaned_data["nouveau_financeur"].strip(),
            "type_financeur": self.cleaned_data.get("type_financeur") or OrganisationType.AUTRE,
        }


class BudgetForm(BaseModelForm):
    class Meta:
        model = BudgetAnnuel
        fields = ["annee", "investissement", "fonctionnement", "realise_investissement", "realise_fonctionnement"]

    def _post_clean(self):
        pass


class EtapeForm(_CheckboxTemplates, BaseModelForm):
    class Meta:
        model = Etape
        fields = ["nom", "date", "faite"]
        widgets = {"date": DateInput()}

    def _post_clean(self):
        pass


class NoteForm(BaseModelForm):
    class Meta:
        model = Note
        fields = ["date", "texte"]
        widgets = {"date": DateInput(), "texte": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass


class PieceForm(BaseModelForm):
    class Meta:
        model = PieceJointe
        fields = ["titre", "file"]
        help_texts = {
            "file": "PDF, image ou document bureautique, 10 Mo au plus (" + ", ".join(PIECE_EXTENSIONS) + ")."
        }

    def _post_clean(self):
        pass


class IndicateurForm(VersionedFormMixin, BaseModelForm):
    class Meta:
        model = Indicateur
        fields = [
            "nom",
            "kind",
            "unite",
            "valeur_initiale",
            "date_initiale",
            "cible",
            "echeance",
            "source",
            "frequence",
            "saisie_etat",
            "saisie_partenaires",
            "contribue_a",
            "catalogue",
        ]
        widgets = {"date_initiale": DateInput(), "echeance": DateInput(), "catalogue": forms.HiddenInput()}
        labels = {
            "saisie_etat": "L'État (préfecture, ANCT) peut saisir ses valeurs",
            "saisie_partenaires": "Les partenaires peuvent saisir ses valeurs",
        }

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The roll-up (pvd.suivi.rollup): one of the dossier's axes' result indicators; the
        # service refuses another unit.
        if dossier is None:
            del self.fields["contribue_a"]
            return
        field = self.fields["contribue_a"]
        field.queryset = rollup.contribution_targets(dossier)
        field.label_from_instance = lambda target: f"Axe {target.axe.numero} — {target.nom} ({target.unite})"
        field.help_text = (
            "Un indicateur de résultat d'un axe, de même unité : l'axe affiche la somme ou la dernière valeur "
            "des indicateurs des fiches qui y contribuent."
        )

    def clean_catalogue(self):
        key = self.cleaned_data.get("catalogue") or ""
        if key and not catalogue.is_known(key):
            raise forms.ValidationError("Modèle de catalogue inconnu.")
        return key

    @classmethod
    def from_catalogue(cls, key: str, **kwargs):
        """An empty form pre-filled from a catalogue entry (pvd.suivi.catalogue), or None if unknown."""
        modele = catalogue.get_modele(key)
        if modele is None:
            return None
        return cls(initial=catalogue.initial_from(modele), **kwargs)

    def _post_clean(self):
        pass


class ImportForm(BaseForm):
    fichier = forms.FileField(label="Fichier XLSX du plan d'action")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fichier"].help_text = (
            f"Utilisez le modèle fourni ; {limits.size_label(settings.PVD_IMPORT_MAX_BYTES)} et "
            f"{nombre(settings.PVD_IMPORT_MAX_ROWS)} lignes par feuille au plus."
        )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if not fichier.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Le fichier doit être un classeur Excel (.xlsx).")
        limits.check_upload(fichier, allowed=["xlsx"], max_bytes=settings.PVD_IMPORT_MAX_BYTES)
        return fichier


class VersementForm(BaseForm):
    """Mark an accordé line paid: what the funder actually paid, and when."""

    montant_verse = forms.DecimalField(
        label="Montant versé (€)", min_value=0, max_digits=14, decimal_places=2, help_text="Au plus le montant accordé."
    )
    date_versement = forms.DateField(label="Date du versement", widget=DateInput())


class DecisionEtatForm(BaseForm):
    """The State's decision on a line it instructs (DETR, DSIL, Fonds vert)."""

    statut = forms.ChoiceField(
        label="Décision",
        choices=[(StatutFinancement.ACCORDE, "Accordé"), (StatutFinancement.REFUSE, "Refusé")],
    )
    montant = forms.DecimalField(
        label="Montant accordé (€)",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="Obligatoire si la subvention est accordée.",
    )
    date_decision = forms.DateField(label="Date de la décision", widget=DateInput())
