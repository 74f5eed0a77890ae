from django import forms
from django.utils import timezone

from pvd.core.forms import EMPTY_CHOICE, BaseForm, DateInput
from pvd.territoires.models import Organisation, OrganisationType
from pvd.territoires.names import commune_de

from .models import InstanceType, PresenceStatut, Resultat, RoleInstance


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _existing_body_fields():
    # A select rather than a checkbox: django-dsfr's checkbox template needs widget_tweaks.
    return {
        "instance_existante": forms.TypedChoiceField(
            label="Une instance locale existante tient lieu de comité de projet",
            choices=[("non", "Non"), ("oui", "Oui")],
            coerce=lambda value: value == "oui",
            required=False,
            empty_value=False,
        ),
        "nom_instance_existante": forms.CharField(
            label="Nom de l'instance existante",
            max_length=200,
            required=False,
            help_text="Par exemple : comité de pilotage de l'opération de revitalisation.",
        ),
    }


class InstanceForm(BaseForm):
    type = forms.ChoiceField(label="Type d'instance", choices=InstanceType.choices)
    nom = forms.CharField(label="Nom", max_length=200)
    theme = forms.CharField(label="Thème", max_length=200, required=False, help_text="Pour un comité technique.")
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The comité de projet can be declared, at its creation, as an existing local body.
        self.fields.update(_existing_body_fields())


class InstanceUpdateForm(BaseForm):
    nom = forms.CharField(label="Nom", max_length=200)
    theme = forms.CharField(label="Thème", max_length=200, required=False)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, comite_projet=False, **kwargs):
        super().__init__(*args, **kwargs)
        if comite_projet:
            self.fields.update(_existing_body_fields())


class MembreInstanceForm(BaseForm):
    """A member of an instance. The organisation is an existing one or one of the dossier's
    communes and EPCI, whose organisation the service creates on save if needed (so the
    composition check can recognise the executives of the collectivités)."""

    nom = forms.CharField(label="Nom de la personne", max_length=200)
    fonction = forms.CharField(label="Fonction", max_length=200, required=False, help_text="Par exemple : maire.")
    role = forms.ChoiceField(label="Rôle dans l'instance", choices=RoleInstance.choices)
    organisation = forms.ChoiceField(label="Organisation", required=False)
    email = forms.EmailField(label="Adresse électronique", required=False, help_text="Pour recevoir les convocations.")
    user = forms.ModelChoiceField(label="Compte sur la plateforme", queryset=None, required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        from pvd.comptes.models import User

        self.fields["user"].queryset = User.objects.filter(memberships__dossier=dossier).order_by("last_name")
        self.communes = {str(c.pk): c for c in dossier.communes.order_by("nom")}
        self.epci = dossier.epci
        collectivites = [(f"commune:{pk}", commune_de(c.nom)) for pk, c in self.communes.items()]
        collectivites.append((f"epci:{self.epci.pk}", self.epci.nom))
        # The collectivités' own organisations are offered once, in the first group.
        others = Organisation.objects.exclude(type=OrganisationType.COMMUNE, commune__in=self.communes.values())
        others = others.exclude(type=OrganisationType.EPCI, epci=self.epci).order_by("nom")
        self.organisations = {str(o.pk): o for o in others}
        self.fields["organisation"].choices = [
            ("", EMPTY_CHOICE),
            ("Collectivités du dossier", collectivites),
            ("Autres organisations", [(f"organisation:{pk}", o.nom) for pk, o in self.organisations.items()]),
        ]

    def clean(self):
        data = super().clean()
        key, _, pk = (data.pop("organisation", "") or "").partition(":")
        data["organisation"] = self.organisations.get(pk) if key == "organisation" else None
        data["commune"] = self.communes.get(pk) if key == "commune" else None
        data["epci"] = self.epci if key == "epci" and pk == str(self.epci.pk) else None
        return data


class SeanceForm(BaseForm):
    date = forms.DateTimeField(label="Date et heure", widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    lieu = forms.CharField(label="Lieu", max_length=300, required=False)

    def clean_date(self):
        date = self.cleaned_data["date"]
        self.date_is_past = date < timezone.now()
        return date


class PointForm(BaseForm):
    """One agenda point: a pending submission, an object of the dossier, or neither."""

    pending = forms.ChoiceField(label="Soumission en attente", required=False)
    target = forms.ChoiceField(label="Objet du dossier sur lequel décider", required=False)
    titre = forms.CharField(label="Titre du point", max_length=300, required=False)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, pending_points, target_groups, **kwargs):
        super().__init__(*args, **kwargs)
        pending = [(str(p.pk), getattr(p, "libelle", p.titre)) for p in pending_points]
        self.fields["pending"].choices = [("", "—"), *pending]
        choices = [("", "— Aucun (point d'information) —")]
        for key, label, objects in target_groups:
            if objects:
                choices.append((label, [(f"{key}:{obj.pk}", str(obj)) for obj in objects]))
        self.fields["target"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("pending") and data.get("target"):
            raise forms.ValidationError("Choisissez une soumission en attente ou un objet, pas les deux.")
        if not data.get("pending") and not (data.get("titre") or "").strip():
            self.add_error("titre", "Donnez un titre au point.")
        return data


class DecisionForm(BaseForm):
    resultat = forms.ChoiceField(label="Résultat", choices=Resultat.choices)
    texte = forms.CharField(label="Texte de la décision", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CompteRenduForm(BaseForm):
    compte_rendu = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 10}), required=False)


PRESENCE_CHOICES = [("", "Non renseignée"), *PresenceStatut.choices]


class MembreFinForm(BaseForm):
    fin = forms.DateField(label="Ancien membre depuis le", widget=DateInput())
