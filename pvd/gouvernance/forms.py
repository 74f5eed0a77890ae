from django import forms
from django.utils import timezone

from pvd.core.forms import EMPTY_CHOICE, BaseForm, DateInput, VersionedFormMixin
from pvd.territoires.forms import add_organisation_picker, clean_organisation_picker
from pvd.territoires.models import Organisation

from .models import InstanceType, PresenceStatut, Resultat, role_choices


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
    kind = forms.ChoiceField(label="Type d'instance", choices=InstanceType.choices)
    nom = forms.CharField(label="Nom", max_length=200)
    theme = forms.CharField(label="Thème", max_length=200, required=False, help_text="Pour un comité technique.")
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The comité de projet can be declared, at its creation, as an existing local body.
        self.fields.update(_existing_body_fields())


class InstanceUpdateForm(VersionedFormMixin, BaseForm):
    nom = forms.CharField(label="Nom", max_length=200)
    theme = forms.CharField(label="Thème", max_length=200, required=False)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, comite_projet=False, **kwargs):
        super().__init__(*args, **kwargs)
        if comite_projet:
            self.fields.update(_existing_body_fields())

    @staticmethod
    def initial_for(instance) -> dict:
        return {
            "nom": instance.nom,
            "theme": instance.theme,
            "description": instance.description,
            "instance_existante": "oui" if instance.instance_existante else "non",
            "nom_instance_existante": instance.nom_instance_existante,
        }


class MembreInstanceForm(BaseForm):
    """A member of an instance. The organisation is one offered to the dossier (its own, the
    national list, its communes, EPCI and préfecture: the composition check recognises the
    executives of the collectivités by them) or one added on the spot."""

    nom = forms.CharField(label="Nom de la personne", max_length=200)
    fonction = forms.CharField(label="Fonction", max_length=200, required=False, help_text="Par exemple : maire.")
    role = forms.ChoiceField(label="Rôle dans l'instance")
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects.none(), required=False)
    email = forms.EmailField(label="Adresse électronique", required=False, help_text="Pour recevoir les convocations.")
    user = forms.ModelChoiceField(label="Compte sur la plateforme", queryset=None, required=False)

    def __init__(self, *args, dossier, instance_type, **kwargs):
        super().__init__(*args, **kwargs)
        from pvd.comptes.models import User

        # Only the roles of this type of instance (an équipe-projet has no président).
        self.fields["role"].choices = [("", EMPTY_CHOICE), *role_choices(instance_type)]
        self.fields["user"].queryset = User.objects.filter(memberships__dossier=dossier).order_by("last_name")
        add_organisation_picker(self, dossier=dossier, required=False)

    def clean(self):
        return clean_organisation_picker(self, super().clean())


class SeanceForm(VersionedFormMixin, BaseForm):
    """A séance's date and place: its creation, or its update (`versioned=seance`)."""

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


class CompteRenduForm(VersionedFormMixin, BaseForm):
    compte_rendu = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 10}), required=False)


PRESENCE_CHOICES = [("", "Non renseignée"), *PresenceStatut.choices]


class MembreFinForm(VersionedFormMixin, BaseForm):
    """The end of a member's mandate, typed in the members' table (`versioned=membre`)."""

    fin = forms.DateField(label="Ancien membre depuis le", widget=DateInput())
