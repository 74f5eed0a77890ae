"""Steps 5 and 6 of the dossier home: the plan d'action, and its fiches examined in comité."""

from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE
from pvd.gouvernance.selectors import validation_states

from .models import FicheAction


def plan(dossier):
    fiches = FicheAction.objects.filter(dossier=dossier)
    total = fiches.count()
    if not total:
        return A_VENIR, "Aucune fiche action."
    dated = fiches.filter(date_debut__isnull=False).count()
    financed = fiches.filter(financements__isnull=False).distinct().count()
    detail = f"{total} fiche(s) action, {dated} datée(s), {financed} avec un plan de financement."
    return (TERMINE if dated == total and financed == total else EN_COURS), detail


def fiches(dossier):
    all_fiches = list(FicheAction.objects.filter(dossier=dossier).only("pk"))
    if not all_fiches:
        return A_VENIR, "Aucune fiche action."
    states = validation_states(all_fiches).values()
    validated = sum(1 for s in states if s.is_validated)
    submitted = sum(1 for s in states if s.code != "non_soumis")
    if not submitted:
        return A_VENIR, f"Aucune des {len(all_fiches)} fiches n'a été soumise au comité de projet."
    detail = f"{validated} fiche(s) validée(s) sur {len(all_fiches)}, {submitted} examinée(s) ou soumise(s)."
    return (TERMINE if validated == len(all_fiches) else EN_COURS), detail
