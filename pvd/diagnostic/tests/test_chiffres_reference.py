"""Reference figures and the PVD comparison, on hand-built territories with hand-checked values."""

from decimal import Decimal

import pytest
from django.test import override_settings

from pvd.diagnostic import services
from pvd.diagnostic.models import Donnee, DonneeOrigine
from pvd.diagnostic.selectors import distribution, pvd_positions
from pvd.dossiers.tests.factories import DossierFactory
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory
from tests.utils import assert_queries_do_not_grow, count_queries

from .factories_chiffres import DonneeFactory

# --- Median, quartiles and rank (hand-checked) -----------------------------------------------


def test_distribution_odd_count():
    # sorted 1000 2000 3000 4000 5000: positions 1 + 4p → Q1 = 2000, median = 3000, Q3 = 4000
    d = distribution([5000, 1000, 3000, 2000, 4000], 4000)
    assert (d.nombre, d.rang, d.q1, d.mediane, d.q3) == (5, 2, 2000, 3000, 4000)


def test_distribution_even_count_interpolates():
    # sorted 1000 2000 3000 10000: Q1 at 1.75 → 1000 + 0.75 × 1000 = 1750; median at 2.5 → 2500
    # (mean of the two middle values); Q3 at 3.25 → 3000 + 0.25 × 7000 = 4750
    d = distribution([10000, 1000, 3000, 2000], 1000)
    assert (d.nombre, d.rang, d.q1, d.mediane, d.q3) == (4, 4, Decimal("1750"), Decimal("2500"), Decimal("4750"))


def test_distribution_ties_share_a_rank():
    populations = [3000, 2000, 2000, 1000]
    assert distribution(populations, 3000).rang == 1
    assert distribution(populations, 2000).rang == 2
    assert distribution(populations, 1000).rang == 4
    assert distribution(populations, 2000).mediane == 2000


def test_distribution_empty_and_single():
    assert distribution([], 10).nombre == 0
    single = distribution([7], 7)
    assert (single.rang, single.q1, single.mediane, single.q3) == (1, 7, 7, 7)


@pytest.fixture
def territory(db):
    """Haute-Marne: 5 PVD communes (1000…5000) and one non-PVD commune of 6000 in the EPCI;
    Ain: 2 PVD communes (8000, 9000)."""
    haute_marne = DepartementFactory(code="52", nom="Haute-Marne")
    ain = DepartementFactory(code="01", nom="Ain")
    epci = EpciFactory(nom="CC du Grand Langres", population=99999)  # the DGCL figure is not used
    communes = [
        CommuneFactory(code=f"52{i:03d}", nom=f"Commune {i}", departement=haute_marne, epci=epci, population=p)
        for i, p in enumerate([1000, 2000, 3000, 4000, 5000], start=1)
    ]
    CommuneFactory(code="52900", departement=haute_marne, epci=epci, population=6000, pvd=False)
    CommuneFactory(code="01001", departement=ain, epci=EpciFactory(), population=8000)
    CommuneFactory(code="01002", departement=ain, epci=EpciFactory(), population=9000)
    dossier = DossierFactory(epci=epci, communes=[communes[3]])  # 4000 inhabitants
    return dossier, communes


def _figures(dossier):
    return {
        (d.indicateur, d.echelle, d.code_territoire): d
        for d in Donnee.objects.filter(dossier=dossier, origine=DonneeOrigine.REFERENCE)
    }


def test_reference_figures_hand_checked(territory):
    dossier, _communes = territory
    services.reference_figures_sync(dossier=dossier)
    figures = _figures(dossier)
    assert figures["pop_totale", "commune", "52004"].valeur == 4000
    # EPCI: 1000 + … + 5000 + 6000 = 21000 over 6 communes
    assert figures["pop_totale", "epci", dossier.epci_id].valeur == 21000
    assert figures["nb_communes_epci", "epci", dossier.epci_id].valeur == 6
    # département: the same 21000 (the Ain's communes are elsewhere)
    assert figures["pop_totale", "departement", "52"].valeur == 21000
    assert figures["part_pop_epci", "commune", "52004"].valeur == Decimal("19.0476")  # 4000 / 21000
    assert figures["part_pop_departement", "commune", "52004"].valeur == Decimal("19.0476")
    for donnee in figures.values():
        assert donnee.source == "INSEE, populations municipales 2023 (COG 2026)"
        assert donnee.millesime == "2023"
    assert len(figures) == 6


