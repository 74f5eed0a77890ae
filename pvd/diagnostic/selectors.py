"""Reads of the diagnostic (what is not a plain `get`): each in a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery

from pvd.documents.models import Document
from pvd.dossiers.models import Dossier
from pvd.gouvernance.selectors import ValidationState, validation_state
from pvd.strategie import geo
from pvd.territoires.models import Commune
from pvd.territoires.selectors import communes_geojson

from . import carte
from .models import (
    AfomCategorie,
    AfomItem,
    Diagnostic,
    DocumentPlanification,
    Donnee,
    DonneeImport,
    DonneeOrigine,
    Echelle,
    Etude,
    Initiative,
    PlanKind,
    PointInteret,
    PointInteretKind,
    Theme,
)


def diagnostic_of(dossier) -> Diagnostic | None:
    return Diagnostic.objects.filter(dossier=dossier).first()


# --- Diagnostic as a whole: progress and validation ------------------------------------------


@dataclass(frozen=True)
class DiagnosticStatus:
    """Where the diagnostic stands (step 3): `started` once the team built any part of it,
    `validation` its state before the comité de projet (None without a Diagnostic), `changed`
    when something dated changed after the validation (see `diagnostic_status`)."""

    diagnostic: Diagnostic | None
    started: bool
    validation: ValidationState | None
    last_change: datetime | None
    changed: bool

    @property
    def has_synthese(self) -> bool:
        return self.diagnostic is not None and bool(self.diagnostic.synthese.strip())

    @property
    def is_validated(self) -> bool:
        return self.validation is not None and self.validation.is_validated


def _latest(model, field: str, **filters):
    rows = model.objects.filter(dossier=OuterRef("pk"), **filters).order_by(f"-{field}").values(field)[:1]
    return Subquery(rows)


def _team_figures():
    # Figures computed from the reference data do not count: the platform made them, not the team.
    return Donnee.objects.filter(dossier=OuterRef("pk")).exclude(origine="reference")


# Parts that the team builds, each enough to start the diagnostic.
_PARTS = {
    "has_donnee": lambda: Exists(_team_figures()),
    "has_afom": lambda: Exists(AfomItem.objects.filter(dossier=OuterRef("pk"))),
    "has_plan": lambda: Exists(DocumentPlanification.objects.filter(dossier=OuterRef("pk"))),
    "has_etude": lambda: Exists(Etude.objects.filter(dossier=OuterRef("pk"))),
    "has_initiative": lambda: Exists(Initiative.objects.filter(dossier=OuterRef("pk"))),
    "has_point": lambda: Exists(PointInteret.objects.filter(dossier=OuterRef("pk"))),
}
# The parts that carry a date of change (the others, without a timestamp, are not seen changing).
_DATED = {
    "last_donnee": lambda: Subquery(_team_figures().order_by("-updated_at").values("updated_at")[:1]),
    "last_import": lambda: _latest(DonneeImport, "created_at"),
    "last_etude": lambda: _latest(Etude, "created_at"),
    "last_point": lambda: _latest(PointInteret, "created_at"),
}


def diagnostic_status(dossier) -> DiagnosticStatus:
    """The diagnostic's progress in three queries whatever its size: one for the diagnostic and
    whether each part exists (with the latest dates), two for its validation state.

    A validation covers what the comité saw: `changed` is true when the texts (the Diagnostic's
    `updated_at`) or a dated part (a figure typed or imported, an import, a study, a point on
    the map) changed after the decision was recorded. AFOM items, plans and initiatives carry
    no date: their later changes are not detected. The change is shown (« Modifié depuis la
    validation »), it does not undo the validation: the comité does not validate an object
    twice (`gouvernance.services.object_submit`)."""
    row = (
        Dossier.objects.filter(pk=dossier.pk)
        .select_related("diagnostic")
        .annotate(**{name: make() for name, make in {**_PARTS, **_DATED}.items()})
        .get()
    )
    diagnostic = getattr(row, "diagnostic", None) if _has_diagnostic(row) else None
    texts = diagnostic is not None and any(
        (text or "").strip() for text in (diagnostic.histoire, diagnostic.dynamiques, diagnostic.synthese)
    )
    started = texts or any(getattr(row, name) for name in _PARTS)
    dates = [getattr(row, name) for name in _DATED]
    if texts:
        dates.append(diagnostic.updated_at)
    last_change = max((d for d in dates if d is not None), default=None)
    validation = validation_state(diagnostic) if diagnostic is not None else None
    changed = bool(
        validation is not None
        and validation.is_validated
        and validation.decision is not None
        and last_change is not None
        and last_change > validation.decision.created_at
    )
    return DiagnosticStatus(
        diagnostic=diagnostic, started=started, validation=validation, last_change=last_change, changed=changed
    )


def _has_diagnostic(row) -> bool:
    try:
        row.diagnostic  # noqa: B018 - the reverse one-to-one, fetched by select_related
    except Diagnostic.DoesNotExist:
        return False
    return True


def overview(dossier) -> dict:
    """What the diagnostic's page shows before each part adds its own section."""
    status = diagnostic_status(dossier)
    return {
        "diagnostic": status.diagnostic,
        "validation": status.validation,
        "modifie_depuis_validation": status.changed,
        "status": status,
    }


