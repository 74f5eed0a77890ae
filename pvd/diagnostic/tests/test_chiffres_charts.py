"""The charts' data (`charts_for`), their SVG for the PDF (`chart_svg`) and their CSV, on
hand-built figures and charts."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from pvd.diagnostic.charts import Chart, Serie, chart_csv, chart_svg, charts_for
from pvd.diagnostic.forms import DonneeForm
from pvd.diagnostic.models import DonneeOrigine

from .factories_chiffres import DonneeFactory

SVG = "{http://www.w3.org/2000/svg}"


def _add(dossier, indicateur, valeur, *, echelle="commune", code="52269", territoire="Langres", millesime="2021"):
    return DonneeFactory(
        dossier=dossier,
        indicateur=indicateur,
        valeur=Decimal(valeur),
        echelle=echelle,
        code_territoire=code,
        territoire=territoire,
        millesime=millesime,
        source=f"INSEE, recensement de la population {millesime}",
        origine=DonneeOrigine.IMPORT,
    )


@pytest.mark.django_db
def test_charts_for_latest_vintage_commune_and_epci(dossier):
    _add(dossier, "log_residences_principales", 600, millesime="2015")
    for code, value in (("log_residences_principales", 700), ("log_residences_secondaires", 100), ("log_vacants", 200)):
        _add(dossier, code, value)
        _add(dossier, code, value * 10, echelle="epci", code="200000001", territoire="CC du Grand Langres")
    _add(dossier, "taux_vacance", "20.0")
    _add(dossier, "taux_vacance", "12.5", echelle="epci", code="200000001", territoire="CC du Grand Langres")
    charts = {chart.key: chart for chart in charts_for(dossier)}
    assert list(charts) == [
        "population_age",
        "pvd_population",
        "habitat",
        "taux_vacance",
        "emploi",
        "taux_chomage",
        "commerce",
    ]
    habitat = charts["habitat"]
    assert habitat.unit == "%"
    assert [s.label for s in habitat.series] == ["Langres", "CC du Grand Langres"]
    # 700 / 1000 (not the 2015 value), 100 / 1000, 200 / 1000, the same shares for the EPCI
    assert habitat.series[0].values == [Decimal("70.0"), Decimal("10.0"), Decimal("20.0")]
    assert habitat.series[1].values == habitat.series[0].values
    assert habitat.sources == ["INSEE, recensement de la population 2021"]  # the source says its vintage
    vacance = charts["taux_vacance"]
    assert vacance.labels == ["Langres", "CC du Grand Langres"]
    assert vacance.series[0].values == [Decimal("20.0"), Decimal("12.5")]
    assert charts["emploi"].is_empty and charts["commerce"].is_empty and charts["population_age"].is_empty


@pytest.mark.django_db
def test_missing_category_is_none_and_sectors_are_shares(dossier):
    _add(dossier, "etab_industrie", 20)
    _add(dossier, "etab_commerce_services", 80)
    commerce = next(c for c in charts_for(dossier) if c.key == "commerce")
    assert commerce.unit == "%"
    assert commerce.series[0].values == [Decimal("20.0"), None, Decimal("80.0"), None]


@pytest.mark.django_db
def test_counts_are_drawn_for_the_commune_and_the_epci_only(dossier):
    """France's 27 million jobs beside a town's 6,000 would flatten the town's bars."""
    _add(dossier, "emplois", 6000)
    _add(dossier, "emplois", 27_000_000, echelle="france", code="FR", territoire="France")
    emploi = next(c for c in charts_for(dossier) if c.key == "emploi")
    assert [s.label for s in emploi.series] == ["Langres"]
    assert emploi.series[0].values == [None, None, Decimal(6000)]


@pytest.mark.django_db
def test_pvd_chart_from_the_reference_populations(dossier):
    chart = next(c for c in charts_for(dossier) if c.key == "pvd_population")
    commune = dossier.communes.get()
    assert chart.labels[0] == commune.nom and chart.series[0].values[0] == 5000
    assert "Médiane des communes PVD de France" in chart.labels
    assert chart.sources == ["INSEE, populations municipales 2023 (COG 2026), 2023"]


@pytest.mark.django_db
def test_charts_for_queries_do_not_grow(dossier):
    from tests.utils import assert_queries_do_not_grow

    counter = iter(range(1000))

    def grow():
        n = next(counter)
        for code in ("pop_0_14", "log_vacants", "emplois", "etab_industrie", "taux_chomage"):
            _add(dossier, code, 10 + n, millesime=str(2000 + n))

    assert_queries_do_not_grow(lambda: charts_for(dossier), grow=grow)


HOSTILE = Chart(
    key="test",
    title="Logements <script>alert(1)</script>",
    theme="habitat",
    unit="%",
    labels=["Résidences & co", "Vacants"],
    series=[Serie("Langres", [Decimal("70.0"), Decimal("-5")]), Serie("<b>EPCI</b>", [Decimal("60"), None])],
    sources=["INSEE, RP 2021, 2021"],
)


def test_chart_svg_escapes_and_names_the_chart():
    svg = chart_svg(HOSTILE)
    assert "<script>" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)  # noqa: S314 - our own output; well-formed XML: WeasyPrint reads it
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title.text == "Logements <script>alert(1)</script>"
    assert root.get("aria-labelledby").split()[0] == title.get("id")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Résidences & co", "Vacants", "Langres", "<b>EPCI</b>"} <= set(texts)
    assert "70,0\u00a0%" in texts and "-5,0\u00a0%" in texts and "non renseigné" in texts
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(bars) == 3  # one bar per known value
    widths = sorted(float(r.get("width")) for r in bars)
    assert widths[-1] > widths[0] > 0


def test_chart_svg_empty_chart():
    assert chart_svg(Chart("vide", "Vide", "habitat", "%", ["A"], [Serie("X", [None])])) == ""


def test_chart_csv_injection_and_format():
    content = chart_csv(HOSTILE).decode("utf-8")
    assert content.startswith("\ufeff")
    lines = content.lstrip("\ufeff").splitlines()
    assert lines[0] == "Logements <script>alert(1)</script>;Langres;<b>EPCI</b>"
    assert lines[1] == "Résidences & co;70,0;60,0"
    assert lines[2] == "Vacants;-5,0;"
    assert "Unité;%" in lines and "Source;INSEE, RP 2021, 2021" in lines
    hostile = Chart("x", "=cmd", "habitat", "u", ["+1", "@a"], [Serie("-x", [Decimal(1), Decimal(2)])])
    lines = chart_csv(hostile).decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[0] == "'=cmd;'-x" and lines[1] == "'+1;1,00" and lines[2] == "'@a;2,00"


@pytest.mark.parametrize(
    "typed, expected",
    [("1 234,5", Decimal("1234.5")), ("1\u00a0234", Decimal("1234")), ("12.5", Decimal("12.5")), ("-3", Decimal("-3"))],
)
def test_valeur_typed_in_french(typed, expected):
    form = DonneeForm(data={"valeur": typed})
    form.is_valid()
    assert form.cleaned_data["valeur"] == expected


@pytest.mark.parametrize("typed", ["1.234", "1.234,5", "douze"])
def test_valeur_ambiguous_or_wrong_is_refused(typed):
    form = DonneeForm(data={"valeur": typed})
    assert not form.is_valid() and "valeur" in form.errors
