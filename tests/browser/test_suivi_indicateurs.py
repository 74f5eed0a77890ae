"""The indicators of a dossier and an axe indicator's page: the status badges, the chart drawn by
Chart.js with its table alternative holding the same values, axe-core at 1280 and 375 px; a name
with markup stays text."""

import datetime

from django.urls import reverse
from playwright.sync_api import expect

from pvd.suivi.tests.factories import MesureFactory
from pvd.suivi.tests.factories_etat import axe_indicator, contributor

from .helpers import MOBILE, assert_accessible, force_login, screenshot

D = datetime.date


def _data(dossier):
    target = axe_indicator(dossier, nom='<img src=x onerror="window.__xss=1">Logements rénovés')
    MesureFactory(indicateur=target, date=D(2024, 12, 1), valeur=3)
    contributor(target, values=[(D(2024, 6, 1), 10), (D(2025, 1, 1), 30)], nom="Logements de la halle")
    return target


def test_indicators_pages(page, live_server, chef, chef_dossier):
    target = _data(chef_dossier)
    force_login(page, live_server, chef)
    page.goto(live_server.url + reverse("suivi:indicateurs", kwargs={"dossier_pk": chef_dossier.pk}))
    expect(page.locator(f"#indicateur-{target.pk} .pvd-etat")).to_be_visible()
    expect(page.locator("#table-fiches tbody tr")).to_have_count(1)
    screenshot(page, "suivi-indicateurs")
    assert_accessible(page)
    page.set_viewport_size(MOBILE)
    assert_accessible(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("suivi:indicateur", kwargs={"dossier_pk": chef_dossier.pk, "pk": target.pk}))
    expect(page.locator("#graphique-indicateur")).to_have_attribute("data-drawn", "true")
    painted = page.evaluate(
        """() => { const c = document.getElementById("graphique-indicateur");
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        return d.some((v, i) => i % 4 === 3 && v > 0); }"""
    )
    assert painted
    # Reference, 2 computed values, 1 typed value, target.
    expect(page.locator("#table-valeurs tbody tr")).to_have_count(5)
    expect(page.locator("h1")).to_contain_text('<img src=x onerror="window.__xss=1">')
    assert page.evaluate("window.__xss") is None
    screenshot(page, "suivi-indicateur")
    assert_accessible(page)
    page.set_viewport_size(MOBILE)
    assert_accessible(page)