# --- Figures (chiffres du territoire) -------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """Where one population stands among a group of populations.

    `rang`: 1 for the largest; communes of equal population share a rank (1, 2, 2, 4: one
    plus the number of populations strictly larger). `mediane`, `q1`, `q3`: median and first and
    third quartiles by linear interpolation between the values sorted in increasing order
    (position 1 + (n − 1) × p, p = 0.25, 0.5, 0.75: the method of QUARTILE / QUARTILE.INC in
    LibreOffice and Excel, so that a reader can check them in a spreadsheet); the median is the
    middle value, or the mean of the two middle values for an even count."""

    nombre: int
    rang: int | None
    mediane: Decimal | None
    q1: Decimal | None
    q3: Decimal | None


def _quantile(ordered: list[int], p: str) -> Decimal:
    position = Decimal(len(ordered) - 1) * Decimal(p)
    low = int(position)
    fraction = position - low
    value = Decimal(ordered[low])
    if fraction:
        value += (Decimal(ordered[low + 1]) - value) * fraction
    return value


def distribution(populations: list[int], value: int | None) -> Distribution:
    """Count, rank of `value` (None when unknown), median and quartiles of `populations`."""
    ordered = sorted(populations)
    if not ordered:
        return Distribution(0, None, None, None, None)
    rang = None if value is None else 1 + sum(1 for p in ordered if p > value)
    return Distribution(
        len(ordered), rang, _quantile(ordered, "0.5"), _quantile(ordered, "0.25"), _quantile(ordered, "0.75")
    )


@dataclass(frozen=True)
class PvdPosition:
    commune: Commune
    source: str
    millesime: str
    departement: Distribution
    france: Distribution


QUARTILE_METHOD = (
    "Rang 1 : la commune la plus peuplée ; des communes de même population partagent un rang. "
    "Médiane et quartiles calculés par interpolation linéaire entre les populations classées "
    "(méthode de la fonction QUARTILE d'un tableur) ; pour un nombre pair de communes, la "
    "médiane est la moyenne des deux valeurs du milieu."
)


def pvd_positions(dossier) -> list[PvdPosition]:
    """The position of each commune of the dossier among the communes Petites villes de demain
    of its département and of France, by population municipale, computed live (2 queries,
    whatever the number of communes): see `Distribution`. The populations are those of the
    shipped COG (2023, Mayotte 2017); a commune without population has no rank."""
    from .services import REFERENCE_MILLESIME, REFERENCE_SOURCE, reference_vintage

    communes = list(dossier.communes.select_related("departement").order_by("code"))
    if not communes:
        return []
    rows = list(Commune.objects.filter(pvd=True, population__isnull=False).values_list("departement", "population"))
    france = [population for _dep, population in rows]
    by_departement: dict[str, list[int]] = {}
    for departement, population in rows:
        by_departement.setdefault(departement, []).append(population)
    positions = []
    for commune in communes:
        source, millesime = reference_vintage(commune.departement_id) or (REFERENCE_SOURCE, REFERENCE_MILLESIME)
        positions.append(
            PvdPosition(
                commune=commune,
                source=source,
                millesime=millesime,
                departement=distribution(by_departement.get(commune.departement_id, []), commune.population),
                france=distribution(france, commune.population),
            )
        )
    return positions


@dataclass(frozen=True)
class ThemeFigures:
    theme: str
    label: str
    donnees: list[Donnee]


def donnees_by_theme(dossier) -> list[ThemeFigures]:
    """The dossier's figures grouped by theme, in the order of `Theme` (1 query)."""
    grouped: dict[str, list[Donnee]] = {}
    for donnee in Donnee.objects.filter(dossier=dossier).select_related("donnee_import"):
        grouped.setdefault(donnee.theme, []).append(donnee)
    return [ThemeFigures(value, label, grouped[value]) for value, label in Theme.choices if value in grouped]


