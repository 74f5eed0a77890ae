"""The maps: user text in their tooltips and popups stays text (markup saved in a sector's name or a
fiche's title shows literally and never runs), each map has a legend, and the tests draw them
offline on a blank base (no tile layer)."""

from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from pvd.actions.tests.factories import FicheFactory
from pvd.strategie import services as strategie_services
from pvd.strategie.tests.factories import square

from .helpers import force_login, screenshot

XSS = '<img src=x onerror="window.__xss=1">'
BOLD = "<b>gras</b>"


def _sectors(dossier, chef):
    commune = dossier.communes.first()
    for nom, kind, lon in ((XSS, "perimetre_ort", 5.33), (BOLD, "secteur_prioritaire", 5.35)):
        strategie_services.secteur_create(
            dossier=dossier, nom=nom, kind=kind, commune=commune, geometry=square(lon, 47.86, 0.01), by=chef
        )


def _assert_tooltips_are_text(page, map_selector: str, names: list[str]) -> None:
    paths = page.locator(f"{map_selector} path.leaflet-interactive")
    expect(paths).to_have_count(len(names))
    shown = []
    for index in range(len(names)):
        paths.nth(index).hover()
        tooltip = page.locator(".leaflet-tooltip")
        expect(tooltip).to_have_count(1)
        shown.append(tooltip.inner_text())
        assert tooltip.locator("img, b").count() == 0
        page.mouse.move(0, 0)
        expect(tooltip).to_have_count(0)
    for name in names:
        assert any(text.startswith(name) for text in shown), (name, shown)
    assert page.evaluate("window.__xss") is None


def _assert_blank_base(page) -> None:
    """Tests stay offline: no tile layer, no tile URL in the page."""
    assert page.locator(".leaflet-tile-pane img").count() == 0
    assert page.locator(".leaflet-tile-pane .leaflet-layer").count() == 0
    assert "data.geopf.fr" not in page.content()


def _legend(page, scope: str = "body"):
    legend = page.locator(f"{scope} [data-map-legend]").first
    expect(legend).to_be_visible()
    return legend.get_by_role("listitem")


def test_sector_names_are_text_on_the_strategy_map_and_the_public_page(page, new_page, live_server, chef, chef_dossier):
    _sectors(chef_dossier, chef)
    strategie_services.projet_update(dossier=chef_dossier, resume="Une ville-centre attractive.", by=chef)
    strategie_services.projet_publish(dossier=chef_dossier, by=chef)
    force_login(page, live_server, chef)

    page.goto(reverse("strategie:index", kwargs={"dossier_pk": chef_dossier.pk}))
    _assert_tooltips_are_text(
        page, "[data-secteurs-map]", [f"{XSS} — Périmètre ORT", f"{BOLD} — Secteur d'intervention prioritaire"]
    )
    expect(_legend(page, "#secteurs")).to_have_text(["Périmètre ORT", "Secteur d'intervention prioritaire"])
    _assert_blank_base(page)
    screenshot(page, "maps-strategie")

    resident = new_page()  # anonymous
    resident.goto(reverse("strategie:public", kwargs={"dossier_pk": chef_dossier.pk}))
    expect(resident.locator("h1")).to_contain_text("Projet de territoire")
    _assert_tooltips_are_text(
        resident, "[data-secteurs-map]", [f"{XSS} — Périmètre ORT", f"{BOLD} — Secteur d'intervention prioritaire"]
    )
    expect(_legend(resident, "#projet-secteurs")).to_have_text(["Périmètre ORT", "Secteur d'intervention prioritaire"])
    _assert_blank_base(resident)
    screenshot(resident, "maps-public")


def test_other_sectors_in_the_editor_are_text_and_named_in_the_legend(page, live_server, chef, chef_dossier):
    _sectors(chef_dossier, chef)
    force_login(page, live_server, chef)
    page.goto(reverse("strategie:secteur_create", kwargs={"dossier_pk": chef_dossier.pk}))
    _assert_tooltips_are_text(
        page, "[data-secteur-editor]", [f"{XSS} — Périmètre ORT", f"{BOLD} — Secteur d'intervention prioritaire"]
    )
    expect(_legend(page)).to_have_text(["Secteur en cours de dessin", "Autres secteurs du dossier"])
    _assert_blank_base(page)
    screenshot(page, "maps-editeur")


def test_fiche_titles_are_text_on_the_plan_map_and_the_point_maps_have_a_legend(page, live_server, chef, chef_dossier):
    fiche = FicheFactory(dossier=chef_dossier, titre=XSS, latitude=Decimal("47.862"), longitude=Decimal("5.333"))
    force_login(page, live_server, chef)

    page.goto(reverse("actions:plan", kwargs={"dossier_pk": chef_dossier.pk}))
    page.get_by_role("tab", name="Carte").click()
    marker = page.locator("#carte .leaflet-marker-icon")
    expect(marker).to_have_count(1)
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_have_text(f"{fiche.numero}. {XSS}")
    assert popup.locator("img").count() == 0
    assert page.evaluate("window.__xss") is None
    expect(_legend(page, "#panel-carte")).to_have_text(["Fiche action localisée (son titre et son lien au clic)"])
    _assert_blank_base(page)

    page.goto(reverse("actions:fiche", kwargs={"dossier_pk": chef_dossier.pk, "fiche_pk": fiche.pk}))
    expect(page.locator("#carte-point .leaflet-marker-icon")).to_have_count(1)
    expect(_legend(page, "#carte-point")).to_have_text(["Point de la fiche"])
    _assert_blank_base(page)

    page.goto(reverse("actions:fiche_update", kwargs={"dossier_pk": chef_dossier.pk, "fiche_pk": fiche.pk}))
    expect(_legend(page, "#carte-point")).to_have_text(["Point de la fiche"])
    _assert_blank_base(page)
    screenshot(page, "maps-fiche-form")
    assert page.evaluate("window.__xss") is None
