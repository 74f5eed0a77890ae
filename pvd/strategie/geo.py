"""GeoJSON polygons in pure Python: parsing, validation, area, export.

There is no GIS database nor GEOS on the platform, so the checks are done here:
- only Polygon and MultiPolygon (WGS 84 longitude/latitude, RFC 7946);
- each ring closed, with at least 4 positions (3 distinct points), finite numbers,
  longitude in [-180, 180] and latitude in [-90, 90];
- no self-intersection: no two segments of the geometry (of any ring) touch or cross,
  except consecutive segments of a ring at their shared vertex;
- holes inside their exterior ring, polygons of a MultiPolygon outside each other.
Areas are computed on the sphere of mean radius (IUGG, 6 371 008.8 m) with the formula of
Chamberlain & Duquette (JPL, 2007), exact for polygons whose edges follow parallels and
meridians and within a fraction of a percent of the ellipsoid for sectors of a town.
"""

import json
import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

EARTH_RADIUS_M = 6_371_008.8
MAX_POSITIONS = 20_000
POLYGON_TYPES = ("Polygon", "MultiPolygon")


@dataclass
class ImportedFeature:
    geometry: dict
    properties: dict = field(default_factory=dict)


# --- Parsing -------------------------------------------------------------------------------


def parse_geojson(data) -> list[ImportedFeature]:
    """Text or already-decoded GeoJSON (FeatureCollection, Feature or bare geometry) → features,
    each with a validated, normalised geometry. Raises ValidationError with a French message."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError("Le fichier n'est pas un texte UTF-8 : est-ce bien un fichier GeoJSON ?") from error
    if isinstance(data, str):
        if not data.strip():
            raise ValidationError("Aucun GeoJSON fourni.")
        try:
            data = json.loads(data)
        except ValueError as error:
            raise ValidationError(
                "Le texte fourni n'est pas du GeoJSON valide : le JSON est illisible "
                f"(ligne {getattr(error, 'lineno', '?')}, colonne {getattr(error, 'colno', '?')})."
            ) from error
    if not isinstance(data, dict) or "type" not in data:
        raise ValidationError("Le GeoJSON doit être un objet avec un membre « type ».")
    kind = data["type"]
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise ValidationError("La collection (FeatureCollection) ne contient aucun objet.")
        result = []
        for index, feature in enumerate(features, start=1):
            try:
                result.append(_parse_feature(feature))
            except ValidationError as error:
                raise ValidationError(f"Objet n° {index} de la collection : {' '.join(error.messages)}") from error
        return result
    if kind == "Feature":
        return [_parse_feature(data)]
    return [ImportedFeature(geometry=validate_geometry(data))]


def _parse_feature(feature) -> ImportedFeature:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValidationError("Chaque objet doit être de type « Feature ».")
    geometry = feature.get("geometry")
    if geometry is None:
        raise ValidationError("L'objet n'a pas de géométrie.")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        properties = {}
    return ImportedFeature(geometry=validate_geometry(geometry), properties=properties)


# --- Validation ----------------------------------------------------------------------------


def validate_geometry(geometry) -> dict:
    """A valid Polygon or MultiPolygon → its normalised copy (rings closed, consecutive
    duplicate positions removed, coordinates as [lon, lat] floats). Raises ValidationError."""
    if not isinstance(geometry, dict):
        raise ValidationError("La géométrie doit être un objet GeoJSON.")
    kind = geometry.get("type")
    if kind not in POLYGON_TYPES:
        raise ValidationError(
            f"La géométrie doit être un polygone (Polygon ou MultiPolygon) : « {kind} » n'est pas accepté."
            if isinstance(kind, str)
            else "La géométrie n'a pas de type reconnu : un polygone (Polygon ou MultiPolygon) est attendu."
        )
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError("Le multipolygone ne contient aucun polygone.")
        polygons = coordinates
    clean = []
    count = 0
    for p_index, polygon in enumerate(polygons, start=1):
        where = f"polygone n° {p_index}" if kind == "MultiPolygon" else "polygone"
        if not isinstance(polygon, list) or not polygon:
            raise ValidationError(f"Le {where} ne contient aucun contour.")
        rings = []
        for r_index, ring in enumerate(polygon):
            ring_name = _ring_name(where, r_index)
            rings.append(_clean_ring(ring, ring_name))
            count += len(rings[-1])
            if count > MAX_POSITIONS:
                raise ValidationError(f"La géométrie compte plus de {MAX_POSITIONS} points : simplifiez-la.")
        clean.append(rings)
    _check_no_intersection(clean, kind)
    _check_nesting(clean, kind)
    for p_index, rings in enumerate(clean, start=1):
        where = f"polygone n° {p_index}" if kind == "MultiPolygon" else "polygone"
        for r_index, ring in enumerate(rings):
            if abs(_ring_signed_area(ring)) < 1e-14:
                raise ValidationError(f"{_ring_name(where, r_index).capitalize()} est plat : sa surface est nulle.")
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": clean[0]}
    return {"type": "MultiPolygon", "coordinates": clean}


def _ring_name(where: str, r_index: int) -> str:
    return f"le contour extérieur du {where}" if r_index == 0 else f"le trou n° {r_index} du {where}"


def _clean_ring(ring, name: str) -> list[list[float]]:
    if not isinstance(ring, list):
        raise ValidationError(f"Les coordonnées de {name} ne sont pas une liste de positions.")
    positions = []
    for position in ring:
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(isinstance(value, int | float) and not isinstance(value, bool) for value in position[:2])
        ):
            raise ValidationError(f"Une position de {name} n'est pas un couple [longitude, latitude] de nombres.")
        lon, lat = float(position[0]), float(position[1])
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ValidationError(f"Une position de {name} n'est pas un nombre fini.")
        if not (-180 <= lon <= 180) or not (-90 <= lat <= 90):
            raise ValidationError(
                f"Coordonnées hors limites dans {name} : [{position[0]}, {position[1]}]. La longitude doit être "
                "comprise entre -180 et 180 et la latitude entre -90 et 90 (WGS 84, longitude en premier)."
            )
        positions.append([lon, lat])
    if len(positions) < 4:
        raise ValidationError(
            f"{name.capitalize()} doit compter au moins 4 positions (3 points et le retour au départ)."
        )
    if positions[0] != positions[-1]:
        raise ValidationError(f"{name.capitalize()} n'est pas fermé : la dernière position doit répéter la première.")
    deduped = [positions[0]]
    for position in positions[1:]:
        if position != deduped[-1]:
            deduped.append(position)
    if len(deduped) < 4:
        raise ValidationError(f"{name.capitalize()} doit compter au moins 3 points distincts.")
    return deduped


def _orient(a, b, c) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(a, b, p) -> bool:
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def segments_intersect(p1, p2, q1, q2) -> bool:
    """Whether the closed segments [p1 p2] and [q1 q2] share at least one point."""
    d1, d2 = _orient(q1, q2, p1), _orient(q1, q2, p2)
    d3, d4 = _orient(p1, p2, q1), _orient(p1, p2, q2)
    if ((d1 > 0 and d2 < 0) or (d1 < 0 and d2 > 0)) and ((d3 > 0 and d4 < 0) or (d3 < 0 and d4 > 0)):
        return True
    return (
        (d1 == 0 and _on_segment(q1, q2, p1))
        or (d2 == 0 and _on_segment(q1, q2, p2))
        or (d3 == 0 and _on_segment(p1, p2, q1))
        or (d4 == 0 and _on_segment(p1, p2, q2))
    )


def _check_no_intersection(polygons, kind: str) -> None:
    """Sweep over the segments sorted by their smallest longitude: only pairs whose
    longitude ranges overlap are tested."""
    segments = []  # (min x, max x, polygon, ring, index, a, b, ring length)
    for p_index, rings in enumerate(polygons):
        for r_index, ring in enumerate(rings):
            n = len(ring) - 1  # number of segments
            for i in range(n):
                a, b = ring[i], ring[i + 1]
                segments.append((min(a[0], b[0]), max(a[0], b[0]), p_index, r_index, i, a, b, n))
    segments.sort(key=lambda s: s[0])
    for position, first in enumerate(segments):
        for second in segments[position + 1 :]:
            if second[0] > first[1]:
                break
            same_ring = first[2] == second[2] and first[3] == second[3]
            if same_ring:
                i, j, n = first[4], second[4], first[7]
                if abs(i - j) == 1 or abs(i - j) == n - 1:
                    # Consecutive segments share a vertex; they must not fold back onto each other.
                    if _overlap_consecutive(first, second):
                        raise ValidationError(_intersection_message(first, second, kind, polygons))
                    continue
            if segments_intersect(first[5], first[6], second[5], second[6]):
                raise ValidationError(_intersection_message(first, second, kind, polygons))


def _overlap_consecutive(first, second) -> bool:
    a, b, c, d = first[5], first[6], second[5], second[6]
    shared = a if a in (c, d) else b
    other1 = b if shared == a else a
    other2 = d if shared == c else c
    if _orient(shared, other1, other2) != 0:
        return False
    # Collinear: overlapping when both go the same way from the shared vertex.
    return (other1[0] - shared[0]) * (other2[0] - shared[0]) + (other1[1] - shared[1]) * (other2[1] - shared[1]) > 0


def _intersection_message(first, second, kind: str, polygons) -> str:
    def name(segment):
        where = f"polygone n° {segment[2] + 1}" if kind == "MultiPolygon" else "polygone"
        return _ring_name(where, segment[3])

    point = first[5]
    if (first[2], first[3]) == (second[2], second[3]):
        return (
            f"La géométrie se recoupe : {name(first)} se croise lui-même (près de "
            f"{point[1]:.5f} N, {point[0]:.5f} E). Redessinez le contour sans croisement."
        )
    return (
        f"La géométrie se recoupe : {name(first)} touche ou croise {name(second)} (près de "
        f"{point[1]:.5f} N, {point[0]:.5f} E)."
    )


def point_in_ring(point, ring) -> bool:
    """Ray casting; the point is assumed not to lie on the ring."""
    x, y = point
    inside = False
    for i in range(len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i], ring[i + 1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _check_nesting(polygons, kind: str) -> None:
    # No ring touches another (checked above), so one vertex tells on which side a ring lies.
    for p_index, rings in enumerate(polygons):
        where = f"polygone n° {p_index + 1}" if kind == "MultiPolygon" else "polygone"
        exterior = rings[0]
        for h_index, hole in enumerate(rings[1:], start=1):
            if not point_in_ring(hole[0], exterior):
                raise ValidationError(f"Le trou n° {h_index} du {where} est en dehors de son contour extérieur.")
            for o_index, other in enumerate(rings[1:], start=1):
                if o_index != h_index and point_in_ring(hole[0], other):
                    raise ValidationError(f"Le trou n° {h_index} du {where} est à l'intérieur d'un autre trou.")
        for o_index, other in enumerate(polygons):
            if o_index != p_index and point_in_ring(exterior[0], other[0]):
                inside_hole = any(point_in_ring(exterior[0], hole) for hole in other[1:])
                if not inside_hole:
                    raise ValidationError(
                        f"Les polygones n° {p_index + 1} et n° {o_index + 1} se chevauchent : "
                        "fusionnez-les ou séparez-les."
                    )


# --- Measures ------------------------------------------------------------------------------


def _ring_signed_area(ring) -> float:
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1)) / 2


def ring_area_m2(ring) -> float:
    """Area on the sphere (Chamberlain & Duquette), whatever the ring's orientation."""
    total = 0.0
    for i in range(len(ring) - 1):
        lon1, lat1 = ring[i]
        lon2, lat2 = ring[i + 1]
        total += math.radians(lon2 - lon1) * (2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2)))
    return abs(total) * EARTH_RADIUS_M**2 / 2


def area_m2(geometry: dict) -> float:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return sum(ring_area_m2(rings[0]) - sum(ring_area_m2(hole) for hole in rings[1:]) for rings in polygons)


def centroid(geometry: dict) -> tuple[float, float]:
    """The mean of the exterior vertices (lon, lat): enough to place a label or measure a distance."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    points = [point for rings in polygons for point in rings[0][:-1]]
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def distance_m(a, b) -> float:
    """Great-circle distance between two (lon, lat) points (haversine)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


# --- Export --------------------------------------------------------------------------------


def feature_collection(features: list[tuple[dict, dict]]) -> dict:
    """[(geometry, properties)] → a GeoJSON FeatureCollection."""
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": geometry, "properties": props} for geometry, props in features],
    }
