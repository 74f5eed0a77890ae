"""The département's (préfecture) and the nation's (ANCT) dashboards: every figure is computed by
the database (grouped queries over annotated dossiers), never by a loop over dossiers, so the
pages make the same number of queries for 3 dossiers or the programme's 1,645.

Rules, as the page states them:

- **Scope**: ANCT (and administrators) see every dossier; a préfecture the dossiers with a
  commune in its département (a membership never widens this view).
- **Phase**: the phase of the dossier page (`pvd.dossiers.selectors.dossier_phase`, from
  `pvd.conventions.steps.phase`) written as one SQL expression: clôturé; mise en œuvre (signed
  convention-cadre and a fiche en cours or réalisée); ORT (signed convention-cadre); élaboration
  (signed convention d'adhésion); adhésion.
- **18-month deadline** (`pvd.dossiers.deadline`): the rule's date arithmetic becomes two
  threshold dates computed once for today; « échéance dépassée » ⇔ adhésion signed before the
  first threshold, « échéance proche » ⇔ signed on or before the second, while the
  convention-cadre is not signed.
- **Activity**: the latest of the dossier's own update, its fiches' updates (confidential ones
  excepted), its séances held and the values entered on its indicators. A dossier is **without
  activity** when that date is more than 90 days old.
- **Fiches, money, indicators**: confidential fiches are never counted (what the State sees is
  `FicheAction.objects.visible_to(None)`), nor their financing lines or indicators. Money is
  grouped by dispositif and by kind of funder: total requested (every line), accordé, refusé,
  still sollicité. Indicators are summed per catalogue key and unit over the latest value of
  each indicator; an indicator rolled up into an axe's (`contribue_a`) is counted through the
  axe, never twice.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    DecimalField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from pvd.actions.models import Dispositif, FicheAction, FicheStatut, LigneFinancement, Maturite, StatutFinancement
from pvd.conventions.models import Convention, ConventionEtat, ConventionType
from pvd.dossiers import deadline, perms
from pvd.dossiers.models import Dossier, Membre, Role
from pvd.dossiers.selectors import PHASES
from pvd.gouvernance.models import Seance
from pvd.suivi.models import IndicateurModele, Mesure
from pvd.territoires.models import Departement, Epci, OrganisationType, Region

INACTIVITE_JOURS = 90
PAGE_SIZE = 50
PHASE_ORDER = list(PHASES)  # adhesion, elaboration, ort, mise_en_oeuvre, cloture

ECHEANCE_SIGNEE = "signee"
ECHEANCE_LABELS = {
    deadline.SANS_ADHESION: deadline.LABELS[deadline.SANS_ADHESION],
    deadline.DANS_LES_TEMPS: deadline.LABELS[deadline.DANS_LES_TEMPS],
    deadline.BIENTOT: deadline.LABELS[deadline.BIENTOT],
    deadline.DEPASSEE: deadline.LABELS[deadline.DEPASSEE],
    ECHEANCE_SIGNEE: "Convention-cadre signée",
}

# Sortable columns of the table: the `tri` parameter → the ordering (whitelist; anything else
# falls back to the name).
SORTS = {
    "nom": "nom",
    "departement": "departement_code",
    "epci": "epci__nom",
    "phase": "phase_rang",
    "adhesion": "adhesion_signee_le",
    "echeance": "echeance_rang",
    "fiches": "nb_fiches",
    "demande": "montant_demande",
    "accorde": "montant_accorde",
    "activite": "derniere_activite",
}
DEFAULT_SORT = "nom"

ZERO = Value(0, output_field=DecimalField(max_digits=16, decimal_places=2))


@dataclass(frozen=True)
class Scope:
    """Who looks: ANCT (every dossier) or a préfecture (its département)."""

    role: str
    departement: Departement | None = None

    @property
    def is_national(self) -> bool:
        return self.role == perms.ANCT


def scope_for(user) -> Scope:
    """The State scope of `user` for these dashboards; PermissionDenied for anybody else."""
    access = perms.state_access(user)
    access.require("pilotage.tableau_territorial")
    if access.role == perms.PREFECTURE:
        return Scope(role=perms.PREFECTURE, departement=user.departement)
    return Scope(role=perms.ANCT)


def _base(scope: Scope):
    qs = Dossier.objects.all()
    if not scope.is_national:
        in_departement = Dossier.communes.through.objects.filter(
            dossier=OuterRef("pk"), commune__departement_id=scope.departement.pk
        )
        qs = qs.filter(Exists(in_departement))
    return qs


# --- Deadline thresholds ------------------------------------------------------------------


def echeance_thresholds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(overdue_before, warning_until): the adhésion signed strictly before `overdue_before` is
    past its 18-month due date today; signed on or before `warning_until`, it is in its warning
    period (or past it). The deadline functions are monotonic in the signature date, so two
    dates computed once replace the rule per dossier (checked against `deadline.echeance`)."""
    start = deadline.add_months(today, -deadline.DELAI_MOIS) - datetime.timedelta(days=5)
    overdue_before = start
    while deadline.due_date(overdue_before) < today:
        overdue_before += datetime.timedelta(days=1)
    start = deadline.add_months(today, -(deadline.DELAI_MOIS - deadline.PREAVIS_MOIS)) + datetime.timedelta(days=5)
    warning_until = start
    while deadline.warning_date(warning_until) > today:
        warning_until -= datetime.timedelta(days=1)
    return overdue_before, warning_until


