"""The project's base forms give every select Django's "---------" would have a French empty choice."""

from django import forms

from pvd.core.forms import EMPTY_CHOICE, BaseForm, BaseModelForm
from pvd.territoires.models import Organisation


def _options(form, name):
    return [label for _, label in form.fields[name].widget.choices]


def test_base_form_relabels_django_empty_choices(db):
    class Form(BaseForm):
        organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])
        own = forms.ChoiceField(choices=[("", "— Aucune —"), ("a", "A")])
        several = forms.ModelMultipleChoiceField(queryset=Organisation.objects.all(), required=False)

    form = Form()
    assert _options(form, "organisation")[0] == EMPTY_CHOICE
    assert _options(form, "kind") == [EMPTY_CHOICE, "A"]
    assert _options(form, "own")[0] == "— Aucune —"  # a label the form chose stays
    assert "---------" not in form.as_div()


def test_base_model_form_relabels_model_choices(db):
    class Form(BaseModelForm):
        class Meta:
            model = Organisation
            fields = ["kind"]

    form = Form()
    html = form.as_div()
    assert "---------" not in html and EMPTY_CHOICE in html
