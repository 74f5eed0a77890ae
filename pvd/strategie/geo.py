"""GeoJSON polygons: parsing, validation, area, export, with shapely (GEOS) and pyproj.

The geometries are stored as GeoJSON in a JSON field (no GIS database); they are checked here:
- only Polygon and MultiPolygon (WGS 84 longitude/latitude, RFC 7946);
- each ring closed, with at least 4 positions (3 distinct points), finite numbers,
  longitude in [-180, 180] and latitude in [-90, 90];
- no self-intersection: each ring is simple (GEOS), and no two rings of the geometry touch or
  cross — stricter than OGC validity, which lets a hole or two parts touch at a point;
- holes inside their exterior ring, polygons of a MultiPolygon outside each other.
Areas and distances are geodesic on the WGS 84 ellipsoid (pyproj's Geod, after Karney).
The cost is bounded by MAX_POSITIONS: GEOS checks the worst shape of that size (a comb of long
parallel teeth, every segment facing every other) in about a second.
"""

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import shapely
from django.conf import settings
from django.core.exceptions import ValidationError
from pyproj import Geod, Transformer

from pvd.core import limits
from pvd.core.formatting import degres, nombre

# A hand-drawn sector has tens of points, a detailed imported one a few thousand.
MAX_POSITIONS = 5_000
POLYGON_TYPES = ("Polygon", "MultiPolygon")
# Below this planar area (in square degrees, some 0.1 mm² at the equator) a ring is flat.
FLAT_AREA_DEG2 = 1e-14
WGS84 = Geod(ellps="WGS84")


@dataclass
class ImportedFeature:
    geometry: dict
    properties: dict = field(default_factory=dict)


# --- Parsing -------------------------------------------------------------------------------


def parse_geojson(data) -> list[ImportedFeature]:
    """Text or already-decoded GeoJSON (FeatureCollection, Feature or bare geometry) → features,
    each with a validated, normalised geometry. Raises ValidationError with a French message."""
    if isinstance(data, bytes | str):
        # Bounded before json.loads: the file's size, and a text (not a binary renamed .geojson).
        limits.check_size(len(data), settings.PVD_IMPORT_MAX_BYTES)
    if isinstance(data, bytes):
        if b"\x00" in data:
            raise ValidationError("Le fichier n'est pas un fichier texte (contenu binaire) : est-ce bien un GeoJSON ?")
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
        if len(features) > settings.PVD_IMPORT_MAX_FEATURES:
            raise ValidationError(
                f"Le fichier compte {nombre(len(features))} objets : au plus "
                f"{nombre(settings.PVD_IMPORT_MAX_FEATURES)} secteurs sont importés à la fois. Découpez-le."
            )
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
        where = _where(kind, p_index - 1)
        if not isinstance(polygon, list) or not polygon:
            raise ValidationError(f"Le {where} ne contient aucun contour.")
        rings = []
        for r_index, ring in enumerate(polygon):
            ring_name = _ring_name(where, r_index)
            rings.append(_clean_ring(ring, ring_name))
            count += len(rings[-1])
            if count > MAX_POSITIONS:
                limit = nombre(MAX_POSITIONS)
                raise ValidationError(
                    f"La géométrie compte plus de {limit} points : simplifiez-la (un secteur "
                    "d'intervention n'a pas besoin d'un tel détail)."
                )
        clean.append(rings)
    _check_no_intersection(clean, kind)
    _check_nesting(clean, kind)
    for p_index, rings in enumerate(clean):
        for r_index, ring in enumerate(rings):
            if shapely.Polygon(ring).area < FLAT_AREA_DEG2:
                name = _ring_name(_where(kind, p_index), r_index)
                raise ValidationError(f"{name.capitalize()} est plat : sa surface est nulle.")
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": clean[0]}
    return {"type": "MultiPolygon", "coordinates": clean}


def _where(kind: str, p_index: int) -> str:
    return f"polygone n° {p_index + 1}" if kind == "MultiPolygon" else "polygone"


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


def _crossing_of(ring) -> str:
    """ " (en 47,21000° N, 1,55000° O)": where GEOS finds that a ring crosses itself, or ""."""
    reason = shapely.is_valid_reason(shapely.Polygon(ring))
    found = re.search(r"\[(\S+) (\S+)\]", reason or "")
    return f" (en {format_point((float(found[1]), float(found[2])))})" if found else ""


def _check_no_intersection(polygons, kind: str) -> None:
    """Each ring simple, and no two rings sharing a point (found with an STR-tree, in GEOS)."""
    names, rings = [], []
    for p_index, ring_list in enumerate(polygons):
        for r_index, ring in enumerate(ring_list):
            names.append(_ring_name(_where(kind, p_index), r_index))
            rings.append(shapely.LinearRing(ring))
    for name, ring in zip(names, rings, strict=True):
        if not ring.is_simple:
            raise ValidationError(
                f"La géométrie se recoupe : {name} se croise lui-même{_crossing_of(ring.coords)}. "
                "Redessinez le contour sans croisement."
            )
    pairs = shapely.STRtree(rings).query(rings, predicate="intersects")
    touching = sorted((int(i), int(j)) for i, j in pairs.T if i < j)
    if touching:
        i, j = touching[0]
        point = shapely.get_coordinates(shapely.intersection(rings[i], rings[j]))[0]
        raise ValidationError(
            f"La géométrie se recoupe : {names[i]} touche ou croise {names[j]} (en {format_point(point)})."
        )


