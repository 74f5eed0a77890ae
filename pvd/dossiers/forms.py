from django import forms

from pvd.core.forms import EMPTY_CHOICE, BaseForm, DateInput, VersionedFormMixin
from pvd.territoires.models import Commune, Epci

from . import deadline
from .models import Role


class DossierCreateForm(BaseForm):
    nom = forms.CharField(
        label="Nom du dossier", max_length=200, help_text="Par exemple : « PVD Commune et Communauté de communes »"
    )
    communes = forms.CharField(
        label="Communes bénéficiaires",
        help_text="Codes INSEE séparés par des virgules, ou choisis avec la recherche ci-dessous.",
    )
    epci = forms.CharField(
        label="EPCI (SIREN)",
        help_text="Rempli automatiquement d'après la première commune si vide.",
        required=False,
    )
    pvd_id = forms.CharField(label="Identifiant PVD", max_length=20, required=False)
    date_entree = forms.DateField(label="Date d'entrée dans le programme", required=False, widget=DateInput())

    def clean_communes(self):
        codes = [c.strip().upper() for c in self.cleaned_data["communes"].replace(";", ",").split(",") if c.strip()]
        if not codes:
            raise forms.ValidationError("Choisissez au moins une commune bénéficiaire.")
        communes = list(Commune.objects.filter(code__in=codes).select_related("epci"))
        unknown = sorted(set(codes) - {c.code for c in communes})
        if unknown:
            raise forms.ValidationError(f"Codes de commune inconnus : {', '.join(unknown)}.")
        return communes

    def clean(self):
        cleaned = super().clean()
        communes = cleaned.get("communes")
        siren = (cleaned.get("epci") or "").strip()
        if communes is None:
            return cleaned
        if siren:
            epci = Epci.objects.filter(siren=siren).first()
            if epci is None:
                self.add_error("epci", "EPCI inconnu : vérifiez le numéro SIREN.")
                return cleaned
        else:
            epci = communes[0].epci
            if epci is None:
                self.add_error("epci", "Cette commune n'appartient à aucun EPCI : indiquez-le.")
                return cleaned
        cleaned["epci"] = epci
        return cleaned


class DossierOpenForm(DossierCreateForm):
    """ANCT or the préfecture opens a dossier and invites its chef de projet."""

    chef_email = forms.EmailField(
        label="Adresse électronique du chef de projet",
        help_text="Il reçoit une invitation à rejoindre le dossier comme chef de projet.",
    )

    field_order = ["nom", "communes", "epci", "chef_email", "pvd_id", "date_entree"]


class DemandeDossierForm(BaseForm):
    commune = forms.CharField(
        label="Commune",
        help_text="Code INSEE de la commune du programme, ou choisie avec la recherche ci-dessous.",
    )
    message = forms.CharField(
        label="Message à la préfecture",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Qui vous êtes, votre fonction dans la commune ou l'intercommunalité.",
    )

    def clean_commune(self):
        codes = [c.strip().upper() for c in self.cleaned_data["commune"].replace(";", ",").split(",") if c.strip()]
        if len(codes) != 1:
            raise forms.ValidationError("Indiquez une seule commune (son code INSEE).")
        commune = Commune.objects.filter(code=codes[0]).select_related("epci", "departement").first()
        if commune is None:
            raise forms.ValidationError(f"Code de commune inconnu : {codes[0]}.")
        return commune


class RefusForm(BaseForm):
    motif_refus = forms.CharField(
        label="Motif du refus",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il est envoyé au demandeur.",
    )


# The deadline states of the convention-cadre the list filters on, as pvd.dossiers.deadline
# defines them: each dossier whose adhésion is signed is in exactly one of them.
ECHEANCE_CHOICES = [
    (deadline.DANS_LES_TEMPS, "Dans les temps (échéance dans plus de 3 mois)"),
    (deadline.BIENTOT, "Échéance proche (dans 3 mois ou moins)"),
    (deadline.DEPASSEE, "Échéance dépassée (convention-cadre non signée)"),
    (deadline.RESPECTEE, "Signée dans le délai"),
    (deadline.HORS_DELAI, "Signée après l'échéance"),
]


class DossierFilterForm(BaseForm):
    q = forms.CharField(label="Nom du dossier", required=False, max_length=200)
    departement = forms.CharField(label="Département", required=False, max_length=3)
    echeance = forms.ChoiceField(
        label="Échéance de la convention-cadre",
        required=False,
        choices=[("", "Toutes"), *ECHEANCE_CHOICES],
        error_messages={
            "invalid_choice": "Échéance inconnue : « %(value)s ». Choisissez une valeur de la liste.",
        },
    )

    def clean_q(self):
        return self.cleaned_data["q"].strip()


class DossierUpdateForm(VersionedFormMixin, BaseForm):
    nom = forms.CharField(label="Nom du dossier", max_length=200)
    pvd_id = forms.CharField(label="Identifiant PVD", max_length=20, required=False)
    date_entree = forms.DateField(label="Date d'entrée dans le programme", required=False, widget=DateInput())


class InvitationForm(BaseForm):
    email = forms.EmailField(label="Adresse électronique")
    # No role chosen in advance: inviting a chef de projet by mistake hands over the dossier.
    role = forms.ChoiceField(label="Rôle", choices=[("", EMPTY_CHOICE), *Role.choices])


class ChefInvitationForm(BaseForm):
    """The State invites the chef de projet of a dossier that has none."""

    prefix = "chef"
    email = forms.EmailField(
        label="Adresse électronique du chef de projet",
        help_text="Il reçoit une invitation à rejoindre le dossier comme chef de projet, valable 30 jours.",
    )


class RoleForm(BaseForm):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
