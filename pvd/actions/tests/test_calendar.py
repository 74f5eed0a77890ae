"""The plan's calendar (Gantt) drawn by the server: its time span and bars, the rows that name the
fiches, the legend, titles as text (the drawing itself: tests/browser/test_calendar.py)."""

import datetime

import pytest

from pvd.actions.models import FicheAction
from pvd.actions.selectors import PlanRow, plan_calendar
from pvd.actions.tests.factories import FicheFactory
from pvd.actions.tests.test_views import url


def _rows(*fiches):
    return [PlanRow(fiche=f, finance=None, state=None) for f in fiches]


def _fiche(numero, debut, fin, statut="en_cours"):
    return FicheAction(
        pk=numero, dossier_id=1, numero=numero, titre=f"Fiche {numero}", statut=statut, date_debut=debut, date_fin=fin
    )


def test_calendar_spans_whole_quarters_of_the_plan():
    calendar = plan_calendar(
        _rows(
            _fiche(1, datetime.date(2025, 3, 1), datetime.date(2026, 6, 30), "realise"),
            _fiche(2, datetime.date(2025, 9, 16), None, "a_venir"),
            _fiche(3, None, datetime.date(2027, 5, 31), "bloque"),
            _fiche(4, None, None),
        ),
        today=datetime.date(2026, 1, 1),
    )
    # From the first day of the first date's quarter to the end of the last date's quarter.
    assert calendar.first == datetime.date(2025, 1, 1)
    assert calendar.last == datetime.date(2027, 6, 1)
    assert calendar.months == 30
    assert [(y.label, y.start, y.length) for y in calendar.years] == [
        ("2025", 0, 12),
        ("2026", 12, 12),
        ("2027", 24, 6),
    ]
    assert calendar.year_lines == ["40.000", "80.000"]
    assert [q.label for q in calendar.quarters] == ["T1", "T2", "T3", "T4", "T1", "T2", "T3", "T4", "T1", "T2"]
    assert [m.label for m in calendar.month_marks[:3]] == ["janv.", "févr.", "mars"]
    assert calendar.today == 12
    assert calendar.today_label == "1er janvier 2026"
    # Every fiche is a row, with its status and period in words; the undated one has no bar.
    rows = calendar.rows
    assert [r.fiche.numero for r in rows] == [1, 2, 3, 4]
    assert [r.statut_label for r in rows] == ["Réalisé", "À venir", "Bloqué", "En cours"]
    assert [r.periode for r in rows] == [
        "mars 2025 – juin 2026",
        "à partir de septembre 2025 (fin non fixée)",
        "jusqu'à mai 2027 (début non fixé)",
        "dates non fixées",
    ]
    # Bars in months from January 2025: March 1st to June 30th included.
    assert (rows[0].start, rows[0].length) == (2, 16)
    assert rows[1].start == pytest.approx(8 + 15 / 30) and rows[1].length == pytest.approx(1 / 30)
    assert rows[2].start == pytest.approx(28 + 30 / 31) and rows[2].length == pytest.approx(1 / 31)
    assert rows[3].start is None
    assert [label for _, label in calendar.statuts] == [
        "À venir",
        "En cours",
        "En pause",
        "Bloqué",
        "Réalisé",
        "Abandonné",
    ]


def test_calendar_today_outside_the_plan():
    rows = _rows(_fiche(1, datetime.date(2020, 1, 1), datetime.date(2021, 12, 31)))
    assert plan_calendar(rows, today=datetime.date(2022, 1, 1)).today is None
    assert plan_calendar(rows, today=datetime.date(2019, 12, 31)).today is None
    assert plan_calendar(rows, today=datetime.date(2021, 12, 31)).today == pytest.approx(23 + 30 / 31)


def test_calendar_without_dates():
    calendar = plan_calendar(_rows(_fiche(1, None, None)), today=datetime.date(2025, 1, 1))
    assert calendar.months == 0 and calendar.years == [] and calendar.rows[0].start is None


@pytest.mark.django_db
def test_plan_page_calendar_names_rows_and_shows_titles_as_text(client_for, dossier, main):
    markup = '<img src=x onerror="window.__xss=1">Titre'
    fiche = FicheFactory(
        dossier=dossier,
        numero=3,
        titre=markup,
        statut="en_pause",
        date_debut=datetime.date(2025, 3, 1),
        date_fin=datetime.date(2026, 6, 30),
    )
    FicheFactory(dossier=dossier, numero=4, titre="Sans date", date_debut=None, date_fin=None)
    response = client_for(dossier, "lecteur").get(url("plan", dossier))
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;Titre" in response.content.decode()
    page = main(response)
    gantt = page.select_one("#gantt")
    assert gantt.select("img") == []
    headers = [th.get_text(" ", strip=True) for th in gantt.select("tbody th[scope=row]")]
    assert headers == [
        f"3. {markup} En pause · mars 2025 – juin 2026",
        "4. Sans date À venir · dates non fixées",
    ]
    assert gantt.select_one(f"tr[data-fiche='{fiche.pk}'] a")["href"] == url("fiche", dossier, fiche_pk=fiche.pk)
    bars = gantt.select(".pvd-gantt__bar")
    assert len(bars) == 1 and "pvd-gantt--en_pause" in bars[0]["class"]
    # Placed by plan.js from data-* (the Content-Security-Policy refuses style attributes).
    assert (bars[0]["data-start"], bars[0]["data-length"]) == ("2.000", "16.000") and not bars[0].get("style")
    table = gantt.select_one("table[data-months]")
    assert table["data-months"] == "18" and table["data-year-lines"] == "66.667" and not table.get("style")
    legend = gantt.select_one("ul[aria-labelledby=gantt-legend-title]")
    assert [li.get_text(strip=True) for li in legend.select("li")] == [
        "À venir",
        "En cours",
        "En pause",
        "Bloqué",
        "Réalisé",
        "Abandonné",
    ]
    region = gantt.select_one("#gantt-scroll")
    assert region["role"] == "region" and region["tabindex"] == "0" and region["aria-labelledby"] == "gantt-caption"
    # No chart library any more, no data handed to JavaScript for the calendar.
    assert page.select_one("#gantt-data") is None
    assert "frappe" not in str(page)
