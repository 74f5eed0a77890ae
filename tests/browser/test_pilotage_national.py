"""The national dashboard (ANCT): the départements' map drawn from the vendored SVG, the table
sorted by a click on its header, axe-core passing at 1280 and 375 px."""

from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.tests.factories import DossierFactory

from .helpers import MOBILE, assert_accessible, force_login, screenshot


def test_national_dashboard_map_sort_and_accessibility(page, live_server, transactional_db):
    for nom, montant in (("Alpha", "1000"), ("Bravo", "30000"), ("Charlie", "20000")):
        LigneFactory(fiche=FicheFactory(dossier=DossierFactory(nom=nom)), montant=Decimal(montant))
    force_login(page, live_server, UserFactory(anct=True))
    # A page of grouped queries: under a loaded CI machine it may take more than the default 5 s.
    page.goto(live_server.url + reverse("pilotage:national"), timeout=20_000)
    carte = page.locator("#carte-nationale")
    expect(carte).to_have_attribute("data-drawn", "true")
    haute_marne = carte.locator('path[data-departement="52"]')
    expect(haute_marne).to_have_attribute("class", "pvd-carte-dep pvd-carte-n2")  # 3 dossiers: the 2-4 shade
    expect(haute_marne.locator("title")).to_have_text("Haute-Marne : 3 dossiers (Adhésion à signer 3)")
    assert carte.locator("path.pvd-carte-n0").count() > 90
    assert_accessible(page)

    page.locator("#table-dossiers th a", has_text="Financements demandés").click()
    page.locator("#table-dossiers th a", has_text="Financements demandés").click()  # then descending
    expect(page.locator("#table-dossiers th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#table-dossiers tbody td:first-child a")).to_have_text(["Bravo", "Charlie", "Alpha"])
    screenshot(page, "pilotage-national")
    page.set_viewport_size(MOBILE)
    assert_accessible(page)
