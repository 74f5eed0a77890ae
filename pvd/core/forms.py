from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from dsfr.forms import DsfrBaseForm

# Django's "---------" as the empty choice of a select says nothing to a reader: the project's one.
EMPTY_CHOICE = "— Choisir —"
_DJANGO_EMPTY = BLANK_CHOICE_DASH[0][1]


class _DsfrContextMixin:
    def get_context(self):
        # Mark optional fields (DSFR's current guidance) without django-dsfr's transition warnings.
        context = forms.BaseForm.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class _FrenchEmptyChoiceMixin:
    """Every select whose empty choice is Django's "---------" shows EMPTY_CHOICE instead.
    A label a form chose itself (e.g. "— Aucune —") is kept; choices a subclass sets after
    this __init__ are its own business."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelMultipleChoiceField):
                continue
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == _DJANGO_EMPTY:
                    field.empty_label = EMPTY_CHOICE
                    field.widget.choices = field.choices
            elif isinstance(field, forms.ChoiceField):
                choices = list(field.choices)
                if choices and choices[0] == ("", _DJANGO_EMPTY):
                    field.choices = [("", EMPTY_CHOICE), *choices[1:]]


class BaseForm(_FrenchEmptyChoiceMixin, _DsfrContextMixin, DsfrBaseForm):
    pass


class BaseModelForm(_FrenchEmptyChoiceMixin, _DsfrContextMixin, DsfrBaseForm, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form that triggered it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def validation_message(error: ValidationError) -> str:
    """A service's ValidationError as one French sentence, for a page without a form."""
    return " ".join(error.messages)


def report_validation_error(request, error: ValidationError) -> None:
    """Show a service's ValidationError as an error message of the next page (views without a form)."""
    messages.error(request, validation_message(error))
