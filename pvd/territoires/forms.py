"""« Ajouter une organisation » next to an organisation picker, and the national list's form."""

from django import forms

from pvd.core.forms import EMPTY_CHOICE, BaseForm, VersionedFormMixin

from .models import Organisation, OrganisationType
from .selectors import organisations_for

NEW_NAME = "nouvelle_organisation"
NEW_TYPE = "type_nouvelle_organisation"
NOT_NATIONAL = {OrganisationType.COMMUNE, OrganisationType.EPCI}


def add_organisation_picker(form, *, dossier, field: str = "organisation", required: bool = True) -> None:
    """Limit `form.fields[field]` to the organisations offered to the dossier and add, after it,
    a name and a type to add one on the spot (created in the dossier by
    `organisation_chosen_or_created`). An id of another dossier's organisation is refused."""
    form.fields[field].queryset = organisations_for(dossier)
    form.fields[field].required = False
    form.organisation_picker = (field, required)
    new_fields = {
        NEW_NAME: forms.CharField(
            label="Ou ajoutez une organisation",
            max_length=Organisation._meta.get_field("nom").max_length,
            required=False,
            help_text="Absente de la liste ? Son nom : elle est ajoutée aux organisations du dossier.",
        ),
        NEW_TYPE: forms.ChoiceField(
            label="Type de l'organisation ajoutée",
            choices=OrganisationType.choices,
            initial=OrganisationType.AUTRE,
            required=False,
        ),
    }
    names = list(form.fields)
    at = names.index(field) + 1
    fields = {name: form.fields[name] for name in names}
    form.fields = {**dict(list(fields.items())[:at]), **new_fields, **dict(list(fields.items())[at:])}


def clean_organisation_picker(form, data: dict) -> dict:
    """One organisation, chosen or typed: pops the typed pair into `data["nouvelle_organisation"]`
    as {"nom", "kind"} (or None)."""
    field, required = form.organisation_picker
    nom = (data.pop(NEW_NAME, "") or "").strip()
    type_ = data.pop(NEW_TYPE, "") or OrganisationType.AUTRE
    if data.get(field) and nom:
        form.add_error(NEW_NAME, "Choisissez une organisation dans la liste ou ajoutez-en une, pas les deux.")
    elif required and not data.get(field) and not nom and field not in form.errors:
        form.add_error(field, "Choisissez une organisation dans la liste ou ajoutez-en une.")
    data[NEW_NAME] = {"nom": nom, "kind": type_} if nom else None
    return data


class NationalOrganisationForm(VersionedFormMixin, BaseForm):
    nom = forms.CharField(label="Nom", max_length=200)
    # Communes and EPCI are the territory's organisations, offered by their link, not national.
    kind = forms.ChoiceField(
        label="Type",
        choices=[("", EMPTY_CHOICE)]
        + [(value, label) for value, label in OrganisationType.choices if value not in NOT_NATIONAL],
    )
    siren = forms.CharField(label="SIREN", max_length=9, required=False, help_text="9 chiffres, facultatif.")

    def clean_siren(self):
        siren = self.cleaned_data["siren"].replace(" ", "")
        if siren and not (siren.isdigit() and len(siren) == 9):
            raise forms.ValidationError("Le SIREN compte 9 chiffres.")
        return siren
