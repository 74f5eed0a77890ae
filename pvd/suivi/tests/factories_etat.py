"""A dossier with an axe's result indicator and fiche indicators that contribute to it."""

import datetime
from decimal import Decimal

from pvd.actions.tests.factories import FicheFactory
from pvd.strategie.tests.factories import AxeFactory
from pvd.suivi.models import Agregation, Frequence, IndicateurKind

from .factories import IndicateurFactory, MesureFactory

D = datetime.date


def axe_indicator(dossier, *, agregation=Agregation.SOMME, **kwargs):
    axe = kwargs.pop("axe", None) or AxeFactory(dossier=dossier)
    fields = {
        "nom": "Logements rénovés",
        "unite": "logements",
        "kind": IndicateurKind.RESULTAT,
        "valeur_initiale": Decimal(0),
        "date_initiale": D(2024, 1, 1),
        "cible": Decimal(100),
        "echeance": D(2026, 1, 1),
        "frequence": Frequence.PONCTUELLE,
    }
    return IndicateurFactory(dossier=dossier, axe=axe, agregation=agregation, **{**fields, **kwargs})


def contributor(target, *, values=(), confidentielle=False, unite=None, **kwargs):
    """A fiche's indicator contributing to `target`, with values [(date, value)]."""
    fiche = FicheFactory(dossier=target.dossier, confidentielle=confidentielle)
    indicateur = IndicateurFactory(
        dossier=target.dossier,
        fiche=fiche,
        nom=kwargs.pop("nom", f"Logements de la fiche {fiche.numero}"),
        unite=unite or target.unite,
        contribue_a=target,
        **kwargs,
    )
    for day, value in values:
        MesureFactory(indicateur=indicateur, date=day, valeur=Decimal(value))
    return indicateur
