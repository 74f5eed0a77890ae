"""The open-data page in a browser: the map draws the published located fiches from the GeoJSON
file (titles as text, never as markup), the page passes axe-core; and the préfecture gives an
opinion on a fiche, which the chef then reads on the fiche page."""

from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from pvd.actions.tests.factories import FicheFactory
from pvd.comptes.tests.factories import UserFactory

from .helpers import assert_accessible, force_login, screenshot

XSS = '<img src=x onerror="window.__xss=1">'


def test_the_open_data_page_and_an_opinion_of_the_prefecture(page, new_page, live_server, chef, chef_dossier):
    dossier = chef_dossier
    FicheFactory(dossier=dossier, titre=XSS, located=True, publiee=True)
    FicheFactory(
        dossier=dossier, titre="Halle couverte", publiee=True, latitude=Decimal("47.87"), longitude=Decimal("5.34")
    )
    FicheFactory(dossier=dossier, titre="Sans point", publiee=True)
    FicheFactory(dossier=dossier, confidential=True, located=True)

    page.goto(reverse("pilotage:opendata"))
    expect(page.locator("h1")).to_have_text("Données ouvertes : fiches action publiées")
    expect(page.locator("#opendata-carte .leaflet-marker-icon")).to_have_count(2)
    page.locator("#opendata-carte .leaflet-marker-icon").first.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Statut : À venir")
    # Leaflet fades the popup in: axe-core would measure its text half transparent.
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    expect(page.locator("#tableau-fiches tbody tr")).to_have_count(3)
    assert page.locator("main img[src=x]").count() == 0
    assert page.evaluate("window.__xss") is None
    assert page.locator(".leaflet-tile-pane img").count() == 0  # tests stay offline
    assert_accessible(page)
    screenshot(page, "pilotage-opendata")

    fiche = FicheFactory(dossier=dossier, titre="Réhabilitation de l'îlot Diderot")
    prefecture = new_page()
    force_login(prefecture, live_server, UserFactory(prefecture=True, departement=dossier.communes.first().departement))
    prefecture.goto(reverse("actions:fiche", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk}))
    prefecture.get_by_role("link", name="Donner un avis").click()
    prefecture.get_by_label("Réservé").check(force=True)  # DSFR: the label covers the radio
    prefecture.get_by_label("Motivation").fill("Sous réserve d'un plan de financement consolidé.")
    assert_accessible(prefecture)
    screenshot(prefecture, "pilotage-avis-form")
    prefecture.get_by_role("button", name="Enregistrer l'avis").click()
    expect(prefecture.locator("#avis-liste")).to_contain_text("Sous réserve d'un plan de financement consolidé.")

    force_login(page, live_server, chef)
    page.goto(reverse("actions:fiche", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk}))
    expect(page.locator("#avis-liste li")).to_have_count(1)
    expect(page.locator("#avis-liste .fr-badge")).to_have_text("Avis réservé")
    assert page.get_by_role("link", name="Donner un avis").count() == 0
