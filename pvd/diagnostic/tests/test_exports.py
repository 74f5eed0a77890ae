"""The diagnostic's downloads: the PDF (text extracted and checked, charts drawn from hand-built
`Chart`s) and the XLSX (read back), for every viewer, in a fixed number of queries."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from pvd.diagnostic import exports, services
from pvd.diagnostic.charts import Chart, Serie
from pvd.documents.tests.factories import DocumentFactory
from pvd.dossiers.tests.factories import MembreFactory
from tests.utils import assert_queries_do_not_grow, assert_refused

from .factories_export import (
    AfomItemFactory,
    DiagnosticFactory,
    DonneeFactory,
    EtudeFactory,
    InitiativeFactory,
    PlanFactory,
    PointInteretFactory,
)
from .test_validation import decide

pytestmark = pytest.mark.django_db

XSS = "<script>alert('x')</script>"


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\u00a0", " ").split())


def _svg(chart) -> str:
    """A tiny drawing standing for `charts.chart_svg` (built by the charts part)."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 20" role="img">'
        f'<rect x="0" y="0" width="60" height="20" fill="#000091"/><text x="62" y="14">{chart.key}</text></svg>'
    )


CHART = Chart(
    key="population-age",
    title="Population par tranche d'âge",
    theme="population",
    unit="habitants",
    labels=["0-14 ans", "75 ans et plus"],
    series=[Serie(label="Langres 2021", values=[Decimal("1012"), None])],
    sources=["INSEE, recensement de la population 2021, millésime 2021"],
)


@pytest.fixture
def full(dossier):
    chef = MembreFactory(dossier=dossier, role="chef_de_projet").user
    DiagnosticFactory(dossier=dossier, synthese=f"Reconquérir le centre ancien {XSS}.")
    DonneeFactory(dossier=dossier, indicateur="pop_totale", valeur=Decimal("7503"), origine="reference")
    DonneeFactory(
        dossier=dossier,
        theme="habitat",
        indicateur="taux_vacance",
        libelle="Taux de logements vacants",
        valeur=Decimal("14.2"),
        unite="%",
        source="INSEE, recensement de la population 2021",
        millesime="2021",
        origine="import",
    )
    AfomItemFactory(dossier=dossier, categorie="atout", texte="Patrimoine remarquable des remparts")
    AfomItemFactory(dossier=dossier, categorie="menace", theme="habitat", texte='=HYPERLINK("http://x")')
    PlanFactory(dossier=dossier, nom="PLUi du Grand Langres")
    secret = DocumentFactory(dossier=dossier, titre="Rapport confidentiel des loyers", confidential=True)
    public = DocumentFactory(dossier=dossier, titre="Rapport final de l'étude commerce")
    EtudeFactory(dossier=dossier, objet="Étude de stratégie commerciale", livrable=public)
    EtudeFactory(dossier=dossier, objet="Étude des loyers", livrable=secret)
    InitiativeFactory(dossier=dossier, nom="Tiers-lieu de la gare", porteur="Association Gare")
    PointInteretFactory(dossier=dossier, nom="Ancienne quincaillerie")
    PointInteretFactory(
        dossier=dossier,
        nom="Friche de la caserne",
        kind="friche",
        geometry={"type": "Polygon", "coordinates": [[[5.33, 47.86], [5.34, 47.86], [5.34, 47.87], [5.33, 47.86]]]},
    )
    services.diagnostic_submit(dossier=dossier, by=chef)
    decide(dossier, chef, "valide")
    return dossier


def test_the_pdf_says_the_whole_diagnostic(full):
    text = pdf_text(exports.diagnostic_pdf(full, charts=[CHART], svg=_svg))
    assert f"Diagnostic du territoire — {full.nom}" in text
    assert "Validé par le comité de projet lors de la séance du" in text
    assert "Ville fortifiée, siège d'un évêché." in text and "Départ des ménages vers la périphérie." in text
    assert f"Reconquérir le centre ancien {XSS}." in text  # shown literally, never run
    # Figures by theme with their source and vintage.
    assert (
        "Population municipale Langres 7 503 habitants INSEE, populations légales 2023 (COG 2026) — millésime 2023"
        in text
    )
    assert "Taux de logements vacants Langres 14,2 % INSEE, recensement de la population 2021 — millésime 2021" in text
    # The chart, then its table and its sources.
    assert "Population par tranche d'âge (habitants)" in text and "population-age" in text
    assert "0-14 ans 1 012" in text and "75 ans et plus —" in text
    assert "Sources : INSEE, recensement de la population 2021, millésime 2021." in text
    assert "Patrimoine remarquable des remparts" in text and '=HYPERLINK("http://x")' in text
    assert "PLUi du Grand Langres" in text
    assert "Étude de stratégie commerciale" in text and "Rapport final de l'étude commerce" in text
    assert "Étude des loyers" in text and "Rapport confidentiel des loyers" not in text
    assert "Tiers-lieu de la gare" in text and "Ancienne quincaillerie" in text and "Friche de la caserne" in text
    # The commune's place among the PVD communes, with its source.
    assert "Comparaison avec les communes Petites villes de demain" in text
    assert "communes PVD de France" in text and "QUARTILE" in text


