"""Reads of the plan d'action: the filtered plan, a fiche's page, the maquette financière."""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from pvd.core import formatting
from pvd.gouvernance.selectors import validation_states

from .finance import ZERO, plan_financement
from .models import (
    AXE_PRINCIPAL_RULE,
    MAQUETTE_AXE_RULE,
    Dispositif,
    Etape,
    FicheAction,
    FicheStatut,
    LigneFinancement,
    Maturite,
    StatutFinancement,
)

# The statuses in the programme's order (a fiche's life), not the codes' alphabetical order.
STATUT_ORDER = [
    FicheStatut.A_VENIR,
    FicheStatut.EN_COURS,
    FicheStatut.EN_PAUSE,
    FicheStatut.BLOQUE,
    FicheStatut.REALISE,
    FicheStatut.ABANDONNE,
]
MATURITE_ORDER = [Maturite.IDEE, Maturite.ETUDE, Maturite.OPERATIONNEL]


def _rank(field_name, order):
    return Case(*(When(**{field_name: value}, then=Value(i)) for i, value in enumerate(order)), default=Value(99))


def _first_axe():
    from pvd.strategie.models import AxeStrategique

    return Subquery(AxeStrategique.objects.filter(fiches=OuterRef("pk")).order_by("numero").values("numero")[:1])


# Each sort key → the expression ordered on (then the number); blanks always come last.
SORTS = {
    "numero": lambda: F("numero"),
    "titre": lambda: F("titre"),
    "axe": _first_axe,
    "statut": lambda: _rank("statut", STATUT_ORDER),
    "maturite": lambda: _rank("maturite", MATURITE_ORDER),
    "maitre_ouvrage": lambda: Lower(Coalesce(F("maitre_ouvrage__nom"), NullIf(F("maitre_ouvrage_texte"), Value("")))),
    "debut": lambda: F("date_debut"),
    "fin": lambda: F("date_fin"),
    "cout": lambda: F("cout_ht"),
}
FILTER_KEYS = [
    "axe",
    "statut",
    "maturite",
    "maitre_ouvrage",
    "financeur",
    "secteur",
    "annee",
    "sort",
    "retard",
    "completude",
]
# The plan's filters on a fiche's progress (`progress.py`): en retard, complete or not.
RETARD_CHOICES = [("oui", "En retard"), ("non", "Pas en retard")]
COMPLETUDE_CHOICES = [("incomplete", "Incomplètes"), ("complete", "Complètes")]


def fiches_for(dossier, access):
    """The fiches of the dossier `access` may see; access=None: the fiches every reader of a
    shared document may see (no confidential fiche), e.g. the generated convention-cadre."""
    return FicheAction.objects.filter(dossier=dossier).visible_to(access)


def fiches_with_finance(dossier, access=None) -> list[FicheAction]:
    """The fiches (by number) with their axes, budgets and financing lines prefetched."""
    return list(_with_relations(fiches_for(dossier, access).order_by("numero")))


