from django import forms

from pvd.core.forms import BaseForm, VersionedFormMixin

from .models import ALLOWED_EXTENSIONS, MAX_SIZE, Document, DocumentKind

_FILE_HELP = (
    f"{', '.join(sorted({e.upper() for e in ALLOWED_EXTENSIONS} - {'JPEG'}))} ; {MAX_SIZE // (1024 * 1024)} Mo au plus."
)
_ACCEPT = ",".join(f".{e}" for e in ALLOWED_EXTENSIONS)

# « Diagnostic » is no longer offered: the diagnostic is built in its own app (step 3), where a
# study links its deliverable (a document « étude »). A document that has the kind keeps it.
RETIRED_KINDS = {DocumentKind.DIAGNOSTIC}


def kind_choices(current: str | None = None) -> list[tuple[str, str]]:
    """The kinds a document may be given: the retired ones only for a document that already has one."""
    return [(value, label) for value, label in DocumentKind.choices if value not in RETIRED_KINDS or value == current]


class DocumentDetailsForm(VersionedFormMixin, BaseForm):
    """A document's details (the update page); the creation form adds the file."""

    titre = forms.CharField(label="Titre", max_length=Document._meta.get_field("titre").max_length)
    kind = forms.ChoiceField(label="Nature", choices=kind_choices)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confidentiel = forms.BooleanField(
        label="Confidentiel", required=False, help_text=Document._meta.get_field("confidentiel").help_text
    )

    def __init__(self, *args, current_kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(current_kind)
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
