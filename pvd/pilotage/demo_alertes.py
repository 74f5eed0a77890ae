"""Demo alerts of Langres, relative to the day the demo is seeded (idempotent): an étape of a fiche
en cours three weeks late, and a financing request unanswered for eight months."""

import datetime

from django.utils import timezone

from pvd.actions.models import Etape, FicheAction, FicheStatut, LigneFinancement, StatutFinancement
from pvd.dossiers.deadline import add_months

ETAPE = "Dépôt du permis de construire"


def seed(context) -> None:
    dossier = context.dossier
    today = timezone.localdate()
    fiche = (
        FicheAction.objects.visible_to(None)
        .filter(dossier=dossier, statut=FicheStatut.EN_COURS)
        .order_by("numero")
        .first()
    )
    if fiche is not None and not Etape.objects.filter(fiche=fiche, nom=ETAPE).exists():
        Etape.objects.create(fiche=fiche, nom=ETAPE, date=today - datetime.timedelta(days=21))
    requests = LigneFinancement.objects.filter(fiche__dossier=dossier, statut=StatutFinancement.SOLLICITE)
    if not requests.filter(date_demande__lt=add_months(today, -6)).exists():
        ligne = requests.filter(fiche__in=FicheAction.objects.visible_to(None)).order_by("pk").first()
        if ligne is not None:
            ligne.date_demande = add_months(today, -8)
            ligne.save(update_fields=["date_demande"])