def _with_relations(qs):
    return qs.select_related("maitre_ouvrage", "commune", "secteur").prefetch_related(
        "axes",
        "partenaires",
        "budgets",
        "etapes",
        Prefetch("financements", queryset=LigneFinancement.objects.select_related("financeur")),
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def clean_filters(data) -> dict:
    filters = {key: (data.get(key) or "").strip() for key in FILTER_KEYS}
    if filters["statut"] not in FicheStatut.values:
        filters["statut"] = ""
    if filters["maturite"] not in Maturite.values:
        filters["maturite"] = ""
    for key in ("axe", "maitre_ouvrage", "financeur", "secteur", "annee"):
        if _int(filters[key]) is None:
            filters[key] = ""
    if filters["retard"] not in dict(RETARD_CHOICES):
        filters["retard"] = ""
    if filters["completude"] not in dict(COMPLETUDE_CHOICES):
        filters["completude"] = ""
    sort = filters["sort"].lstrip("-")
    if sort not in SORTS:
        filters["sort"] = "numero"
    return filters


def late_q(today) -> Q:
    """`progress.is_late` in SQL (RETARD_RULE): not done, and an end date or an undone étape
    strictly before `today`."""
    from .progress import DONE_STATUTS

    return ~Q(statut__in=DONE_STATUTS) & (
        Q(date_fin__lt=today) | Q(pk__in=Etape.objects.filter(faite=False, date__lt=today).values("fiche_id"))
    )


def filter_fiches(qs, filters: dict, today=None):
    if filters.get("retard"):
        late = late_q(today or timezone.localdate())
        qs = qs.filter(late) if filters["retard"] == "oui" else qs.exclude(late)
    if filters.get("axe"):
        qs = qs.filter(axes__pk=int(filters["axe"]))
    if filters.get("statut"):
        qs = qs.filter(statut=filters["statut"])
    if filters.get("maturite"):
        qs = qs.filter(maturite=filters["maturite"])
    if filters.get("maitre_ouvrage"):
        qs = qs.filter(maitre_ouvrage_id=int(filters["maitre_ouvrage"]))
    if filters.get("financeur"):
        qs = qs.filter(financements__financeur_id=int(filters["financeur"]))
    if filters.get("secteur"):
        qs = qs.filter(secteur_id=int(filters["secteur"]))
    if filters.get("annee"):
        year = int(filters["annee"])
        qs = qs.filter(
            Q(budgets__annee=year)
            | Q(date_debut__year__lte=year, date_fin__year__gte=year)
            | Q(date_debut__year=year, date_fin__isnull=True)
            | Q(date_debut__isnull=True, date_fin__year=year)
        )
    sort = filters.get("sort") or "numero"
    # Annotated, so that the sort value is in the SELECT DISTINCT list (PostgreSQL requires it);
    # nulls_last on both directions: SQLite and PostgreSQL put NULLs at opposite ends otherwise.
    qs = qs.annotate(sort_value=SORTS[sort.lstrip("-")]()).distinct()
    value = F("sort_value")
    order = value.desc(nulls_last=True) if sort.startswith("-") else value.asc(nulls_last=True)
    return qs.order_by(order, "numero")


@dataclass
class PlanRow:
    fiche: FicheAction
    finance: object
    state: object
    progress: object = None


@dataclass
class PlanPage:
    rows: list[PlanRow]
    count: int
    total_cout_ht: Decimal
    total_accorde: Decimal
    total_sollicite: Decimal
    counts_by_statut: list = field(default_factory=list)
    en_retard: int = 0
    incompletes: int = 0


def plan_page(dossier, access, filters: dict, today=None) -> PlanPage:
    """The filtered plan, each row with its financing, validation state and progress
    (`progress.fiche_progress`); a constant number of queries whatever the number of fiches."""
    from .progress import fiche_progress

    today = today or timezone.localdate()
    qs = filter_fiches(fiches_for(dossier, access), filters, today)
    fiches = list(_with_relations(qs).prefetch_related("indicateurs"))
    states = validation_states(fiches)
    rows = [
        PlanRow(
            fiche=f,
            finance=plan_financement(f.cout_ht, f.financements.all()),
            state=states[f.pk],
            progress=fiche_progress(f, today),
        )
        for f in fiches
    ]
    if filters.get("completude"):
        complete = filters["completude"] == "complete"
        rows = [row for row in rows if row.progress.completude.complete == complete]
    counts = OrderedDict((value, 0) for value in FicheStatut.values)
    for row in rows:
        counts[row.fiche.statut] += 1
    labels = dict(FicheStatut.choices)
    return PlanPage(
        rows=rows,
        count=len(rows),
        total_cout_ht=sum((r.fiche.cout_ht or ZERO for r in rows), ZERO),
        total_accorde=sum((r.finance.accorde for r in rows), ZERO),
        total_sollicite=sum((r.finance.sollicite for r in rows), ZERO),
        counts_by_statut=[(labels[key], n, key) for key, n in counts.items()],
        en_retard=sum(1 for row in rows if row.progress.en_retard),
        incompletes=sum(1 for row in rows if not row.progress.completude.complete),
    )


def plan_filter_choices(dossier, access) -> dict:
    from pvd.strategie.models import AxeStrategique, SecteurIntervention
    from pvd.territoires.models import Organisation

    fiches = fiches_for(dossier, access)
    years = set()
    for debut, fin in fiches.values_list("date_debut", "date_fin"):
        if debut:
            years.update(range(debut.year, (fin or debut).year + 1))
        elif fin:
            years.add(fin.year)
    years.update(fiches.values_list("budgets__annee", flat=True))
    years.discard(None)
    return {
        "axes": AxeStrategique.objects.filter(dossier=dossier),
        "statuts": FicheStatut.choices,
        "maturites": Maturite.choices,
        "retards": RETARD_CHOICES,
        "completudes": COMPLETUDE_CHOICES,
        "maitres_ouvrage": Organisation.objects.filter(fiches_maitrise_ouvrage__in=fiches).distinct(),
        "financeurs": Organisation.objects.filter(financements__fiche__in=fiches).distinct(),
        "secteurs": SecteurIntervention.objects.filter(dossier=dossier).order_by("nom"),
        "annees": sorted(years),
    }


def map_center(dossier, access) -> dict | None:
    """Where a map of this dossier opens when there is no point yet: the mean of its points."""
    from django.db.models import Avg

    center = (
        fiches_for(dossier, access).filter(latitude__isnull=False).aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
    )
    return {"lat": float(center["lat"]), "lng": float(center["lng"])} if center["lat"] is not None else None


def organisations_for(dossier):
    """The organisations a form of this dossier offers: see `pvd.territoires.selectors`."""
    from pvd.territoires.selectors import organisations_for as for_dossier

    return for_dossier(dossier)


def fiche_detail(fiche: FicheAction, today=None) -> dict:
    from pvd.gouvernance.selectors import validation_state

    from .progress import COMPLETENESS_RULE, RETARD_RULE, fiche_progress

    lignes = list(fiche.financements.select_related("financeur", "decision_etat_par"))
    budgets = list(fiche.budgets.all())
    etapes = list(fiche.etapes.all())
    indicateurs = list(fiche.indicateurs.all())
    today = today or timezone.localdate()
    return {
        "lignes": lignes,
        "finance": plan_financement(fiche.cout_ht, lignes),
        "budgets": budgets,
        "etapes": etapes,
        "progress": fiche_progress(
            fiche, today, etapes=etapes, budgets=budgets, lignes=lignes, indicateurs=indicateurs
        ),
        "retard_rule": RETARD_RULE,
        "completude_rule": COMPLETENESS_RULE,
        "today": today,
        "notes": list(fiche.notes.select_related("auteur")),
        "indicateurs": indicateurs,
        "pieces": list(fiche.pieces.all()),
        "historique": list(fiche.historique.select_related("by")[:100]),
        "validation": validation_state(fiche),
        "axes": list(fiche.axes.all()),
        "axe_principal": fiche.axe_principal_effectif,
        "axe_principal_rule": AXE_PRINCIPAL_RULE,
        "partenaires": list(fiche.partenaires.all()),
        "statuts_financement": StatutFinancement.choices,
    }


# --- Maquette financière ------------------------------------------------------------------


@dataclass
class Table:
    """One view of the maquette: a title, column headers (after the label) and numeric rows."""

    key: str
    title: str
    label: str
    headers: list[str]
    rows: list[tuple[str, list[Decimal]]]
    # The last column is the sum of the others on its row (the workbook writes it as a formula).
    row_total: bool = False
    # What a reader must know to read the table right (its counting rule), under it.
    notes: list[str] = field(default_factory=list)

    @property
    def totals(self) -> list[Decimal]:
        return [sum((row[1][i] for row in self.rows), ZERO) for i in range(len(self.headers))]

    @property
    def money(self) -> list[bool]:
        """Which columns are amounts (shown with cents); the others are counts."""
        return [header.endswith("(€)") for header in self.headers]

    @property
    def display_rows(self) -> list[tuple[str, list[tuple[Decimal, bool]]]]:
        return [(label, list(zip(values, self.money, strict=True))) for label, values in self.rows]

    @property
    def display_totals(self) -> list[tuple[Decimal, bool]]:
        return list(zip(self.totals, self.money, strict=True))


@dataclass
class Maquette:
    """The maquette's tables (iterating gives them) and what they leave out, said and summed:
    the fiches without a yearly budget (beside the yearly table) and the abandoned fiches
    (counted in no table)."""

    tables: list[Table]
    # Counted fiches without any yearly budget: their coût HT, so that the yearly total plus
    # this one is the coût HT of the plan (when each yearly budget adds up to its fiche's cost).
    sans_ventilation: Table
    # Abandoned fiches, apart: coût HT and financing, in no total of `tables`.
    abandonnees: Table
    # The coût HT of the counted fiches (every fiche but the abandoned ones).
    cout_total: Decimal
    # Counted fiches whose yearly budgets do not add up to their coût HT: (label, coût HT, budgets).
    ecarts: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)

    def __iter__(self):
        return iter(self.tables)

    @property
    def by_key(self) -> dict[str, Table]:
        return {table.key: table for table in self.tables}

    @property
    def total_ventile(self) -> Decimal:
        return self.by_key["annees"].totals[-1]

    @property
    def total_sans_ventilation(self) -> Decimal:
        return self.sans_ventilation.totals[0]

    @property
    def total_annees(self) -> Decimal:
        """The yearly budgets plus the coût HT of the fiches that have none."""
        return self.total_ventile + self.total_sans_ventilation

    @property
    def ecart(self) -> Decimal:
        return self.cout_total - self.total_annees

    @property
    def notes(self) -> list[str]:
        """Said once on the page and on every sheet of the workbook."""
        count = len(self.abandonnees.rows)
        if not count:
            return [ABANDON_RULE]
        cout = formatting.montant(self.abandonnees.totals[0])  # whole: no cents, as the tables
        if count == 1:
            detail = f"La fiche abandonnée (coût HT {cout}) est listée à part"
        else:
            detail = f"Les {count} fiches abandonnées (coût HT {cout}) sont listées à part"
        return [f"{ABANDON_RULE} {detail} : « {self.abandonnees.title} »."]


