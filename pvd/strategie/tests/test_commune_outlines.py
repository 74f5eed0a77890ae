"""With the communes' outlines imported (`import_contours_communes`): the sector checks compare a
sector with its commune (outside it beyond 500 m, larger than it), every map of the dossier draws
the outlines beneath the rest with a legend entry and opens on them; without outlines, the EPCI's
outline and the 100 km² bound still apply and the maps have no such layer."""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.actions.tests.factories import FicheFactory
from pvd.core.formatting import nombre
from pvd.dossiers.tests.factories import DossierFactory
from pvd.strategie import geo, selectors, services
from pvd.territoires.models import Commune, Epci
from pvd.territoires.tests.factories import CommuneFactory, EpciFactory

from .factories import square
from .test_sector_size import square_of

NBSP = "\u00a0"
# Langres, hand-drawn: a square of some 4 × 4 km around the town (the real commune covers 22 km²).
LANGRES_OUTLINE = {
    "type": "Polygon",
    "coordinates": [[[5.31, 47.845], [5.36, 47.845], [5.36, 47.895], [5.31, 47.895], [5.31, 47.845]]],
}
LEGEND = "Contour des communes du dossier"


@pytest.fixture
def langres(db):
    epci = EpciFactory(siren="200072999", nom="CC du Grand Langres")
    return DossierFactory(
        epci=epci,
        communes=[
            CommuneFactory(code="52269", nom="Langres", epci=epci, contour=LANGRES_OUTLINE),
            CommuneFactory(code="52448", nom="Saints-Geosmes", epci=epci),  # no outline imported
        ],
    )


def _create(dossier, auteur, geometry, nom="Secteur", commune="52269"):
    return services.secteur_create(
        dossier=dossier,
        nom=nom,
        kind="autre",
        commune=Commune.objects.get(pk=commune),
        geometry=geometry,
        by=auteur,
    )


def _warnings(secteur):
    return services.secteurs_warnings(dossier=secteur.dossier, secteurs=[secteur])


def test_a_sector_outside_its_commune_is_warned_beyond_the_margin(langres, auteur):
    inside = _create(langres, auteur, square(5.33, 47.86, 0.005), nom="Centre")
    assert _warnings(inside) == []
    # 0.004° of longitude east of the outline (some 300 m): within the simplification's margin.
    near = _create(langres, auteur, square(5.36 + 0.004, 47.86, 0.001), nom="Limite")
    assert _warnings(near) == []
    # 0.02° east (some 1.5 km), still well inside the EPCI: the commune tells.
    beyond = _create(langres, auteur, square(5.36 + 0.02, 47.86, 0.002), nom="Gare de Chalindrey")
    [warning] = _warnings(beyond)
    assert warning.startswith("Le secteur « Gare de Chalindrey » sort du territoire de Langres : le point ")
    assert f"en est à 1,6{NBSP}km selon le contour de la commune" in warning
    assert "ou la commune choisie pour le secteur" in warning


def test_a_sector_larger_than_its_commune_is_warned(langres, auteur):
    commune_m2 = geo.area_m2(LANGRES_OUTLINE)
    assert 10_000_000 < commune_m2 < 30_000_000
    same = _create(langres, auteur, LANGRES_OUTLINE, nom="Toute la commune")
    assert _warnings(same) == []
    larger = _create(langres, auteur, square_of(commune_m2 * 1.2, lon=5.31, lat=47.845), nom="Un peu plus")
    warnings = _warnings(larger)
    assert any(
        warning.startswith("Le secteur « Un peu plus » couvre ")
        and f"plus que tout le territoire de Langres ({nombre(round(commune_m2 / 1e6, 1))}{NBSP}km²" in warning
        for warning in warnings
    ), warnings


def test_without_the_commune_outline_the_epci_outline_and_the_bound_apply(langres, auteur):
    Epci.objects.filter(pk=langres.epci_id).update(contour=square(5.1, 47.7, 0.5))
    # Saints-Geosmes has no outline: 1.5 km from Langres's outline is not warned, the EPCI rules.
    sector = _create(langres, auteur, square(5.36 + 0.02, 47.86, 0.002), nom="Sud", commune="52448")
    assert _warnings(sector) == []
    paris = _create(langres, auteur, square(2.35, 48.85), nom="Paris", commune="52448")
    [warning] = _warnings(paris)
    assert "sort du territoire de l'EPCI du dossier (CC du Grand Langres)" in warning
    huge = _create(langres, auteur, square_of(150_000_000, lon=5.15, lat=47.75), nom="Immense", commune="52448")
    assert any("plus que la borne de 100" in warning for warning in _warnings(huge))


def test_the_checks_take_two_queries_whatever_the_number_of_sectors(langres, auteur, django_assert_num_queries):
    Epci.objects.filter(pk=langres.epci_id).update(contour=square(5.1, 47.7, 0.5))
    secteurs = [
        _create(langres, auteur, square(5.32 + i * 0.004, 47.86, 0.002), nom=f"S{i}", commune=("52269", "52448")[i % 2])
        for i in range(8)
    ]
    for count in (1, 8):
        with django_assert_num_queries(2):
            services.secteurs_warnings(dossier=langres, secteurs=secteurs[:count])


# --- Maps -------------------------------------------------------------------------------------


