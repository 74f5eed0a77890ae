"""Simplified EPCI outlines from the ANCT GeoJSON file (anct_fr-drom-4326-pur-style1-epci.geojson),
which users download themselves: the platform does not ship a copy.

That file moves the overseas départements next to mainland France (it is made for national
overview maps), so the outlines of overseas EPCI are not at their real place and are skipped.
"""

import json
import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Epci

OVERSEAS_PREFIX = "97"


@dataclass
class ContoursResult:
    features: int = 0
    updated: int = 0
    unchanged: int = 0
    overseas: int = 0
    without_siren: int = 0  # islands that belong to no EPCI (Bréhat, Sein, Yeu)
    unknown: list[str] = field(default_factory=list)


def _valid_geometry(geometry) -> bool:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return False
    polygons = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    if not isinstance(polygons, list) or not polygons:
        return False
    for rings in polygons:
        if not isinstance(rings, list) or not rings:
            return False
        for ring in rings:
            if not isinstance(ring, list) or len(ring) < 4:
                return False
            for position in ring:
                if not (
                    isinstance(position, list)
                    and len(position) >= 2
                    and all(isinstance(v, int | float) and math.isfinite(v) for v in position[:2])
                    and -180 <= position[0] <= 180
                    and -90 <= position[1] <= 90
                ):
                    return False
    return True


def _polygons(geometry) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else list(geometry["coordinates"])


@transaction.atomic
def epci_contours_import(*, content: bytes | str) -> ContoursResult:
    """Store the outline of every known mainland EPCI of the file; idempotent. A malformed
    file changes nothing (ValidationError)."""
    try:
        data = json.loads(content)
    except ValueError as error:
        raise ValidationError("Le fichier n'est pas du GeoJSON lisible.") from error
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ValidationError("Le fichier doit être une FeatureCollection GeoJSON.")
    result = ContoursResult(features=len(features))
    # An EPCI spread over several départements has one feature per département: join them.
    parts: dict[str, list] = {}
    for index, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        siren = str(props.get("siren_epci") or "").strip()
        if not siren:
            result.without_siren += 1
            continue
        if str(props.get("insee_dep") or "").startswith(OVERSEAS_PREFIX):
            result.overseas += 1
            continue
        geometry = feature.get("geometry")
        if not _valid_geometry(geometry):
            raise ValidationError(f"L'objet n° {index} (EPCI {siren}) n'a pas de polygone valide.")
        parts.setdefault(siren, []).extend(_polygons(geometry))
    outlines = {siren: {"type": "MultiPolygon", "coordinates": polygons} for siren, polygons in parts.items()}
    known = Epci.objects.in_bulk(list(outlines))
    result.unknown = sorted(siren for siren in outlines if siren not in known)
    changed = []
    for siren, epci in known.items():
        if epci.contour == outlines[siren]:
            result.unchanged += 1
        else:
            epci.contour = outlines[siren]
            changed.append(epci)
    Epci.objects.bulk_update(changed, ["contour"], batch_size=200)
    result.updated = len(changed)
    return result
