"""Step 3 of the programme, the diagnostic du territoire, read from the documents of kind diagnostic."""

from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE
from pvd.gouvernance.selectors import validation_states

from .models import Document, DocumentKind


def diagnostic(dossier) -> tuple[str, str]:
    # The dossier home is read by every member: confidential documents are not counted (they
    # cannot be submitted to the comité de projet anyway).
    documents = list(Document.objects.filter(dossier=dossier, kind=DocumentKind.DIAGNOSTIC).visible_to(None))
    if not documents:
        return A_VENIR, "Aucun document de diagnostic déposé."
    count = len(documents)
    validated = sum(state.is_validated for state in validation_states(documents).values())
    s = "s" if count > 1 else ""
    detail = f"{count} document{s} de diagnostic déposé{s}"
    if validated:
        return TERMINE, f"{detail}, dont {validated} validé{'s' if validated > 1 else ''} par le comité de projet."
    return EN_COURS, f"{detail}, aucun validé par le comité de projet."