# --- The annotated dossiers ---------------------------------------------------------------


def _signed_on(kind):
    return Subquery(
        Convention.objects.filter(dossier=OuterRef("pk"), kind=kind, etat=ConventionEtat.SIGNEE)
        .order_by("-date_signature", "-pk")
        .values("date_signature")[:1]
    )


def _sum_of(queryset, field: str):
    """Sum of `field` over `queryset` (already filtered on OuterRef("pk")), 0 when empty."""
    total = queryset.order_by().values("fiche__dossier").annotate(total=Sum(field)).values("total")[:1]
    return Coalesce(Subquery(total, output_field=DecimalField(max_digits=16, decimal_places=2)), ZERO)


def annotate(qs, *, today: datetime.date | None = None, now: datetime.datetime | None = None):
    """The dossiers with every column of the dashboards, each one an SQL expression."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    overdue_before, warning_until = echeance_thresholds(today)
    fiches = FicheAction.objects.visible_to(None).filter(dossier=OuterRef("pk"))
    lignes = LigneFinancement.objects.filter(
        fiche__dossier=OuterRef("pk"), fiche__in=FicheAction.objects.visible_to(None)
    )
    last_fiche = fiches.order_by().values("dossier").annotate(last=Max("updated_at")).values("last")[:1]
    last_seance = (
        Seance.objects.filter(instance__dossier=OuterRef("pk"), date__lte=now)
        .order_by()
        .values("instance__dossier")
        .annotate(last=Max("date"))
        .values("last")[:1]
    )
    last_mesure = (
        Mesure.objects.filter(indicateur__dossier=OuterRef("pk"))
        .order_by()
        .values("indicateur__dossier")
        .annotate(last=Max("created_at"))
        .values("last")[:1]
    )
    nb_fiches = fiches.order_by().values("dossier").annotate(n=Count("pk")).values("n")[:1]
    first_departement = (
        Dossier.communes.through.objects.filter(dossier=OuterRef("pk"))
        .order_by("commune__departement_id")
        .values("commune__departement_id")[:1]
    )
    activity = Greatest(
        "updated_at",
        Coalesce(Subquery(last_fiche, output_field=DateTimeField()), "updated_at"),
        Coalesce(Subquery(last_seance, output_field=DateTimeField()), "updated_at"),
        Coalesce(Subquery(last_mesure, output_field=DateTimeField()), "updated_at"),
    )
    qs = qs.annotate(
        adhesion_signee_le=_signed_on(ConventionType.ADHESION),
        cadre_signee_le=_signed_on(ConventionType.CADRE),
        fiche_active=Exists(
            # The dossier page's phase reads every fiche (pvd.conventions.steps.phase): same here.
            FicheAction.objects.filter(dossier=OuterRef("pk"), statut__in=[FicheStatut.EN_COURS, FicheStatut.REALISE])
        ),
        adhesion_prevue=Exists(
            Convention.objects.filter(dossier=OuterRef("pk"), kind=ConventionType.ADHESION).exclude(
                etat=ConventionEtat.RESILIEE
            )
        ),
        a_chef=Exists(Membre.objects.filter(dossier=OuterRef("pk"), role=Role.CHEF_DE_PROJET)),
        departement_code=Subquery(first_departement),
        nb_fiches=Coalesce(Subquery(nb_fiches, output_field=IntegerField()), 0),
        montant_demande=_sum_of(lignes, "montant"),
        montant_accorde=_sum_of(lignes.filter(statut=StatutFinancement.ACCORDE), "montant"),
        derniere_activite=activity,
    )
    qs = qs.annotate(
        phase=Case(
            When(cloture_le__isnull=False, then=Value("cloture")),
            When(cadre_signee_le__isnull=False, fiche_active=True, then=Value("mise_en_oeuvre")),
            When(cadre_signee_le__isnull=False, then=Value("ort")),
            When(adhesion_signee_le__isnull=False, then=Value("elaboration")),
            default=Value("adhesion"),
            output_field=CharField(),
        ),
        echeance=Case(
            When(cadre_signee_le__isnull=False, then=Value(ECHEANCE_SIGNEE)),
            When(adhesion_signee_le__isnull=True, then=Value(deadline.SANS_ADHESION)),
            When(adhesion_signee_le__lt=overdue_before, then=Value(deadline.DEPASSEE)),
            When(adhesion_signee_le__lte=warning_until, then=Value(deadline.BIENTOT)),
            default=Value(deadline.DANS_LES_TEMPS),
            output_field=CharField(),
        ),
        # 1 or 0, summed by `figures`.
        sans_activite=Case(
            When(derniere_activite__lt=now - datetime.timedelta(days=INACTIVITE_JOURS), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )
    return qs


# From the most urgent: the order of the « échéance » column when sorted.
ECHEANCE_ORDER = [deadline.DEPASSEE, deadline.BIENTOT, deadline.DANS_LES_TEMPS, deadline.SANS_ADHESION, ECHEANCE_SIGNEE]


# --- Filters ------------------------------------------------------------------------------


def filter_choices(scope: Scope) -> dict:
    """The values each filter may take for this scope (a préfecture: its département only)."""
    if scope.is_national:
        regions = Region.objects.order_by("nom")
        departements = Departement.objects.order_by("code")
        epcis = Epci.objects.filter(dossiers__isnull=False).distinct().order_by("nom")
    else:
        regions = Region.objects.filter(pk=scope.departement.region_id)
        departements = Departement.objects.filter(pk=scope.departement.pk)
        epcis = Epci.objects.filter(dossiers__in=_base(scope)).distinct().order_by("nom")
    return {"regions": regions, "departements": departements, "epcis": epcis, "phases": PHASES}


def dossiers(scope: Scope, filters: dict, *, today=None, now=None):
    """The annotated dossiers of the scope that match the filters (région, département, EPCI, phase)."""
    qs = annotate(_base(scope), today=today, now=now)
    communes = Dossier.communes.through.objects.filter(dossier=OuterRef("pk"))
    if filters.get("region"):
        qs = qs.filter(Exists(communes.filter(commune__departement__region_id=filters["region"].pk)))
    if filters.get("departement"):
        qs = qs.filter(Exists(communes.filter(commune__departement_id=filters["departement"].pk)))
    if filters.get("epci"):
        qs = qs.filter(epci_id=filters["epci"].pk)
    if filters.get("phase"):
        qs = qs.filter(phase=filters["phase"])
    return qs


def table(qs, sort: str | None):
    """The table's rows, sorted by a whitelisted column (`-col` descending), then by name and pk."""
    descending = bool(sort) and sort.startswith("-")
    key = (sort or "").lstrip("-")
    if key not in SORTS:
        key, descending = DEFAULT_SORT, False
    field = SORTS[key]
    if key in ("phase", "echeance"):  # the rank of a code, only when sorting by it (a heavy expression)
        qs = qs.annotate(**{field: _rank(key, PHASE_ORDER if key == "phase" else ECHEANCE_ORDER)})
    order = [f"-{field}" if descending else field]
    if key != "nom":
        order.append("nom")
    return qs.select_related("epci").order_by(*order, "pk"), ("-" if descending else "") + key


