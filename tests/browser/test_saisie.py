"""The saisie grid with the keyboard alone: values typed row after row (Tab), one saved « 1 234,5 »
read back in French, a bad one refused on its row with nothing saved; axe-core at 1280 and 375 px."""

import datetime
from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from pvd.actions.tests.factories import FicheFactory
from pvd.strategie.tests.factories import AxeFactory, IndicateurFactory
from pvd.suivi.models import Mesure

from .helpers import MOBILE, assert_accessible, force_login, kb_press, kb_type, screenshot


def test_grid_keyboard_entry_and_accessibility(page, live_server, chef, chef_dossier):
    axe = AxeFactory(dossier=chef_dossier, numero=1)
    vacance = IndicateurFactory(axe=axe, nom="Taux de vacance", unite="%", frequence="trimestrielle")
    fiche = FicheFactory(dossier=chef_dossier, numero=2)
    renoves = IndicateurFactory(axe=None, fiche=fiche, dossier=chef_dossier, nom="Logements rénovés", unite="logements")
    Mesure.objects.create(indicateur=vacance, date=datetime.date(2025, 12, 31), periode="4e trimestre 2025", valeur=16)
    force_login(page, live_server, chef)
    url = reverse("suivi:grille", kwargs={"dossier_pk": chef_dossier.pk}) + "?periode=2026-T1"
    page.goto(live_server.url + url)
    expect(page.locator("h1")).to_have_text("Saisie des valeurs des indicateurs")
    screenshot(page, "suivi-saisie-grille")
    assert_accessible(page)
    # A bad value on the second row: nothing saved, the error on its row, the first value kept.
    kb_type(page, f"#id_valeur_{vacance.pk}", "15,5")
    kb_type(page, f"#id_valeur_{renoves.pk}", "1.234")
    kb_press(page, "#grille-form button[type=submit]")
    expect(page.locator(f"[data-indicateur='{renoves.pk}'] .fr-error-text")).to_contain_text("se lit de deux façons")
    expect(page.locator(f"#id_valeur_{vacance.pk}")).to_have_value("15,5")
    assert not Mesure.objects.filter(date=datetime.date(2026, 3, 31)).exists()
    assert_accessible(page)
    page.locator(f"#id_valeur_{renoves.pk}").fill("")
    page.locator(f"#id_valeur_{renoves.pk}").focus()
    page.keyboard.type("1 234,5")
    page.keyboard.press("Enter")  # Enter in a field submits the grid
    expect(page.locator(".fr-alert--success, .fr-notice, [role=status], .fr-alert")).not_to_have_count(0)
    expect(page.locator(f"#id_valeur_{renoves.pk}")).to_have_value("1234,5")
    saved = {m.indicateur_id: m.valeur for m in Mesure.objects.filter(date=datetime.date(2026, 3, 31))}
    assert saved == {vacance.pk: Decimal("15.5"), renoves.pk: Decimal("1234.5")}
    page.set_viewport_size(MOBILE)
    assert_accessible(page)
