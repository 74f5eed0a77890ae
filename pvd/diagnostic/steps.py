"""Step 3 of the programme, the diagnostic du territoire.

Rule: « à venir » while nothing of the diagnostic exists; « en cours » as soon as any part
of it is built (a text, a figure typed or imported, an AFOM item, a plan, a study, an
initiative, a point on the map); « terminée » only once the comité de projet has validated
the diagnostic (a decision on the Diagnostic, through the one decision mechanism).
"""

from django.urls import reverse

from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE, next_action
from pvd.gouvernance.selectors import validation_state
from pvd.gouvernance.steps import waiting_action

from .models import Diagnostic


def _url(name, dossier) -> str:
    return reverse(f"diagnostic:{name}", kwargs={"dossier_pk": dossier.pk})


def diagnostic(dossier, access=None):
    index = _url("index", dossier)
    diag = Diagnostic.objects.filter(dossier=dossier).first()
    started = diag is not None and any((diag.histoire, diag.dynamiques, diag.synthese))
    started = started or any(related.filter(dossier=dossier).exists() for related in _parts())
    if not started:
        return (
            A_VENIR,
            "Le diagnostic n'est pas commencé.",
            next_action(
                access, "diagnostic.edit", "Construire le diagnostic", index, read=("Voir le diagnostic", index)
            ),
        )
    state = validation_state(diag) if diag is not None else None
    if state is not None and state.is_validated:
        return TERMINE, "Diagnostic validé par le comité de projet.", None
    waiting = (
        waiting_action(
            dossier,
            access,
            [state],
            waiting="Le diagnostic attend le comité de projet",
            inscrire="Inscrire le diagnostic à une séance du comité de projet",
        )
        if state is not None
        else None
    )
    action = waiting or next_action(
        access,
        "diagnostic.edit",
        "Soumettre le diagnostic au comité de projet",
        index,
        read=("Voir le diagnostic", index),
    )
    return EN_COURS, "Diagnostic en cours, pas encore validé par le comité de projet.", action


def _parts():
    from .models import AfomItem, DocumentPlanification, Donnee, Etude, Initiative, PointInteret

    # Figures computed from the reference data do not count: the platform made them, not the team.
    return [
        Donnee.objects.exclude(origine="reference"),
        AfomItem.objects,
        DocumentPlanification.objects,
        Etude.objects,
        Initiative.objects,
        PointInteret.objects,
    ]