def _rank(field: str, order: list[str]):
    return Case(
        *[When(**{field: code}, then=Value(rank)) for rank, code in enumerate(order)], output_field=IntegerField()
    )


# --- Figures ------------------------------------------------------------------------------


def _count_by(qs, field: str, labels: dict) -> list[dict]:
    counts = dict(qs.order_by().values_list(field).annotate(n=Count("pk", distinct=True)).values_list(field, "n"))
    return [{"code": code, "label": label, "n": counts.get(code, 0)} for code, label in labels.items()]


def figures(qs, *, now: datetime.datetime | None = None) -> dict:
    """Every figure of the dashboard over the filtered dossiers `qs`: a fixed number of queries."""
    inactive_before = (now or timezone.now()) - datetime.timedelta(days=INACTIVITE_JOURS)
    # The dossiers' pks once (one query, at most the programme's 1,645): the grouped queries
    # below filter on them instead of recompiling the annotated queryset each time.
    ids = list(qs.order_by().values_list("pk", flat=True))
    totals = qs.order_by().aggregate(
        dossiers=Count("pk"),
        adhesion_signee=Count("pk", filter=Q(adhesion_signee_le__isnull=False)),
        cadre_signee=Count("pk", filter=Q(cadre_signee_le__isnull=False)),
        cadre_bientot=Count("pk", filter=Q(echeance=deadline.BIENTOT)),
        cadre_depassee=Count("pk", filter=Q(echeance=deadline.DEPASSEE)),
        cadre_dans_les_temps=Count("pk", filter=Q(echeance=deadline.DANS_LES_TEMPS)),
        sans_adhesion=Count("pk", filter=Q(adhesion_signee_le__isnull=True)),
        # On `derniere_activite` itself: Django leaves out of the aggregated subquery the
        # annotation `sans_activite` (SQLite then reads its quoted name as a string).
        sans_activite=Count("pk", filter=Q(derniere_activite__lt=inactive_before)),
        # Step 1 (engagement) as the dossier page reads it (pvd.conventions.steps.engagement):
        # done with a signed adhésion and a chef de projet, started with an adhésion prepared.
        engagement_termine=Count("pk", filter=Q(adhesion_signee_le__isnull=False, a_chef=True)),
        engagement_en_cours=Count(
            "pk",
            filter=Q(adhesion_signee_le__isnull=False, a_chef=False)
            | Q(adhesion_signee_le__isnull=True, adhesion_prevue=True),
        ),
        engagement_a_venir=Count("pk", filter=Q(adhesion_prevue=False)),
    )

    fiches = FicheAction.objects.visible_to(None).filter(dossier__in=ids)
    lignes = LigneFinancement.objects.filter(fiche__in=fiches)
    money = {
        "demande": Sum("montant"),
        "accorde": Sum("montant", filter=Q(statut=StatutFinancement.ACCORDE)),
        "refuse": Sum("montant", filter=Q(statut=StatutFinancement.REFUSE)),
        "sollicite": Sum("montant", filter=Q(statut=StatutFinancement.SOLLICITE)),
        "verse": Sum("montant_verse"),
        "lignes": Count("pk"),
    }
    by_dispositif = {row["dispositif"]: row for row in lignes.order_by().values("dispositif").annotate(**money)}
    by_kind = {row["financeur__kind"]: row for row in lignes.order_by().values("financeur__kind").annotate(**money)}
    money_total = lignes.aggregate(**money)

    return {
        "totals": totals,
        "by_phase": _count_by(qs, "phase", PHASES),
        "by_echeance": _count_by(qs, "echeance", {code: ECHEANCE_LABELS[code] for code in ECHEANCE_ORDER}),
        "fiches_total": fiches.count(),
        "fiches_by_statut": _count_by(fiches, "statut", dict(FicheStatut.choices)),
        "fiches_by_maturite": _count_by(fiches, "maturite", dict(Maturite.choices)),
        "fiches_by_theme": _fiches_by_theme(fiches),
        "money_by_dispositif": _money_rows(by_dispositif, dict(Dispositif.choices)),
        "money_by_kind": _money_rows(by_kind, dict(OrganisationType.choices)),
        "money_total": money_total,
        "indicateurs": _indicateurs(ids),
        "by_departement": _by_departement(qs),
    }


