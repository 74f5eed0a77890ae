"""Step 3 of the programme, the diagnostic du territoire, read from the documents of kind diagnostic."""

from django.urls import reverse

from pvd.core.text import plural
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE, next_action
from pvd.gouvernance.selectors import validation_states
from pvd.gouvernance.steps import waiting_action

from .models import Document, DocumentKind


def diagnostic(dossier, access=None):
    # The dossier home is read by every member: confidential documents are not counted (they
    # cannot be submitted to the comité de projet anyway).
    documents = list(Document.objects.filter(dossier=dossier, kind=DocumentKind.DIAGNOSTIC).visible_to(None))
    if not documents:
        create = reverse("documents:create", kwargs={"dossier_pk": dossier.pk})
        return (
            A_VENIR,
            "Aucun document de diagnostic déposé.",
            next_action(access, "documents.edit", "Déposer le diagnostic", create),
        )
    count = len(documents)
    states = validation_states(documents)
    validated = sum(state.is_validated for state in states.values())
    detail = plural(count, "document de diagnostic déposé", "documents de diagnostic déposés")
    if validated:
        return TERMINE, f"{detail}, dont {plural(validated, 'validé', 'validés')} par le comité de projet.", None
    action = waiting_action(
        dossier,
        access,
        list(states.values()),
        waiting="Le diagnostic attend le comité de projet",
        inscrire="Inscrire le diagnostic à une séance du comité de projet",
    )
    if action is None:
        first = reverse("documents:detail", kwargs={"dossier_pk": dossier.pk, "document_pk": documents[0].pk})
        action = next_action(
            access,
            "documents.submit",
            "Soumettre le diagnostic au comité de projet",
            first,
            read=("Voir le diagnostic", first),
        )
    return EN_COURS, f"{detail}, aucun validé par le comité de projet.", action
