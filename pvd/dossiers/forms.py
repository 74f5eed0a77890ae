from django import forms

from pvd.core.forms import EMPTY_CHOICE, BaseForm, DateInput
from pvd.territoires.models import Commune, Epci

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


class DossierUpdateForm(BaseForm):
    nom = forms.CharField(label="Nom du dossier", max_length=200)
    pvd_id = forms.CharField(label="Identifiant PVD", max_length=20, required=False)
    date_entree = forms.DateField(label="Date d'entrée dans le programme", required=False, widget=DateInput())


class InvitationForm(BaseForm):
    email = forms.EmailField(label="Adresse électronique")
    # No role chosen in advance: inviting a chef de projet by mistake hands over the dossier.
    role = forms.ChoiceField(label="Rôle", choices=[("", EMPTY_CHOICE), *Role.choices])


class RoleForm(BaseForm):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
