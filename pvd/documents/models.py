"""The documents of a dossier (diagnostic, études, bilans, comptes rendus, délibérations…).

Each upload is a new version; the latest is the current one. Files are served only through a
view that checks the reader's access, never from a public media URL. The comité de projet
decides on a document through `pvd.gouvernance` (`object_submit`, `validation_state`), like on
a fiche action.
"""

from django.conf import settings
from django.db import models

from pvd.journal.history import DossierHistory

# What may be uploaded: extension → a description for the errors. The content is checked too
# (services.check_upload), the extension alone proves nothing.
ALLOWED_EXTENSIONS = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "odt": "texte OpenDocument (ODT)",
    "ods": "tableur OpenDocument (ODS)",
    "csv": "CSV",
    "png": "image PNG",
    "jpg": "image JPEG",
    "jpeg": "image JPEG",
}
# One file at most (PVD_UPLOAD_MAX_BYTES, 20 Mo unless the setting says otherwise).
MAX_SIZE = settings.PVD_UPLOAD_MAX_BYTES


class DocumentKind(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Diagnostic"
    ETUDE = "etude", "Étude"
    BILAN = "bilan", "Bilan"
    COMPTE_RENDU = "compte_rendu", "Compte rendu"
    DELIBERATION = "deliberation", "Délibération"
    AUTRE = "autre", "Autre"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, access):
        """Confidential documents only with `documents.view_confidential` (the équipe-projet);
        access=None is the public and whatever leaves the platform: never."""
        if access is not None and access.can("documents.view_confidential"):
            return self
        return self.filter(confidentiel=False)


class Document(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="documents")
    titre = models.CharField("titre", max_length=300)
    kind = models.CharField("nature", max_length=20, choices=DocumentKind.choices)
    description = models.TextField("description", blank=True)
    confidentiel = models.BooleanField(
        "confidentiel",
        default=False,
        help_text="Visible par l'équipe-projet seulement ; un document confidentiel ne peut pas être soumis au "
        "comité de projet.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,  # emptied when the account is deleted: the document stays editable
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "document"

    def __str__(self):
        return self.titre


def _version_path(instance, filename):
    document = instance.document
    return f"documents/{document.dossier_id}/{document.pk}/v{instance.numero}-{filename}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveIntegerField("version")
    file = models.FileField("fichier", upload_to=_version_path, max_length=400)
    nom = models.CharField("nom du fichier", max_length=255)
    taille = models.PositiveBigIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,  # emptied when the account is deleted: the document stays editable
        related_name="+",
    )
    created_at = models.DateTimeField("déposé le", auto_now_add=True)

    history = DossierHistory(dossier="document.dossier_id")

    class Meta:
        ordering = ["document", "-numero"]
        verbose_name = "version de document"
        verbose_name_plural = "versions de document"
        constraints = [models.UniqueConstraint(fields=["document", "numero"], name="document_version_numero_unique")]

    def __str__(self):
        return f"{self.document} — version {self.numero}"
