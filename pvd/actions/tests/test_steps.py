import pytest

from pvd.actions import services, steps
from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE

pytestmark = pytest.mark.django_db


def test_plan_step(dossier):
    assert steps.plan(dossier)[0] == A_VENIR
    fiche = FicheFactory(dossier=dossier)
    assert steps.plan(dossier) == (EN_COURS, "1 fiche(s) action, 1 datée(s), 0 avec un plan de financement.")
    LigneFactory(fiche=fiche)
    assert steps.plan(dossier)[0] == TERMINE


def test_fiches_step(dossier):
    assert steps.fiches(dossier)[0] == A_VENIR
    fiche = FicheFactory(dossier=dossier)
    FicheFactory(dossier=dossier)
    assert steps.fiches(dossier)[0] == A_VENIR
    services.fiche_submit(fiche=fiche, by=None)
    assert steps.fiches(dossier) == (EN_COURS, "0 fiche(s) validée(s) sur 2, 1 examinée(s) ou soumise(s).")
