"""The State's opinions (avis) on a fiche action or a convention: recorded by the préfecture of
the dossier's département or by ANCT (`avis.give`), kept in the history, never changed nor
deleted on the platform (no view does it; the admin only reads them).

The fiche's and the convention's pages belong to lower layers: they ask `for_object` through
`optional_provider("pvd.pilotage.avis.for_object")` and include the template it names.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pvd.actions.models import FicheAction
from pvd.conventions.models import Convention

from .models import Avis

SECTION_TEMPLATE = "pilotage/avis_section.html"


def emetteur_label(user, access) -> str:
    """Who speaks: « Préfecture — Haute-Marne », « ANCT »."""
    label = access.role_label
    if user.departement_id:
        label = f"{label} — {user.departement.nom}"
    return label


@transaction.atomic
def avis_create(*, dossier, user, access, sens, texte, date, fiche=None, convention=None) -> Avis:
    """A new opinion on `fiche` or `convention` (one of them) of `dossier`. The fiche must be one
    `access` sees: the State never gives an opinion on a confidential fiche."""
    access.require("avis.give")
    if (fiche is None) == (convention is None):
        raise ValidationError("Un avis porte sur une fiche action ou sur une convention.")
    target = fiche or convention
    if target.dossier_id != dossier.pk:
        raise ValidationError("Cet objet n'appartient pas au dossier.")
    if fiche is not None and not fiche.is_visible_to(access):
        raise ValidationError("Cette fiche action n'existe pas ou ne vous est pas visible.")
    if date and date > timezone.localdate():
        raise ValidationError({"date": "La date de l'avis ne peut pas être dans le futur."})
    avis = Avis(
        dossier=dossier,
        fiche=fiche,
        convention=convention,
        objet=str(target)[:400],
        sens=sens,
        texte=(texte or "").strip(),
        date=date,
        auteur=user,
        auteur_nom=(user.get_full_name() or user.email)[:300],
        emetteur=emetteur_label(user, access)[:200],
    )
    avis.full_clean()
    avis.save()
    return avis


def give_url(target) -> str:
    kind = "fiche" if isinstance(target, FicheAction) else "convention"
    return reverse("pilotage:avis_create", kwargs={"dossier_pk": target.dossier_id, "kind": kind, "pk": target.pk})


def target_url(target) -> str:
    if isinstance(target, FicheAction):
        return reverse("actions:fiche", kwargs={"dossier_pk": target.dossier_id, "fiche_pk": target.pk}) + "#avis"
    return reverse("conventions:detail", kwargs={"dossier_pk": target.dossier_id, "pk": target.pk}) + "#avis"


def avis_of(target):
    """The opinions on a fiche or a convention, latest first (one query)."""
    field = "fiche" if isinstance(target, FicheAction) else "convention"
    return Avis.objects.filter(**{field: target}).order_by("-date", "-created_at", "-pk")


def for_object(target, access) -> dict | None:
    """The « Avis de l'État » section of a fiche's or a convention's page, for who may read it
    (`avis.view`: the équipe-projet and the State); None for the others. One query."""
    if not access.can("avis.view"):
        return None
    if not isinstance(target, (FicheAction, Convention)):
        raise TypeError(f"Pas d'avis de l'État sur {type(target).__name__}")
    return {
        "template": SECTION_TEMPLATE,
        "avis": list(avis_of(target)),
        "give_url": give_url(target) if access.can("avis.give") else "",
    }
