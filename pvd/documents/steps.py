"""Step 3 of the programme, the diagnostic du territoire, read from the documents of kind diagnostic."""

from pvd.core.text import plural
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
    detail = plural(count, "document de diagnostic déposé", "documents de diagnostic déposés")
    if validated:
        return TERMINE, f"{detail}, dont {plural(validated, 'validé', 'validés')} par le comité de projet."
    return EN_COURS, f"{detail}, aucun validé par le comité de projet."