def test_reference_sync_idempotent_updates_and_removes(territory):
    dossier, communes = territory
    services.reference_figures_sync(dossier=dossier)
    first = {k: (d.pk, d.valeur) for k, d in _figures(dossier).items()}
    services.reference_figures_sync(dossier=dossier)
    assert {k: (d.pk, d.valeur) for k, d in _figures(dossier).items()} == first

    communes[0].population = 4000  # the EPCI grows to 24000
    communes[0].save()
    dossier.communes.set([communes[4]])
    services.reference_figures_sync(dossier=dossier)
    figures = _figures(dossier)
    assert ("pop_totale", "commune", "52004") not in figures
    assert figures["pop_totale", "commune", "52005"].valeur == 5000
    assert figures["pop_totale", "epci", dossier.epci_id].valeur == 24000
    assert figures["part_pop_epci", "commune", "52005"].valeur == Decimal("20.8333")


def test_reference_sync_keeps_the_teams_figure(territory):
    dossier, _ = territory
    typed = DonneeFactory(
        dossier=dossier, indicateur="pop_totale", echelle="commune", code_territoire="52004", millesime="2023", valeur=1
    )
    services.reference_figures_sync(dossier=dossier)
    typed.refresh_from_db()
    assert typed.valeur == 1 and typed.origine == DonneeOrigine.SAISIE
    assert ("pop_totale", "commune", "52004") not in _figures(dossier)


def test_mayotte_vintage_is_2017(db):
    mayotte = DepartementFactory(code="976", nom="Mayotte")
    commune = CommuneFactory(code="97611", departement=mayotte, population=71437)
    dossier = DossierFactory(epci=commune.epci, communes=[commune])
    services.reference_figures_sync(dossier=dossier)
    donnee = Donnee.objects.get(dossier=dossier, indicateur="pop_totale", echelle="commune")
    assert donnee.millesime == "2017" and "Mayotte" in donnee.source


def test_diagnostic_creation_syncs_reference_figures(territory):
    dossier, _ = territory
    services.diagnostic_get_or_create(dossier=dossier)
    assert Donnee.objects.filter(dossier=dossier, origine=DonneeOrigine.REFERENCE).count() == 6
    Donnee.objects.filter(dossier=dossier).delete()
    services.diagnostic_get_or_create(dossier=dossier)  # exists already: no recomputation
    assert not Donnee.objects.filter(dossier=dossier).exists()


def test_reference_sync_queries_do_not_grow(territory):
    dossier, _ = territory
    counter = iter(range(100, 200))

    def grow():
        for _ in range(3):
            n = next(counter)
            dossier.communes.add(CommuneFactory(code=f"52{n}", departement_id="52", epci=dossier.epci, population=n))

    def run():
        # The reset is the test's, not the sync's: without the journal's row per deleted figure.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            Donnee.objects.filter(dossier=dossier).delete()
        return services.reference_figures_sync(dossier=dossier)

    assert_queries_do_not_grow(run, grow=grow)
    _, queries = count_queries(lambda: services.reference_figures_sync(dossier=dossier))
    assert len(queries) <= 8


def test_pvd_positions_hand_checked(territory):
    dossier, _ = territory
    (position,) = pvd_positions(dossier)
    dep, france = position.departement, position.france
    # Haute-Marne PVD: 1000 2000 3000 4000 5000 (the non-PVD 6000 is left out)
    assert (dep.nombre, dep.rang, dep.q1, dep.mediane, dep.q3) == (5, 2, 2000, 3000, 4000)
    # France PVD: 1000 2000 3000 4000 5000 8000 9000 → positions 1 + 6p: Q1 = 2.5 → 2500,
    # median = 4th = 4000, Q3 = 5.5 → 5000 + 0.5 × 3000 = 6500; 4000 is 4th largest
    assert (france.nombre, france.rang, france.q1, france.mediane, france.q3) == (7, 4, 2500, 4000, 6500)
    assert position.millesime == "2023"


def test_pvd_positions_queries_do_not_grow(territory):
    dossier, communes = territory
    assert_queries_do_not_grow(
        lambda: pvd_positions(dossier),
        grow=lambda: dossier.communes.add(*communes[:3]),
    )
