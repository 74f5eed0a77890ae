"""A validation by the comité de projet covers what it saw: a later change is shown."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.dossiers.steps import EN_COURS, TERMINE
from pvd.gouvernance.models import Instance, Seance
from pvd.gouvernance.services import decision_record
from pvd.strategie import selectors, services, steps


@pytest.fixture
def validated(dossier, strategie, auteur):
    """The strategy and two axes, each validated by the comité de projet."""
    second = services.axe_create(dossier=dossier, numero=2, titre="Commerce", by=auteur)
    instance = Instance.objects.create(dossier=dossier, kind="comite_projet", nom="Comité de projet")
    seance = Seance.objects.create(instance=instance, date="2026-03-01T18:00:00Z")
    for point in [
        services.projet_submit(dossier=dossier, by=auteur),
        services.axe_submit(axe=strategie["axe"], by=auteur),
        services.axe_submit(axe=second, by=auteur),
    ]:
        point.seance = seance
        point.save()
        decision_record(point=point, resultat="valide", by=auteur)
    return {**strategie, "second": second}


def _changed(overview):
    return overview["projet_modifie_depuis_validation"], {
        axe.numero for axe in overview["axes"] if axe.modifie_depuis_validation
    }


def test_nothing_changed_after_the_validation(dossier, validated):
    assert _changed(selectors.strategie_overview(dossier)) == (False, set())
    assert steps.strategie(dossier)[0] == TERMINE


def test_an_axe_changed_after_its_validation(dossier, validated, auteur, client_for):
    services.axe_update(axe=validated["axe"], titre="Habitat", by=auteur)
    assert _changed(selectors.strategie_overview(dossier)) == (True, {1})
    etat, detail, _action = steps.strategie(dossier)
    assert etat == EN_COURS
    assert "stratégie modifiée depuis sa validation par le comité de projet" in detail

    client = client_for(dossier, "lecteur")
    page = BeautifulSoup(
        client.get(reverse("strategie:index", kwargs={"dossier_pk": dossier.pk})).content, "html.parser"
    )
    assert page.select_one("#projet [data-modifie-depuis-validation]").get_text() == "Modifié depuis la validation"
    first, second = (page.select_one(f"#axe-{validated[key].pk}") for key in ("axe", "second"))
    assert first.select_one("[data-modifie-depuis-validation]") is not None
    assert second.select_one("[data-etat='valide']") is not None
    assert second.select_one("[data-modifie-depuis-validation]") is None


def test_a_change_of_an_indicator_counts_for_its_axe(dossier, validated, auteur):
    services.axe_indicateur_update(indicateur=validated["indicateur"], cible=5, by=auteur)
    assert _changed(selectors.strategie_overview(dossier)) == (True, {1})


def test_a_sector_change_counts_for_the_strategy_only(dossier, validated, auteur):
    secteur = validated["secteur"]
    services.secteur_update(
        secteur=secteur,
        nom="Cœur de ville",
        kind=secteur.kind,
        commune=secteur.commune,
        geometry=secteur.geometry,
        by=auteur,
    )
    assert _changed(selectors.strategie_overview(dossier)) == (True, set())
