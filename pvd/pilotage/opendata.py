"""The open data of the fiches action that dossiers chose to publish (`FicheAction.publiee`):
the national public page, its aggregated figures and its two files (CSV and GeoJSON), under
the Licence Ouverte 2.0.

Always consistent with the data: nothing is cached, every request reads the fiches as they are.
Confidential fiches never leave the platform: every read starts from
`FicheAction.objects.visible_to(None)` (and a confidential fiche cannot be published anyway).

What each column means, once (the page, the CSV and the GeoJSON say the same):
- communes: the fiche's commune when it has one, else every commune of its dossier;
- axe: the fiche's main axe (AXE_PRINCIPAL_RULE); thèmes: the CRTE orientations of all its
  axes — a fiche counts under each of its themes, so the themes' totals may exceed the total;
- financeurs: the funders of its financing lines, with the dispositif, in the order of the lines;
- location: the fiche's point when it has one; a fiche without a point has no geometry (null)
  in the GeoJSON and is not on the map, but is in the table and the CSV.
"""

import csv
import io
import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.utils import timezone

from pvd.actions.models import FicheAction, FicheStatut, LigneFinancement
from pvd.core.csv_export import csv_cell
from pvd.core.formatting import nombre_tableur
from pvd.strategie.models import AxeStrategique, OrientationCrte
from pvd.territoires.models import Commune

LICENCE = "Licence Ouverte 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
CSV_NAME = "fiches-action-publiees.csv"
GEOJSON_NAME = "fiches-action-publiees.geojson"

