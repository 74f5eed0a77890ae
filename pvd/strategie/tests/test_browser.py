"""The sector editor in Debian's Chromium: draw a polygon with geoman, save it."""

import json
import os

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse

from pvd.dossiers.tests.factories import MembreFactory
from pvd.strategie.models import SecteurIntervention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(live_server, monkeypatch):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium absent")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        yield context
        browser.close()
        # The ORM calls made while Playwright runs use their own connection (another context): close it.
        connections.close_all()


def _login(context, live_server, client, user):
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_draw_a_sector_on_the_map(page, live_server, client, dossier):
    user = MembreFactory(dossier=dossier, role="chef_de_projet").user
    _login(page, live_server, client, user)
    tab = page.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(live_server.url + reverse("strategie:secteur_create", kwargs={"dossier_pk": dossier.pk}))
    tab.wait_for_selector(".leaflet-pm-icon-polygon")
    tab.click(".leaflet-pm-icon-polygon")
    box = tab.locator("[data-secteur-editor]").bounding_box()
    points = [(300, 150), (500, 160), (480, 350), (320, 330)]
    for x, y in points:
        tab.mouse.click(box["x"] + x, box["y"] + y)
    tab.mouse.click(box["x"] + points[0][0], box["y"] + points[0][1])
    geometry = json.loads(tab.input_value("#id_geometry"))
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"][0]) == 5
    tab.fill("#id_nom", "Dessiné")
    tab.click("#main-form button[type=submit]")
    tab.wait_for_url("**/strategie/#secteurs")
    assert errors == []
    secteur = SecteurIntervention.objects.get(dossier=dossier, nom="Dessiné")
    assert secteur.surface_m2 > 0
    # The overview map shows it.
    tab.wait_for_selector("[data-secteurs-map] path.leaflet-interactive")
    assert tab.locator("[data-secteurs-map] path.leaflet-interactive").count() == 1