ABANDON_RULE = "Les fiches abandonnées ne sont comptées dans aucun total de la maquette."


def _status_sums(lignes) -> list[Decimal]:
    sums = dict.fromkeys(StatutFinancement.values, ZERO)
    for ligne in lignes:
        sums[ligne.statut] += ligne.montant
    return [sums["accorde"], sums["sollicite"], sums["refuse"]]


FIN_HEADERS = ["Accordé (€)", "Sollicité (€)", "Refusé (€)"]


def _fiche_label(fiche) -> str:
    return f"n° {fiche.numero} — {fiche.titre}"


def maquette(dossier, access=None, *, fiches: list[FicheAction] | None = None) -> Maquette:
    """The maquette financière: tables by year, funder, dispositif, axe and fiche status, of
    every fiche but the abandoned ones (listed apart); a fiche counts under its main axe only.

    `fiches` (from `fiches_with_finance`) avoids reading them again when the caller has them;
    access=None leaves the confidential fiches out (documents shared outside the team).
    """
    if fiches is None:
        fiches = fiches_with_finance(dossier, access)
    abandoned = [fiche for fiche in fiches if fiche.statut == FicheStatut.ABANDONNE]
    fiches = [fiche for fiche in fiches if fiche.statut != FicheStatut.ABANDONNE]
    lignes = [ligne for fiche in fiches for ligne in fiche.financements.all()]

    by_year: dict[int, list[Decimal]] = {}
    unbudgeted, ecarts = [], []
    for fiche in fiches:
        budgets = list(fiche.budgets.all())
        if not budgets:
            unbudgeted.append((_fiche_label(fiche), [fiche.cout_ht or ZERO]))
            continue
        for budget in budgets:
            sums = by_year.setdefault(budget.annee, [ZERO, ZERO, ZERO])
            sums[0] += budget.investissement
            sums[1] += budget.fonctionnement
            sums[2] += budget.total
        budgeted = sum((budget.total for budget in budgets), ZERO)
        if budgeted != (fiche.cout_ht or ZERO):
            ecarts.append((_fiche_label(fiche), fiche.cout_ht or ZERO, budgeted))
    years = Table(
        "annees",
        "Par année",
        "Année",
        ["Investissement (€)", "Fonctionnement (€)", "Total (€)"],
        [(str(year), by_year[year]) for year in sorted(by_year)],
        row_total=True,
        notes=["Les fiches sans budget annuel sont listées à part, avec leur coût HT (sans ventilation annuelle)."],
    )
    sans_ventilation = Table("sans-ventilation", "Sans ventilation annuelle", "Fiche", ["Coût HT (€)"], unbudgeted)

    def grouped(key):
        groups: OrderedDict[str, list] = OrderedDict()
        for ligne in sorted(lignes, key=lambda line: str(key(line))):
            groups.setdefault(str(key(ligne)), []).append(ligne)
        return [(name, _status_sums(group)) for name, group in groups.items()]

    funders = Table("financeurs", "Par financeur", "Financeur", FIN_HEADERS, grouped(lambda line: line.financeur.nom))
    dispositifs = Table(
        "dispositifs", "Par dispositif", "Dispositif", FIN_HEADERS, grouped(lambda line: line.get_dispositif_display())
    )

    by_axe: dict = {}
    for fiche in fiches:
        axe = fiche.axe_principal_effectif
        row = by_axe.setdefault(axe, [ZERO] * 4)
        for i, value in enumerate([fiche.cout_ht or ZERO, *_status_sums(fiche.financements.all())]):
            row[i] += value
    order = sorted(by_axe, key=lambda axe: (axe is None, (axe.ordre, axe.numero) if axe else (0, 0)))
    axes = Table(
        "axes",
        "Par axe",
        "Axe",
        ["Coût HT (€)", *FIN_HEADERS],
        [(str(axe) if axe else "Sans axe", by_axe[axe]) for axe in order],
        notes=[f"{MAQUETTE_AXE_RULE} {AXE_PRINCIPAL_RULE}"],
    )

    def statut_row(label, group):
        fin = [ZERO, ZERO, ZERO]
        for fiche in group:
            for i, amount in enumerate(_status_sums(fiche.financements.all())):
                fin[i] += amount
        return (label, [Decimal(len(group)), sum((f.cout_ht or ZERO for f in group), ZERO), *fin])

    statut_rows = []
    for value, label in FicheStatut.choices:
        group = [f for f in fiches if f.statut == value]
        if group:
            statut_rows.append(statut_row(label, group))
    statuts = Table("statuts", "Par statut des fiches", "Statut", ["Fiches", "Coût HT (€)", *FIN_HEADERS], statut_rows)
    abandonnees = Table(
        "abandonnees",
        "Fiches abandonnées (hors totaux)",
        "Fiche",
        ["Coût HT (€)", *FIN_HEADERS],
        [(_fiche_label(f), [f.cout_ht or ZERO, *_status_sums(f.financements.all())]) for f in abandoned],
    )
    return Maquette(
        tables=[years, funders, dispositifs, axes, statuts, *_suivi_tables(fiches, lignes)],
        sans_ventilation=sans_ventilation,
        abandonnees=abandonnees,
        cout_total=sum((fiche.cout_ht or ZERO for fiche in fiches), ZERO),
        ecarts=ecarts,
    )


