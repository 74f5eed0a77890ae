from django import forms
from dsfr.forms import DsfrBaseForm


class _DsfrContextMixin:
    def get_context(self):
        # Mark optional fields (DSFR's current guidance) without django-dsfr's transition warnings.
        context = forms.BaseForm.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class BaseForm(_DsfrContextMixin, DsfrBaseForm):
    pass


class BaseModelForm(_DsfrContextMixin, DsfrBaseForm, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
