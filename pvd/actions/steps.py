"""Steps 5 and 6 of the dossier home: the plan d'action, and its fiches examined in comité."""

from pvd.core.text import plural
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE
from pvd.gouvernance.selectors import validation_states

from .selectors import fiches_for


# The counts only include the fiches the viewer may see: a confidential fiche counted on the
# dossier home would reveal its existence to a partenaire.
def plan(dossier, access=None):
    fiches = fiches_for(dossier, access)
    total = fiches.count()
    if not total:
        return A_VENIR, "Aucune fiche action."
    dated = fiches.filter(date_debut__isnull=False).count()
    financed = fiches.filter(financements__isnull=False).distinct().count()
    detail = (
        f"{plural(total, 'fiche action', 'fiches action')}, {plural(dated, 'datée', 'datées')}, "
        f"{financed} avec un plan de financement."
    )
    return (TERMINE if dated == total and financed == total else EN_COURS), detail


def fiches(dossier, access=None):
    all_fiches = list(fiches_for(dossier, access).only("pk"))
    if not all_fiches:
        return A_VENIR, "Aucune fiche action."
    total = len(all_fiches)
    states = validation_states(all_fiches).values()
    validated = sum(1 for s in states if s.is_validated)
    submitted = sum(1 for s in states if s.code != "non_soumis")
    if not submitted:
        if total == 1:
            return A_VENIR, "La fiche action n'a pas été soumise au comité de projet."
        return A_VENIR, f"Aucune des {total} fiches n'a été soumise au comité de projet."
    detail = (
        f"{plural(validated, 'fiche validée', 'fiches validées')} sur {total}, "
        f"{plural(submitted, 'examinée ou soumise', 'examinées ou soumises')}."
    )
    return (TERMINE if validated == total else EN_COURS), detail
