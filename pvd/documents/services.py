"""Every write of the documents: creation with a first version, new versions, deletion, submission."""

import io
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from pvd.core.concurrency import claim_version
from pvd.gouvernance.services import object_submit

from .models import ALLOWED_EXTENSIONS, MAX_SIZE, Document, DocumentVersion

# Members a genuine office file holds (they are ZIP archives): DOCX/XLSX by their main part,
# ODT/ODS by their declared MIME type.
_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _content_matches(extension: str, content: bytes) -> bool:
    if extension == "pdf":
        return content.startswith(b"%PDF-")
    if extension == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if extension == "csv":
        if b"\x00" in content:
            return False
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                content.decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if extension in _OOXML_PART:
                return _OOXML_PART[extension] in archive.namelist()
            return archive.read("mimetype").strip() == _ODF_MIMETYPE[extension]
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def check_upload(file) -> bytes:
    """The content of an uploaded file, or a ValidationError (in French) on the field `file`."""
    if file is None:
        raise ValidationError({"file": "Choisissez un fichier."})
    extension = _extension(file.name or "")
    allowed = ", ".join(sorted({e.upper() for e in ALLOWED_EXTENSIONS} - {"JPEG"}))
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError({"file": f"Ce type de fichier n'est pas accepté. Formats acceptés : {allowed}."})
    if file.size > MAX_SIZE:
        raise ValidationError({"file": f"Le fichier dépasse la taille maximale de {MAX_SIZE // (1024 * 1024)} Mo."})
    if file.size == 0:
        raise ValidationError({"file": "Le fichier est vide."})
    file.seek(0)
    content = file.read()
    if not _content_matches(extension, content):
        raise ValidationError(
            {"file": f"Le contenu du fichier ne correspond pas à son extension ({ALLOWED_EXTENSIONS[extension]})."}
        )
    return content


def _add_version(document: Document, *, name: str, content: bytes, by) -> DocumentVersion:
    numero = (document.versions.aggregate(n=Max("numero"))["n"] or 0) + 1
    version = DocumentVersion(document=document, numero=numero, nom=name[:255], taille=len(content), uploaded_by=by)
    version.file = ContentFile(content, name=name)
    version.full_clean()
    try:
        version.save()  # writes the file, then the row
    except Exception:
        if version.file.name and version.file._committed:
            version.file.storage.delete(version.file.name)
        raise
    return version


@transaction.atomic
def document_create(
    *, dossier, titre: str, kind: str, file, by, description: str = "", confidentiel: bool = False
) -> Document:
    """A document and its first version. The file is checked before anything is written."""
    content = check_upload(file)
    document = Document(
        dossier=dossier,
        titre=(titre or "").strip(),
        kind=kind,
        description=(description or "").strip(),
        confidentiel=confidentiel,
        created_by=by,
    )
    document.full_clean()
    document.save()
    _add_version(document, name=file.name, content=content, by=by)
    return document


@transaction.atomic
def document_update(
    *,
    document: Document,
    titre: str,
    kind: str,
    by,
    description: str = "",
    confidentiel: bool = False,
    expected_version: int | None = None,
) -> Document:
    """Change a document's details (its files only change through new versions).
    `expected_version`: the version the caller read (see pvd.core.concurrency)."""
    from pvd.gouvernance.selectors import points_on

    # Lock the row: a submission at the same time cannot slip past the check below.
    document = Document.objects.select_for_update().get(pk=document.pk)
    claim_version(document, expected_version)
    if confidentiel and not document.confidentiel and points_on(document).exists():
        # What the comité de projet examined is shared with its members (préfet, partners).
        raise ValidationError(
            {
                "confidentiel": "Ce document a été soumis au comité de projet : il est partagé avec ses membres "
                "et ne peut plus devenir confidentiel."
            }
        )
    document.titre = (titre or "").strip()
    document.kind = kind
    document.description = (description or "").strip()
    document.confidentiel = confidentiel
    document.full_clean()
    document.save(update_fields=["titre", "kind", "description", "confidentiel"])
    return document


@transaction.atomic
def document_version_add(*, document: Document, file, by) -> DocumentVersion:
    """A new version, which becomes the current one."""
    content = check_upload(file)
    # Two uploads at once get distinct numbers (and the constraint backs it up).
    document = Document.objects.select_for_update().get(pk=document.pk)
    return _add_version(document, name=file.name, content=content, by=by)


@transaction.atomic
def document_delete(*, document: Document, by) -> None:
    """Delete a document and its files, unless the comité de projet has decided on it (the
    gouvernance's one rule: `decidable_delete_check`; a pending submission goes with it)."""
    from pvd.gouvernance.services import decidable_delete_check

    decidable_delete_check(target=document)
    files = [version.file for version in document.versions.all() if version.file]
    document.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])


@transaction.atomic
def document_submit(*, document: Document, by):
    """Submit the document to the comité de projet (the governance's one mechanism)."""
    # Locked like in document_update, so it cannot become confidential while being submitted.
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.confidentiel:
        # What the comité de projet decides on is shared with its members (préfet, partners).
        raise ValidationError(
            "Un document confidentiel ne peut pas être soumis au comité de projet : "
            "il n'est visible que de l'équipe-projet."
        )
    return object_submit(
        dossier=document.dossier,
        target=document,
        titre=f"Document ({document.get_kind_display().lower()}) : {document.titre}",
        description=document.description,
        by=by,
    )
