"""Demo documents of Langres: the shared diagnostic, submitted to the comité de projet, and the
minutes of the residents' workshops. Idempotent: a second run adds nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from pvd.gouvernance.selectors import validation_state

from . import services
from .models import Document

# A minimal valid one-page PDF (the demo needs no PDF library).
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
_CSV = (
    "atelier;date;participants;thème\n"
    "Habiter le centre ancien;2026-03-12;34;habitat\n"
    "Commerces et marché;2026-03-26;27;commerce\n"
).encode()

DOCUMENTS = [
    (
        "Diagnostic partagé du centre ancien",
        "diagnostic",
        "Synthèse des données territoriales et des ateliers, présentée au comité de projet.",
        "diagnostic-centre-ancien.pdf",
        _PDF,
        True,  # submitted to the comité de projet
    ),
    (
        "Compte rendu des ateliers habitants",
        "compte_rendu",
        "Participation aux ateliers de mars 2026.",
        "ateliers-habitants.csv",
        _CSV,
        False,
    ),
]


@transaction.atomic
def seed(context) -> None:
    dossier, chef = context.dossier, context.chef
    for titre, kind, description, filename, content, submit in DOCUMENTS:
        document = Document.objects.filter(dossier=dossier, titre=titre).first()
        if document is None:
            document = services.document_create(
                dossier=dossier,
                titre=titre,
                kind=kind,
                description=description,
                fichier=SimpleUploadedFile(filename, content),
                by=chef,
            )
        if submit and validation_state(document).code == "non_soumis":
            services.document_submit(document=document, by=chef)