def test_an_empty_diagnostic_still_makes_a_pdf_and_an_empty_chart_is_left_out(dossier):
    empty = Chart(
        key="vide", title="Graphique vide", theme="habitat", unit="", labels=["a"], series=[Serie("x", [None])]
    )
    text = pdf_text(exports.diagnostic_pdf(dossier, charts=[empty], svg=_svg))
    assert "Non soumis" in text and "Aucun chiffre." in text and "Aucune étude." in text
    assert "Graphique vide" not in text


def test_the_xlsx_reads_back_with_every_sheet_and_no_formula(full):
    workbook = load_workbook(io.BytesIO(exports.diagnostic_xlsx(full)))
    assert workbook.sheetnames == ["Chiffres", "AFOM", "Planification", "Études", "Initiatives", "Points d'intérêt"]
    rows = list(workbook["Chiffres"].values)
    assert rows[0][:4] == ("Thème", "Code de l'indicateur", "Indicateur", "Valeur")
    assert (
        "Habitat",
        "taux_vacance",
        "Taux de logements vacants",
        14.2,
        "%",
        "Commune",
        "52269",
        "Langres",
        "INSEE, recensement de la population 2021",
        "2021",
        "Fichier importé",
    ) in rows
    assert any(row[-1] == "Données de référence de la plateforme" for row in rows)
    afom = workbook["AFOM"]
    cell = next(c for row in afom.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s"  # text, not a formula
    etudes = list(workbook["Études"].values)
    assert ("Étude de stratégie commerciale", "Rapport final de l'étude commerce") in [(r[0], r[7]) for r in etudes]
    assert ("Étude des loyers", None) in [(r[0], r[7]) for r in etudes]
    points = {r[0]: r for r in workbook["Points d'intérêt"].values}
    assert points["Ancienne quincaillerie"][3:] == (5.3336, 47.8625, "POINT (5.3336 47.8625)")
    assert points["Friche de la caserne"][3:5] == (None, None)
    assert points["Friche de la caserne"][5].startswith("POLYGON ((5.33 47.86")
    assert [r[1] for r in workbook["Planification"].values][1:] == ["PLUi du Grand Langres"]
    assert [r[0] for r in workbook["Initiatives"].values][1:] == ["Tiers-lieu de la gare"]


def _urls(dossier):
    return [reverse(f"diagnostic:export_{fmt}", kwargs={"dossier_pk": dossier.pk}) for fmt in ("pdf", "xlsx")]


@pytest.mark.parametrize("kind", ["chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"])
def test_every_viewer_downloads_without_confidential_titles(client_for, full, kind):
    client = client_for(full, kind)
    pdf, xlsx = (client.get(url) for url in _urls(full))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="diagnostic-{full.pk}.pdf"'
    assert "Rapport confidentiel des loyers" not in pdf_text(pdf.content)
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    cells = {c for sheet in workbook for row in sheet.values for c in row}
    assert "Rapport confidentiel des loyers" not in cells and "Étude des loyers" in cells


@pytest.mark.parametrize("kind", ["anonymous", "outsider", "prefecture_autre"])
def test_who_cannot_see_the_dossier_is_refused(client_for, dossier, kind):
    client = client_for(dossier, kind)
    for url in _urls(dossier):
        assert_refused(client.get(url), kind)


def test_export_queries_do_not_grow(full):
    from pvd.diagnostic.selectors_export import export_content

    def grow():
        for factory in (DonneeFactory, AfomItemFactory, PlanFactory, EtudeFactory, InitiativeFactory):
            factory.create_batch(4, dossier=full)
        EtudeFactory.create_batch(3, dossier=full, livrable=DocumentFactory(dossier=full))
        PointInteretFactory.create_batch(4, dossier=full)

    def run():
        content = export_content(full)
        # Everything the templates read, so that a lazy relation would show here.
        return [e.livrable for e in content["etudes"]], [d.get_theme_display() for d in content["donnees"]]

    assert_queries_do_not_grow(run, grow=grow)
    assert_queries_do_not_grow(lambda: exports.diagnostic_xlsx(full), grow=grow)


def test_the_index_links_to_both_downloads(client_for, dossier):
    from tests.utils import main

    page = main(client_for(dossier, "lecteur").get(reverse("diagnostic:index", kwargs={"dossier_pk": dossier.pk})))
    links = {a.get_text(strip=True): a["href"] for a in page.select("#diagnostic-exports a")}
    assert links == {"Télécharger le diagnostic (PDF)": _urls(dossier)[0], "Données (XLSX)": _urls(dossier)[1]}


def test_convention_summary_queries_do_not_grow(full):
    from pvd.diagnostic.selectors_export import convention_summary

    def grow():
        AfomItemFactory.create_batch(8, dossier=full, categorie="opportunite")
        for millesime in ("2019", "2020", "2021"):
            DonneeFactory(
                dossier=full, indicateur="pop_totale", echelle="epci", code_territoire="1", millesime=millesime
            )

    small, large = assert_queries_do_not_grow(lambda: convention_summary(full), grow=grow)
    assert [g["categorie"] for g in large["afom"]] == ["Atouts", "Opportunités", "Menaces"]
    assert len(large["afom"][1]["constats"]) == 3
    # One figure per territory, its latest vintage, the communes first.
    assert [(c["territoire"], c["source"][-4:]) for c in large["chiffres"]] == [
        ("Langres", "2023"),
        ("Langres", "2021"),
    ]
