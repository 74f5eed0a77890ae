"""The base layer of the maps: the IGN « Plan IGN » with its attribution in `make run` (dev) and in
production, overridable by the environment, never in tests (offline); every map of the strategy
and of the plan d'action receives both, and names its layers in a legend."""

import importlib
import secrets
import sys

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings
from django.urls import reverse

from config.settings.base import IGN_PLAN_TILES_ATTRIBUTION, IGN_PLAN_TILES_URL
from pvd.actions.tests.factories import FicheFactory
from pvd.strategie import services

from .factories import square

PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DATABASE_URL": "postgres://pvd:secret@db.exemple.fr:5432/pvd",
    "ALLOWED_HOSTS": "pvd.exemple.fr",
}


def _load(module, monkeypatch, **env):
    for name in ("PVD_MAP_TILES_URL", "PVD_MAP_TILES_ATTRIBUTION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    name = f"config.settings.{module}"
    sys.modules.pop(name, None)
    try:
        return importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)


@pytest.mark.parametrize("module", ["dev", "production"])
def test_dev_and_production_default_to_plan_ign_and_follow_the_environment(module, monkeypatch):
    env = PRODUCTION_ENV if module == "production" else {}
    settings = _load(module, monkeypatch, **env)
    assert settings.PVD_MAP_TILES_URL.startswith("https://data.geopf.fr/wmts?")
    assert "LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2" in settings.PVD_MAP_TILES_URL
    assert "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}" in settings.PVD_MAP_TILES_URL
    assert "© IGN – Plan IGN" in settings.PVD_MAP_TILES_ATTRIBUTION
    other = _load(module, monkeypatch, **env, PVD_MAP_TILES_URL="https://tuiles.exemple.fr/{z}/{x}/{y}.png")
    assert other.PVD_MAP_TILES_URL == "https://tuiles.exemple.fr/{z}/{x}/{y}.png"
    offline = _load(module, monkeypatch, **env, PVD_MAP_TILES_URL="")
    assert offline.PVD_MAP_TILES_URL == ""


def test_tests_stay_offline_whatever_the_environment(monkeypatch):
    settings = _load("test", monkeypatch, PVD_MAP_TILES_URL=IGN_PLAN_TILES_URL)
    assert settings.PVD_MAP_TILES_URL == "" and settings.PVD_MAP_TILES_ATTRIBUTION == ""


def _maps(response):
    return BeautifulSoup(response.content, "html.parser").select("[data-tiles-url], [data-tiles]")


@override_settings(PVD_MAP_TILES_URL=IGN_PLAN_TILES_URL, PVD_MAP_TILES_ATTRIBUTION=IGN_PLAN_TILES_ATTRIBUTION)
def test_every_map_gets_the_tiles_and_their_attribution(client_for, dossier, auteur):
    services.secteur_create(
        dossier=dossier,
        nom="Centre",
        kind="perimetre_ort",
        commune=dossier.communes.first(),
        geometry=square(),
        by=auteur,
    )
    services.projet_update(dossier=dossier, resume="Une ville-centre attractive.", by=auteur)
    services.projet_publish(dossier=dossier, by=auteur)
    fiche = FicheFactory(dossier=dossier, located=True)
    client = client_for(dossier, "chef_de_projet")
    d = {"dossier_pk": dossier.pk}
    urls = [
        reverse("strategie:index", kwargs=d),
        reverse("strategie:secteur_create", kwargs=d),
        reverse("strategie:projet", kwargs=d),
        reverse("strategie:public", kwargs=d),
        reverse("actions:plan", kwargs=d),
        reverse("actions:fiche", kwargs={**d, "fiche_pk": fiche.pk}),
        reverse("actions:fiche_update", kwargs={**d, "fiche_pk": fiche.pk}),
    ]
    for url in urls:
        [element] = _maps(client.get(url))
        assert (element.get("data-tiles-url") or element.get("data-tiles")) == IGN_PLAN_TILES_URL, url
        assert element["data-tiles-attribution"] == IGN_PLAN_TILES_ATTRIBUTION, url


def test_the_legend_names_the_kinds_drawn(client_for, dossier, auteur):
    commune = dossier.communes.first()
    for nom, kind, lon in (("ORT", "perimetre_ort", 5.33), ("Autre", "autre", 5.34)):
        services.secteur_create(
            dossier=dossier, nom=nom, kind=kind, commune=commune, geometry=square(lon, 47.86), by=auteur
        )
    client = client_for(dossier, "lecteur")
    page = BeautifulSoup(
        client.get(reverse("strategie:index", kwargs={"dossier_pk": dossier.pk})).content, "html.parser"
    )
    legend = page.select_one("#secteurs [data-map-legend]")
    assert legend.select_one(".pvd-legend__title").get_text(strip=True) == "Légende de la carte"
    items = [item.get_text(" ", strip=True) for item in legend.select("li")]
    assert items == ["Périmètre ORT", "Autre secteur"]  # no « Secteur d'intervention prioritaire »: none drawn
    assert legend.select_one("li .pvd-legend__swatch--perimetre_ort")["aria-hidden"] == "true"