DISPOSITIF_LABELS = dict(Dispositif.choices)

# Said under the tables of planned against actual spending (page and workbook).
REALISE_RULE = (
    "Réalisé : la somme des seules dépenses saisies. Une année dont la dépense n'est pas saisie est "
    "« non renseignée » (comptée dans la dernière colonne, "
    "en budgets annuels), ce qui n'est pas 0 € dépensé."
)
VERSE_RULE = (
    "Versé : ce que le financeur a effectivement payé sur les lignes accordées ; reste à percevoir = accordé − versé."
)


def sans_budget_note(fiches) -> str:
    """« 3 fiches sans budget annuel : n° 4 — …, … » (or that every fiche has one)."""
    unbudgeted = [fiche for fiche in fiches if not fiche.budgets.all()]
    if not unbudgeted:
        return "Toutes les fiches comptées ont un budget annuel."
    labels = " ; ".join(_fiche_label(fiche) for fiche in unbudgeted)
    count = len(unbudgeted)
    what = (
        "1 fiche sans budget annuel, absente de ce tableau"
        if count == 1
        else f"{count} fiches sans budget annuel, absentes de ce tableau"
    )
    return f"{what} : {labels}."


def _suivi_tables(fiches, lignes) -> list[Table]:
    """Planned against actual: by year, by fiche (budgeted fiches), and what funders paid."""
    sans_budget = sans_budget_note(fiches)
    headers = ["Prévu (€)", "Réalisé (€)", "Budgets annuels sans réalisé saisi"]
    by_year: dict[int, list[Decimal]] = {}
    by_fiche = []
    for fiche in fiches:
        budgets = list(fiche.budgets.all())
        if not budgets:
            continue
        row = [ZERO, ZERO, ZERO]
        for budget in budgets:
            sums = by_year.setdefault(budget.annee, [ZERO, ZERO, ZERO])
            for target in (sums, row):
                target[0] += budget.total
                if budget.realise_renseigne:
                    target[1] += budget.realise_total
                else:
                    target[2] += 1
        by_fiche.append((_fiche_label(fiche), row))
    annees = Table(
        "prevu-realise-annees",
        "Prévu et réalisé par année",
        "Année",
        headers,
        [(str(year), by_year[year]) for year in sorted(by_year)],
        notes=[REALISE_RULE, sans_budget],
    )
    par_fiche = Table(
        "prevu-realise-fiches",
        "Prévu et réalisé par fiche",
        "Fiche",
        headers,
        by_fiche,
        notes=[REALISE_RULE, sans_budget],
    )
    verse: OrderedDict[str, list[Decimal]] = OrderedDict()
    for ligne in sorted(lignes, key=lambda line: line.financeur.nom):
        if ligne.statut != StatutFinancement.ACCORDE:
            continue
        row = verse.setdefault(ligne.financeur.nom, [ZERO, ZERO, ZERO])
        row[0] += ligne.montant
        row[1] += ligne.montant_verse or ZERO
        row[2] += ligne.montant - (ligne.montant_verse or ZERO)
    versements = Table(
        "versements",
        "Accordé et versé par financeur",
        "Financeur",
        ["Accordé (€)", "Versé (€)", "Reste à percevoir (€)"],
        list(verse.items()),
        notes=[VERSE_RULE],
    )
    return [annees, par_fiche, versements]


