"""The bounds of every input, one code for every import and upload.

An import is refused with a French message, before the expensive work, when its file is too
big, when an XLSX would unpack to more than `PVD_XLSX_MAX_UNCOMPRESSED` (a « zip bomb »: a few
kilobytes that expand to gigabytes), when it holds more rows or features than its limit, or
when its content is not what its extension says (the extension alone proves nothing: a renamed
executable, HTML page or archive is refused). The limits are settings (`config/settings/base.py`).
"""

import io
import zipfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.exceptions import ValidationError

from .formatting import nombre

# The first bytes of each accepted binary format.
_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    # The former Office formats: an OLE2 compound file.
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "ppt": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
ZIP_MAGIC = b"PK\x03\x04"
# Office files are ZIP archives: DOCX/XLSX/PPTX by their declared content types and main part,
# ODT/ODS by their declared MIME type.
_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
_ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
TEXT_EXTENSIONS = {"csv", "txt", "geojson", "json"}
DESCRIPTIONS = {
    "pdf": "PDF",
    "png": "image PNG",
    "jpg": "image JPEG",
    "jpeg": "image JPEG",
    "gif": "image GIF",
    "webp": "image WebP",
    "doc": "Word (DOC)",
    "xls": "Excel (XLS)",
    "ppt": "PowerPoint (PPT)",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "pptx": "PowerPoint (PPTX)",
    "odt": "texte OpenDocument (ODT)",
    "ods": "tableur OpenDocument (ODS)",
    "odp": "présentation OpenDocument (ODP)",
    "csv": "CSV",
    "txt": "texte",
    "geojson": "GeoJSON",
    "json": "JSON",
}


def size_label(max_bytes: int) -> str:
    """« 2 Mo », « 500 ko »: a size limit as people read it (1 Mo = 1 048 576 octets)."""
    if max_bytes >= 1024 * 1024:
        return f"{nombre(max_bytes / (1024 * 1024), 1 if max_bytes % (1024 * 1024) else 0)} Mo"
    return f"{nombre(max_bytes // 1024)} ko"


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def check_size(size: int, max_bytes: int | None = None) -> None:
    """Refuse a file larger than `max_bytes` (default: the per-file upload limit)."""
    max_bytes = settings.PVD_UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    if size > max_bytes:
        raise ValidationError(f"Le fichier dépasse la taille maximale de {size_label(max_bytes)}.", code="too_big")


def decode_text(content: bytes) -> str:
    """A text file's content (UTF-8, or Windows' cp1252 as spreadsheets write it), refused when
    it is binary (a NUL byte, or bytes that are no text in either encoding)."""
    if b"\x00" in content:
        raise ValidationError("Le fichier n'est pas un fichier texte (contenu binaire).", code="binary")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        # cp1252 decodes almost anything: control characters other than blanks betray a binary file.
        if any(ord(char) < 32 and char not in "\t\n\r\f" for char in text):
            break
        return text
    raise ValidationError("Le fichier n'est pas un fichier texte lisible (UTF-8).", code="binary")


def _zip_members(content: bytes) -> zipfile.ZipFile | None:
    if not content.startswith(ZIP_MAGIC):
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def check_unpacked_size(archive: zipfile.ZipFile, max_bytes: int | None = None) -> None:
    """Refuse an archive whose members add up to more than `max_bytes` once unpacked. The sizes
    are those its directory declares: zipfile refuses to unpack more than a member declares."""
    max_bytes = settings.PVD_XLSX_MAX_UNCOMPRESSED if max_bytes is None else max_bytes
    total = sum(info.file_size for info in archive.infolist())
    if total > max_bytes:
        raise ValidationError(
            f"Le fichier décompressé dépasserait {size_label(max_bytes)} : il est refusé. "
            "Enregistrez-le de nouveau dans un tableur, ou découpez-le.",
            code="too_big_unpacked",
        )


