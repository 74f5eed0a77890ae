from django import forms

from pvd.core.forms import BaseForm

from .models import ALLOWED_EXTENSIONS, MAX_SIZE, Document, DocumentKind

_FILE_HELP = (
    f"{', '.join(sorted({e.upper() for e in ALLOWED_EXTENSIONS} - {'JPEG'}))} ; {MAX_SIZE // (1024 * 1024)} Mo au plus."
)
_ACCEPT = ",".join(f".{e}" for e in ALLOWED_EXTENSIONS)


class DocumentDetailsForm(BaseForm):
    """A document's details (the update page); the creation form adds the file."""

    titre = forms.CharField(label="Titre", max_length=Document._meta.get_field("titre").max_length)
    kind = forms.ChoiceField(label="Nature", choices=DocumentKind.choices)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confidentiel = forms.BooleanField(
        label="Confidentiel", required=False, help_text=Document._meta.get_field("confidentiel").help_text
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # django-dsfr's checkbox snippet needs widget_tweaks, not installed: the plan d'action's one.
        self.fields["confidentiel"].template_name = "actions/field_checkbox.html"


class DocumentForm(DocumentDetailsForm):
    file = forms.FileField(
        label="Fichier", help_text=_FILE_HELP, widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT})
    )


class VersionForm(BaseForm):
    file = forms.FileField(
        label="Nouvelle version du fichier",
        help_text=_FILE_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
    )
