from django import forms
from django.utils import timezone

from pvd.core.forms import BaseModelForm, DateInput

from .models import Avis, AvisSens


class AvisForm(BaseModelForm):
    class Meta:
        model = Avis
        fields = ["sens", "date", "texte"]
        widgets = {
            "sens": forms.RadioSelect,
            "date": DateInput(),
            "texte": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "texte": "Ce qui fonde l'avis, ses réserves et ses conditions. L'avis ne pourra plus être modifié.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        # Radios without the empty choice, drawn the DSFR way (the diagnostic's radio template).
        self.fields["sens"].choices = AvisSens.choices
        self.fields["sens"].template_name = "diagnostic/_field_radios.html"