# (key, CSV column): the same keys are the GeoJSON properties.
COLUMNS = [
    ("id", "identifiant"),
    ("dossier", "dossier"),
    ("numero", "numéro de la fiche"),
    ("titre", "titre"),
    ("communes", "communes"),
    ("codes_insee", "codes INSEE"),
    ("axe", "axe principal"),
    ("themes", "thèmes (orientations du CRTE)"),
    ("statut", "statut"),
    ("maturite", "maturité"),
    ("cout_ht", "coût HT (€)"),
    ("cout_ttc", "coût TTC (€)"),
    ("financeurs", "financeurs"),
    ("date_debut", "début prévu"),
    ("date_fin", "fin prévue"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("mise_a_jour", "mise à jour"),
]


def published_fiches():
    """The published fiches, never a confidential one, with what a row shows (a fixed number of
    queries: the fiches, their axes, their dossiers' communes, their financing lines)."""
    return (
        FicheAction.objects.visible_to(None)
        .filter(publiee=True)
        .select_related("dossier", "commune", "axe_principal")
        .prefetch_related(
            "axes",
            Prefetch("dossier__communes", queryset=Commune.objects.order_by("nom", "code")),
            Prefetch("financements", queryset=LigneFinancement.objects.select_related("financeur").order_by("pk")),
        )
        .order_by("dossier__nom", "dossier_id", "numero")
    )


_STATUTS = dict(FicheStatut.choices)
_THEMES = dict(OrientationCrte.choices)


def _themes(fiche) -> list[str]:
    codes = []
    for axe in fiche.axes.all():
        codes.extend(code for code in axe.orientations_crte if code not in codes)
    return [_THEMES.get(code, code) for code in codes]


def _communes(fiche) -> list:
    return [fiche.commune] if fiche.commune_id else list(fiche.dossier.communes.all())


def row(fiche) -> dict:
    """One published fiche as the page and the files show it (no query when fetched by
    `published_fiches`). Amounts stay Decimal, dates stay dates: each output formats them."""
    axe = fiche.axe_principal_effectif
    communes = _communes(fiche)
    return {
        "id": fiche.pk,
        "dossier": fiche.dossier.nom,
        "numero": fiche.numero,
        "titre": fiche.titre,
        "communes": ", ".join(commune.nom for commune in communes),
        "codes_insee": ", ".join(commune.code for commune in communes),
        "axe": axe.titre if axe else "",
        "themes": ", ".join(_themes(fiche)),
        "statut": _STATUTS.get(fiche.statut, fiche.statut),
        "maturite": fiche.get_maturite_display(),
        "cout_ht": fiche.cout_ht,
        "cout_ttc": fiche.cout_ttc,
        "financeurs": "; ".join(
            f"{ligne.financeur.nom} ({ligne.get_dispositif_display()})" for ligne in fiche.financements.all()
        ),
        "date_debut": fiche.date_debut,
        "date_fin": fiche.date_fin,
        "latitude": fiche.latitude,
        "longitude": fiche.longitude,
        "mise_a_jour": timezone.localtime(fiche.updated_at).date(),
    }


@dataclass
class Figure:
    label: str
    nombre: int
    cout_ht: object  # Decimal or None


def figures() -> dict:
    """The aggregated figures of the published fiches, computed by the database (three queries):
    the total, by status, by theme (CRTE orientation of any of the fiche's axes)."""
    fiches = FicheAction.objects.visible_to(None).filter(publiee=True)
    total = fiches.aggregate(
        nombre=Count("pk"), cout_ht=Sum("cout_ht"), localisees=Count("pk", filter=Q(latitude__isnull=False))
    )
    by_statut = {
        item["statut"]: item
        for item in fiches.order_by().values("statut").annotate(nombre=Count("pk"), cout_ht=Sum("cout_ht"))
    }
    statuts = [
        Figure(label, by_statut[code]["nombre"], by_statut[code]["cout_ht"])
        for code, label in FicheStatut.choices
        if code in by_statut
    ]
    # One conditional aggregate per theme (a fixed list, not the data): a fiche counts under a
    # theme when one of its axes has it. JSON text contains the quoted code on every database.
    aggregates = {}
    for code, _label in OrientationCrte.choices:
        has_theme = Q(
            Exists(AxeStrategique.objects.filter(fiches=OuterRef("pk"), orientations_crte__icontains=f'"{code}"'))
        )
        aggregates[f"{code}__n"] = Count("pk", filter=has_theme)
        aggregates[f"{code}__cout"] = Sum("cout_ht", filter=has_theme)
    by_theme = fiches.aggregate(**aggregates)
    themes = [
        Figure(label, by_theme[f"{code}__n"], by_theme[f"{code}__cout"])
        for code, label in OrientationCrte.choices
        if by_theme[f"{code}__n"]
    ]
    return {
        "nombre": total["nombre"],
        "cout_ht": total["cout_ht"],
        "localisees": total["localisees"],
        "statuts": statuts,
        "themes": themes,
    }


def _csv_value(key, value):
    if value is None:
        return ""
    if key in ("cout_ht", "cout_ttc"):
        return nombre_tableur(value, 2)
    if key in ("latitude", "longitude"):
        return nombre_tableur(value, 6)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return csv_cell(value) if isinstance(value, str) else value


def fiches_csv() -> bytes:
    """The published fiches as CSV: UTF-8 with BOM, semicolons, decimal commas (what French
    spreadsheets open, like the project's other exports), ISO dates; text a spreadsheet would run
    as a formula neutralised (`csv_cell`). The licence is in the response's `Link` header and on
    the page: the file stays one plain table, readable by any tool."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([label for _key, label in COLUMNS])
    for fiche in published_fiches():
        data = row(fiche)
        writer.writerow([_csv_value(key, data[key]) for key, _label in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _json_value(value):
    if value is None or isinstance(value, (str, int)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return float(value)  # Decimal amounts and coordinates


def fiches_geojson(source_url: str = "") -> dict:
    """The published fiches as a GeoJSON FeatureCollection (RFC 7946, WGS 84): a Point at the
    fiche's point, null geometry for a fiche without one. The licence, the producer and the date
    are members of the collection (« foreign members » of RFC 7946, § 6.1)."""
    features = []
    for fiche in published_fiches():
        data = row(fiche)
        located = data["latitude"] is not None and data["longitude"] is not None
        properties = {key: _json_value(data[key]) for key, _label in COLUMNS if key not in ("latitude", "longitude")}
        features.append(
            {
                "type": "Feature",
                "id": fiche.pk,
                "geometry": {"type": "Point", "coordinates": [float(data["longitude"]), float(data["latitude"])]}
                if located
                else None,
                "properties": properties,
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "Fiches action publiées — Petites villes de demain",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "producteur": settings.PVD_BRANDING["operator"],
        "source": source_url,
        "date": timezone.now().isoformat(timespec="seconds"),
        "features": features,
    }


def geojson_bytes(source_url: str = "") -> bytes:
    return json.dumps(fiches_geojson(source_url), ensure_ascii=False).encode("utf-8")
