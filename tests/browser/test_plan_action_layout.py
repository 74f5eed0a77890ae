"""The plan d'action as it shows at 1280 px: the table's last columns in view, a calendar that opens
on bars with readable year labels, Leaflet's attribution without its English title."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pvd.actions.tests.factories import FicheFactory, LigneFactory

from .helpers import assert_keyboard_reaches_all, force_login, screenshot

# Bars of the calendar that are (partly) inside the scroll box of the chart.
VISIBLE_BARS = """() => {
  const box = document.querySelector("#gantt .gantt-container").getBoundingClientRect();
  return [...document.querySelectorAll("#gantt .bar-wrapper")].filter((bar) => {
    const r = bar.getBoundingClientRect();
    return r.width > 0 && r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom;
  }).length;
}"""
# Year labels of the calendar's header that overlap another one on screen.
OVERLAPPING_YEARS = """() => {
  const box = document.querySelector("#gantt .gantt-container").getBoundingClientRect();
  const shown = [...document.querySelectorAll("#gantt .upper-text")].map((el) => {
    // The text itself, not the label's padding.
    const range = document.createRange();
    range.selectNodeContents(el);
    return { el, r: range.getBoundingClientRect() };
  }).filter(({ r }) => r.width > 0 && r.right > box.left && r.left < box.right);
  const hidden = (a, b) => {  // b paints over a (opaque background): a is not readable, which is fine
    const z = (e) => Number(getComputedStyle(e).zIndex) || 0;
    return z(b.el) > z(a.el) || (z(b.el) === z(a.el) && a.el.compareDocumentPosition(b.el) & 4);
  };
  const overlaps = [];
  for (const a of shown) for (const b of shown) {
    if (a !== b && a.r.left < b.r.right && b.r.left < a.r.right && !hidden(a, b) && !hidden(b, a)) {
      overlaps.push(a.el.textContent + "/" + b.el.textContent);
    }
  }
  return overlaps;
}"""


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


@pytest.mark.parametrize(
    ("name", "spans"),
    [
        ("en-cours", lambda y: [(y - 4, y - 3), (y - 1, y + 2), (y + 1, y + 3)]),
        ("passe", lambda y: [(y - 9, y - 8), (y - 7, y - 6)]),
        ("futur", lambda y: [(y + 4, y + 5), (y + 6, y + 7)]),
    ],
)
def test_plan_calendar_opens_on_bars_with_readable_years(page, live_server, chef, chef_dossier, name, spans):
    _fiches(chef_dossier, spans(datetime.date.today().year))
    force_login(page, live_server, chef)
    page.goto(_plan(chef_dossier))
    page.get_by_role("tab", name="Calendrier").click()
    container = page.locator("#gantt .gantt-container")
    expect(container).to_be_visible()
    expect(page.locator("#gantt .bar-wrapper")).to_have_count(len(spans(2000)))
    page.wait_for_function(f"({VISIBLE_BARS})() > 0")
    screenshot(page, f"plan-action-calendrier-{name}")
    # By month first (French month names), then by quarter with the scale buttons.
    expect(page.locator("#gantt .lower-text", has_text="janv.").first).to_be_attached()
    _check_calendar(page, container)
    page.get_by_role("button", name="Par trimestre").click()
    expect(page.get_by_role("button", name="Par trimestre")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#gantt .lower-text", has_text="T1").first).to_be_attached()
    page.wait_for_function(f"({VISIBLE_BARS})() > 0")
    _check_calendar(page, container)


def _check_calendar(page, container):
    # No 30 padding columns on each side: a 10-year plan stays a few thousand px wide.
    assert container.evaluate("c => c.scrollWidth") < 6000
    assert page.evaluate(OVERLAPPING_YEARS) == []
    # The years still do not overlap once scrolled (the year that sticks to the left edge); the
    # scroll event is sent at once so that the chart's handler has run before the check.
    for step in range(8):
        container.evaluate(f"c => {{ c.scrollLeft = {step} * 97; c.dispatchEvent(new Event('scroll')); }}")
        assert page.evaluate(OVERLAPPING_YEARS) == [], step * 97


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


def test_plan_calendar_scrolls_with_the_mouse_and_stays_out_of_the_keyboard(page, live_server, chef, chef_dossier):
    """The chart is not inert: the mouse wheel scrolls it sideways; it stays aria-hidden and no part of
    it takes the keyboard focus (the table below is the accessible calendar)."""
    year = datetime.date.today().year
    _fiches(chef_dossier, [(year - 4, year - 3), (year - 1, year + 2), (year + 3, year + 5)])
    page.set_viewport_size({"width": 1280, "height": 900})
    force_login(page, live_server, chef)
    page.goto(_plan(chef_dossier))
    page.get_by_role("tab", name="Calendrier").click()
    container = page.locator("#gantt .gantt-container")
    expect(container).to_be_visible()
    page.wait_for_function(f"({VISIBLE_BARS})() > 0")
    expect(page.locator("#gantt")).not_to_have_attribute("inert", "")
    expect(page.locator("#gantt")).to_have_attribute("aria-hidden", "true")
    # Short labels on the bars ("n° 2"), the full title in the popup.
    expect(page.locator("#gantt .bar-label", has_text="n° 2")).to_have_count(1)
    container.scroll_into_view_if_needed()
    before = container.evaluate("c => c.scrollLeft")
    box = container.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(400, 0)
    page.wait_for_function("b => document.querySelector('#gantt .gantt-container').scrollLeft !== b", arg=before)
    # Keyboard, with the chart shown: every control of its tab is reached, none inside the chart
    # (the whole plan page: tests/browser/test_programme_journeys.py).
    page.evaluate(
        """() => { window.__inChart = [];
        document.addEventListener("focusin", (e) => {
          if (e.target.closest("#gantt")) window.__inChart.push(e.target.outerHTML.slice(0, 80)); }); }"""
    )
    assert_keyboard_reaches_all(page, scope="#panel-calendrier")
    assert page.evaluate("() => window.__inChart") == []
    assert container.get_attribute("tabindex") == "-1"
