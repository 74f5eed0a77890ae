"""Writes on indicators, shared by the strategy (indicators of an axe) and the plan d'action
(indicators of a fiche action)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from pvd.core.concurrency import claim_version
from pvd.journal.services import corbeille_move

from . import catalogue as catalogue_entries
from . import rollup
from .models import Agregation, Frequence, Indicateur

EDITABLE_FIELDS = (
    "nom",
    "kind",
    "unite",
    "valeur_initiale",
    "date_initiale",
    "cible",
    "echeance",
    "source",
    "frequence",
    "saisie_etat",
    "saisie_partenaires",
)
# The roll-up (pvd.suivi.rollup): a fiche's indicator → an axe's indicator, and the axe's rule.
ROLLUP_FIELDS = ("contribue_a", "agregation")


def _check_owner(*, dossier, axe, fiche) -> None:
    if axe is None and fiche is None:
        raise ValidationError("Un indicateur se rattache à un axe stratégique ou à une fiche action.")
    if axe is not None and fiche is not None:
        raise ValidationError("Un indicateur se rattache à un axe ou à une fiche action, pas aux deux.")
    owner = axe if axe is not None else fiche
    if owner.dossier_id != dossier.pk:
        raise ValidationError("L'axe ou la fiche action n'appartient pas à ce dossier.")


@transaction.atomic
def indicateur_create(
    *,
    dossier,
    nom: str,
    kind: str,
    unite: str,
    axe=None,
    fiche=None,
    valeur_initiale: Decimal | None = None,
    date_initiale: datetime.date | None = None,
    cible: Decimal | None = None,
    echeance: datetime.date | None = None,
    source: str = "",
    frequence: str = Frequence.ANNUELLE,
    catalogue: str = "",
    saisie_etat: bool = False,
    saisie_partenaires: bool = False,
    contribue_a: Indicateur | None = None,
    agregation: str = Agregation.SOMME,
    by=None,
) -> Indicateur:
    _check_owner(dossier=dossier, axe=axe, fiche=fiche)
    if catalogue and not catalogue_entries.is_known(catalogue):
        # The key is a hidden field of the form: anything else than an active catalogue entry is refused.
        raise ValidationError({"catalogue": "Modèle du catalogue inconnu."})
    indicateur = Indicateur(
        dossier=dossier,
        axe=axe,
        fiche=fiche,
        nom=nom,
        kind=kind,
        unite=unite,
        valeur_initiale=valeur_initiale,
        date_initiale=date_initiale,
        cible=cible,
        echeance=echeance,
        source=source,
        frequence=frequence,
        catalogue=catalogue,
        saisie_etat=saisie_etat,
        saisie_partenaires=saisie_partenaires,
        contribue_a=contribue_a,
        agregation=agregation,
    )
    rollup.check_contribution(indicateur)
    indicateur.full_clean()
    indicateur.save()
    return indicateur


@transaction.atomic
def indicateur_update(*, indicateur: Indicateur, by=None, expected_version: int | None = None, **changes) -> Indicateur:
    """Change any of EDITABLE_FIELDS and ROLLUP_FIELDS (the axe or fiche it hangs on does not change).
    `expected_version`: the version the caller read (see pvd.core.concurrency)."""
    unknown = set(changes) - set(EDITABLE_FIELDS) - set(ROLLUP_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables : {', '.join(sorted(unknown))}")
    claim_version(indicateur, expected_version)
    for name, value in changes.items():
        setattr(indicateur, name, value)
    rollup.check_contribution(indicateur)
    indicateur.full_clean()
    indicateur.save()
    return indicateur


@transaction.atomic
def indicateur_delete(*, indicateur: Indicateur, by=None) -> None:
    if indicateur.mesures.exists():
        raise ValidationError("Cet indicateur a déjà des mesures : il ne peut plus être supprimé.")
    corbeille_move(instance=indicateur, by=by, label=indicateur.nom)
