"""Demo of the open data and of the State's opinions: Langres publishes five fiches, the
préfecture gives its opinions. Idempotent."""

import datetime

from django.db import transaction

from pvd.actions import services as actions_services
from pvd.actions.models import FicheAction
from pvd.conventions.models import Convention, ConventionType
from pvd.dossiers.perms import access_for

from . import avis as avis_services
from .models import Avis, AvisSens

# Open data: the non-confidential fiches of the demo that Langres publishes (by title).
PUBLISHED = [
    "Opération programmée d'amélioration de l'habitat (OPAH-RU)",
    "Ravalement de façades du centre ancien",
    "Lutte contre l'habitat indigne : permis de louer",
    "Manager de commerce de centre-ville",
    "Boutique à l'essai place Diderot",
]


def seed(context):
    _seed_opendata(context)
    _seed_avis(context)


@transaction.atomic
def _seed_opendata(context):
    fiches = FicheAction.objects.visible_to(None).filter(dossier=context.dossier, titre__in=PUBLISHED, publiee=False)
    for fiche in fiches:
        actions_services.fiche_publication(fiche=fiche, by=context.chef, publiee=True)


@transaction.atomic
def _seed_avis(context):
    """The préfecture's opinions: on the OPAH-RU fiche (reserved, then favourable) and on the convention-cadre."""
    dossier = context.dossier
    if Avis.objects.filter(dossier=dossier).exists():
        return
    prefet = context.users.get("prefecture@demo.pvd.fr")
    if prefet is None:
        return
    access = access_for(prefet, dossier)
    if not access.can("avis.give"):
        return
    fiche = FicheAction.objects.visible_to(access).filter(dossier=dossier, titre=PUBLISHED[0]).first()
    if fiche is not None:
        avis_services.avis_create(
            dossier=dossier,
            user=prefet,
            access=access,
            fiche=fiche,
            sens=AvisSens.RESERVE,
            texte="Éligible à la DSIL sous réserve d'un plan de financement consolidé avec l'Anah.",
            date=datetime.date(2023, 3, 10),
        )
        avis_services.avis_create(
            dossier=dossier,
            user=prefet,
            access=access,
            fiche=fiche,
            sens=AvisSens.FAVORABLE,
            texte="Plan de financement consolidé : avis favorable, dossier DSIL à déposer avant le 31 mars.",
            date=datetime.date(2023, 9, 4),
        )
    cadre = Convention.objects.filter(dossier=dossier, kind=ConventionType.CADRE).first()
    if cadre is not None:
        avis_services.avis_create(
            dossier=dossier,
            user=prefet,
            access=access,
            convention=cadre,
            sens=AvisSens.FAVORABLE,
            texte="Projet de convention-cadre conforme au projet de territoire ; le périmètre ORT est à joindre.",
            date=datetime.date(2024, 1, 15),
        )