def _money_rows(rows: dict, labels: dict) -> list[dict]:
    return [{"code": code, "label": label, **rows[code]} for code, label in labels.items() if code in rows]


def _fiches_by_theme(fiches) -> list[dict]:
    """Fiches by the cross-cutting objectives of their axe principal (or first axe, the rule
    of `AXE_PRINCIPAL_RULE`): transition écologique, cohésion territoriale, neither, no axe."""
    through = FicheAction.axes.through.objects.filter(ficheaction_id=OuterRef("pk")).order_by(
        "axestrategique__ordre", "axestrategique__numero"
    )
    fiches = fiches.annotate(
        axe_te=Coalesce(
            "axe_principal__transition_ecologique",
            Subquery(through.values("axestrategique__transition_ecologique")[:1]),
        ),
        axe_ct=Coalesce(
            "axe_principal__cohesion_territoriale",
            Subquery(through.values("axestrategique__cohesion_territoriale")[:1]),
        ),
    )
    counts = fiches.order_by().aggregate(
        te=Count("pk", filter=Q(axe_te=True)),
        ct=Count("pk", filter=Q(axe_ct=True)),
        aucun=Count("pk", filter=Q(axe_te=False, axe_ct=False)),
        sans_axe=Count("pk", filter=Q(axe_te__isnull=True)),
    )
    return [
        {"label": "Transition écologique", "n": counts["te"]},
        {"label": "Cohésion territoriale", "n": counts["ct"]},
        {"label": "Ni l'un ni l'autre", "n": counts["aucun"]},
        {"label": "Sans axe", "n": counts["sans_axe"]},
    ]