def chiffres_summary(dossier) -> dict:
    """What the diagnostic's home page says of the figures (1 query): how many by origin and the
    population of the communes and of the EPCI."""
    donnees = list(
        Donnee.objects.filter(dossier=dossier).only(
            "indicateur",
            "echelle",
            "territoire",
            "valeur",
            "unite",
            "source",
            "millesime",
            "origine",
            "theme",
            "libelle",
            "code_territoire",
        )
    )
    counts = dict.fromkeys(DonneeOrigine.values, 0)
    for donnee in donnees:
        counts[donnee.origine] += 1
    populations = [
        d
        for d in donnees
        if d.indicateur == "pop_totale"
        and d.echelle in (Echelle.COMMUNE, Echelle.EPCI)
        and d.origine == DonneeOrigine.REFERENCE
    ]
    populations.sort(key=lambda d: (d.echelle != Echelle.COMMUNE, d.territoire))
    return {"total": len(donnees), "counts": counts, "populations": populations}


# --- AFOM ------------------------------------------------------------------------------------


@dataclass
class AfomCategory:
    code: str
    label: str
    items: list


@dataclass
class AfomTheme:
    code: str
    label: str
    categories: list[AfomCategory]

    @property
    def count(self) -> int:
        return sum(len(category.items) for category in self.categories)


# The themes of the AFOM: every theme of the diagnostic. Population is offered too, first: the
# demographic findings (decline, ageing, smaller households) open most diagnostics and are
# linked to the population figures.
AFOM_THEMES = [Theme.POPULATION, *(theme for theme in Theme if theme != Theme.POPULATION)]


def afom_themes() -> list[tuple[str, str]]:
    """(code, label) of the AFOM's themes, in the order of the page."""
    return [(theme.value, theme.label) for theme in AFOM_THEMES]


def afom_summary(dossier) -> list[dict]:
    """The index's table: per theme that has items, the count of each category and the total (one query)."""
    counts = {
        (row["theme"], row["categorie"]): row["n"]
        for row in AfomItem.objects.filter(dossier=dossier).values("theme", "categorie").annotate(n=Count("pk"))
    }
    rows = []
    for code, label in afom_themes():
        by_category = [counts.get((code, categorie), 0) for categorie in AfomCategorie.values]
        if any(by_category):
            rows.append({"code": code, "label": label, "counts": by_category, "total": sum(by_category)})
    return rows


def afom_overview(dossier) -> dict:
    """What the AFOM's section of the diagnostic's page shows."""
    summary = afom_summary(dossier)
    return {"afom_summary": summary, "afom_total": sum(row["total"] for row in summary)}


def afom_board(dossier) -> dict:
    """The AFOM page: every theme with its four categories and their items in order, each item
    with its linked figures (`item.linked`), in two queries whatever the number of items."""
    items = (
        AfomItem.objects.filter(dossier=dossier)
        .order_by("theme", "categorie", "ordre", "pk")
        .prefetch_related(Prefetch("donnees", queryset=Donnee.objects.order_by("theme", "indicateur", "echelle")))
    )
    grouped: dict[tuple[str, str], list] = {}
    for item in items:
        item.linked = list(item.donnees.all())
        grouped.setdefault((item.theme, item.categorie), []).append(item)
    themes = [
        AfomTheme(
            code,
            label,
            [AfomCategory(value, label_c, grouped.get((code, value), [])) for value, label_c in AfomCategorie.choices],
        )
        for code, label in afom_themes()
    ]
    return {
        "afom_themes": [theme for theme in themes if theme.count],
        "afom_empty_themes": [theme for theme in themes if not theme.count],
    }


# --- Documents de planification, études, initiatives -----------------------------------------


def _etudes(dossier, access) -> list[Etude]:
    """The studies, each with `livrable_visible` (its deliverable if `access` may see it) and
    `livrable_cache` (a deliverable exists but is hidden from `access`), in two queries."""
    etudes = list(Etude.objects.filter(dossier=dossier).select_related("livrable"))
    livrables = {etude.livrable_id for etude in etudes if etude.livrable_id}
    visible = (
        set(Document.objects.filter(pk__in=livrables).visible_to(access).values_list("pk", flat=True))
        if livrables
        else set()
    )
    for etude in etudes:
        etude.livrable_visible = etude.livrable if etude.livrable_id in visible else None
        etude.livrable_cache = bool(etude.livrable_id) and etude.livrable_id not in visible
    return etudes


_PLAN_KINDS = {value: position for position, value in enumerate(PlanKind.values)}


def plan_order(plan) -> tuple:
    """From the widest plan to the narrowest: SCoT, PLUi, PLU, SPR… (the order of PlanKind)."""
    return (_PLAN_KINDS.get(plan.kind, len(_PLAN_KINDS)), plan.nom.casefold(), plan.pk)


