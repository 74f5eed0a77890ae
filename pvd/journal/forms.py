from django import forms

from pvd.core.forms import BaseForm, DateInput

from .selectors import ACTIONS, kinds


class JournalFilterForm(BaseForm):
    type = forms.ChoiceField(label="Type d'élément", required=False)
    personne = forms.ModelChoiceField(label="Personne", queryset=None, required=False, empty_label="Toutes")
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Toutes"), *((code, label) for code, label in ACTIONS.items())]
    )
    du = forms.DateField(label="Du", required=False, widget=DateInput)
    au = forms.DateField(label="Au", required=False, widget=DateInput)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Tous"), *kinds()]
        self.fields["personne"].queryset = people
        self.fields["personne"].label_from_instance = lambda user: user.get_full_name() or user.email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("du") and cleaned.get("au") and cleaned["du"] > cleaned["au"]:
            raise forms.ValidationError("La date de début doit précéder la date de fin.")
        return cleaned
