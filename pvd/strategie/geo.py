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

import bisect
import json
import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

EARTH_RADIUS_M = 6_371_008.8
# A hand-drawn sector has tens of points, a detailed imported one a few thousand.
MAX_POSITIONS = 5_000
# Pairs of segments whose extents overlap along the sweep axis: a real outline has a few per
# segment; a comb of long parallel teeth has them all, which Python would test for minutes.
MAX_CANDIDATE_PAIRS = 500_000
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
                limit = f"{MAX_POSITIONS:,}".replace(",", "\u202f")
                raise ValidationError(
                    f"La géométrie compte plus de {limit} points : simplifiez-la (un secteur "
                    "d'intervention n'a pas besoin d'un tel détail)."
                )
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


def _candidate_pairs(intervals: list[tuple[float, float]]) -> int:
    """How many pairs of closed intervals overlap (what a sweep along that axis would test)."""
    starts = sorted(start for start, _ in intervals)
    return sum(bisect.bisect_right(starts, end) - bisect.bisect_right(starts, start) for start, end in intervals)


def _check_no_intersection(polygons, kind: str) -> None:
    """Sweep over the segments sorted along the axis (longitude or latitude) where their extents
    overlap least: only pairs whose extents overlap on both axes are tested. Shapes that would
    still need too many tests are refused rather than checked for minutes."""
    segments = []  # (min, max on the sweep axis, polygon, ring, index, a, b, ring length, min, max on the other)
    for p_index, rings in enumerate(polygons):
        for r_index, ring in enumerate(rings):
            n = len(ring) - 1  # number of segments
            for i in range(n):
                a, b = ring[i], ring[i + 1]
                segments.append((a, b, p_index, r_index, i, n))
    x_extents = [(min(a[0], b[0]), max(a[0], b[0])) for a, b, *_ in segments]
    y_extents = [(min(a[1], b[1]), max(a[1], b[1])) for a, b, *_ in segments]
    x_pairs, y_pairs = _candidate_pairs(x_extents), _candidate_pairs(y_extents)
    if min(x_pairs, y_pairs) > MAX_CANDIDATE_PAIRS:
        raise ValidationError(
            "La géométrie est trop complexe à vérifier (de nombreux segments longs et parallèles) : "
            "simplifiez-la ou découpez-la en plusieurs secteurs."
        )
    sweep, other = (x_extents, y_extents) if x_pairs <= y_pairs else (y_extents, x_extents)
    items = sorted(
        (
            (sweep[k][0], sweep[k][1], p_index, r_index, i, a, b, n, other[k][0], other[k][1])
            for k, (a, b, p_index, r_index, i, n) in enumerate(segments)
        ),
        key=lambda s: s[0],
    )
    for position, first in enumerate(items):
        first_max, low, high = first[1], first[8], first[9]
        for second in items[position + 1 :]:
            if second[0] > first_max:
                break
            if second[8] > high or second[9] < low:
                continue
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

    where = format_point(crossing_point(first[5], first[6], second[5], second[6]))
    if (first[2], first[3]) == (second[2], second[3]):
        return (
            f"La géométrie se recoupe : {name(first)} se croise lui-même (en {where}). "
            "Redessinez le contour sans croisement."
        )
    return f"La géométrie se recoupe : {name(first)} touche ou croise {name(second)} (en {where})."


def crossing_point(p1, p2, q1, q2) -> tuple[float, float]:
    """Where two intersecting segments meet (a shared point when they overlap or touch)."""
    denominator = (p2[0] - p1[0]) * (q2[1] - q1[1]) - (p2[1] - p1[1]) * (q2[0] - q1[0])
    if denominator == 0:  # collinear or touching: one of the ends lies on the other segment
        for point in (q1, q2, p1, p2):
            if _on_segment(p1, p2, point) and _on_segment(q1, q2, point):
                return point[0], point[1]
        return p1[0], p1[1]
    t = ((q1[0] - p1[0]) * (q2[1] - q1[1]) - (q1[1] - p1[1]) * (q2[0] - q1[0])) / denominator
    return p1[0] + t * (p2[0] - p1[0]), p1[1] + t * (p2[1] - p1[1])