def references(dossier, access) -> dict:
    """The page of the documents de planification, studies and initiatives (four queries at most)."""
    return {
        "plans": sorted(DocumentPlanification.objects.filter(dossier=dossier), key=plan_order),
        "etudes": _etudes(dossier, access),
        "initiatives": list(Initiative.objects.filter(dossier=dossier)),
    }


def references_overview(dossier, access) -> dict:
    """What the section of the diagnostic's page shows: the same lists, shorter in the template."""
    return {"references": references(dossier, access)}


def document_unlinks(document) -> str:
    """What deleting a document unlinks in the diagnostic, for the documents' confirmation page
    (declared there with `optional_provider`): the studies it is the deliverable of stay, without it."""
    objets = list(Etude.objects.filter(livrable=document).order_by("objet").values_list("objet", flat=True))
    if not objets:
        return ""
    names = ", ".join(f"« {objet} »" for objet in objets)
    etude = "de l'étude" if len(objets) == 1 else "des études"
    rester = "restera" if len(objets) == 1 else "resteront"
    return f"Il est le livrable {etude} {names} du diagnostic, qui {rester} sans livrable."


def livrables_for(dossier, access):
    """The documents that may become a study's deliverable: the dossier's, as `access` sees them."""
    return Document.objects.filter(dossier=dossier).visible_to(access).order_by("titre", "pk")


# --- Points d'intérêt (carte) ----------------------------------------------------------------


# Each type of point: its colour on the map and the letter of its marker (the letter tells the
# types apart without the colour; the legend names them). White text on each colour reads at
# more than 4.5:1. Used by diagnostic/carte.js through the page's data and by the legend.
POINT_STYLES = {
    PointInteretKind.COMMERCE_VACANT: ("#ce0500", "C"),
    PointInteretKind.EQUIPEMENT: ("#000091", "É"),
    PointInteretKind.FRICHE: ("#7a4b2a", "F"),
    PointInteretKind.LOGEMENT_VACANT: ("#6e445a", "L"),
    PointInteretKind.PROJET: ("#18753c", "P"),
    PointInteretKind.AUTRE: ("#3a3a3a", "A"),
}


def points_interet_of(dossier):
    return PointInteret.objects.filter(dossier=dossier).order_by("kind", "nom", "pk")


def points_interet_geojson(points) -> dict:
    """The points of interest as a GeoJSON FeatureCollection: what the map draws and the export
    writes (nom, kind: the type's code, type: its label, description)."""
    return geo.feature_collection(
        [
            (
                point.geometry,
                {
                    "nom": point.nom,
                    "kind": point.kind,
                    "type": point.get_kind_display(),
                    "description": point.description,
                },
            )
            for point in points
        ]
    )


def epci_geojson(epci) -> dict:
    features = []
    if epci is not None and epci.contour:
        features.append({"type": "Feature", "geometry": epci.contour, "properties": {"nom": epci.nom}})
    return {"type": "FeatureCollection", "features": features}


def carte_legend(points) -> list[dict]:
    """The types present on the map, in the order of PointInteretKind, with their style."""
    present = {point.kind for point in points}
    return [
        {"kind": kind, "label": label, "color": POINT_STYLES[kind][0], "letter": POINT_STYLES[kind][1]}
        for kind, label in PointInteretKind.choices
        if kind in present
    ]


def carte_overview(dossier) -> dict:
    """What the map page and the diagnostic's section show, in 2 queries (points, communes; the
    EPCI comes with the dossier): the layers as GeoJSON, the legend, the table of points with
    where each is, the counts by type, and the communes without an outline."""
    points = list(points_interet_of(dossier))
    for point in points:
        point.localisation = carte.describe(point.geometry)
    communes = list(dossier.communes.order_by("nom"))
    communes_layer = communes_geojson(communes)
    epci_layer = epci_geojson(dossier.epci)
    counts = {}
    for point in points:
        counts[point.kind] = counts.get(point.kind, 0) + 1
    legend = carte_legend(points)
    return {
        "points": points,
        "counts": [{**item, "count": counts[item["kind"]]} for item in legend],
        "legend": legend,
        "communes": communes,
        "communes_sans_contour": [commune for commune in communes if not commune.contour],
        "epci_sans_contour": dossier.epci is not None and not dossier.epci.contour,
        "layers": {
            "points": points_interet_geojson(points),
            "communes": communes_layer,
            "epci": epci_layer,
            "styles": {kind: {"color": color, "letter": letter} for kind, (color, letter) in POINT_STYLES.items()},
        },
    }
