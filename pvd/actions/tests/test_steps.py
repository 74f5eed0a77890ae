import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.actions import services, steps
from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE

pytestmark = pytest.mark.django_db


def test_plan_step(dossier):
    assert steps.plan(dossier)[0] == A_VENIR
    fiche = FicheFactory(dossier=dossier)
    assert steps.plan(dossier)[:2] == (EN_COURS, "1 fiche action, 1 datée, 0 avec un plan de financement.")
    LigneFactory(fiche=fiche)
    assert steps.plan(dossier)[0] == TERMINE


def test_fiches_step(dossier):
    assert steps.fiches(dossier)[0] == A_VENIR
    fiche = FicheFactory(dossier=dossier)
    FicheFactory(dossier=dossier)
    assert steps.fiches(dossier)[0] == A_VENIR
    services.fiche_submit(fiche=fiche, by=None)
    assert steps.fiches(dossier)[:2] == (EN_COURS, "0 fiche validée sur 2, 1 examinée ou soumise.")


def test_plan_step_plural_for_two(dossier):
    FicheFactory(dossier=dossier, date_debut=None)
    FicheFactory(dossier=dossier)
    FicheFactory(dossier=dossier)
    assert steps.plan(dossier)[1] == "3 fiches action, 2 datées, 0 avec un plan de financement."


def test_fiches_step_singular_and_plural(dossier):
    first = FicheFactory(dossier=dossier)
    assert steps.fiches(dossier)[1] == "La fiche action n'a pas été soumise au comité de projet."
    second = FicheFactory(dossier=dossier)
    assert steps.fiches(dossier)[1] == "Aucune des 2 fiches n'a été soumise au comité de projet."
    services.fiche_submit(fiche=first, by=None)
    services.fiche_submit(fiche=second, by=None)
    assert steps.fiches(dossier)[1] == "0 fiche validée sur 2, 2 examinées ou soumises."


@pytest.mark.parametrize(
    ("kind", "expected", "submitted"),
    [
        ("partenaire", "1 fiche action", "La fiche action n'a pas été soumise"),
        ("chef_de_projet", "2 fiches action", "Aucune des 2 fiches n'a été soumise"),
    ],
)
def test_dossier_home_counts_only_the_fiches_the_viewer_may_see(dossier, client_for, kind, expected, submitted):
    FicheFactory(dossier=dossier)
    FicheFactory(dossier=dossier, confidentielle=True)
    response = client_for(dossier, kind).get(reverse("dossiers:detail", args=[dossier.pk]))
    text = BeautifulSoup(response.content, "html.parser").select_one("#etapes").get_text(" ", strip=True)
    assert f"{expected}, " in text
    assert submitted in text
