"""Every write of the documents: creation with a first version, new versions, deletion, submission."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max

from pvd.core import limits
from pvd.gouvernance.services import object_submit
from pvd.journal.services import corbeille_move

from .models import ALLOWED_EXTENSIONS, MAX_SIZE, Document, DocumentVersion


def check_upload(file) -> bytes:
    """The content of an uploaded file, or a ValidationError (in French) on the field `file`:
    an accepted extension, the size limit and a content of that kind (`pvd.core.limits`)."""
    try:
        return limits.check_upload(file, allowed=ALLOWED_EXTENSIONS, max_bytes=MAX_SIZE)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error


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
    *, document: Document, titre: str, kind: str, by, description: str = "", confidentiel: bool = False
) -> Document:
    """Change a document's details (its files only change through new versions)."""
    from pvd.gouvernance.selectors import points_on

    # Lock the row: a submission at the same time cannot slip past the check below.
    document = Document.objects.select_for_update().get(pk=document.pk)
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
    """Move a document and its versions to the dossier's bin (files kept until it is emptied),
    unless the comité de projet has decided on it (the gouvernance's one rule:
    `decidable_delete_check`; a pending submission goes with it)."""
    from pvd.gouvernance.services import decidable_delete_check

    decidable_delete_check(target=document)
    corbeille_move(instance=document, by=by, label=document.titre)


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
