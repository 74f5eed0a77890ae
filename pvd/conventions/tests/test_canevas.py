"""The convention-cadre follows the ANCT's canevas; its DOCX is laid out for a word processor;
downloaded files are named after the convention and the town."""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from pvd.conventions import documents, services
from pvd.conventions.models import ConventionDocumentKind, ConventionType
from pvd.conventions.sections import PLAN_MATURATION, PLAN_VALIDE
from pvd.conventions.tests.test_documents import full_dossier, pdf_text  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

CANEVAS = [
    "d'une part",
    "d'autre part",
    "Il est convenu ce qui suit",
    "L'État, représenté par le préfet de la Haute-Marne",
    "Ambition du projet de territoire : Redonner vie au centre ancien de Langres.",
    "Article 8 — Ingénierie mobilisée",
    "Caisse des Dépôts : Cofinancer l'ingénierie.",  # an ingénierie partner and its commitment
    PLAN_VALIDE,
    PLAN_MATURATION,
    "entre en vigueur à la date de sa signature",
    "fait l'objet d'un avenant",
    "peut être résiliée",
    "tribunal administratif",
    "exemplaires originaux",
]


def docx_body_text(data: bytes) -> str:
    """The DOCX's paragraphs and table cells in the order of the document."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    parts = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            parts.append(Paragraph(child, document).text)
        elif child.tag.endswith("}tbl"):
            parts.extend(cell.text for row in Table(child, document).rows for cell in row.cells)
    return "\n".join(parts).replace("\u00a0", " ")


@pytest.fixture(params=["docx", "pdf"])
def cadre_text(request, full_dossier):  # noqa: F811
    data = documents.generate("cadre", full_dossier, request.param)[1]
    text = docx_body_text(data) if request.param == "docx" else pdf_text(data)
    return " ".join(text.split())


def test_the_convention_cadre_has_every_element_of_the_canevas(cadre_text, full_dossier):  # noqa: F811
    for element in CANEVAS:
        assert element in cadre_text, element
    commune = full_dossier.communes.get()
    assert f"Fait à {commune.nom}, le ……………, en 3 exemplaires originaux." in cadre_text


def test_the_plan_separates_validated_fiches_from_projects_en_maturation(cadre_text):
    plan = cadre_text[cadre_text.index(PLAN_VALIDE) : cadre_text.index("Article 6 — Maquette financière")]
    validated = plan[: plan.index(PLAN_MATURATION)]
    maturation = plan[plan.index(PLAN_MATURATION) :]
    assert "Rénovation des halles" in validated and "OPAH-RU du centre ancien" not in validated
    assert "OPAH-RU du centre ancien" in maturation and "Rénovation des halles" not in maturation
    # The adjourned study is not presented as part of the plan, nor in the annex.
    assert "Étude de mobilité" not in cadre_text
    # The numbers left out are said: the confidential fiche and the adjourned one.
    assert (
        "Ne figurent pas dans la présente convention : n° 4 : fiche confidentielle, non publiée ; "
        "n° 3 : fiche ajournée par le comité de projet, hors du plan d'action." in plan
    )


def test_the_annex_gives_each_fiche_description_objectives_and_maitre_ouvrage(cadre_text):
    annex = cadre_text[cadre_text.index("Annexe — Fiches action") :]
    halles = annex[annex.index("Fiche action n° 1 — Rénovation des halles") : annex.index("Fiche action n° 2")]
    assert "Validation : validée par le comité de projet le 12/03/2026" in halles
    assert "Maître d'ouvrage : Ville de Langres" in halles
    assert "Description : Rénover la charpente et ouvrir les halles sur la place." in halles
    assert "Objectifs : Un marché couvert ouvert six jours sur sept." in halles
    opah = annex[annex.index("Fiche action n° 2") :]
    assert "Validation : non soumise" in opah and "Maître d'ouvrage : À compléter" in opah


@pytest.mark.parametrize("kind", ["cadre", "adhesion"])
def test_docx_is_a4_with_page_numbers_and_fixed_table_widths(full_dossier, kind):  # noqa: F811
    data = documents.generate(kind, full_dossier, "docx")[1]
    archive = zipfile.ZipFile(io.BytesIO(data))
    body = archive.read("word/document.xml").decode()
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"', body) or re.search(r'<w:pgSz w:w="11907" w:h="16839"', body)
    footers = [archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer")]
    assert any('w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer for footer in footers)
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", body, re.S)
    assert tables or kind == "adhesion"
    for table in tables:
        assert '<w:tblLayout w:type="fixed"/>' in table
        grid = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', table)]
        assert grid and all(w > 500 for w in grid) and abs(sum(grid) - 9638) < 20  # 17 cm in twips
        cells = re.findall(r"<w:tc>.*?</w:tc>", table, re.S)
        assert all(re.search(r'<w:tcW (w:type="dxa" w:w="\d+"|w:w="\d+" w:type="dxa")/>', cell) for cell in cells)
    if kind == "cadre":
        # The fiche's title has the widest column of the plan's tables.
        plan = next(t for t in tables if "Rénovation des halles" in t)
        grid = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', plan)]
        assert grid.index(max(grid)) == 1


@pytest.mark.parametrize(
    ("nom", "expected"),
    [
        ("Langres", "Langres"),
        ("Les Anses-d'Arlet", "Les-Anses-d-Arlet"),
        ("Saint-Dié-des-Vosges", "Saint-Die-des-Vosges"),
    ],
)
def test_slug_of_a_town(nom, expected):
    assert documents.slug(nom) == expected


def test_generated_and_downloaded_files_are_named_after_the_convention_and_the_town(
    client_for, dossier, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    commune = dossier.communes.get()
    commune.nom = "Les Anses-d'Arlet"
    commune.save()
    cadre = services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
    name, _ = documents.generate("cadre", dossier, "docx")
    assert name == "convention-cadre-valant-ORT-Les-Anses-d-Arlet.docx"
    assert documents.generate("adhesion", dossier, "pdf")[0] == "convention-adhesion-Les-Anses-d-Arlet.pdf"
    client = client_for(dossier, "chef_de_projet")
    client.post(reverse("conventions:generate", kwargs={"dossier_pk": dossier.pk, "pk": cadre.pk, "fmt": "docx"}))
    first = cadre.documents.get(kind=ConventionDocumentKind.PROJET_DOCX)
    second = services.document_add(
        convention=cadre, kind=ConventionDocumentKind.SIGNE_PDF, filename="scan.pdf", content=b"%PDF-1.4", by=None
    )
    third = services.document_add(
        convention=cadre, kind=ConventionDocumentKind.SIGNE_PDF, filename="scan.pdf", content=b"%PDF-1.4 v2", by=None
    )
    avenant = services.convention_create(dossier=dossier, kind=ConventionType.AVENANT, amende=cadre)
    fourth = services.document_add(
        convention=avenant, kind=ConventionDocumentKind.SIGNE_PDF, filename="scan.pdf", content=b"%PDF-1.4", by=None
    )
    expected = {
        first: "convention-cadre-valant-ORT-Les-Anses-d-Arlet.docx",
        second: "convention-cadre-valant-ORT-Les-Anses-d-Arlet-signee.pdf",
        third: "convention-cadre-valant-ORT-Les-Anses-d-Arlet-signee-v2.pdf",
        fourth: "avenant-1-convention-cadre-valant-ORT-Les-Anses-d-Arlet-signee.pdf",
    }
    for document, filename in expected.items():
        url = reverse(
            "conventions:document",
            kwargs={"dossier_pk": dossier.pk, "pk": document.convention_id, "document_pk": document.pk},
        )
        response = client.get(url)
        assert b"".join(response.streaming_content)[:4] in (b"%PDF", b"PK\x03\x04")  # read to the end: closed
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_an_abandoned_fiche_is_left_out_of_the_plan_and_of_its_totals(full_dossier):  # noqa: F811
    from pvd.actions.models import FicheAction, FicheStatut
    from pvd.conventions.selectors import convention_cadre_content

    before = convention_cadre_content(full_dossier)
    opah = FicheAction.objects.get(dossier=full_dossier, titre="OPAH-RU du centre ancien")
    FicheAction.objects.filter(pk=opah.pk).update(statut=FicheStatut.ABANDONNE)
    after = convention_cadre_content(full_dossier)
    text = docx_body_text(documents.generate("cadre", full_dossier, "docx")[1])
    assert "OPAH-RU du centre ancien" not in " ".join(text.split())
    assert "n° 2 : fiche abandonnée, hors du plan d'action" in " ".join(text.split())
    # The total no longer counts it, as the maquette's totals do not.
    assert after["maquette"]["cout_total"] != before["maquette"]["cout_total"]