# --- Calendrier (Gantt) -------------------------------------------------------------------


@dataclass
class CalendarMark:
    """A label of the time scale: `start` and `length` in months from the calendar's first month."""

    label: str
    start: float
    length: float


@dataclass
class CalendarRow:
    fiche: FicheAction
    statut: str
    statut_label: str
    periode: str
    start: float | None = None  # None: the fiche has no date, no bar
    length: float = 0


@dataclass
class Calendar:
    """The plan's calendar drawn in HTML: every fiche a row, the time in months from `first`
    (a quarter's first day) to the end of the quarter of the last date, so that the calendar
    opens on the plan's whole span and each column of the quarter scale is a real quarter."""

    rows: list[CalendarRow]
    first: object = None
    months: int = 0
    years: list[CalendarMark] = field(default_factory=list)
    quarters: list[CalendarMark] = field(default_factory=list)
    month_marks: list[CalendarMark] = field(default_factory=list)
    today: float | None = None  # where today is, None when outside the calendar
    today_label: str = ""
    last: object = None  # the calendar's last month (a date in it)

    @property
    def year_lines(self) -> list[str]:
        """Where each new year starts, in % of the calendar's width (for the lines between years)."""
        return [f"{100 * year.start / self.months:.3f}" for year in self.years if year.start]

    statuts: list = field(default_factory=list)  # (code, label) for the legend, in the programme's order


