"""One amount reads the same on the fiche page, in its PDF and DOCX, in the convention-cadre
DOCX and PDF, and is the same number in the XLSX and the CSV (pvd.core.formatting)."""

import csv
import io
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from pvd.actions.tests.factories import FicheFactory, LigneFactory, OrganisationFactory
from pvd.conventions import documents

pytestmark = pytest.mark.django_db

COUT = Decimal("1234567.5")
SHOWN = "1\u00a0234\u00a0567,50\u00a0€"  # no-break spaces: thousands and before the unit
TAUX = "24,30\u00a0%"  # 300 000 over 1 234 567,50


def url(name, dossier, **kwargs):
    return reverse(f"actions:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


@pytest.fixture
def fiche(dossier):
    fiche = FicheFactory(dossier=dossier, numero=1, titre="Halle", cout_ht=COUT)
    LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom="État"), montant=Decimal("300000"), statut="accorde")
    return fiche


def test_fiche_page_shows_the_amount_and_the_rate(client_for, dossier, fiche):
    response = client_for(dossier, "equipe").get(url("fiche", dossier, fiche_pk=fiche.pk))
    page = BeautifulSoup(response.content, "html.parser")
    assert f"{SHOWN} HT" in page.select_one("#content").get_text()
    assert TAUX in page.select_one("#taux").get_text()


def _pdf_text(data: bytes) -> str:
    """The text the PDF carries (its ToUnicode maps give the no-break spaces back)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_fiche_pdf_and_docx_show_the_same_amount(client_for, dossier, fiche):
    client = client_for(dossier, "equipe")
    pdf = _pdf_text(client.get(url("fiche_pdf", dossier, fiche_pk=fiche.pk)).content)
    assert SHOWN in pdf and "\ufffd" not in pdf  # on one line (a break would be "\n"), no glyph missing
    document = Document(io.BytesIO(client.get(url("fiche_docx", dossier, fiche_pk=fiche.pk)).content))
    cells = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert cells["Coût HT"] == SHOWN
    financing = [c.text for c in document.tables[1].rows[1].cells]
    assert financing[2] == "300\u00a0000,00\u00a0€" and financing[4] == TAUX


def test_convention_cadre_docx_and_pdf_show_the_same_amount(dossier, fiche):
    document = Document(io.BytesIO(documents.generate("cadre", dossier, "docx")[1]))
    docx_text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert SHOWN in docx_text
    assert SHOWN in _pdf_text(documents.generate("cadre", dossier, "pdf")[1])


def test_xlsx_keeps_the_number_and_the_csv_writes_it_for_a_spreadsheet(client_for, dossier, fiche):
    client = client_for(dossier, "lecteur")
    sheet = load_workbook(io.BytesIO(client.get(url("plan_xlsx", dossier)).content))["Fiches"]
    header = [c.value for c in sheet[1]]
    cell = sheet[2][header.index("Coût HT (€)")]
    assert cell.value == float(COUT) and cell.number_format == '#,##0.00 "€"'
    raw = client.get(url("plan_csv", dossier)).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert lines[1][lines[0].index("Coût HT (€)")] == "1234567,50"  # a number, not text, once opened
