from django import forms

from pvd.core.forms import BaseForm, DateInput, VersionedFormMixin

from .models import NOM_MAX, REPONSE_MAX, TEXTE_MAX, ContributionKind, Theme


def target_choices(axes, fiches) -> list:
    choices = [("", "— Le projet en général —")]
    if axes:
        choices.append(("Axes stratégiques", [(f"axe:{a.pk}", str(a)) for a in axes]))
    if fiches:
        choices.append(("Fiches action", [(f"fiche:{f.pk}", str(f)) for f in fiches]))
    return choices


def resolve_target(value: str, axes, fiches):
    """(axe, fiche) named by a "axe:pk" / "fiche:pk" choice among the allowed ones."""
    key, _, pk = value.partition(":")
    pool = {"axe": axes, "fiche": fiches}.get(key, [])
    obj = next((o for o in pool if str(o.pk) == pk), None)
    return (obj, None) if key == "axe" else (None, obj)


HONEYPOT = "site_web"


class ContributionForm(BaseForm):
    consultation = forms.ChoiceField(label="En réponse à la consultation", required=False)
    kind = forms.ChoiceField(label="Nature de votre contribution", choices=ContributionKind.choices)
    theme = forms.ChoiceField(label="Thème", choices=Theme.choices)
    cible = forms.ChoiceField(label="Sur quel sujet ?", required=False)
    texte = forms.CharField(
        label="Votre contribution",
        max_length=TEXTE_MAX,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"{TEXTE_MAX} caractères au plus.",
        error_messages={
            "max_length": f"Votre contribution est trop longue : {TEXTE_MAX} caractères au plus "
            "(elle en compte %(show_value)d).",
            "min_length": "Votre contribution est trop courte : 10 caractères au moins.",
            "required": "Écrivez votre contribution.",
        },
    )
    auteur = forms.CharField(
        label="Votre nom",
        max_length=NOM_MAX,
        required=False,
        help_text="Laissez vide pour contribuer anonymement.",
        error_messages={"max_length": f"Votre nom est trop long : {NOM_MAX} caractères au plus."},
    )
    email = forms.EmailField(
        label="Votre adresse électronique",
        required=False,
        help_text="Facultative, jamais publiée : elle permet à l'équipe-projet de vous répondre.",
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."},
    )

    def __init__(self, *args, consultations, axes, fiches, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultations, self.axes, self.fiches = list(consultations), list(axes), list(fiches)
        self.fields["consultation"].choices = [("", "— Aucune —")] + [
            (str(c.pk), c.question) for c in self.consultations
        ]
        self.fields["cible"].choices = target_choices(self.axes, self.fiches)

    def clean_texte(self):
        texte = self.cleaned_data["texte"]
        if "\x00" in texte:
            raise forms.ValidationError("Votre contribution contient des caractères non valides.")
        return texte

    def is_spam(self) -> bool:
        """The honeypot field, rendered hidden by the template: people leave it empty, robots fill it in."""
        return bool(self.data.get(HONEYPOT, "").strip())

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        axe, fiche = resolve_target(data["cible"], self.axes, self.fiches)
        consultation = next((c for c in self.consultations if str(c.pk) == data["consultation"]), None)
        return {
            "kind": data["kind"],
            "theme": data["theme"],
            "texte": data["texte"],
            "auteur": data["auteur"],
            "email": data["email"],
            "consultation": consultation,
            "axe": axe,
            "fiche": fiche,
        }


class RefuseForm(BaseForm):
    motif = forms.CharField(label="Motif du refus", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(BaseForm):
    reponse = forms.CharField(
        label="Réponse de l'équipe-projet", max_length=REPONSE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class PageForm(VersionedFormMixin, BaseForm):
    publiee = forms.TypedChoiceField(
        label="Page publique de participation",
        choices=[("non", "Non publiée"), ("oui", "Publiée")],
        coerce=lambda value: value == "oui",
        empty_value=False,
    )
    titre = forms.CharField(label="Titre", max_length=200)
    introduction = forms.CharField(label="Introduction", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ConsultationForm(BaseForm):
    question = forms.CharField(label="Question posée", max_length=500)
    description = forms.CharField(label="Présentation", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    ouverture = forms.DateField(label="Ouverture", widget=DateInput())
    cloture = forms.DateField(label="Clôture", widget=DateInput())
    cible = forms.ChoiceField(label="Sujet", required=False)

    def __init__(self, *args, axes, fiches, **kwargs):
        super().__init__(*args, **kwargs)
        self.axes, self.fiches = list(axes), list(fiches)
        self.fields["cible"].choices = target_choices(self.axes, self.fiches)

    def clean(self):
        data = super().clean()
        if data.get("ouverture") and data.get("cloture") and data["cloture"] < data["ouverture"]:
            self.add_error("cloture", "La clôture doit suivre l'ouverture.")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        axe, fiche = resolve_target(data["cible"], self.axes, self.fiches)
        return {
            "question": data["question"],
            "description": data["description"],
            "ouverture": data["ouverture"],
            "cloture": data["cloture"],
            "axe": axe,
            "fiche": fiche,
        }
