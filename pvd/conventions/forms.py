from django import forms

from pvd.core.forms import BaseForm, DateInput, VersionedFormMixin
from pvd.territoires.forms import add_organisation_picker, clean_organisation_picker
from pvd.territoires.models import Organisation

from .models import Convention, ConventionEtat, ConventionType
from .services import EDITABLE_ETATS


class ConventionCreateForm(BaseForm):
    kind = forms.ChoiceField(label="Type de convention", choices=ConventionType.choices)
    amende = forms.ModelChoiceField(
        label="Convention modifiée (pour un avenant)",
        queryset=Convention.objects.none(),
        required=False,
    )
    titre = forms.CharField(label="Titre", max_length=300, required=False)
    objet = forms.CharField(label="Objet", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    duree_annees = forms.IntegerField(label="Durée (années)", min_value=1, max_value=30, required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        # An avenant amends a convention in force: neither another avenant nor a résiliée one.
        self.fields["amende"].queryset = (
            Convention.objects.filter(dossier=dossier)
            .exclude(kind=ConventionType.AVENANT)
            .exclude(etat=ConventionEtat.RESILIEE)
        )


class ConventionUpdateForm(VersionedFormMixin, BaseForm):
    titre = forms.CharField(label="Titre", max_length=300, required=False)
    objet = forms.CharField(label="Objet", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    duree_annees = forms.IntegerField(label="Durée (années)", min_value=1, max_value=30, required=False)
    etat = forms.ChoiceField(label="État")

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        # Signée comes from the signatures and résiliée from its own confirmed action: a signed or
        # résiliée convention keeps its state here.
        etats = [(value, label) for value, label in ConventionEtat.choices if value in EDITABLE_ETATS]
        if convention.etat not in EDITABLE_ETATS:
            etats = [(convention.etat, convention.get_etat_display())]
        self.fields["etat"].choices = etats


class SignataireForm(VersionedFormMixin, BaseForm):
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects.none())
    representant = forms.CharField(label="Représentant", max_length=200)
    qualite = forms.CharField(label="Qualité", max_length=200, help_text="Par exemple : maire, président, préfet.")
    date_deliberation = forms.DateField(label="Date de la délibération", widget=DateInput(), required=False)
    engagements = forms.CharField(label="Engagements", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    ordre = forms.IntegerField(label="Ordre", min_value=0, required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        add_organisation_picker(self, dossier=dossier)

    def clean(self):
        return clean_organisation_picker(self, super().clean())


class SignatureForm(VersionedFormMixin, BaseForm):
    signe_le = forms.DateField(
        label="Signé le", widget=DateInput(), required=False, help_text="Laisser vide pour retirer la signature."
    )


class SignedScanForm(BaseForm):
    file = forms.FileField(label="Convention signée (PDF)", help_text="Fichier PDF, 20 Mo au plus.")


class ResiliationForm(BaseForm):
    confirmation = forms.BooleanField(
        label="Je confirme la résiliation de cette convention. Elle est définitive.",
        required=True,
        help_text="La convention n'engage plus les parties ; une nouvelle convention du même type pourra la remplacer.",
    )
