"""The plan's calendar (Gantt tab): every row names its fiche, bars coloured by status with a legend,
the whole plan in view at first, an « Aujourd'hui » button, markup in a title shown as text,
axe-core on the opened tab at 1280 and 375 px."""

import datetime
from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from pvd.actions.tests.factories import FicheFactory

from .helpers import DESKTOP, MOBILE, assert_accessible, assert_keyboard_reaches_all, force_login, screenshot

XSS_TITLE = '<img src=x onerror="window.__xss=1">Titre'

# Bars of the calendar wholly inside the visible part of its scroll box (right of the sticky names).
BARS_IN_VIEW = """() => {
  const box = document.getElementById("gantt-scroll").getBoundingClientRect();
  const names = document.querySelector("#gantt thead .pvd-gantt__name").getBoundingClientRect();
  return [...document.querySelectorAll("#gantt .pvd-gantt__bar")].filter((bar) => {
    const r = bar.getBoundingClientRect();
    return r.width > 0 && r.left >= names.right - 1 && r.right <= box.right + 1;
  }).length;
}"""
# Is today's mark inside the visible part of the scroll box?
TODAY_IN_VIEW = """() => {
  const box = document.getElementById("gantt-scroll").getBoundingClientRect();
  const names = document.querySelector("#gantt thead .pvd-gantt__name").getBoundingClientRect();
  const r = document.getElementById("gantt-today-mark").getBoundingClientRect();
  const x = r.left + r.width / 2;
  return x > names.right && x < box.right;
}"""


def _plan_fiches(dossier):
    """A ten-year plan, today in the middle: finished, running, coming fiches, one without dates."""
    year = datetime.date.today().year
    specs = [
        ("Rénovation de la halle", "realise", (year - 5, 3), (year - 3, 10)),
        ("Maison de santé pluriprofessionnelle", "en_cours", (year - 1, 1), (year + 1, 6)),
        (XSS_TITLE, "a_venir", (year + 2, 1), (year + 4, 12)),
        ("Voie verte", "en_pause", (year - 2, 5), (year, 2)),
        ("Friche industrielle", "bloque", (year, 1), (year + 3, 6)),
        ("Cinéma", "abandonne", (year - 4, 9), (year - 3, 4)),
    ]
    fiches = []
    for numero, (titre, statut, start, end) in enumerate(specs, start=1):
        fiches.append(
            FicheFactory(
                dossier=dossier,
                numero=numero,
                titre=titre,
                statut=statut,
                date_debut=datetime.date(*start, 1),
                date_fin=datetime.date(*end, 28),
                cout_ht=Decimal("100000"),
            )
        )
    fiches.append(
        FicheFactory(
            dossier=dossier, numero=7, titre="Étude de stationnement", statut="a_venir", date_debut=None, date_fin=None
        )
    )
    return fiches


def _open_calendar(page, live_server, chef, dossier):
    force_login(page, live_server, chef)
    page.goto(live_server.url + reverse("actions:plan", kwargs={"dossier_pk": dossier.pk}))
    page.get_by_role("tab", name="Calendrier").click()
    expect(page.locator("#gantt")).to_be_visible()


