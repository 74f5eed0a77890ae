"""Quarterly snapshots of every dossier's figures (`InstantaneTrimestriel`), so that progress can
be shown over time: the platform keeps the current state of fiches and financing, not their
history. Kept by `manage.py instantanes_trimestriels` (cron or the django-tasks task
`tasks_bilan.instantanes_trimestriels`), on the first days of each quarter for the quarter
just ended.

Every figure of every dossier comes from a few grouped queries (`compute`): the number of queries
does not depend on the number of dossiers. Only what may leave the platform is counted: no
confidential fiche, nor its étapes, financing or indicators (`visible_to(None)`), since the
snapshots are shown to every viewer of the dossier and in the bilan annuel.

Figures measured at a date (indicator values, étapes due, contributions, decisions) are those
up to the quarter's end; the fiches' statuses and financing lines are the state of the day the
snapshot is computed (no history of them is kept): hence a snapshot, once kept, is not
recomputed unless asked (`replace=True`).

`chiffres` keys (FIGURES): fiches (by status value), fiches_total, cout_total, etapes_prevues
(étapes due by the quarter's end), etapes_faites, accorde, sollicite (financing lines not
refused, euros as text), indicateurs (count), indicateurs_renseignes (with a value by the
quarter's end), valeurs ({indicator id: {nom, unite, valeur, date}}, the last value by the
quarter's end), contributions (published by the quarter's end), decisions (of the quarter's
séances).
"""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from pvd.actions.models import Etape, FicheAction, FicheStatut, LigneFinancement, StatutFinancement
from pvd.core.formatting import date_fr
from pvd.diagnostic.charts import Chart, Serie
from pvd.dossiers.models import Dossier
from pvd.gouvernance.models import Decision
from pvd.participation.models import Contribution, ContributionStatut
from pvd.suivi.models import Indicateur, Mesure

from .models_bilan import InstantaneTrimestriel

FIGURES = (
    "fiches",
    "fiches_total",
    "cout_total",
    "etapes_prevues",
    "etapes_faites",
    "accorde",
    "sollicite",
    "indicateurs",
    "indicateurs_renseignes",
    "valeurs",
    "contributions",
    "decisions",
)


# --- Quarters ---------------------------------------------------------------------------------


