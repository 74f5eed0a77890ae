"""The communes' outlines (`import_contours_communes`) on the dossier's maps: drawn beneath the
sectors and the fiches' points, named as text in their tooltip, in the legend; the page stays
accessible; the sector editor still draws over them."""

from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from pvd.actions.tests.factories import FicheFactory
from pvd.strategie import services as strategie_services
from pvd.strategie.tests.factories import square

from .helpers import assert_accessible, force_login, screenshot

XSS = '<img src=x onerror="window.__xss=1">'
# A commune of some 4 × 4 km around the sectors, its name with markup (shown as text).
OUTLINE = {
    "type": "Polygon",
    "coordinates": [[[5.30, 47.84], [5.37, 47.84], [5.37, 47.88], [5.30, 47.88], [5.30, 47.84]]],
}
COMMUNES_PANE = "path.pvd-commune-outline"


def _with_outline(dossier):
    commune = dossier.communes.first()
    commune.nom, commune.contour = f"Langres {XSS}", OUTLINE
    commune.save()
    return commune


def test_the_strategy_map_draws_the_communes_beneath_the_sectors(page, live_server, chef, chef_dossier):
    commune = _with_outline(chef_dossier)
    strategie_services.secteur_create(
        dossier=chef_dossier,
        nom="Centre",
        kind="perimetre_ort",
        commune=commune,
        geometry=square(5.33, 47.86, 0.005),
        by=chef,
    )
    force_login(page, live_server, chef)
    page.goto(reverse("strategie:index", kwargs={"dossier_pk": chef_dossier.pk}))
    outline = page.locator(f"[data-secteurs-map] {COMMUNES_PANE}")
    expect(outline).to_have_count(1)
    # Beneath: the first path drawn, the sector over it.
    paths = page.locator("[data-secteurs-map] .leaflet-overlay-pane path")
    expect(paths).to_have_count(2)
    assert "pvd-commune-outline" in paths.first.get_attribute("class")
    # Its tooltip, away from the sector: the name as text.
    page.locator("[data-secteurs-map]").hover(position={"x": 30, "y": 200})
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text(f"Langres {XSS} ({commune.code})")
    assert tooltip.locator("img").count() == 0
    assert page.evaluate("window.__xss") is None
    page.mouse.move(0, 0)
    legend = page.locator("#secteurs [data-map-legend] li")
    expect(legend).to_have_text(["Périmètre ORT", "Contour des communes du dossier"])
    screenshot(page, "contours-strategie")
    assert_accessible(page)


def test_the_editor_and_the_plan_draw_the_communes_and_open_on_them(page, live_server, chef, chef_dossier):
    _with_outline(chef_dossier)
    force_login(page, live_server, chef)
    page.goto(reverse("strategie:secteur_create", kwargs={"dossier_pk": chef_dossier.pk}))
    expect(page.locator(f"[data-secteur-editor] {COMMUNES_PANE}")).to_have_count(1)
    # Opened on the commune: its outline fills the map (not a dot on France).
    page.locator("[data-secteur-editor]").scroll_into_view_if_needed()
    outline = page.locator(f"[data-secteur-editor] {COMMUNES_PANE}").bounding_box()
    frame = page.locator("[data-secteur-editor]").bounding_box()
    assert outline["width"] > frame["width"] / 2 or outline["height"] > frame["height"] / 2
    # A rectangle drawn over the commune goes into the GeoJSON field.
    page.locator(".leaflet-pm-icon-rectangle").click()
    page.mouse.click(frame["x"] + frame["width"] / 2 - 40, frame["y"] + frame["height"] / 2 - 40)
    page.mouse.click(frame["x"] + frame["width"] / 2 + 40, frame["y"] + frame["height"] / 2 + 40)
    assert '"Polygon"' in page.locator("#id_geometry").input_value()
    screenshot(page, "contours-editeur")
    assert_accessible(page)

    FicheFactory(dossier=chef_dossier, titre="Halle", latitude=Decimal("47.862"), longitude=Decimal("5.333"))
    page.goto(reverse("actions:plan", kwargs={"dossier_pk": chef_dossier.pk}))
    page.get_by_role("tab", name="Carte").click()
    expect(page.locator(f"#carte {COMMUNES_PANE}")).to_have_count(1)
    expect(page.locator("#carte .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#panel-carte [data-map-legend] li")).to_have_text(
        ["Fiche action localisée (son titre et son lien au clic)", "Contour des communes du dossier"]
    )
    assert_accessible(page)
