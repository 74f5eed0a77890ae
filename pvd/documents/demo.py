"""Demo documents of Langres: the shared diagnostic, submitted to the comité de projet, and the
minutes of the residents' workshops. Idempotent: a second run adds nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from pvd.gouvernance.selectors import validation_state

from . import services
from .models import Document


def _diagnostic_pdf() -> bytes:
    """A real one-page PDF (WeasyPrint, as for every PDF of the platform)."""
    from weasyprint import HTML

    return HTML(
        string=(
            "<html lang='fr'><body><h1>Diagnostic partagé du centre ancien de Langres</h1>"
            "<p>Synthèse des données territoriales (population, logements vacants, commerces) "
            "et des ateliers habitants de mars 2026.</p></body></html>"
        )
    ).write_pdf()


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
        _diagnostic_pdf,
        True,  # submitted to the comité de projet
    ),
    (
        "Compte rendu des ateliers habitants",
        "compte_rendu",
        "Participation aux ateliers de mars 2026.",
        "ateliers-habitants.csv",
        lambda: _CSV,
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
                file=SimpleUploadedFile(filename, content()),
                by=chef,
            )
        if submit and validation_state(document).code == "non_soumis":
            services.document_submit(document=document, by=chef)
