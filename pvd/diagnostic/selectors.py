"""Reads of the diagnostic (what is not a plain `get`): each in a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from pvd.gouvernance.selectors import validation_state
from pvd.territoires.models import Commune

from .models import Diagnostic, Donnee, DonneeOrigine, Echelle, Theme


def diagnostic_of(dossier) -> Diagnostic | None:
    return Diagnostic.objects.filter(dossier=dossier).first()


def overview(dossier) -> dict:
    """What the diagnostic's page shows before each part adds its own section."""
    diagnostic = diagnostic_of(dossier)
    return {
        "diagnostic": diagnostic,
        "validation": validation_state(diagnostic) if diagnostic is not None else None,
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


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------
