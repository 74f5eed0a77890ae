"""Step 2 of the programme: the comité de projet and the équipe-projet are in place."""

from pvd.core.text import plural
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE

from .models import Instance, InstanceType
from .selectors import composition_check


def gouvernance(dossier) -> tuple[str, str]:
    instances = {i.type: i for i in Instance.objects.filter(dossier=dossier).order_by("pk")}
    comite = instances.get(InstanceType.COMITE_PROJET)
    equipe = instances.get(InstanceType.EQUIPE_PROJET)
    if comite is None and equipe is None:
        return A_VENIR, "Ni comité de projet ni équipe-projet."
    if comite is None:
        return EN_COURS, "L'équipe-projet est constituée ; le comité de projet reste à créer."
    manquants = composition_check(comite)
    if manquants:
        missing = plural(len(manquants), "membre requis manquant", "membres requis manquants")
        return EN_COURS, f"Comité de projet incomplet : {missing}."
    if equipe is None:
        return EN_COURS, "Le comité de projet est constitué ; l'équipe-projet reste à créer."
    if not comite.seances.filter(compte_rendu_approuve_le__isnull=False).exists():
        return EN_COURS, "Comité de projet et équipe-projet constitués ; aucune séance au compte rendu approuvé."
    return TERMINE, "Comité de projet complet et réuni ; équipe-projet constituée."
