"""The shared bounds of uploads and imports (pvd/core/limits.py): magic bytes rather than the
extension, text files that are text, XLSX zip bombs, rows counted no further than the limit."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document as DocxDocument
from openpyxl import Workbook

from pvd.core import limits

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx() -> bytes:
    book = Workbook()
    book.active.append(["a", 1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _docx() -> bytes:
    document = DocxDocument()
    document.add_paragraph("Bonjour")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


GENUINE = {
    "pdf": b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "docx": _docx(),
    "xlsx": _xlsx(),
    "odt": _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
    "ods": _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
    "csv": "commune;population\nLangres;7 500\nÉpinac;2 100\n".encode(),
    "txt": "Compte rendu de la réunion".encode("cp1252"),
    "geojson": b'{"type": "FeatureCollection", "features": []}',
}


@pytest.mark.parametrize("extension", sorted(GENUINE))
def test_genuine_files_accepted(extension):
    content = GENUINE[extension]
    upload = SimpleUploadedFile(f"fichier.{extension}", content)
    assert limits.check_upload(upload, allowed=[extension]) == content
    assert upload.tell() == 0  # read again by whoever saves it


@pytest.mark.parametrize("extension", sorted(GENUINE))
@pytest.mark.parametrize(
    "content",
    [EXECUTABLE, ELF, HTML, _zip({"virus.exe": EXECUTABLE}), _zip({"index.html": HTML})],
    ids=["exe", "elf", "html", "zip-exe", "zip-html"],
)
def test_renamed_files_refused(extension, content):
    with pytest.raises(ValidationError) as raised:
        limits.check_upload(SimpleUploadedFile(f"fichier.{extension}", content), allowed=[extension])
    assert raised.value.messages == [
        f"Le contenu du fichier ne correspond pas à son extension ({limits.DESCRIPTIONS[extension]}) : il est refusé."
    ]


def test_an_office_file_of_another_kind_is_refused():
    with pytest.raises(ValidationError):
        limits.check_content("docx", GENUINE["xlsx"])
    with pytest.raises(ValidationError):
        limits.check_content("xlsx", GENUINE["docx"])
    with pytest.raises(ValidationError):
        limits.check_content("odt", GENUINE["ods"])


def test_extension_size_and_empty_refused(settings):
    with pytest.raises(ValidationError, match="Ce type de fichier n'est pas accepté. Formats acceptés : PDF."):
        limits.check_upload(SimpleUploadedFile("programme.exe", EXECUTABLE), allowed=["pdf"])
    with pytest.raises(ValidationError, match="Le fichier dépasse la taille maximale de 1 ko."):
        limits.check_upload(SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 2000), allowed=["pdf"], max_bytes=1024)
    settings.PVD_UPLOAD_MAX_BYTES = 3 * 1024 * 1024
    with pytest.raises(ValidationError, match="Le fichier dépasse la taille maximale de 3 Mo."):
        limits.check_size(3 * 1024 * 1024 + 1)
    with pytest.raises(ValidationError, match="Le fichier est vide."):
        limits.check_upload(SimpleUploadedFile("a.pdf", b""), allowed=["pdf"])


def test_xlsx_zip_bomb_refused_from_its_directory(settings):
    """A sheet of 20 MB of zeros packs into a few kilobytes: refused before openpyxl opens it."""
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"0" * (20 * 1024 * 1024),
        }
    )
    assert len(bomb) < 100_000
    settings.PVD_XLSX_MAX_UNCOMPRESSED = 10 * 1024 * 1024
    with pytest.raises(ValidationError, match="Le fichier décompressé dépasserait 10 Mo"):
        limits.open_xlsx(bomb)
    with pytest.raises(ValidationError, match="pas un classeur Excel"):
        limits.open_xlsx(_zip({"xl/workbook.xml": b"<workbook/>"}))  # no [Content_Types].xml
    workbook = limits.open_xlsx(GENUINE["xlsx"])
    assert list(workbook.active.iter_rows(values_only=True)) == [("a", 1)]
    workbook.close()


def test_rows_counted_no_further_than_the_limit():
    read = []

    def rows():
        for i in range(1_000_000):
            read.append(i)
            yield i

    with pytest.raises(ValidationError, match="Le fichier dépasse la limite de 10 lignes"):
        limits.check_rows(rows(), 10)
    assert len(read) == 11
    assert limits.check_rows(range(10), 10) == 10


def test_decode_text():
    assert limits.decode_text("é".encode()) == "é"
    assert limits.decode_text("é".encode("cp1252")) == "é"
    for binary in (b"a\x00b", b"\x01\x02\x03\x04"):
        with pytest.raises(ValidationError):
            limits.decode_text(binary)
