"""The tableau de bord de suivi of one dossier: every figure grouped by the database, in a fixed
number of queries whatever the number of fiches, lines, indicators, contributions or séances.

What `access` may not see (confidential fiches, their lines and indicators, the titles of the
decisions on them) is left out or masked, as everywhere else.
"""

import datetime
import unicodedata

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from pvd.actions.models import FicheAction, FicheStatut, LigneFinancement, StatutFinancement
from pvd.dossiers import deadline
from pvd.gouvernance.models import Decision, Resultat, Seance
from pvd.gouvernance.selectors import label_points
from pvd.participation.models import Consultation, Contribution, ContributionStatut
from pvd.strategie.models import AxeStrategique

from .alerts import indicateurs_suivis, is_hors_trajectoire, is_sans_valeur_recente

NEXT_SEANCES = 5
DECISIONS_MONTHS = 12


def fiches_par_axe(dossier, access) -> dict:
    """Fiches by main axe and status (`MAQUETTE_AXE_RULE`: each fiche counts once, under its main
    axe — the chosen one, else the first of its axes), as rows with a total row and column."""
    first_axe = AxeStrategique.objects.filter(fiches=OuterRef("pk")).order_by("ordre", "numero", "pk").values("pk")
    counts = (
        FicheAction.objects.visible_to(access)
        .filter(dossier=dossier)
        .annotate(axe_effectif=Coalesce(F("axe_principal_id"), Subquery(first_axe[:1])))
        .values("axe_effectif", "statut")
        .annotate(n=Count("pk"))
        .order_by()
    )
    grid: dict[int | None, dict[str, int]] = {}
    for row in counts:
        grid.setdefault(row["axe_effectif"], {})[row["statut"]] = row["n"]
    axes = list(AxeStrategique.objects.filter(dossier=dossier).order_by("ordre", "numero", "pk"))
    statuts = list(FicheStatut.choices)
    rows = []
    for label, key in [(str(axe), axe.pk) for axe in axes] + [("Sans axe", None)]:
        by_status = grid.get(key, {})
        if key is None and not by_status:
            continue
        rows.append(
            {"label": label, "counts": [by_status.get(s, 0) for s, _ in statuts], "total": sum(by_status.values())}
        )
    totals = [sum(row["counts"][i] for row in rows) for i in range(len(statuts))]
    return {"statuts": [label for _s, label in statuts], "rows": rows, "totals": totals, "total": sum(totals)}


