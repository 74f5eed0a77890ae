"""The plan d'action import is bounded before the expensive work: file size, what the XLSX
unpacks to (zip bomb), rows per sheet, and a content that is really a workbook."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from pvd.actions.columns import FICHE_COLUMNS
from pvd.actions.importer import ImportRefused, import_plan, parse_workbook
from pvd.actions.models import FicheAction
from pvd.actions.tests.test_import import GOOD_FICHES, workbook
from pvd.core.formatting import nombre

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def huge_workbook() -> bytes:
    """300 000 rows in a file of about 1.5 MB (written in write-only mode, constant memory)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Fiches")
    sheet.append([label for _, label in FICHE_COLUMNS])
    for _ in range(300_000):
        sheet.append([None, "Fiche"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_300000_rows_refused_at_the_limit_nothing_saved(client_for, dossier, huge_workbook, main, settings):
    assert len(huge_workbook) < settings.PVD_IMPORT_MAX_BYTES
    client = client_for(dossier, "chef_de_projet")
    upload = SimpleUploadedFile("plan.xlsx", huge_workbook)
    response = client.post(reverse("actions:import", kwargs={"dossier_pk": dossier.pk}), {"fichier": upload})
    assert response.status_code == 400
    text = main(response).get_text(" ", strip=True)
    assert f"Le fichier dépasse la limite de {nombre(2000)} lignes dans la feuille « Fiches »" in text
    assert not FicheAction.objects.exists()
    assert not client.session.get(f"actions_import_{dossier.pk}")


def test_row_limit_is_a_setting(dossier, axes_two, settings):
    settings.PVD_IMPORT_MAX_ROWS = 1
    parsed = parse_workbook(workbook(GOOD_FICHES), dossier)
    assert [e.message for e in parsed.errors] == [
        "Le fichier dépasse la limite de 1 ligne dans la feuille « Fiches » : découpez-le en plusieurs fichiers."
    ]
    with pytest.raises(ImportRefused):
        import_plan(dossier=dossier, content=workbook(GOOD_FICHES), by=None)
    assert not FicheAction.objects.exists()
    settings.PVD_IMPORT_MAX_ROWS = 2
    assert parse_workbook(workbook(GOOD_FICHES), dossier).ok


def test_zip_bomb_refused_before_opening(dossier, axes_two, settings):
    """What the archive's directory declares is compared with the limit: nothing is unpacked."""
    content = workbook(GOOD_FICHES)
    settings.PVD_XLSX_MAX_UNCOMPRESSED = 5_000
    parsed = parse_workbook(content, dossier)
    assert len(parsed.errors) == 1
    assert "Le fichier décompressé dépasserait 4 ko" in parsed.errors[0].message
    assert not FicheAction.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.xlsx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200),  # a Windows executable
        ("plan.xlsx", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("plan.xlsx", None),  # a ZIP archive that is no workbook
    ],
    ids=["executable", "html", "zip"],
)
def test_renamed_files_refused_by_the_form(client_for, dossier, main, name, content):
    if content is None:
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("virus.exe", b"MZ" + b"\x00" * 100)
        content = buffer.getvalue()
    client = client_for(dossier, "chef_de_projet")
    response = client.post(
        reverse("actions:import", kwargs={"dossier_pk": dossier.pk}), {"fichier": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert "Le contenu du fichier ne correspond pas à son extension (Excel (XLSX))" in main(response).get_text()
    assert not FicheAction.objects.exists()


def test_file_size_limit_is_a_setting(client_for, dossier, main, settings):
    settings.PVD_IMPORT_MAX_BYTES = 1024
    client = client_for(dossier, "chef_de_projet")
    upload = SimpleUploadedFile("plan.xlsx", workbook(GOOD_FICHES))
    response = client.post(reverse("actions:import", kwargs={"dossier_pk": dossier.pk}), {"fichier": upload})
    assert response.status_code == 400
    assert "Le fichier dépasse la taille maximale de 1 ko." in main(response).get_text()
    assert not FicheAction.objects.exists()


@pytest.fixture
def axes_two(dossier):
    from pvd.actions.tests.factories import AxeFactory

    return [AxeFactory(dossier=dossier, numero=1), AxeFactory(dossier=dossier, numero=2)]