def _indicateurs(ids) -> list[dict]:
    """Sum of the latest value of each catalogue indicator, per catalogue key and unit."""
    latest = Mesure.objects.filter(indicateur=OuterRef("indicateur")).order_by("-date", "-pk").values("pk")[:1]
    rows = (
        Mesure.objects.filter(
            indicateur__dossier__in=ids,
            indicateur__contribue_a__isnull=True,
            pk=Subquery(latest),
        )
        .exclude(indicateur__catalogue="")
        .filter(Q(indicateur__fiche__isnull=True) | Q(indicateur__fiche__in=FicheAction.objects.visible_to(None)))
        .order_by()
        .values("indicateur__catalogue", "indicateur__unite")
        .annotate(total=Sum("valeur"), dossiers=Count("indicateur__dossier", distinct=True), n=Count("pk"))
        .order_by("indicateur__catalogue", "indicateur__unite")
    )
    rows = list(rows)
    names = dict(
        IndicateurModele.objects.filter(key__in=[r["indicateur__catalogue"] for r in rows]).values_list("key", "nom")
    )
    return [
        {
            "key": r["indicateur__catalogue"],
            "nom": names.get(r["indicateur__catalogue"], r["indicateur__catalogue"]),
            "unite": r["indicateur__unite"],
            "total": r["total"],
            "dossiers": r["dossiers"],
            "indicateurs": r["n"],
        }
        for r in rows
    ]


def _by_departement(qs) -> list[dict]:
    """Dossiers per département (a dossier counts in each département of its communes) and phase."""
    rows = (
        qs.order_by()
        .values("communes__departement_id", "communes__departement__nom", "phase")
        .annotate(n=Count("pk", distinct=True))
    )
    result: dict[str, dict] = {}
    for row in rows:  # one row per (département, phase): at most 101 × 5, whatever the dossiers
        code = row["communes__departement_id"]
        entry = result.setdefault(
            code,
            {"code": code, "nom": row["communes__departement__nom"], "total": 0, "phases": dict.fromkeys(PHASES, 0)},
        )
        entry["phases"][row["phase"]] = row["n"]
    totals = dict(
        qs.order_by()
        .values_list("communes__departement_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("communes__departement_id", "n")
    )
    for code, entry in result.items():
        entry["total"] = totals.get(code, 0)
        entry["phases"] = [{"code": c, "label": PHASES[c], "n": entry["phases"][c]} for c in PHASES]
    return sorted(result.values(), key=lambda e: e["code"])