def fin_de_trimestre(day: datetime.date) -> datetime.date:
    """The last day of the quarter of `day`."""
    month = ((day.month - 1) // 3 + 1) * 3
    following = datetime.date(day.year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def debut_de_trimestre(fin: datetime.date) -> datetime.date:
    return datetime.date(fin.year, fin.month - 2, 1)


def dernier_trimestre_clos(today: datetime.date | None = None) -> datetime.date:
    """The end of the last quarter over before `today` (on 31 March, the quarter before)."""
    today = today or timezone.localdate()
    return debut_de_trimestre(fin_de_trimestre(today)) - datetime.timedelta(days=1)


def libelle_trimestre(fin: datetime.date) -> str:
    return f"T{(fin.month - 1) // 3 + 1} {fin.year}"


TRIMESTRE_RE = re.compile(r"^(\d{4})-T([1-4])$")


def parse_trimestre(text: str) -> datetime.date:
    """« 2026-T1 » → 31/03/2026. Any other writing is refused with how to write it."""
    match = TRIMESTRE_RE.match(text.strip())
    if not match:
        raise ValidationError(f"Trimestre « {text} » illisible : écrivez l'année et le trimestre, par exemple 2026-T1.")
    year, quarter = int(match[1]), int(match[2])
    return fin_de_trimestre(datetime.date(year, quarter * 3, 1))


# --- Computation ------------------------------------------------------------------------------


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def compute(trimestre: datetime.date, dossiers=None) -> dict[int, dict]:
    """{dossier id: chiffres} at the end of `trimestre` for `dossiers` (a queryset; every dossier
    by default): 8 queries whatever the number of dossiers."""
    if trimestre != fin_de_trimestre(trimestre):
        raise ValidationError("Un instantané se date du dernier jour d'un trimestre.")
    dossiers = Dossier.objects.all() if dossiers is None else dossiers
    ids = list(dossiers.values_list("pk", flat=True))
    debut = debut_de_trimestre(trimestre)
    limit = _end_of_day(trimestre)
    figures = {
        pk: {
            "fiches": {},
            "fiches_total": 0,
            "cout_total": "0",
            "etapes_prevues": 0,
            "etapes_faites": 0,
            "accorde": "0",
            "sollicite": "0",
            "indicateurs": 0,
            "indicateurs_renseignes": 0,
            "valeurs": {},
            "contributions": 0,
            "decisions": 0,
        }
        for pk in ids
    }
    if not ids:
        return figures
    fiches = FicheAction.objects.visible_to(None).filter(dossier_id__in=ids)
    for row in fiches.values("dossier_id", "statut").annotate(n=Count("pk"), cout=Sum("cout_ht")).order_by():
        entry = figures[row["dossier_id"]]
        entry["fiches"][row["statut"]] = row["n"]
        entry["fiches_total"] += row["n"]
        entry["cout_total"] = str(Decimal(entry["cout_total"]) + (row["cout"] or Decimal(0)))
    etapes = (
        Etape.objects.filter(fiche__in=fiches, date__lte=trimestre)
        .values("fiche__dossier_id")
        .annotate(prevues=Count("pk"), faites=Count("pk", filter=Q(faite=True)))
        .order_by()
    )
    for row in etapes:
        figures[row["fiche__dossier_id"]].update(etapes_prevues=row["prevues"], etapes_faites=row["faites"])
    lignes = (
        LigneFinancement.objects.filter(fiche__in=fiches)
        .exclude(statut=StatutFinancement.REFUSE)
        .values("fiche__dossier_id", "statut")
        .annotate(total=Sum("montant"))
        .order_by()
    )
    for row in lignes:
        key = "accorde" if row["statut"] == StatutFinancement.ACCORDE else "sollicite"
        figures[row["fiche__dossier_id"]][key] = str(row["total"])
    last = Mesure.objects.filter(indicateur=OuterRef("pk"), date__lte=trimestre).order_by("-date")
    indicateurs = (
        Indicateur.objects.visible_to(None)
        .filter(dossier_id__in=ids)
        .annotate(derniere=Subquery(last.values("valeur")[:1]), le=Subquery(last.values("date")[:1]))
        .values("pk", "dossier_id", "nom", "unite", "derniere", "le")
        .order_by("dossier_id", "pk")
    )
    for row in indicateurs:
        entry = figures[row["dossier_id"]]
        entry["indicateurs"] += 1
        if row["derniere"] is not None:
            entry["indicateurs_renseignes"] += 1
            entry["valeurs"][str(row["pk"])] = {
                "nom": row["nom"],
                "unite": row["unite"],
                "valeur": str(Decimal(row["derniere"]).normalize()),
                "date": str(row["le"]),
            }
    contributions = (
        Contribution.objects.filter(dossier_id__in=ids, statut=ContributionStatut.PUBLIEE, created_at__lt=limit)
        .values("dossier_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in contributions:
        figures[row["dossier_id"]]["contributions"] = row["n"]
    decisions = (
        Decision.objects.filter(
            point__dossier_id__in=ids,
            correction__isnull=True,
            point__seance__date__gte=_end_of_day(debut - datetime.timedelta(days=1)),
            point__seance__date__lt=limit,
        )
        .values("point__dossier_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in decisions:
        figures[row["point__dossier_id"]]["decisions"] = row["n"]
    return figures


@transaction.atomic
def instantanes_record(*, trimestre: datetime.date, dossiers=None, replace: bool = False) -> int:
    """Keep the snapshot of `trimestre` of every dossier (or of `dossiers`) that has none yet;
    with `replace`, recompute the existing ones too. Idempotent: running it twice for a quarter
    changes nothing. Returns how many snapshots were written. A fixed number of queries."""
    if trimestre >= timezone.localdate():
        raise ValidationError("Ce trimestre n'est pas terminé : son instantané se calcule une fois le trimestre clos.")
    figures = compute(trimestre, dossiers)
    existing = set(
        InstantaneTrimestriel.objects.filter(trimestre=trimestre, dossier_id__in=list(figures)).values_list(
            "dossier_id", flat=True
        )
    )
    rows = [
        InstantaneTrimestriel(dossier_id=pk, trimestre=trimestre, chiffres=chiffres)
        for pk, chiffres in figures.items()
        if replace or pk not in existing
    ]
    if replace:
        InstantaneTrimestriel.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["dossier", "trimestre"], update_fields=["chiffres"]
        )
    else:
        InstantaneTrimestriel.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- Display ----------------------------------------------------------------------------------


def _money(text) -> Decimal:
    return Decimal(text or "0")


def instantanes_rows(instantanes) -> list[dict]:
    """The snapshots as the rows of the page's and the bilan's table, oldest first."""
    rows = []
    for instantane in instantanes:
        c = instantane.chiffres
        fiches = c.get("fiches", {})
        rows.append(
            {
                "trimestre": libelle_trimestre(instantane.trimestre),
                "fin": date_fr(instantane.trimestre),
                "fiches_total": c.get("fiches_total", 0),
                "realisees": fiches.get(FicheStatut.REALISE, 0),
                "en_cours": fiches.get(FicheStatut.EN_COURS, 0),
                "a_venir": fiches.get(FicheStatut.A_VENIR, 0),
                "etapes_faites": c.get("etapes_faites", 0),
                "etapes_prevues": c.get("etapes_prevues", 0),
                "accorde": _money(c.get("accorde")),
                "sollicite": _money(c.get("sollicite")),
                "indicateurs": c.get("indicateurs", 0),
                "indicateurs_renseignes": c.get("indicateurs_renseignes", 0),
                "contributions": c.get("contributions", 0),
                "decisions": c.get("decisions", 0),
            }
        )
    return rows


def progress_charts(rows: list[dict]) -> list[Chart]:
    """Two charts over the quarters (the `diagnostic.charts` contract): fiches by status, and
    financing granted and requested."""
    labels = [row["trimestre"] for row in rows]

    def serie(label, key):
        return Serie(label=label, values=[Decimal(row[key]) for row in rows])

    return [
        Chart(
            key="instantanes-fiches",
            title="Fiches action par statut, fin de trimestre",
            theme="suivi",
            unit="fiches",
            labels=labels,
            series=[serie("Réalisées", "realisees"), serie("En cours", "en_cours"), serie("À venir", "a_venir")],
            sources=["Instantanés trimestriels de la plateforme"],
        ),
        Chart(
            key="instantanes-financements",
            title="Financements accordés et sollicités, fin de trimestre",
            theme="suivi",
            unit="€",
            labels=labels,
            series=[serie("Accordés", "accorde"), serie("Sollicités", "sollicite")],
            sources=["Instantanés trimestriels de la plateforme"],
        ),
    ]
