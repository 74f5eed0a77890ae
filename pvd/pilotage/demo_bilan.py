"""Demo of the évaluation: the bilan annuel of last year in the demo dossier, with the chef de
projet's assessment, and the snapshots of the last eight quarters (computed by the same code as
the quarterly command; the fiches' statuses and financing are today's, the indicator values,
étapes and decisions those of each quarter's end). Idempotent. Chained by `pilotage.demo`."""

import datetime

from django.utils import timezone

from pvd.dossiers.models import Dossier

from . import snapshots
from .bilan import bilan_save

APPRECIATION = (
    "L'année a vu la Maison France services ouvrir ses portes et les premières opérations de l'OPAH-RU "
    "engagées dans le centre ancien : le taux de vacance des logements recule pour la deuxième année.\n"
    "La réhabilitation des halles a pris du retard : l'étude de structure a révélé des travaux de "
    "charpente plus lourds que prévu, et le plan de financement reste à compléter.\n"
    "Priorités de l'année qui vient : boucler le financement des halles, lancer la consultation de "
    "maîtrise d'œuvre de la place, et relever les indicateurs de fréquentation chaque trimestre."
)


def seed(context) -> None:
    dossier = context.dossier
    bilan_save(dossier=dossier, annee=timezone.localdate().year - 1, appreciation=APPRECIATION, by=context.chef)
    quarter = snapshots.dernier_trimestre_clos()
    for _ in range(8):
        snapshots.instantanes_record(trimestre=quarter, dossiers=Dossier.objects.filter(pk=dossier.pk))
        quarter = snapshots.debut_de_trimestre(quarter) - datetime.timedelta(days=1)
