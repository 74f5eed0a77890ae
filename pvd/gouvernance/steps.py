"""Step 2 of the programme: the comité de projet and the équipe-projet are in place.

Also the next action of any step whose objects wait for the comité de projet
(`waiting_action`): the other apps' steps call it."""

from django.urls import reverse

from pvd.core.formatting import date_fr
from pvd.core.text import plural
from pvd.dossiers.steps import A_VENIR, EN_COURS, TERMINE, next_action, reading

from .models import Instance, InstanceType
from .selectors import SOUMIS, composition_missing


def _missing_text(manquants: list[tuple[str, str]]) -> str:
    names = [short for short, _long in manquants]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} et {names[1]}"
    return f"{names[0]} et {plural(len(names) - 1, 'autre membre requis', 'autres membres requis')}"


def gouvernance(dossier, access=None):
    instances = {i.kind: i for i in Instance.objects.filter(dossier=dossier).order_by("pk")}
    comite = instances.get(InstanceType.COMITE_PROJET)
    equipe = instances.get(InstanceType.EQUIPE_PROJET)
    index = reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})
    create_comite = next_action(access, "gouvernance.edit", "Créer le comité de projet", f"{index}#instance-form")
    if comite is None and equipe is None:
        return A_VENIR, "Ni comité de projet ni équipe-projet.", create_comite
    if comite is None:
        return EN_COURS, "L'équipe-projet est constituée ; le comité de projet reste à créer.", create_comite
    comite_url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    see_comite = ("Voir le comité de projet", comite_url)
    manquants = composition_missing(comite)
    if manquants:
        missing = plural(len(manquants), "membre requis manquant", "membres requis manquants")
        action = next_action(
            access,
            "gouvernance.edit",
            f"Composer le comité de projet : il manque {_missing_text(manquants)}",
            comite_url,
            read=("Voir la composition du comité de projet", comite_url),
        )
        return EN_COURS, f"Comité de projet incomplet : {missing}.", action
    if equipe is None:
        action = next_action(access, "gouvernance.edit", "Constituer l'équipe-projet", f"{index}#instance-form")
        return EN_COURS, "Le comité de projet est constitué ; l'équipe-projet reste à créer.", action
    if not comite.seances.filter(compte_rendu_approuve_le__isnull=False).exists():
        action = next_action(
            access,
            "gouvernance.edit",
            "Réunir le comité de projet et approuver le compte rendu",
            comite_url,
            read=see_comite,
        )
        return (
            EN_COURS,
            "Comité de projet et équipe-projet constitués ; aucune séance au compte rendu approuvé.",
            action,
        )
    return TERMINE, "Comité de projet complet et réuni ; équipe-projet constituée.", None


def waiting_action(dossier, access, states, *, waiting: str, inscrire: str):
    """The next action of objects submitted to the comité de projet (`states`: their
    validation states), or None when none waits.

    While some wait for a séance, who sets the agenda gets `inscrire` (the governance page,
    where « Inscrire tous les points en attente » is on each séance to come); otherwise
    `waiting` (« 3 fiches attendent le comité ») leads to their séance, or to the list of
    validations when they are on several séances or none. No query: the points and their
    séance come with the states.
    """
    points = [state.point for state in states if state.code == SOUMIS]
    if not points:
        return None
    index = reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk})
    seances = {point.seance_id for point in points}
    if None in seances and access is not None and access.can("gouvernance.edit"):
        return next_action(access, "gouvernance.edit", inscrire, f"{index}#soumissions")
    if len(seances) == 1 and None not in seances:
        seance = points[0].seance
        url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": seance.pk})
        return reading(f"{waiting} (séance du {date_fr(seance.date)})", url)
    return reading(waiting, f"{index}#validations")
