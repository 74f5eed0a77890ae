"""The diagnostic's map in a browser: it draws the points' layer (a lettered marker per point,
a polygon and its marker per area) with its legend on a blank base (offline), markup saved in a
name shows literally in the tooltip, the popup and the table and never runs, axe-core finds no
serious fault, and the editor's marker tool fills the latitude and longitude of the form."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from pvd.comptes.tests.factories import UserFactory
from pvd.diagnostic.models import PointInteret
from pvd.diagnostic.tests.factories_carte import PointInteretFactory

from .helpers import assert_accessible, force_login, screenshot

XSS = '<img src=x onerror="window.__xss=1">'


def test_the_map_draws_the_points_as_text_and_the_editor_places_a_point(
    page, new_page, live_server, chef, chef_dossier
):
    dossier = chef_dossier
    PointInteretFactory(dossier=dossier, nom=XSS, description="<b>gras</b>")
    PointInteretFactory(dossier=dossier, nom="Caserne Turenne", zone=True)
    carte = reverse("diagnostic:carte", kwargs={"dossier_pk": dossier.pk})

    prefecture = new_page()
    force_login(prefecture, live_server, UserFactory(prefecture=True, departement=dossier.communes.first().departement))
    prefecture.goto(carte)
    expect(prefecture.locator("h1")).to_have_text("Carte du diagnostic")
    markers = prefecture.locator("[data-diagnostic-carte] .leaflet-marker-icon")
    expect(markers).to_have_count(2)  # the point, and the area's centre
    expect(prefecture.locator("[data-diagnostic-carte] path.leaflet-interactive")).to_have_count(1)
    expect(markers.first).to_have_text("C")
    expect(prefecture.locator("[data-map-legend] li")).to_have_text(
        ["CLocal commercial vacant", "FFriche"]
    )  # letter, label
    assert prefecture.locator(".leaflet-tile-pane img").count() == 0  # tests stay offline

    # Markup in a name: text in the tooltip, the popup (keyboard: Enter on the marker) and the table.
    point = prefecture.get_by_role("button", name=f"{XSS} — Local commercial vacant")
    point.hover()
    expect(prefecture.locator(".leaflet-tooltip")).to_have_text(f"{XSS} — Local commercial vacant")
    point.focus()
    prefecture.keyboard.press("Enter")
    expect(prefecture.locator(".leaflet-popup-content")).to_have_text(f"{XSS}Local commercial vacant<b>gras</b>")
    # Leaflet fades the popup in: axe-core would measure its text half transparent.
    expect(prefecture.locator(".leaflet-popup")).to_have_css("opacity", "1")
    expect(prefecture.locator("#points-table tbody tr").first.locator("td").first).to_have_text(XSS)
    assert prefecture.locator("main img[src=x], main b").count() == 0
    assert prefecture.evaluate("window.__xss") is None
    assert prefecture.get_by_role("link", name="Ajouter un point d'intérêt").count() == 0
    assert_accessible(prefecture)
    screenshot(prefecture, "diagnostic-carte-prefecture")

    force_login(page, live_server, chef)
    page.goto(carte)
    page.get_by_role("link", name="Ajouter un point d'intérêt").click()
    page.get_by_role("button", name="Placer des marqueurs").click()
    box = page.locator("[data-point-editor]").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#id_latitude")).to_have_value(re.compile(r"^47\.86\d+$"))
    expect(page.locator("#id_longitude")).to_have_value(re.compile(r"^5\.33\d+$"))
    expect(page.locator("#id_geometry")).to_have_value("")
    assert_accessible(page)
    page.get_by_label("Nom").fill("Médiathèque")
    page.get_by_label("Type").select_option(label="Équipement ou service")
    page.locator("#main-form").get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#points-table")).to_contain_text("Médiathèque")
    expect(page.locator("[data-diagnostic-carte] .leaflet-marker-icon")).to_have_count(3)
    assert PointInteret.objects.get(nom="Médiathèque").geometry["type"] == "Point"
    screenshot(page, "diagnostic-carte-chef")


def test_without_javascript_a_point_is_typed_as_latitude_and_longitude(nojs_page, live_server, chef, chef_dossier):
    page = nojs_page
    force_login(page, live_server, chef)
    page.goto(reverse("diagnostic:point_create", kwargs={"dossier_pk": chef_dossier.pk}))
    expect(page.locator("#carte-editeur")).to_be_hidden()
    page.get_by_label("Nom").fill("Ancienne boulangerie")
    page.get_by_label("Latitude d'un point").fill("5,3334")  # swapped: refused, with the order explained
    page.get_by_label("Longitude d'un point").fill("47,8618")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#id_latitude-desc-error, .fr-error-text").first).to_contain_text("semblent inversées")
    page.get_by_label("Latitude d'un point").fill("47,8618")
    page.get_by_label("Longitude d'un point").fill("5,3334")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#points-table")).to_contain_text("47,86180° N, 5,33340° E")
    assert PointInteret.objects.get().geometry == {"type": "Point", "coordinates": [5.3334, 47.8618]}
