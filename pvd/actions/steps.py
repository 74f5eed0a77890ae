"""Steps 5 and 6 of the dossier home: the plan d'action, and its fiches examined in comité."""

from django.urls import reverse

from pvd.core.text import plural
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE, next_action
from pvd.gouvernance.selectors import SOUMIS, validation_states
from pvd.gouvernance.steps import waiting_action

from .selectors import fiches_for


def _plan_url(dossier) -> str:
    return reverse("actions:plan", kwargs={"dossier_pk": dossier.pk})


# The counts only include the fiches the viewer may see: a confidential fiche counted on the
# dossier home would reveal its existence to a partenaire.
def plan(dossier, access=None):
    fiches = fiches_for(dossier, access)
    total = fiches.count()
    if not total:
        create = reverse("actions:fiche_create", kwargs={"dossier_pk": dossier.pk})
        return (
            A_VENIR,
            "Aucune fiche action.",
            next_action(access, "plan.edit", "Rédiger une première fiche action", create),
        )
    dated = fiches.filter(date_debut__isnull=False).count()
    financed = fiches.filter(financements__isnull=False).distinct().count()
    detail = (
        f"{plural(total, 'fiche action', 'fiches action')}, {plural(dated, 'datée', 'datées')}, "
        f"{financed} avec un plan de financement."
    )
    read = ("Voir le plan d'action", _plan_url(dossier))
    if dated < total:
        text = f"Dater {plural(total - dated, 'fiche action', 'fiches action')}"
        action = next_action(access, "plan.edit", text, _plan_url(dossier), read=read)
    elif financed < total:
        count = plural(total - financed, "fiche action", "fiches action")
        action = next_action(
            access, "plan.edit", f"Compléter le plan de financement de {count}", _plan_url(dossier), read=read
        )
    else:
        action = None
    return (TERMINE if dated == total and financed == total else EN_COURS), detail, action


def fiches(dossier, access=None):
    all_fiches = list(fiches_for(dossier, access).only("pk"))
    if not all_fiches:
        return A_VENIR, "Aucune fiche action.", None
    total = len(all_fiches)
    states = list(validation_states(all_fiches).values())
    validated = sum(1 for s in states if s.is_validated)
    submitted = sum(1 for s in states if s.code != "non_soumis")
    pending = sum(1 for s in states if s.code == SOUMIS)
    to_submit = total - validated - pending  # never submitted, or ajournées / rejetées
    read = ("Voir les fiches action", _plan_url(dossier))
    submit = next_action(
        access,
        "fiche.submit",
        f"Soumettre {plural(to_submit, 'fiche action', 'fiches action')} au comité de projet",
        _plan_url(dossier),
        read=read,
    )
    if not submitted:
        if total == 1:
            return A_VENIR, "La fiche action n'a pas été soumise au comité de projet.", submit
        return A_VENIR, f"Aucune des {total} fiches n'a été soumise au comité de projet.", submit
    detail = (
        f"{plural(validated, 'fiche validée', 'fiches validées')} sur {total}, "
        f"{plural(submitted, 'examinée ou soumise', 'examinées ou soumises')}."
    )
    action = waiting_action(
        dossier,
        access,
        states,
        waiting=f"{pending} fiche attend le comité" if pending == 1 else f"{pending} fiches attendent le comité",
        inscrire=f"Inscrire {plural(pending, 'fiche action', 'fiches action')} à une séance du comité de projet",
    )
    if action is None and to_submit:
        action = submit
    return (TERMINE if validated == total else EN_COURS), detail, action