def test_calendar_names_each_fiche_with_status_legend_and_whole_plan(page, live_server, chef, chef_dossier):
    fiches = _plan_fiches(chef_dossier)
    page.set_viewport_size(DESKTOP)
    _open_calendar(page, live_server, chef, chef_dossier)
    screenshot(page, "plan-action-calendrier")

    # Every row names its fiche (number and title, a link to it) and says its status in words.
    rows = page.locator("#gantt tbody tr")
    expect(rows).to_have_count(len(fiches))
    for fiche in fiches:
        row = page.locator(f"#gantt tbody tr[data-fiche='{fiche.pk}']")
        expect(row.get_by_role("rowheader")).to_contain_text(f"{fiche.numero}. {fiche.titre}")
        expect(row.get_by_role("link")).to_have_text(f"{fiche.numero}. {fiche.titre}")
        expect(row.locator(".pvd-gantt__statut")).to_have_text(fiche.get_statut_display())
    undated = page.locator(f"#gantt tbody tr[data-fiche='{fiches[-1].pk}']")
    expect(undated).to_contain_text("dates non fixées")
    expect(undated.locator(".pvd-gantt__bar")).to_have_count(0)

    # The legend, an HTML list, names every status; the bars are coloured by status.
    legend = page.get_by_role("list", name="Statuts")
    expect(legend.get_by_role("listitem")).to_have_text(
        ["À venir", "En cours", "En pause", "Bloqué", "Réalisé", "Abandonné"]
    )
    colours = page.evaluate(
        """() => [...document.querySelectorAll("#gantt tbody .pvd-gantt__bar")]
             .map((bar) => getComputedStyle(bar).backgroundImage + getComputedStyle(bar).backgroundColor)"""
    )
    assert len(colours) == 6 and len(set(colours)) == 6, colours
    legend_colours = page.evaluate(
        """() => [...document.querySelectorAll(".pvd-gantt__legend .pvd-gantt__swatch")]
             .map((s) => getComputedStyle(s).backgroundImage + getComputedStyle(s).backgroundColor)"""
    )
    assert set(colours) <= set(legend_colours)

    # It opens on the whole plan: every bar in view at 1280 px, not scrolled to today.
    assert page.evaluate(BARS_IN_VIEW) == 6
    assert page.locator("#gantt-scroll").evaluate("s => s.scrollLeft") == 0


def test_calendar_shows_markup_in_a_title_as_text(page, live_server, chef, chef_dossier):
    _plan_fiches(chef_dossier)
    _open_calendar(page, live_server, chef, chef_dossier)
    for mode in ("Par mois", "Par trimestre", "Tout le plan"):
        page.get_by_role("button", name=mode).click()
    expect(page.locator("#gantt tbody th a", has_text=XSS_TITLE)).to_have_count(1)
    expect(page.locator("#gantt img")).to_have_count(0)
    page.get_by_role("tab", name="Carte").click()
    page.get_by_role("tab", name="Tableau").click()
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src='x']").count() == 0


def test_calendar_scales_and_today_button(page, live_server, chef, chef_dossier):
    _plan_fiches(chef_dossier)
    page.set_viewport_size(DESKTOP)
    _open_calendar(page, live_server, chef, chef_dossier)
    scroller = page.locator("#gantt-scroll")
    # By month (French month names) the plan is wider than the screen; today is out of view at first.
    page.get_by_role("button", name="Par mois").click()
    expect(page.get_by_role("button", name="Par mois")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#gantt .pvd-gantt__marks--months")).to_contain_text("janv.")
    assert scroller.evaluate("s => s.scrollWidth - s.clientWidth") > 1000
    assert not page.evaluate(TODAY_IN_VIEW)
    page.get_by_role("button", name="Aujourd'hui").click()
    page.wait_for_function(TODAY_IN_VIEW)
    screenshot(page, "plan-action-calendrier-mois")
    # By quarter: T1…T4 under the years.
    page.get_by_role("button", name="Par trimestre").click()
    expect(page.get_by_role("button", name="Par mois")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#gantt .pvd-gantt__marks--quarters")).to_contain_text("T3")
    page.get_by_role("button", name="Aujourd'hui").click()
    page.wait_for_function(TODAY_IN_VIEW)


def test_calendar_tab_accessible_at_1280_and_375(page, live_server, chef, chef_dossier):
    _plan_fiches(chef_dossier)
    page.set_viewport_size(DESKTOP)
    _open_calendar(page, live_server, chef, chef_dossier)
    assert_accessible(page)
    page.get_by_role("button", name="Par mois").click()
    assert_accessible(page)
    # Every control of the tab with the keyboard: scales, « Aujourd'hui », the scroll box, the fiches.
    assert_keyboard_reaches_all(page, scope="#panel-calendrier")
    page.set_viewport_size(MOBILE)
    assert_accessible(page)
    # The scroll box takes the keyboard focus and scrolls with the arrow keys.
    scroller = page.locator("#gantt-scroll")
    scroller.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.getElementById('gantt-scroll').scrollLeft > 0")