def content_matches(extension: str, content: bytes) -> bool:
    """Whether the bytes are a file of this extension (its magic bytes, or its structure)."""
    if extension in _SIGNATURES:
        return content.startswith(_SIGNATURES[extension])
    if extension == "webp":
        return content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    if extension in TEXT_EXTENSIONS:
        try:
            decode_text(content)
        except ValidationError:
            return False
        return not content.lstrip().lower().startswith((b"<!doctype", b"<html", b"<script", b"<?xml"))
    archive = _zip_members(content)
    if archive is None:
        return False
    with archive:
        names = set(archive.namelist())
        if extension in _OOXML_PART:
            return "[Content_Types].xml" in names and _OOXML_PART[extension] in names
        if extension in _ODF_MIMETYPE and "mimetype" in names:
            info = archive.getinfo("mimetype")
            return info.file_size < 200 and archive.read("mimetype").strip() == _ODF_MIMETYPE[extension]
    return False


def check_upload(file, *, allowed: Iterable[str], max_bytes: int | None = None) -> bytes:
    """The content of an uploaded file whose extension is allowed, size within the limit and
    content of that kind; a ValidationError in French otherwise."""
    if file is None:
        raise ValidationError("Choisissez un fichier.", code="required")
    allowed = [extension.lower() for extension in allowed]
    extension = extension_of(file.name or "")
    if extension not in allowed:
        names = ", ".join(sorted({e.upper() for e in allowed} - {"JPEG"}))
        raise ValidationError(f"Ce type de fichier n'est pas accepté. Formats acceptés : {names}.", code="extension")
    check_size(file.size, max_bytes)
    if file.size == 0:
        raise ValidationError("Le fichier est vide.", code="empty")
    file.seek(0)
    content = file.read()
    file.seek(0)
    check_content(extension, content)
    return content


def check_content(extension: str, content: bytes) -> None:
    if not content_matches(extension, content):
        raise ValidationError(
            f"Le contenu du fichier ne correspond pas à son extension ({DESCRIPTIONS.get(extension, extension)}) : "
            "il est refusé.",
            code="content",
        )


def open_xlsx(content: bytes, *, max_unpacked: int | None = None, **options):
    """An openpyxl workbook of these bytes, once checked: a genuine XLSX (a ZIP archive with
    `[Content_Types].xml` and a workbook) that unpacks within the limit. Read-only unless told."""
    from openpyxl import load_workbook

    archive = _zip_members(content)
    if archive is None:
        raise ValidationError("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.", code="not_xlsx")
    with archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise ValidationError("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.", code="not_xlsx")
        check_unpacked_size(archive, max_unpacked)
    options.setdefault("read_only", True)
    try:
        return load_workbook(io.BytesIO(content), **options)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook is reported the same way
        raise ValidationError("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.", code="not_xlsx") from error


def too_many_rows_message(max_rows: int, what: str = "lignes") -> str:
    """`what` in the plural, made singular for a limit of 1 (« 1 ligne dans la feuille »)."""
    words = what.split(" ", 1)
    if max_rows < 2 and words[0].endswith("s"):
        words[0] = words[0][:-1]
    return f"Le fichier dépasse la limite de {nombre(max_rows)} {' '.join(words)} : découpez-le en plusieurs fichiers."


def check_rows(rows: Iterable, max_rows: int, *, what: str = "lignes") -> int:
    """Count the rows up to `max_rows` + 1 and no further; refuse when there are more."""
    count = 0
    for _ in rows:
        count += 1
        if count > max_rows:
            raise ValidationError(too_many_rows_message(max_rows, what), code="too_many")
    return count


def bounded(items: Iterable, max_items: int, *, what: str = "lignes") -> Iterator:
    """The items, a ValidationError as soon as there is one more than `max_items`."""
    for count, item in enumerate(items, start=1):
        if count > max_items:
            raise ValidationError(too_many_rows_message(max_items, what), code="too_many")
        yield item