def _month_position(first, day, *, end=False) -> float:
    """Months from `first` to `day` (its start; its end with end=True), with the day as a fraction."""
    import calendar as _calendar

    days = _calendar.monthrange(day.year, day.month)[1]
    whole = (day.year - first.year) * 12 + day.month - first.month
    return whole + (day.day - (0 if end else 1)) / days


def plan_calendar(rows: list[PlanRow], today) -> Calendar:
    """The calendar of the plan's rows (no query: the rows are already loaded)."""
    import datetime

    labels = dict(FicheStatut.choices)
    dated = [r.fiche for r in rows if r.fiche.date_debut or r.fiche.date_fin]
    calendar = Calendar(rows=[], statuts=[(value, labels[value]) for value in STATUT_ORDER])
    if dated:
        first_day = min(f.date_debut or f.date_fin for f in dated)
        last_day = max(f.date_fin or f.date_debut for f in dated)
        first = datetime.date(first_day.year, first_day.month - (first_day.month - 1) % 3, 1)
        months = (last_day.year - first.year) * 12 + last_day.month - first.month + 1
        months += -months % 3
        calendar.first, calendar.months = first, months
        end_month = first.month - 1 + months - 1
        calendar.last = datetime.date(first.year + end_month // 12, end_month % 12 + 1, 1)
        last_year = first.year + (first.month - 1 + months - 1) // 12
        for year in range(first.year, last_year + 1):
            start = max(0, (year - first.year) * 12 - first.month + 1)
            end = min(months, (year - first.year) * 12 - first.month + 13)
            calendar.years.append(CalendarMark(str(year), start, end - start))
        for index in range(months):
            month = (first.month - 1 + index) % 12
            calendar.month_marks.append(CalendarMark(formatting.MOIS_COURTS[month], index, 1))
            if index % 3 == 0:
                calendar.quarters.append(CalendarMark(f"T{month // 3 + 1}", index, 3))
        if first <= today and _month_position(first, today) < months:
            calendar.today = _month_position(first, today)
            calendar.today_label = formatting.date_longue(today)
    for row in rows:
        fiche = row.fiche
        debut, fin = fiche.date_debut, fiche.date_fin
        if debut and fin:
            periode = f"{formatting.mois_annee(debut)} – {formatting.mois_annee(fin)}"
        elif debut:
            periode = f"à partir de {formatting.mois_annee(debut)} (fin non fixée)"
        elif fin:
            periode = f"jusqu'à {formatting.mois_annee(fin)} (début non fixé)"
        else:
            periode = "dates non fixées"
        item = CalendarRow(fiche=fiche, statut=fiche.statut, statut_label=labels[fiche.statut], periode=periode)
        if debut or fin:
            item.start = _month_position(calendar.first, debut or fin)
            item.length = _month_position(calendar.first, fin or debut, end=True) - item.start
        calendar.rows.append(item)
    return calendar