def _check_nesting(polygons, kind: str) -> None:
    """No ring touches another (checked above), so one vertex tells on which side a ring lies."""
    shapes = []
    for p_index, rings in enumerate(polygons):
        where = _where(kind, p_index)
        exterior, holes = rings[0], rings[1:]
        if holes:
            firsts = np.array([hole[0] for hole in holes])
            outside = np.flatnonzero(~shapely.contains_xy(shapely.Polygon(exterior), firsts[:, 0], firsts[:, 1]))
            if outside.size:
                raise ValidationError(f"Le trou n° {outside[0] + 1} du {where} est en dehors de son contour extérieur.")
        if len(holes) > 1:
            inside = shapely.STRtree([shapely.Polygon(hole) for hole in holes]).query(
                shapely.points([hole[0] for hole in holes]), predicate="intersects"
            )
            nested = sorted(int(h) for h, other in inside.T if h != other)
            if nested:
                raise ValidationError(f"Le trou n° {nested[0] + 1} du {where} est à l'intérieur d'un autre trou.")
        shapes.append(shapely.Polygon(exterior, holes))
    if len(shapes) > 1:
        # The first vertex of a polygon within another one (not in one of its holes): they overlap.
        inside = shapely.STRtree(shapes).query(
            shapely.points([rings[0][0] for rings in polygons]), predicate="intersects"
        )
        overlapping = sorted((int(p), int(o)) for p, o in inside.T if p != o)
        if overlapping:
            p_index, o_index = overlapping[0]
            raise ValidationError(
                f"Les polygones n° {p_index + 1} et n° {o_index + 1} se chevauchent : fusionnez-les ou séparez-les."
            )


def format_point(point) -> str:
    """(lon, lat) → "47,86200° N, 1,55000° O": the way a French reader writes a position."""
    lon, lat = point
    return f"{degres(lat, 'N', 'S', 5)}, {degres(lon, 'E', 'O', 5)}"


# --- Measures ------------------------------------------------------------------------------


def to_shape(geometry: dict):
    """GeoJSON → shapely geometry, exterior rings counter-clockwise and holes clockwise (what
    pyproj's areas expect)."""
    return shapely.orient_polygons(shapely.geometry.shape(geometry))


def area_m2(geometry: dict) -> float:
    """Geodesic area on the WGS 84 ellipsoid, holes removed, whatever the rings' orientation."""
    area, _ = WGS84.geometry_area_perimeter(to_shape(geometry))
    return abs(area)


def centroid(geometry: dict) -> tuple[float, float]:
    """The centre of gravity (lon, lat) in degrees: enough to place a label or measure a distance."""
    point = to_shape(geometry).centroid
    return point.x, point.y


def distance_m(a, b) -> float:
    """Geodesic distance between two (lon, lat) points on the WGS 84 ellipsoid."""
    _, _, distance = WGS84.inv(a[0], a[1], b[0], b[1])
    return distance


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
FRANCE = shapely.MultiPolygon([shapely.box(*box) for box in FRANCE_BOXES.values()])


def first_outside_france(geometry: dict) -> list[float] | None:
    """The first position outside France (mainland and overseas; their edges count as inside), or None."""
    points = shapely.get_coordinates(shapely.geometry.shape(geometry))
    outside = ~shapely.intersects_xy(FRANCE, points[:, 0], points[:, 1])
    return points[outside][0].tolist() if outside.any() else None


@lru_cache(maxsize=64)
def _around(lon: float, lat: float) -> Transformer:
    """Longitude/latitude → metres on the azimuthal equidistant plane centred there."""
    return Transformer.from_crs(
        "+proj=longlat +datum=WGS84 +no_defs", f"+proj=aeqd +lon_0={lon} +lat_0={lat} +datum=WGS84", always_xy=True
    )


def farthest_outside_m(geometry: dict, outline: dict, *, sample: int = 200) -> tuple[float, tuple]:
    """(distance, position) of the vertex of `geometry` farthest outside `outline` (0 when inside).
    At most `sample` vertices are measured: the outline is coarse anyway. The vertex is found on
    a plane centred on the outline; its distance to the outline's nearest point is geodesic."""
    points = shapely.get_coordinates(shapely.geometry.shape(geometry))
    points = points[:: max(1, len(points) // sample)]
    region = shapely.geometry.shape(outline)
    centre = region.envelope.centroid
    transformer = _around(round(centre.x, 3), round(centre.y, 3))

    def project(coordinates):
        return np.column_stack(transformer.transform(coordinates[:, 0], coordinates[:, 1]))

    plane_region = shapely.transform(region, project)
    plane_points = shapely.points(project(points))
    distances = shapely.distance(plane_region, plane_points)
    worst = int(np.argmax(distances))
    if distances[worst] == 0:
        return 0.0, tuple(points[0].tolist())
    nearest = shapely.get_coordinates(shapely.shortest_line(plane_points[worst], plane_region))[-1]
    lon, lat = transformer.transform(nearest[0], nearest[1], direction="INVERSE")
    point = tuple(points[worst].tolist())
    return distance_m(point, (lon, lat)), point


def bounds(geometry: dict) -> list[list[float]]:
    """[[south, west], [north, east]]: what Leaflet's fitBounds takes."""
    west, south, east, north = shapely.geometry.shape(geometry).bounds
    return [[south, west], [north, east]]


# --- Export --------------------------------------------------------------------------------


def feature_collection(features: list[tuple[dict, dict]]) -> dict:
    """[(geometry, properties)] → a GeoJSON FeatureCollection."""
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": geometry, "properties": props} for geometry, props in features],
    }