def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):.5f}".replace(".", ",") + f"° {positive if value >= 0 else negative}"


def format_point(point) -> str:
    """(lon, lat) → "47,86200° N, 1,55000° O": the way a French reader writes a position."""
    lon, lat = point
    return f"{_degrees(lat, 'N', 'S')}, {_degrees(lon, 'E', 'O')}"


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


# --- Where a shape lies ----------------------------------------------------------------------

# (west, south, east, north) in degrees, with a margin: where the communes of the programme are.
FRANCE_BOXES = {
    "France métropolitaine": (-5.5, 41.2, 9.8, 51.3),
    "Guadeloupe": (-61.9, 15.8, -60.9, 16.6),
    "Martinique": (-61.3, 14.3, -60.7, 14.95),
    "Guyane": (-54.7, 2.0, -51.5, 5.9),
    "La Réunion": (55.1, -21.5, 55.9, -20.8),
    "Mayotte": (44.9, -13.1, 45.4, -12.5),
    "Saint-Pierre-et-Miquelon": (-56.5, 46.7, -56.1, 47.2),
    "Saint-Martin et Saint-Barthélemy": (-63.2, 17.8, -62.7, 18.2),
}


def positions(geometry: dict):
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for rings in polygons:
        for ring in rings:
            yield from ring


def in_france(point) -> bool:
    lon, lat = point[0], point[1]
    return any(west <= lon <= east and south <= lat <= north for west, south, east, north in FRANCE_BOXES.values())


def first_outside_france(geometry: dict):
    """The first position outside France (mainland and overseas), or None."""
    return next((point for point in positions(geometry) if not in_france(point)), None)


def point_in_geometry(point, geometry: dict) -> bool:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return any(
        point_in_ring(point, rings[0]) and not any(point_in_ring(point, hole) for hole in rings[1:])
        for rings in polygons
    )


def _segment_distance_m(point, a, b) -> float:
    """Distance from a point to a segment on a local plane (equirectangular): enough within a few km."""
    scale = math.cos(math.radians(point[1]))
    ax, ay = (a[0] - point[0]) * scale, a[1] - point[1]
    bx, by = (b[0] - point[0]) * scale, b[1] - point[1]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
    x, y = ax + t * dx, ay + t * dy
    return math.radians(math.hypot(x, y)) * EARTH_RADIUS_M


def distance_to_geometry_m(point, geometry: dict) -> float:
    """0 inside the shape, else the distance to its nearest edge."""
    if point_in_geometry(point, geometry):
        return 0.0
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return min(
        _segment_distance_m(point, ring[i], ring[i + 1])
        for rings in polygons
        for ring in rings
        for i in range(len(ring) - 1)
    )


def farthest_outside_m(geometry: dict, outline: dict, *, sample: int = 200) -> tuple[float, tuple]:
    """(distance, position) of the vertex of `geometry` farthest outside `outline` (0 when inside).
    At most `sample` vertices are measured: the outline is coarse anyway."""
    points = list(positions(geometry))
    step = max(1, len(points) // sample)
    worst = (0.0, points[0])
    for point in points[::step]:
        distance = distance_to_geometry_m(point, outline)
        if distance > worst[0]:
            worst = (distance, point)
    return worst


def bounds(geometry: dict) -> list[list[float]]:
    """[[south, west], [north, east]]: what Leaflet's fitBounds takes."""
    points = list(positions(geometry))
    return [
        [min(p[1] for p in points), min(p[0] for p in points)],
        [max(p[1] for p in points), max(p[0] for p in points)],
    ]


# --- Export --------------------------------------------------------------------------------


def feature_collection(features: list[tuple[dict, dict]]) -> dict:
    """[(geometry, properties)] → a GeoJSON FeatureCollection."""
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": geometry, "properties": props} for geometry, props in features],
    }
