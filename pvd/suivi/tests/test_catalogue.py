import pytest

from pvd.strategie.tests.factories import AxeFactory
from pvd.suivi import services
from pvd.suivi.catalogue import BY_KEY, CATALOGUE, catalogue_choices
from pvd.suivi.models import Frequence, Indicateur, IndicateurKind


def test_keys_are_unique_and_indexed():
    keys = [modele.key for modele in CATALOGUE]
    assert len(keys) == len(set(keys))
    assert set(BY_KEY) == set(keys)
    assert all(BY_KEY[modele.key] is modele for modele in CATALOGUE)


def test_entries_use_known_kinds_and_frequencies():
    for modele in CATALOGUE:
        assert modele.kind in IndicateurKind.values, modele.key
        assert modele.frequence in Frequence.values, modele.key
        assert modele.nom and modele.unite and modele.source and modele.theme, modele.key


def test_the_common_indicators_of_the_programme_are_there():
    noms = " | ".join(modele.nom.lower() for modele in CATALOGUE)
    for expected in ("logements vacants", "vacance commerciale", "population", "emplois", "logements rénovés"):
        assert expected in noms
    assert sum(1 for modele in CATALOGUE if "(CRTE)" in modele.nom) >= 3
    assert {IndicateurKind.RESULTAT, IndicateurKind.MISE_EN_OEUVRE} <= {modele.kind for modele in CATALOGUE}


def test_choices_follow_the_catalogue():
    choices = catalogue_choices()
    assert [key for key, _ in choices] == [modele.key for modele in CATALOGUE]
    assert dict(choices)["logements_vacants"] == "Habitat — Taux de logements vacants (%)"


@pytest.mark.django_db
def test_every_entry_makes_a_valid_indicator(dossier):
    axe = AxeFactory(dossier=dossier)
    for modele in CATALOGUE:
        services.indicateur_create(
            dossier=dossier,
            axe=axe,
            nom=modele.nom,
            kind=modele.kind,
            unite=modele.unite,
            source=modele.source,
            frequence=modele.frequence,
            catalogue=modele.key,
        )
    assert Indicateur.objects.filter(dossier=dossier).count() == len(CATALOGUE)
    assert set(Indicateur.objects.values_list("catalogue", flat=True)) == set(BY_KEY)
