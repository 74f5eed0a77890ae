"""At 1280 px, the stratégie, history and projet de territoire tables show their last column
(actions, detail link) without scrolling."""

import datetime
from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from pvd.strategie import services as strategie_services
from pvd.strategie.tests.factories import square

from .helpers import DESKTOP, force_login


def _long_strategy(dossier, chef):
    """Names and values as long as the demo's, made through the services (which record versions)."""
    axe = strategie_services.axe_create(
        dossier=dossier, numero=1, titre="Patrimoine, tourisme et transition écologique", by=chef
    )
    for nom, source in [
        ("Émissions de gaz à effet de serre du territoire (CRTE)", "Observatoire régional climat air énergie (ORCAE)"),
        ("Fréquentation du funiculaire et de la navette gare – ville haute", "Communauté de communes, billettique"),
    ]:
        strategie_services.axe_indicateur_create(
            axe=axe,
            nom=nom,
            kind="resultat",
            unite="tCO2e/an",
            valeur_initiale=Decimal("62000.5"),
            date_initiale=datetime.date(2020, 1, 1),
            cible=Decimal("50000"),
            echeance=datetime.date(2030, 12, 31),
            source=source,
            by=chef,
        )
    strategie_services.secteur_create(
        dossier=dossier,
        nom="Périmètre ORT — centre ancien, faubourgs et quartier de la gare",
        kind="perimetre_ort",
        commune=dossier.communes.first(),
        geometry=square(size=0.01),
        by=chef,
    )


def _assert_last_headers_visible(page, tables: str) -> int:
    """Every table matched: its last column header ends inside the viewport and its scroll box."""
    count = page.locator(tables).count()
    assert count
    for index in range(count):
        table = page.locator(tables).nth(index)
        header = table.locator("thead th").last
        box = header.bounding_box()
        wrapper = table.locator("xpath=ancestor::div[contains(@class, 'fr-table__content')][1]").bounding_box()
        right = box["x"] + box["width"]
        name = header.inner_text()
        assert right <= DESKTOP["width"], f"« {name} » dépasse la fenêtre de 1280 px ({right:.0f} px)"
        assert right <= wrapper["x"] + wrapper["width"] + 1, f"« {name} » est masqué dans le tableau ({right:.0f} px)"
    return count


def test_strategie_tables_fit_at_1280(page, live_server, chef, chef_dossier):
    _long_strategy(chef_dossier, chef)
    force_login(page, live_server, chef)
    page.goto(reverse("strategie:index", kwargs={"dossier_pk": chef_dossier.pk}))
    expect(page.locator("h1")).to_have_text("Stratégie")
    assert page.viewport_size["width"] == 1280
    expect(page.locator(".pvd-indicateurs thead th").last).to_have_text("Actions")
    expect(page.locator("#secteurs-table thead th").last).to_have_text("Actions")
    assert _assert_last_headers_visible(page, "main table") == 2
    # Leaflet's prefix is a plain link, without its English tooltip.
    attribution = page.locator(".leaflet-control-attribution")
    expect(attribution.get_by_role("link", name="Leaflet")).to_be_visible()
    assert "A JavaScript library" not in attribution.inner_html()

    page.goto(reverse("strategie:versions", kwargs={"dossier_pk": chef_dossier.pk}))
    expect(page.locator("#versions-table thead th").last).to_have_text("Détail")
    _assert_last_headers_visible(page, "#versions-table table")

    page.goto(reverse("strategie:projet", kwargs={"dossier_pk": chef_dossier.pk}))
    expect(page.locator("#projet-axes thead th").last).to_have_text("Cible")
    _assert_last_headers_visible(page, "#projet-axes table")
