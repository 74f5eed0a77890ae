import pytest

from pvd.dossiers import demo
from pvd.gouvernance import demo as gouvernance_demo
from pvd.gouvernance.models import Decision, Instance, MembreInstance, Seance
from pvd.gouvernance.selectors import composition_check
from pvd.gouvernance.steps import gouvernance
from pvd.participation import demo as participation_demo
from pvd.participation.models import Contribution, Moderation
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent():
    DepartementFactory()
    CommuneFactory(code=demo.DEMO_COMMUNE, nom="Langres", epci=EpciFactory(nom="CC du Grand Langres"))
    context = demo.seed()
    gouvernance_demo.seed(context)
    participation_demo.seed(context)
    counts = [
        Instance.objects.count(),
        MembreInstance.objects.count(),
        Seance.objects.count(),
        Decision.objects.count(),
        Contribution.objects.count(),
        Moderation.objects.count(),
    ]
    gouvernance_demo.seed(demo.seed())
    participation_demo.seed(demo.seed())
    assert [
        Instance.objects.count(),
        MembreInstance.objects.count(),
        Seance.objects.count(),
        Decision.objects.count(),
        Contribution.objects.count(),
        Moderation.objects.count(),
    ] == counts
    assert counts[0] == 4 and counts[2] == 2 and counts[3] == 3 and counts[4] == 12
    comite = Instance.objects.get(type="comite_projet")
    assert composition_check(comite) == []
    assert Seance.objects.filter(compte_rendu_approuve_le__isnull=False).count() == 1
    assert set(Contribution.objects.values_list("statut", flat=True)) == {"publiee", "en_attente", "refusee"}
    assert gouvernance(context.dossier)[0] == "termine"
