from django import forms

from pvd.core.forms import BaseModelForm, VersionedFormMixin

from .models_bilan import BilanAnnuel


class BilanForm(VersionedFormMixin, BaseModelForm):
    class Meta:
        model = BilanAnnuel
        fields = ["appreciation"]
        widgets = {"appreciation": forms.Textarea(attrs={"rows": 12})}
