"""Reads of the diagnostic (what is not a plain `get`): each in a fixed number of queries."""

from pvd.gouvernance.selectors import validation_state

from .models import Diagnostic


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


# --- AFOM ------------------------------------------------------------------------------------


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------

from pvd.strategie import geo  # noqa: E402 - imports of this part, kept in its section
from pvd.territoires.selectors import communes_geojson  # noqa: E402

from . import carte  # noqa: E402
from .models import PointInteret, PointInteretKind  # noqa: E402

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
