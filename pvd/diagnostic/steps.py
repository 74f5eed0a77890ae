"""Step 3 of the programme, the diagnostic du territoire.

Rule: « à venir » while nothing of the diagnostic exists (the reference figures the platform
computes do not count); « en cours » as soon as the team built any part of it (a text, a
figure typed or imported, an AFOM item, a plan, a study, an initiative, a point on the map);
« terminée » only once the comité de projet has validated the diagnostic (a decision « validé »
on the Diagnostic, through the one decision mechanism). Ajourné or rejeté: still « en cours »,
to submit again. The documents of kind « diagnostic » (pvd.documents) no longer count: a
validated document alone does not end the step.

A change after the validation (see `selectors.diagnostic_status`) is said in the detail; the
step stays « terminée », since the comité does not validate the same object twice.

Next action, in the order of the work: build the diagnostic, write its synthesis (required to
submit), submit it, inscribe it at a séance (who sets the agenda), wait for the séance.
Three queries whatever the size of the diagnostic (one while the dossier has no Diagnostic row).
"""

from django.urls import reverse

from pvd.core.formatting import date_fr
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE, next_action
from pvd.gouvernance.steps import waiting_action

from .selectors import diagnostic_status


def _url(name, dossier) -> str:
    return reverse(f"diagnostic:{name}", kwargs={"dossier_pk": dossier.pk})


def diagnostic(dossier, access=None):
    index = _url("index", dossier)
    status = diagnostic_status(dossier)
    if not status.started:
        # Nothing to read yet: no reading action for who may not build it.
        return (
            A_VENIR,
            "Le diagnostic n'est pas commencé.",
            next_action(access, "diagnostic.edit", "Construire le diagnostic", index),
        )
    state = status.validation
    read = ("Voir le diagnostic", index)
    if status.is_validated:
        detail = f"Diagnostic validé par le comité de projet le {date_fr(state.date)}"
        detail += ", modifié depuis." if status.changed else "."
        return TERMINE, detail, None
    if state is not None and state.code == "soumis":
        action = waiting_action(
            dossier,
            access,
            [state],
            waiting="Le diagnostic attend le comité de projet",
            inscrire="Inscrire le diagnostic à une séance du comité de projet",
        )
        return EN_COURS, "Diagnostic soumis au comité de projet.", action
    if state is not None and state.decision is not None:  # ajourné or rejeté
        detail = f"Diagnostic {state.label.lower()} par le comité de projet le {date_fr(state.date)}."
    else:
        detail = "Diagnostic en cours, pas encore soumis au comité de projet."
    if not status.has_synthese:
        action = next_action(
            access, "diagnostic.edit", "Rédiger la synthèse du diagnostic", _url("edit", dossier), read=read
        )
    else:
        text = (
            "Soumettre de nouveau le diagnostic au comité de projet"
            if state and state.decision
            else ("Soumettre le diagnostic au comité de projet")
        )
        action = next_action(access, "diagnostic.edit", text, f"{index}#validation", read=read)
    return EN_COURS, detail, action
