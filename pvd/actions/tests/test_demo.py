import pytest

from pvd.actions import demo
from pvd.actions.models import FicheAction, LigneFinancement
from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.demo import DemoContext


@pytest.mark.django_db
def test_demo_seed_is_idempotent(dossier):
    context = DemoContext(dossier, users={"chef@demo.pvd.fr": UserFactory()})
    demo.seed(context)
    demo.seed(context)
    fiches = FicheAction.objects.filter(dossier=dossier)
    assert fiches.count() == 20
    assert fiches.filter(inscrite_crte=True).count() == 2
    assert fiches.filter(confidentielle=True).count() == 1
    assert set(fiches.values_list("axes__numero", flat=True)) == {1, 2, 3, 4}
    statuts = set(LigneFinancement.objects.filter(fiche__dossier=dossier).values_list("statut", flat=True))
    assert statuts == {"accorde", "sollicite", "refuse"}
