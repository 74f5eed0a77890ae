"""« Chiffres du territoire »: the charts are drawn by Chart.js, each with its table alternative
holding the same values and a CSV link; axe-core passes at 1280 and 375 px, for the chef de
projet and for the préfecture (read only)."""

from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from pvd.comptes.tests.factories import UserFactory
from pvd.diagnostic import services
from pvd.diagnostic.tests.factories_chiffres import DonneeFactory

from .helpers import MOBILE, assert_accessible, force_login, screenshot


def _figures(dossier):
    services.reference_figures_sync(dossier=dossier)
    for code, value in (("log_residences_principales", 700), ("log_residences_secondaires", 100), ("log_vacants", 200)):
        DonneeFactory(dossier=dossier, theme="habitat", indicateur=code, valeur=Decimal(value), origine="import")
    DonneeFactory(dossier=dossier, theme="commerce", libelle='<img src=x onerror="window.__xss=1">Locaux')


def test_figures_page_charts_tables_and_accessibility(page, live_server, chef, chef_dossier):
    _figures(chef_dossier)
    force_login(page, live_server, chef)
    page.goto(live_server.url + reverse("diagnostic:chiffres", kwargs={"dossier_pk": chef_dossier.pk}))
    for key in ("habitat", "pvd_population"):
        expect(page.locator(f"#canvas-{key}")).to_have_attribute("data-drawn", "true")
    # The canvas has pixels drawn (Chart.js ran), and the table alternative holds the same values.
    painted = page.evaluate(
        """() => { const c = document.getElementById("canvas-habitat");
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        return d.some((v, i) => i % 4 === 3 && v > 0); }"""
    )
    assert painted
    table = page.locator("#table-habitat")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr").first).to_contain_text("70,0")
    expect(page.locator("#graphique-habitat a[download]")).to_have_attribute(
        "href", reverse("diagnostic:chart_csv", kwargs={"dossier_pk": chef_dossier.pk, "key": "habitat"})
    )
    assert page.evaluate("window.__xss") is None
    screenshot(page, "diagnostic-chiffres-chef")
    assert_accessible(page)
    page.set_viewport_size(MOBILE)
    assert_accessible(page)


def test_figures_page_for_the_prefecture(page, live_server, chef_dossier):
    _figures(chef_dossier)
    prefecture = UserFactory(prefecture=True, departement=chef_dossier.communes.first().departement)
    force_login(page, live_server, prefecture)
    page.goto(live_server.url + reverse("diagnostic:chiffres", kwargs={"dossier_pk": chef_dossier.pk}))
    expect(page.locator("#canvas-pvd_population")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_role("button", name="Actualiser les chiffres de référence")).to_have_count(0)
    screenshot(page, "diagnostic-chiffres-prefecture")
    assert_accessible(page)
