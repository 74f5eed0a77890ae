from django import forms

from pvd.core.forms import BaseModelForm

from .models_bilan import BilanAnnuel


class BilanForm(BaseModelForm):
    class Meta:
        model = BilanAnnuel
        fields = ["appreciation"]
        widgets = {"appreciation": forms.Textarea(attrs={"rows": 12})}
