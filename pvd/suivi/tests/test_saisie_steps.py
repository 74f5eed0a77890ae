"""Step 8 (suivi et évaluation): « à venir » until a value is entered, « en cours » after, never
« terminée »; its next action leads to the saisie grid; a constant number of queries."""

import datetime

import pytest
from django.urls import reverse

from pvd.actions.tests.factories import FicheFactory
from pvd.dossiers.perms import ANCT, PREFECTURE, Access
from pvd.dossiers.steps import A_VENIR, EN_COURS
from pvd.strategie.tests.factories import AxeFactory, IndicateurFactory
from pvd.suivi.models import Mesure
from pvd.suivi.steps import suivi
from tests.utils import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db
D = datetime.date
CHEF = Access("chef_de_projet")


def test_without_indicator_the_step_is_to_come_and_asks_for_indicators(dossier):
    etat, detail, action = suivi(dossier, CHEF)
    assert (etat, detail, action.text) == (
        A_VENIR,
        "Aucun indicateur de suivi.",
        "Définir les indicateurs de la stratégie",
    )
    assert suivi(dossier, Access("lecteur"))[2] is None


def test_to_come_until_a_value_then_in_progress(dossier):
    axe = AxeFactory(dossier=dossier)
    first, second = IndicateurFactory(axe=axe), IndicateurFactory(axe=axe)
    etat, detail, action = suivi(dossier, CHEF)
    assert (etat, detail) == (A_VENIR, "2 indicateurs, aucune valeur saisie.")
    assert (action.text, action.url) == (
        "Saisir les valeurs des indicateurs",
        reverse("suivi:grille", kwargs={"dossier_pk": dossier.pk}),
    )
    Mesure.objects.create(indicateur=first, date=D(2025, 12, 31), valeur=1)
    Mesure.objects.create(indicateur=first, date=D(2026, 3, 31), valeur=2)
    etat, detail, _action = suivi(dossier, CHEF)
    assert (etat, detail) == (EN_COURS, "2 valeurs saisies sur 1 des 2 indicateurs ; dernière mesure au 31/03/2026.")
    # Every indicator measured, for years: still « en cours » (the step lasts the programme).
    Mesure.objects.create(indicateur=second, date=D(2030, 12, 31), valeur=2)
    assert suivi(dossier, CHEF)[0] == EN_COURS


@pytest.mark.parametrize(
    "role, flags, has_action",
    [
        ("equipe", {}, True),
        ("partenaire", {}, False),
        ("partenaire", {"saisie_partenaires": True}, True),
        (PREFECTURE, {"saisie_etat": True}, True),
        (ANCT, {"saisie_partenaires": True}, False),
        ("elu", {"saisie_etat": True, "saisie_partenaires": True}, False),
        ("lecteur", {"saisie_etat": True, "saisie_partenaires": True}, False),
    ],
)
def test_the_action_only_for_who_may_enter_an_indicator(dossier, role, flags, has_action):
    IndicateurFactory(axe=AxeFactory(dossier=dossier), **flags)
    assert (suivi(dossier, Access(role))[2] is not None) is has_action
    assert suivi(dossier, None)[2] is None


def test_confidential_fiches_values_count_only_for_the_team(dossier):
    fiche = FicheFactory(dossier=dossier, confidentielle=True)
    hidden = IndicateurFactory(axe=None, fiche=fiche, dossier=dossier)
    IndicateurFactory(axe=AxeFactory(dossier=dossier))
    Mesure.objects.create(indicateur=hidden, date=D(2026, 3, 31), valeur=1)
    assert suivi(dossier, CHEF)[0] == EN_COURS
    assert suivi(dossier, Access("partenaire"))[:2] == (A_VENIR, "1 indicateur, aucune valeur saisie.")
    assert suivi(dossier, None)[0] == A_VENIR


def test_queries_do_not_grow(dossier):
    axe = AxeFactory(dossier=dossier)
    Mesure.objects.create(indicateur=IndicateurFactory(axe=axe), date=D(2026, 1, 1), valeur=1)

    def grow():
        for n in range(5):
            indicateur = IndicateurFactory(axe=axe)
            Mesure.objects.create(indicateur=indicateur, date=D(2026, 1, 1 + n), valeur=1)

    small, large = assert_queries_do_not_grow(lambda: suivi(dossier, CHEF), grow=grow)
    assert (small[0], large[0]) == (EN_COURS, EN_COURS)
