"""The plan d'action as it shows at 1280 px: the table's last columns in view, Leaflet's attribution
without its English title (the calendar: test_calendar.py)."""

import datetime
from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from pvd.actions.tests.factories import FicheFactory, LigneFactory

from .helpers import force_login, screenshot


def _plan(dossier, **kwargs):
    return reverse("actions:plan", kwargs={"dossier_pk": dossier.pk})


def _fiches(dossier, years):
    for numero, (start, end) in enumerate(years, start=1):
        fiche = FicheFactory(
            dossier=dossier,
            numero=numero,
            titre=f"Opération programmée d'amélioration de l'habitat et de renouvellement urbain {numero}",
            date_debut=datetime.date(start, 3, 1),
            date_fin=datetime.date(end, 10, 31),
            cout_ht=Decimal("15485000"),
            maturite="operationnel",
            latitude=Decimal("47.862500"),
            longitude=Decimal("5.333100"),
        )
        LigneFactory(fiche=fiche, montant=Decimal("6769750"))


def test_plan_table_shows_amounts_and_validation_at_1280(page, live_server, chef, chef_dossier):
    page.set_viewport_size({"width": 1280, "height": 900})
    _fiches(chef_dossier, [(2024, 2027), (2025, 2028)])
    force_login(page, live_server, chef)
    page.goto(_plan(chef_dossier))
    table = page.locator("#plan-table")
    screenshot(page, "plan-action-tableau-1280")
    for header in ("Coût HT", "Accordé", "Validation"):
        box = table.locator("thead th", has_text=header).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1280, (header, box)
    # No sideways scroll inside the table's own box either.
    assert table.locator("table").evaluate("t => t.scrollWidth - t.clientWidth") <= 1
    expect(table.locator("tbody tr").first.locator("td").nth(5)).to_have_text("15 485")


def test_leaflet_attribution_without_english_title(page, live_server, chef, chef_dossier):
    _fiches(chef_dossier, [(2024, 2027)])
    force_login(page, live_server, chef)
    page.goto(_plan(chef_dossier))
    page.get_by_role("tab", name="Carte").click()
    for url in (
        _plan(chef_dossier),
        reverse("actions:fiche", kwargs={"dossier_pk": chef_dossier.pk, "fiche_pk": chef_dossier.fiches.get().pk}),
    ):
        page.goto(url)
        attribution = page.locator(".leaflet-control-attribution").first
        expect(attribution).to_contain_text("Leaflet")
        assert "JavaScript" not in attribution.inner_html()
        expect(attribution.locator("a[title]")).to_have_count(0)