def _sort_key(text: str) -> str:
    """Alphabetical order the French way whatever the database's collation: « État » among the E."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


MONEY_STATUTS = [StatutFinancement.SOLLICITE, StatutFinancement.ACCORDE, StatutFinancement.REFUSE]


def financements_par_financeur(dossier, access) -> dict:
    """Sums of the financing lines by funder and status (sollicité, accordé, refusé), then the amount
    paid (versé, `LigneFinancement.montant_verse`), with totals."""
    sums = (
        LigneFinancement.objects.filter(fiche__in=FicheAction.objects.visible_to(access).filter(dossier=dossier))
        .values("financeur_id", "financeur__nom", "statut")
        .annotate(total=Sum("montant"), verse=Sum("montant_verse"))
        .order_by()
    )
    funders: dict[int, dict] = {}
    for row in sums:
        funder = funders.setdefault(row["financeur_id"], {"label": row["financeur__nom"], "by": {}, "verse": 0})
        funder["by"][row["statut"]] = row["total"]
        funder["verse"] += row["verse"] or 0
    rows = sorted(
        (
            {"label": f["label"], "amounts": [*(f["by"].get(s, 0) for s in MONEY_STATUTS), f["verse"]]}
            for f in funders.values()
        ),
        key=lambda row: _sort_key(row["label"]),
    )
    totals = [sum((row["amounts"][i] for row in rows), 0) for i in range(len(MONEY_STATUTS) + 1)]
    statuts = [StatutFinancement(s).label for s in MONEY_STATUTS] + ["Versé"]
    return {"statuts": statuts, "rows": rows, "totals": totals}


INDICATEUR_ETATS = [
    ("a_jour", "Valeur récente"),
    ("sans_valeur_recente", "Sans valeur récente (délai de la fréquence dépassé)"),
    ("en_attente", "Pas encore de valeur (pas encore attendue)"),
]


def etats_indicateurs(dossier, access, today) -> dict:
    """Indicators by state, for the axes' and the fiches' indicators: « valeur récente » (a value,
    the next not yet due), « sans valeur récente » (the alert's rule, `is_sans_valeur_recente`),
    « pas encore de valeur » (none, and none due yet); plus those below their path
    (`is_hors_trajectoire`). One query (the latest measure of each indicator is annotated)."""
    counts = {key: {"axe": 0, "fiche": 0} for key, _label in INDICATEUR_ETATS}
    hors = {"axe": 0, "fiche": 0}
    for indicateur in indicateurs_suivis([dossier.pk], access):
        level = "fiche" if indicateur.fiche_id else "axe"
        if is_sans_valeur_recente(indicateur, today):
            state = "sans_valeur_recente"
        elif indicateur.derniere_date is not None:
            state = "a_jour"
        else:
            state = "en_attente"
        counts[state][level] += 1
        hors[level] += is_hors_trajectoire(indicateur)
    rows = [
        {"label": label, "axe": counts[key]["axe"], "fiche": counts[key]["fiche"], "total": sum(counts[key].values())}
        for key, label in INDICATEUR_ETATS
    ]
    totals = {
        "axe": sum(r["axe"] for r in rows),
        "fiche": sum(r["fiche"] for r in rows),
        "total": sum(r["total"] for r in rows),
    }
    hors_row = {"label": "Dont en dessous de leur trajectoire", **hors, "total": hors["axe"] + hors["fiche"]}
    return {"rows": rows, "totals": totals, "hors_trajectoire": hors_row}


def contributions(dossier, today) -> dict:
    """The residents' contributions by moderation status, with how many got an answer, and the
    consultations open today."""
    rows = (
        Contribution.objects.filter(dossier=dossier)
        .values("statut")
        .annotate(n=Count("pk"), repondues=Count("pk", filter=~Q(reponse="")))
        .order_by()
    )
    by_status = {row["statut"]: row for row in rows}
    lines = [
        {
            "label": label,
            "n": by_status.get(value, {}).get("n", 0),
            "repondues": by_status.get(value, {}).get("repondues", 0),
        }
        for value, label in ContributionStatut.choices
    ]
    ouvertes = Consultation.objects.filter(dossier=dossier, ouverture__lte=today, cloture__gte=today).count()
    return {
        "rows": lines,
        "total": sum(line["n"] for line in lines),
        "repondues": sum(line["repondues"] for line in lines),
        "consultations_ouvertes": ouvertes,
    }


def prochaines_seances(dossier) -> list:
    return list(
        Seance.objects.filter(instance__dossier=dossier, date__gte=timezone.now())
        .select_related("instance")
        .annotate(nb_points=Count("points"))
        .order_by("date", "pk")[:NEXT_SEANCES]
    )


def decisions_recentes(dossier, access, today) -> dict:
    """The decisions in force (not replaced by a correction) taken in séances of the last 12 months,
    newest first, their titles masked when they are on an object `access` may not see; with the
    count by result."""
    since = deadline.add_months(today, -DECISIONS_MONTHS)
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    decisions = list(
        Decision.objects.filter(point__dossier=dossier, point__seance__date__gte=start, correction__isnull=True)
        .select_related("point__seance__instance", "point__target_type")
        .order_by("-point__seance__date", "point__ordre", "pk")
    )
    label_points([d.point for d in decisions], dossier, access)
    counts = dict.fromkeys(Resultat.values, 0)
    for decision in decisions:
        counts[decision.resultat] += 1
    return {
        "decisions": decisions,
        "counts": [(label, counts[value]) for value, label in Resultat.choices],
        "since": since,
    }


def tableau_de_bord(dossier, access, *, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    return {
        "fiches": fiches_par_axe(dossier, access),
        "financements": financements_par_financeur(dossier, access),
        "indicateurs": etats_indicateurs(dossier, access, today),
        "contributions": contributions(dossier, today),
        "seances": prochaines_seances(dossier),
        "decisions": decisions_recentes(dossier, access, today),
        "today": today,
    }