def _soup(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _layer(soup, map_selector):
    element = soup.select_one(map_selector)
    data = json.loads(soup.find(id=element["data-communes"]).string)
    return element, data


def _legend(soup, scope="body"):
    return [item.get_text(strip=True) for item in soup.select(f"{scope} [data-map-legend] li")]


STRATEGY_MAPS = [
    ("strategie:index", "[data-secteurs-map]", "#secteurs"),
    ("strategie:projet", "[data-secteurs-map]", "#main"),
    ("strategie:secteur_create", "[data-secteur-editor]", "#main"),
]


@pytest.mark.parametrize("name, selector, scope", STRATEGY_MAPS)
def test_the_strategy_maps_draw_the_communes_and_open_on_them(langres, auteur, client_for, name, selector, scope):
    _create(langres, auteur, square(5.33, 47.86, 0.005), nom="Centre")
    client = client_for(langres, "equipe")
    soup = _soup(client, reverse(name, kwargs={"dossier_pk": langres.pk}))
    element, layer = _layer(soup, selector)
    assert [feature["properties"] for feature in layer["features"]] == [
        {"code": "52269", "nom": "Langres", "population": 5000}
    ]
    assert layer["features"][0]["geometry"] == LANGRES_OUTLINE
    assert json.loads(element["data-bounds"]) == [[47.845, 5.31], [47.895, 5.36]]
    assert LEGEND in _legend(soup)


def test_the_strategy_page_shows_the_communes_before_any_sector(langres, client_for):
    client = client_for(langres, "lecteur")
    url = reverse("strategie:index", kwargs={"dossier_pk": langres.pk})
    element, layer = _layer(_soup(client, url), "[data-secteurs-map]")
    assert [feature["properties"]["nom"] for feature in layer["features"]] == ["Langres"]
    Commune.objects.update(contour=None)
    assert _soup(client, url).select("[data-secteurs-map]") == []  # nothing to show: no map


def test_the_public_page_draws_the_communes(langres, auteur, client):
    _create(langres, auteur, square(5.33, 47.86, 0.005), nom="Centre")
    services.projet_update(dossier=langres, resume="Un centre vivant.", by=auteur)
    services.projet_publish(dossier=langres, by=auteur)
    soup = _soup(client, reverse("strategie:public", kwargs={"dossier_pk": langres.pk}))
    _, layer = _layer(soup, "[data-secteurs-map]")
    assert [feature["properties"]["nom"] for feature in layer["features"]] == ["Langres"]
    assert _legend(soup) == ["Autre secteur", LEGEND]


@pytest.mark.parametrize("name, selector, scope", STRATEGY_MAPS)
def test_without_outlines_the_strategy_maps_have_no_communes_layer(langres, auteur, client_for, name, selector, scope):
    _create(langres, auteur, square(5.33, 47.86, 0.005), nom="Centre")
    Commune.objects.update(contour=None)
    Epci.objects.filter(pk=langres.epci_id).update(contour=square(5.1, 47.8, 0.5))
    soup = _soup(client_for(langres, "equipe"), reverse(name, kwargs={"dossier_pk": langres.pk}))
    element, layer = _layer(soup, selector)
    assert layer == {"type": "FeatureCollection", "features": []}
    assert json.loads(element["data-bounds"]) == [[47.8, 5.1], [48.3, 5.6]]  # the EPCI's outline
    assert LEGEND not in _legend(soup)


def test_the_plan_and_fiche_maps_draw_the_communes(langres, client_for):
    fiche = FicheFactory(dossier=langres, latitude="47.862", longitude="5.333")
    client = client_for(langres, "equipe")
    for url, selector in (
        (reverse("actions:plan", kwargs={"dossier_pk": langres.pk}), "#carte"),
        (reverse("actions:fiche", kwargs={"dossier_pk": langres.pk, "fiche_pk": fiche.pk}), "#carte-point"),
        (reverse("actions:fiche_update", kwargs={"dossier_pk": langres.pk, "fiche_pk": fiche.pk}), "#carte-point"),
        (reverse("actions:fiche_create", kwargs={"dossier_pk": langres.pk}), "#carte-point"),
    ):
        soup = _soup(client, url)
        element, layer = _layer(soup, selector)
        assert [feature["properties"]["code"] for feature in layer["features"]] == ["52269"], url
        assert json.loads(element["data-bounds"]) == [[47.845, 5.31], [47.895, 5.36]]
        assert LEGEND in _legend(soup), url
    Commune.objects.update(contour=None)
    soup = _soup(client, reverse("actions:plan", kwargs={"dossier_pk": langres.pk}))
    element, layer = _layer(soup, "#carte")
    assert layer["features"] == [] and json.loads(element["data-bounds"]) is None
    assert LEGEND not in _legend(soup)


def test_map_bounds_prefers_the_communes_to_the_epci(langres):
    Epci.objects.filter(pk=langres.epci_id).update(contour=square(5.1, 47.8, 0.5))
    assert selectors.map_bounds(langres) == [[47.845, 5.31], [47.895, 5.36]]
    Commune.objects.filter(pk="52448").update(contour=square(5.30, 47.80, 0.02))
    assert selectors.map_bounds(langres) == [[47.8, 5.3], [47.895, 5.36]]
    Commune.objects.update(contour=None)
    assert selectors.map_bounds(langres) == [[47.8, 5.1], [48.3, 5.6]]
