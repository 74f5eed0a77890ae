"""The dossier's indicators page and an indicator's page: per role, what they show, query counts."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions.tests.factories import FicheFactory
from pvd.strategie.tests.factories import AxeFactory
from pvd.suivi.models import Frequence
from tests.utils import assert_queries_do_not_grow, assert_refused, expected_status, main

from .factories import IndicateurFactory, MesureFactory
from .factories_etat import axe_indicator, contributor

pytestmark = pytest.mark.django_db
D = datetime.date
V = Decimal


def _list(dossier, **params):
    return reverse("suivi:indicateurs", kwargs={"dossier_pk": dossier.pk})


def _page(indicateur):
    return reverse("suivi:indicateur", kwargs={"dossier_pk": indicateur.dossier_id, "pk": indicateur.pk})


@pytest.fixture
def data(dossier):
    target = axe_indicator(dossier)  # 0 → 100 logements, 2024 → 2026
    MesureFactory(indicateur=target, date=D(2024, 12, 1), valeur=V(3))
    open_one = contributor(target, values=[(D(2024, 6, 1), 10), (D(2025, 1, 1), 30)], nom="Logements de la halle")
    secret = contributor(target, values=[(D(2025, 2, 1), 40)], confidentielle=True, nom="Logements secrets")
    return {"target": target, "open": open_one, "secret": secret}


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_indicators_page_per_role(client_for, data, kind):
    dossier = data["target"].dossier
    response = client_for(dossier, kind).get(_list(dossier))
    status = expected_status(kind, {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"})
    if status != 200:
        assert_refused(response, kind)
        return
    content = main(response)
    names = [a.get_text(strip=True) for a in content.select("#table-fiches th[scope=row] a")]
    sees_secret = kind in {"chef_de_projet", "equipe"}
    assert names == (["Logements de la halle", "Logements secrets"] if sees_secret else ["Logements de la halle"])
    row = content.select_one(f"#indicateur-{data['target'].pk}")
    # The axe's value is the sum of the fiches' latest values this reader may see.
    assert ("70" if sees_secret else "30") in row.select("td")[2].get_text()
    assert "somme des fiches" in row.get_text()
    assert content.select_one("#regle-etat")


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_indicator_page_per_role(client_for, data, kind):
    dossier = data["target"].dossier
    client = client_for(dossier, kind)
    response = client.get(_page(data["secret"]))
    if kind in {"chef_de_projet", "equipe"}:
        assert response.status_code == 200
    else:
        assert_refused(response, kind, hidden=kind != "anonymous")
    response = client.get(_page(data["target"]))
    if expected_status(kind, {"x"}) in (302, 404):
        assert_refused(response, kind)
        return
    assert response.status_code == 200
    content = main(response)
    contributors = [a.get_text(strip=True) for a in content.select("#contributeurs th[scope=row] a")]
    assert ("Logements secrets" in contributors) == (kind in {"chef_de_projet", "equipe"})
    edit = content.select_one(f"a[href$='/strategie/indicateurs/{data['target'].pk}/']")
    assert (edit is not None and "Modifier" in edit.get_text()) == (kind in {"chef_de_projet", "equipe"})


def test_indicator_page_chart_and_table_hold_the_same_values(client_for, data):
    dossier = data["target"].dossier
    content = main(client_for(dossier, "lecteur").get(_page(data["target"])))
    chart = json.loads(content.select_one("#indicateur-data").string)
    series = {serie["key"]: [(p["date"], p["y"]) for p in serie["points"]] for serie in chart["series"]}
    assert series == {
        "reference": [("01/01/2024", 0.0)],
        "mesures": [("01/12/2024", 3.0)],
        # The lecteur does not see the confidential fiche: 10 then 30, never 70.
        "calcul": [("01/06/2024", 10.0), ("01/01/2025", 30.0)],
        "cible": [("01/01/2026", 100.0)],
        "trajectoire": [("01/01/2024", 0.0), ("01/01/2026", 100.0)],
    }
    rows = [
        [cell.get_text(strip=True) for cell in tr.select("th, td")] for tr in content.select("#table-valeurs tbody tr")
    ]
    assert rows == [
        ["01/01/2024", "Valeur de référence", "0 logements"],
        [
            "01/06/2024",
            "Valeur calculée (somme des fiches)",
            "10 logements",
        ],
        ["01/12/2024", "Valeurs mesurées", "3 logements"],
        [
            "01/01/2025",
            "Valeur calculée (somme des fiches)",
            "30 logements",
        ],
        ["01/01/2026", "Valeur cible", "100 logements"],
    ]
    assert "30 logements au 01/01/2025" in content.select_one("#valeur-courante").get_text()
    assert "3 logements au 01/12/2024" in content.select_one("#valeur-saisie").get_text()


def test_a_fiche_indicator_names_its_axe_indicator(client_for, data):
    content = main(client_for(data["open"].dossier, "elu").get(_page(data["open"])))
    link = content.select_one("#contribution a")
    assert link["href"] == _page(data["target"])
    assert content.select_one("#contributeurs") is None


def test_filters_by_status_and_axe(client_for, dossier):
    axe1, axe2 = AxeFactory(dossier=dossier), AxeFactory(dossier=dossier)
    reached = axe_indicator(dossier, axe=axe1, nom="Atteint")
    MesureFactory(indicateur=reached, date=D(2025, 1, 1), valeur=V(100))
    axe_indicator(dossier, axe=axe2, nom="Vide")
    fiche = FicheFactory(dossier=dossier)
    fiche.axes.add(axe2)
    IndicateurFactory(dossier=dossier, fiche=fiche, nom="De la fiche")
    client = client_for(dossier, "lecteur")

    def names(**params):
        content = main(client.get(_list(dossier), params))
        return [a.get_text(strip=True) for a in content.select("th[scope=row] a")]

    assert names() == ["Atteint", "Vide", "De la fiche"]
    assert names(statut="atteint") == ["Atteint"]
    assert names(statut="sans_valeur") == ["Vide", "De la fiche"]
    assert names(axe=axe2.pk) == ["Vide", "De la fiche"]
    assert names(axe=axe2.pk, statut="atteint") == []
    assert names(statut="nimporte", axe="x") == ["Atteint", "Vide", "De la fiche"]


def test_side_menu_has_suivi(client_for, dossier):
    response = client_for(dossier, "partenaire").get(_list(dossier))
    active = response.content.decode()
    assert f'href="{_list(dossier)}" aria-current="page">Suivi</a>' in active


def _grow(dossier):
    def grow():
        for i in range(4):
            target = axe_indicator(dossier, nom=f"Axe {i}", frequence=Frequence.MENSUELLE)
            MesureFactory(indicateur=target, date=D(2025, 1, 1), valeur=V(i))
            contributor(target, values=[(D(2025, 1, 1), 1), (D(2025, 2, 1), 2)])
            contributor(target, values=[(D(2025, 3, 1), 3)], confidentielle=True)

    return grow


@pytest.mark.parametrize("kind", ["chef_de_projet", "partenaire"])
def test_indicators_page_queries_do_not_grow(client_for, data, kind):
    dossier = data["target"].dossier
    client = client_for(dossier, kind)
    assert_queries_do_not_grow(lambda: client.get(_list(dossier)), grow=_grow(dossier))


@pytest.mark.parametrize("kind", ["chef_de_projet", "partenaire"])
def test_indicator_page_queries_do_not_grow(client_for, data, kind):
    dossier = data["target"].dossier
    client = client_for(dossier, kind)
    target = data["target"]

    def grow():
        for i in range(5):
            MesureFactory(indicateur=target, date=D(2023, 1, 1 + i), valeur=V(i))
            contributor(target, values=[(D(2025, 1, 1), 1), (D(2025, 2, 1), 2)])
            contributor(target, values=[(D(2025, 3, 1), 3)], confidentielle=True)

    assert_queries_do_not_grow(lambda: client.get(_page(target)), grow=grow)


def test_strategy_page_shows_the_status_of_axe_indicators(client_for, data):
    dossier = data["target"].dossier
    response = client_for(dossier, "elu").get(reverse("strategie:index", kwargs={"dossier_pk": dossier.pk}))
    badge = main(response).select_one(".pvd-indicateurs .pvd-etat")
    assert badge["data-suivi-etat"] and badge.get_text(strip=True)
