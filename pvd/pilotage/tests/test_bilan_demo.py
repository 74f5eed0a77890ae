"""The évaluation's demo: last year's bilan and eight quarters of snapshots, idempotent."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from pvd.dossiers.tests.factories import MembreFactory
from pvd.pilotage import demo_bilan, snapshots
from pvd.pilotage.models import BilanAnnuel, InstantaneTrimestriel

pytestmark = pytest.mark.django_db


def test_seed_twice(dossier):
    context = SimpleNamespace(dossier=dossier, chef=MembreFactory(dossier=dossier, role="chef_de_projet").user)
    demo_bilan.seed(context)
    demo_bilan.seed(context)
    bilan = BilanAnnuel.objects.get()
    assert (bilan.annee, bilan.appreciation) == (timezone.localdate().year - 1, demo_bilan.APPRECIATION)
    quarters = list(InstantaneTrimestriel.objects.values_list("trimestre", flat=True))
    assert len(quarters) == 8 and quarters[-1] == snapshots.dernier_trimestre_clos()
    assert all(snapshots.fin_de_trimestre(q) == q for q in quarters)
