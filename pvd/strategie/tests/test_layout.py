"""Indicator tables read in French and keep few columns (the browser test checks their width)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from pvd.strategie import services
from tests.utils import main

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"  # the thousands separator


@pytest.fixture
def valued(strategie, auteur):
    return services.axe_indicateur_update(
        indicateur=strategie["indicateur"],
        valeur_initiale=Decimal("18.5"),
        date_initiale=datetime.date(2020, 1, 1),
        cible=Decimal("62000"),
        echeance=datetime.date(2028, 12, 31),
        source="INSEE",
        by=auteur,
    )


def _rows(table):
    return [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]


def test_strategie_page_values_in_french_with_source_under_the_name(client_for, dossier, valued):
    content = main(client_for(dossier, "elu").get(reverse("strategie:index", kwargs={"dossier_pk": dossier.pk})))
    table = content.select_one(".pvd-indicateurs")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == ["Indicateur", "Référence", "Cible"]
    assert _rows(table) == [
        [
            "Taux de logements vacants Sans valeur Résultat · source : INSEE",
            "18,5 % (2020)",
            f"62{NBSP}000 % en 2028",
        ]
    ]


def test_editors_get_icon_buttons_named_by_their_target(client_for, dossier, strategie):
    content = main(client_for(dossier, "equipe").get(reverse("strategie:index", kwargs={"dossier_pk": dossier.pk})))
    actions = content.select_one(".pvd-indicateurs tbody td.pvd-cell-actions")
    names = [link.get_text(strip=True) for link in actions.select("a.fr-btn")]
    assert names == [
        "Modifier l'indicateur « Taux de logements vacants »",
        "Supprimer l'indicateur « Taux de logements vacants »",
    ]
    assert all("fr-icon-" in " ".join(link["class"]) for link in actions.select("a"))
    secteur_links = content.select("#secteurs-table td.pvd-cell-actions a.fr-btn")
    assert [link["title"] for link in secteur_links] == [
        "Modifier le secteur « Périmètre ORT »",
        "Supprimer le secteur « Périmètre ORT »",
    ]


@pytest.mark.parametrize("page", ["projet", "public"])
def test_projet_pages_values_in_french(client_for, client, dossier, valued, auteur, page):
    services.projet_publish(dossier=dossier, by=auteur)
    viewer = client if page == "public" else client_for(dossier, "partenaire")
    content = main(viewer.get(reverse(f"strategie:{page}", kwargs={"dossier_pk": dossier.pk})))
    table = content.select_one("#projet-axes table")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == ["Indicateur", "Référence", "Cible"]
    assert _rows(table) == [
        [
            "Taux de logements vacants Résultat · source : INSEE, annuelle",
            "18,5 % (2020)",
            f"62{NBSP}000 % en 2028",
        ]
    ]
