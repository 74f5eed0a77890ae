"""Simplified outlines of the communes (`Commune.contour`), from the files users download themselves:
the platform ships none.

Accepted files:
- IGN ADMIN EXPRESS COG or COG CARTO (Licence Ouverte 2.0), layer « commune », as a GeoPackage
  (read with sqlite3: `gpkg_contents`, `gpkg_geometry_columns`, `gpkg_spatial_ref_sys`, geometry
  blobs with their GeoPackage header) or as GeoJSON (properties `INSEE_COM`/`insee_com`, `NOM`);
- the API Géo's GeoJSON (`https://geo.api.gouv.fr/communes?...&format=geojson&geometry=contour`,
  properties `code`, `nom`).

Coordinates are reprojected from the file's own system (GeoPackage: its `srs_id`; GeoJSON: its
`crs` member, else WGS 84 or Lambert-93 told apart by their ranges, else refused), so the
overseas files of ADMIN EXPRESS (UTM per territory) are read at their real place. Each outline
is simplified in metres (topology preserved), reprojected to WGS 84, rounded to 1e-5 degree
(about 1 m) and bounded to MAX_POINTS positions: the tolerance doubles until it fits, and parts
and holes smaller than the tolerance squared are dropped on the way. A malformed file changes
nothing (one transaction); unchanged outlines are not rewritten.
"""

import json
import math
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from pvd.core.formatting import nombre

from .models import Commune

# The stated limits (README). A GeoJSON file is read whole: some ten times its size in memory.
MAX_GEOJSON_BYTES = 300 * 1024 * 1024
# A GeoPackage is read row by row from the disk: ADMIN EXPRESS COG for all France is below 2 Go.
MAX_GEOPACKAGE_BYTES = 4 * 1024 * 1024 * 1024
MAX_FEATURES = 50_000  # France has some 35 000 communes
MAX_SOURCE_POSITIONS = 2_000_000  # in one feature of the file (the most detailed IGN commune has some 200 000)
TOLERANCE_M = 10  # first simplification tolerance
MAX_POINTS = 1_000  # positions stored per commune at most (closing positions included)
GRID_DEG = 1e-5  # rounding of the stored coordinates: 1.1 m in latitude, less in longitude
BATCH = 500  # communes read and written per query

CODE_KEYS = ("insee_com", "code_insee", "code")
NAME_KEYS = ("nom", "nom_m", "libelle")
CODE_RE = re.compile(r"^(\d[\dAB]\d{3})$")
SQLITE_MAGIC = b"SQLite format 3\x00"
WGS84 = CRS.from_epsg(4326)
LAMBERT93 = CRS.from_epsg(2154)

# (west, south, east, north) in degrees, with a margin: where a commune of each territory lies.
# An outline elsewhere was moved (national overview maps bring the overseas next to mainland
# France) or read in the wrong coordinate system.
TERRITORIES = {
    "971": ("Guadeloupe", (-61.9, 15.8, -60.9, 16.6)),
    "972": ("Martinique", (-61.3, 14.3, -60.7, 14.95)),
    "973": ("Guyane", (-54.7, 2.0, -51.5, 5.9)),
    "974": ("La Réunion", (55.1, -21.5, 55.9, -20.8)),
    "975": ("Saint-Pierre-et-Miquelon", (-56.5, 46.7, -56.1, 47.2)),
    "976": ("Mayotte", (44.9, -13.1, 45.4, -12.5)),
    "977": ("Saint-Barthélemy", (-63.0, 17.8, -62.7, 18.0)),
    "978": ("Saint-Martin", (-63.2, 17.9, -62.9, 18.2)),
}
MAINLAND = ("France métropolitaine", (-5.5, 41.2, 9.8, 51.3))


@dataclass
class CommuneContoursResult:
    format: str = ""  # "GeoPackage (couche commune)", "GeoJSON"
    crs: str = ""  # "EPSG:2154 (RGF93 v1 / Lambert-93)"
    features: int = 0
    updated: int = 0
    unchanged: int = 0
    without_geometry: int = 0
    loosened: int = 0  # outlines whose tolerance was loosened to fit MAX_POINTS
    unknown: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)  # "97101 (hors de Guadeloupe)"


@dataclass
class _Feature:
    index: int
    code: str
    nom: str
    geometry: object  # shapely geometry in the file's coordinates, or None


def _label(index: int, code: str = "", nom: str = "") -> str:
    """ "L'objet n° 12 (Langres, 52269)": how an error names a feature of the file."""
    named = ", ".join(part for part in (nom, code) if part)
    return f"L'objet n° {index}" + (f" ({named})" if named else "")


def _property(props: dict, keys) -> object:
    lowered = {str(key).lower(): value for key, value in props.items()}
    for key in keys:
        if lowered.get(key) not in (None, ""):
            return lowered[key]
    return None


def _code(value, index: int, nom: str) -> str:
    if value is None:
        raise ValidationError(
            f"{_label(index, nom=nom)} n'a pas de code INSEE de commune (propriété INSEE_COM, insee_com ou code) : "
            "est-ce bien la couche des communes (ADMIN EXPRESS COG « commune » ou API Géo) ?"
        )
    code = str(value).strip().upper()
    if isinstance(value, bool) or not CODE_RE.match(code):
        raise ValidationError(
            f"{_label(index, nom=nom)} a un code INSEE mal formé : « {value} ». Un code de commune compte "
            "5 caractères, zéro initial compris (01001, 2A004, 97101) : le fichier a-t-il été ouvert dans un tableur ?"
        )
    return code


# --- Coordinate systems ---------------------------------------------------------------------


def _crs_name(crs: CRS) -> str:
    authority = crs.to_authority()
    prefix = f"{authority[0]}:{authority[1]} " if authority else ""
    return f"{prefix}({crs.name})" if prefix else crs.name


def _check_crs(crs: CRS) -> CRS:
    """Degrees (any geographic system: pyproj converts the datum) or a projection in metres."""
    if crs.is_geographic:
        return crs
    units = {axis.unit_name for axis in crs.axis_info}
    if not crs.is_projected or units - {"metre"}:
        raise ValidationError(
            f"Le système de coordonnées du fichier ({_crs_name(crs)}) n'est pas en mètres ni en degrés : "
            "exportez le fichier en WGS 84 (EPSG:4326) ou en Lambert-93 (EPSG:2154)."
        )
    return crs


def _geojson_crs(data: dict, features: list) -> CRS:
    """The `crs` member (GeoJSON 2008, written by ogr2ogr and QGIS), else the coordinates' ranges:
    degrees are WGS 84, Lambert-93's ranges are Lambert-93, anything else is refused."""
    member = data.get("crs")
    if member is not None:
        name = (member.get("properties") or {}).get("name") if isinstance(member, dict) else None
        try:
            return _check_crs(CRS.from_user_input(str(name)))
        except CRSError as error:
            raise ValidationError(
                f"Le système de coordonnées du fichier (membre « crs » : {name}) est inconnu : "
                "exportez le fichier en WGS 84 (EPSG:4326) ou en Lambert-93 (EPSG:2154)."
            ) from error
    for feature in features[:50]:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        position = _first_position(geometry)
        if position is None:
            continue
        x, y = position
        if -180 <= x <= 180 and -90 <= y <= 90:
            return WGS84
        if 0 < x < 1_300_000 and 6_000_000 < y < 7_200_000:
            return LAMBERT93
        raise ValidationError(
            f"Les coordonnées du fichier ({nombre(x)} ; {nombre(y)}) ne sont ni des degrés (WGS 84) ni du "
            "Lambert-93, et le fichier ne dit pas son système (membre « crs ») : pour un département d'outre-mer, "
            "prenez le GeoPackage d'ADMIN EXPRESS, qui dit le sien, ou exportez le fichier en WGS 84 (EPSG:4326)."
        )
    return WGS84


def _first_position(geometry):
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    while isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    if (
        isinstance(coordinates, list)
        and len(coordinates) >= 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in coordinates[:2])
        and all(math.isfinite(v) for v in coordinates[:2])
    ):
        return coordinates[0], coordinates[1]
    return None


@lru_cache(maxsize=64)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(source), CRS.from_user_input(target), always_xy=True)


def _utm(lon: float, lat: float) -> str:
    zone = min(60, max(1, int((lon + 180) // 6) + 1))
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def _apply(transformer: Transformer, geometry):
    def project(coordinates):
        x, y = transformer.transform(coordinates[:, 0], coordinates[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, project)


# --- Simplification -------------------------------------------------------------------------


def _positions(geometry) -> int:
    return int(shapely.get_num_coordinates(geometry))


def _drop_small(geometry, min_area: float):
    """Parts and holes smaller than `min_area` (in the plane's square metres) removed; the largest
    part always kept."""
    parts = list(getattr(geometry, "geoms", [geometry]))
    largest = max(parts, key=lambda part: part.area)
    kept = []
    for part in parts:
        if part is not largest and part.area < min_area:
            continue
        holes = [ring for ring in part.interiors if shapely.Polygon(ring).area >= min_area]
        kept.append(shapely.Polygon(part.exterior, holes))
    return kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)


def _polygonal(geometry):
    """Only the polygons of a geometry (GEOS may return a collection with lines after repair)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = [part for part in getattr(geometry, "geoms", []) if part.geom_type in ("Polygon", "MultiPolygon")]
    flat = []
    for polygon in polygons:
        flat.extend(getattr(polygon, "geoms", [polygon]))
    return shapely.MultiPolygon(flat) if flat else shapely.Polygon()


def simplified_outline(geometry, *, to_wgs84: Transformer) -> tuple[dict | None, bool]:
    """A polygon in metres → (GeoJSON geometry in WGS 84, whether the tolerance was loosened), at
    most MAX_POINTS positions; None when nothing is left (a flat shape)."""
    tolerance = TOLERANCE_M
    while True:
        simple = shapely.simplify(geometry, tolerance, preserve_topology=True)
        if tolerance > TOLERANCE_M:
            simple = _drop_small(simple, tolerance * tolerance)
        if _positions(simple) > MAX_POINTS:  # rounding will not save that many: loosen at once
            tolerance *= 2
            continue
        degrees = _polygonal(shapely.set_precision(_apply(to_wgs84, simple), GRID_DEG))
        if degrees.is_empty:
            return None, tolerance > TOLERANCE_M
        if _positions(degrees) <= MAX_POINTS:
            return _to_geojson(shapely.orient_polygons(degrees)), tolerance > TOLERANCE_M
        tolerance *= 2


def _ring(ring) -> list[list[float]]:
    return [[round(x, 5), round(y, 5)] for x, y in np.asarray(ring.coords)[:, :2].tolist()]


def _to_geojson(geometry) -> dict:
    polygons = [
        [_ring(polygon.exterior), *(_ring(hole) for hole in polygon.interiors)]
        for polygon in getattr(geometry, "geoms", [geometry])
    ]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _place(code: str, geometry: dict) -> str | None:
    """Where the outline of the commune `code` should be and is not, or None when it is there."""
    name, box = TERRITORIES.get(code[:3], MAINLAND)
    west, south, east, north = box
    x, y = shapely.geometry.shape(geometry).representative_point().coords[0]
    return None if west <= x <= east and south <= y <= north else name


# --- Readers --------------------------------------------------------------------------------


def _read_geojson(path: Path, result: CommuneContoursResult) -> tuple[CRS, Iterator[_Feature]]:
    size = path.stat().st_size
    if size > MAX_GEOJSON_BYTES:
        raise ValidationError(
            f"Le fichier GeoJSON pèse {nombre(round(size / 1024 / 1024))} Mo, plus que la limite de "
            f"{nombre(MAX_GEOJSON_BYTES // 1024 // 1024)} Mo : prenez le GeoPackage d'ADMIN EXPRESS (lu sans limite "
            "de mémoire) ou un fichier par département."
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ValidationError("Le fichier n'est ni un GeoPackage ni un texte UTF-8 (GeoJSON).") from error
    except ValueError as error:
        raise ValidationError(
            "Le fichier n'est pas du GeoJSON lisible : le JSON est illisible "
            f"(ligne {getattr(error, 'lineno', '?')}, colonne {getattr(error, 'colno', '?')})."
        ) from error
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ValidationError("Le fichier doit être une collection GeoJSON (FeatureCollection) de communes.")
    _check_count(len(features))
    result.format = "GeoJSON"
    crs = _geojson_crs(data, features)

    def features_of():
        for index, feature in enumerate(features, start=1):
            if not isinstance(feature, dict):
                raise ValidationError(f"{_label(index)} n'est pas un objet GeoJSON (Feature).")
            props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
            nom = str(_property(props, NAME_KEYS) or "")[:100]
            code = _code(_property(props, CODE_KEYS), index, nom)
            geometry = feature.get("geometry")
            yield _Feature(index, code, nom, None if geometry is None else _geojson_shape(geometry, index, code, nom))

    return crs, features_of()


def _geojson_shape(geometry, index: int, code: str, nom: str):
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValidationError(
            f"{_label(index, code, nom)} n'a pas de polygone (Polygon ou MultiPolygon) : "
            f"sa géométrie est de type « {kind if isinstance(kind, str) else '?'} »."
        )
    try:
        shape = shapely.geometry.shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError, KeyError, shapely.errors.GEOSException) as error:
        raise ValidationError(
            f"{_label(index, code, nom)} a une géométrie illisible : chaque contour est une liste fermée d'au moins "
            "4 positions [x, y] numériques."
        ) from error
    return shape


def _check_count(count: int) -> None:
    if count > MAX_FEATURES:
        raise ValidationError(
            f"Le fichier compte {nombre(count)} objets, plus que la limite de {nombre(MAX_FEATURES)} "
            "(la France compte quelque 35 000 communes) : est-ce bien la couche des communes ?"
        )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_geopackage(path: Path, result: CommuneContoursResult, layer: str | None) -> tuple[CRS, Iterator[_Feature]]:
    size = path.stat().st_size
    if size > MAX_GEOPACKAGE_BYTES:
        raise ValidationError(
            f"Le GeoPackage pèse {nombre(round(size / 1024 / 1024))} Mo, plus que la limite de "
            f"{nombre(MAX_GEOPACKAGE_BYTES // 1024 // 1024)} Mo."
        )
    # Read-only and immutable: the user's file is never written (no journal, no lock).
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return _geopackage_layer(connection, result, layer)
    except BaseException:
        connection.close()
        raise


def _geopackage_layer(connection, result: CommuneContoursResult, layer: str | None):
    """The layer's coordinate system and its features, read row by row (the connection is closed
    when they are all read)."""
    try:
        tables = connection.execute(
            "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c "
            "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features'"
        ).fetchall()
    except sqlite3.DatabaseError as error:
        raise ValidationError(
            "Le fichier n'est pas un GeoPackage lisible (tables gpkg_contents et gpkg_geometry_columns attendues)."
        ) from error
    names = sorted(name for name, _, _ in tables)
    wanted = [t for t in tables if t[0].lower() == (layer or "commune").lower()]
    if not wanted and layer is None and len(tables) == 1:
        wanted = tables
    if not wanted:
        raise ValidationError(
            f"Le GeoPackage n'a pas de couche « {layer or 'commune'} » (couches : {', '.join(names) or 'aucune'}) : "
            "indiquez la couche des communes avec --couche."
        )
    table, column, srs_id = wanted[0]
    crs = _geopackage_crs(connection, srs_id)
    columns = [row[1] for row in connection.execute(f"PRAGMA table_info({_quote(table)})")]
    lowered = {name.lower(): name for name in columns}
    code_column = next((lowered[key] for key in CODE_KEYS if key in lowered), None)
    if code_column is None:
        raise ValidationError(
            f"La couche « {table} » n'a pas de colonne de code INSEE (insee_com ou code) : colonnes "
            f"{', '.join(columns)}."
        )
    name_column = next((lowered[key] for key in NAME_KEYS if key in lowered), None)
    # The table and column names come from the file's own gpkg_contents and are quoted.
    count = connection.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]  # noqa: S608
    _check_count(count)
    result.format = f"GeoPackage (couche « {table} »)"
    select = ", ".join(_quote(c) for c in (code_column, name_column or code_column, column))

    def features_of():
        try:
            rows = connection.execute(f"SELECT {select} FROM {_quote(table)} ORDER BY rowid")  # noqa: S608
            for index, (code_value, nom, blob) in enumerate(rows, start=1):
                nom = str(nom or "")[:100] if name_column else ""
                code = _code(code_value, index, nom)
                yield _Feature(index, code, nom, _geopackage_shape(blob, index, code, nom))
        except sqlite3.DatabaseError as error:
            raise ValidationError(f"Le GeoPackage est endommagé : {error}.") from error
        finally:
            connection.close()

    return crs, features_of()


def _geopackage_crs(connection, srs_id: int) -> CRS:
    row = connection.execute(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
        (srs_id,),
    ).fetchone()
    if row is None or srs_id in (0, -1):
        raise ValidationError(
            f"Le GeoPackage ne dit pas le système de coordonnées de la couche (srs_id {srs_id} non défini)."
        )
    organization, number, definition = row
    try:
        if str(organization).upper() == "EPSG":
            return _check_crs(CRS.from_epsg(int(number)))
        return _check_crs(CRS.from_wkt(definition))
    except CRSError as error:
        raise ValidationError(
            f"Le système de coordonnées du GeoPackage ({organization} {number}) est inconnu."
        ) from error


ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def geopackage_wkb(blob) -> bytes | None:
    """The WKB of a GeoPackage geometry blob (after its header: magic "GP", version, flags, srs_id,
    envelope), or None for an empty geometry. Raises ValueError for a blob that is not one."""
    if not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("no GeoPackage header")
    flags = blob[3]
    if flags & 0b0010_0000:
        raise ValueError("extended geometry")
    envelope = (flags >> 1) & 0b111
    if envelope not in ENVELOPE_BYTES:
        raise ValueError("bad envelope")
    if flags & 0b0001_0000:
        return None
    start = 8 + ENVELOPE_BYTES[envelope]
    if len(blob) <= start:
        raise ValueError("truncated")
    # Bytes 4-8 hold the srs_id (byte order: flags bit 0): the layer's own is authoritative.
    return blob[start:]


def _geopackage_shape(blob, index: int, code: str, nom: str):
    if blob is None:
        return None
    try:
        wkb = geopackage_wkb(blob)
        if wkb is None:
            return None
        shape = shapely.from_wkb(wkb)
    except (ValueError, TypeError, shapely.errors.GEOSException) as error:
        raise ValidationError(
            f"{_label(index, code, nom)} a une géométrie illisible (en-tête GeoPackage ou WKB invalide)."
        ) from error
    if shape.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValidationError(
            f"{_label(index, code, nom)} n'a pas de polygone : sa géométrie est de type « {shape.geom_type} »."
        )
    return shape


# --- Import ---------------------------------------------------------------------------------


def _prepare(feature: _Feature, crs: CRS):
    """The feature's geometry → (outline in WGS 84 as GeoJSON, loosened). Raises ValidationError."""
    geometry = feature.geometry
    label = _label(feature.index, feature.code, feature.nom)
    for part in getattr(geometry, "geoms", [geometry]):
        if any(len(ring.coords) < 4 for ring in (part.exterior, *part.interiors)):
            raise ValidationError(f"{label} a un contour de moins de 4 positions (3 points et le retour au départ).")
    coordinates = shapely.get_coordinates(geometry)
    if len(coordinates) > MAX_SOURCE_POSITIONS:
        raise ValidationError(
            f"{label} compte {nombre(len(coordinates))} positions, plus que la limite de "
            f"{nombre(MAX_SOURCE_POSITIONS)} par commune."
        )
    if not np.isfinite(coordinates).all():
        raise ValidationError(f"{label} a une position qui n'est pas un nombre fini.")
    source = crs.to_wkt()
    if crs.is_geographic:
        west, south, east, north = geometry.bounds
        if not (west >= -180 and east <= 180 and south >= -90 and north <= 90):
            raise ValidationError(
                f"{label} a des coordonnées hors des limites des degrés (longitude entre -180 et 180, latitude "
                "entre -90 et 90) : le système de coordonnées du fichier n'est pas celui annoncé."
            )
        plane = _utm((west + east) / 2, (south + north) / 2)
        metres = _apply(_transformer(source, plane), geometry)
    else:
        plane = source
        metres = geometry
    if not np.isfinite(shapely.get_coordinates(metres)).all():
        raise ValidationError(f"{label} a des coordonnées hors du domaine du système de coordonnées du fichier.")
    if not metres.is_valid:  # a ring that touches itself: repaired, as GIS software does
        metres = _polygonal(shapely.make_valid(metres))
    outline, loosened = simplified_outline(metres, to_wgs84=_transformer(plane, "EPSG:4326"))
    if outline is None:
        raise ValidationError(f"{label} a un contour plat : sa surface est nulle.")
    return outline, loosened


@transaction.atomic
def commune_contours_import(*, path: Path, layer: str | None = None) -> CommuneContoursResult:
    """Store the simplified outline of every known commune of the file; idempotent (an unchanged
    outline is not rewritten). A malformed file changes nothing: ValidationError naming the feature.
    Two queries per BATCH communes (read, then bulk update)."""
    path = Path(path)
    result = CommuneContoursResult()
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise ValidationError(f"Impossible de lire le fichier : {error.strerror or error}.") from error
    if head == SQLITE_MAGIC:
        crs, features = _read_geopackage(path, result, layer)
    else:
        crs, features = _read_geojson(path, result)
    result.crs = _crs_name(crs)
    seen: dict[str, int] = {}
    batch: dict[str, dict] = {}
    placed = 0
    try:
        for feature in features:
            result.features += 1
            if feature.code in seen:
                raise ValidationError(
                    f"{_label(feature.index, feature.code, feature.nom)} : le code {feature.code} figure déjà à "
                    f"l'objet n° {seen[feature.code]}. Un fichier de communes a un objet par commune (une commune "
                    "en plusieurs morceaux est un MultiPolygon)."
                )
            seen[feature.code] = feature.index
            if feature.geometry is None or feature.geometry.is_empty:
                result.without_geometry += 1
                continue
            outline, loosened = _prepare(feature, crs)
            elsewhere = _place(feature.code, outline)
            if elsewhere:
                result.misplaced.append(f"{feature.code} (hors de {elsewhere})")
                continue
            placed += 1
            result.loosened += loosened
            batch[feature.code] = outline
            if len(batch) >= BATCH:
                _write(batch, result)
                batch = {}
        _write(batch, result)
    finally:
        features.close()  # a GeoPackage's connection, when a feature was refused half-way
    if result.misplaced and not placed:
        raise ValidationError(
            f"Aucun contour n'est à l'emplacement de sa commune ({result.misplaced[0]}…) : le système de coordonnées "
            "du fichier n'est pas celui annoncé, ou le fichier déplace les territoires (carte de synthèse)."
        )
    return result


def _write(outlines: dict[str, dict], result: CommuneContoursResult) -> None:
    if not outlines:
        return
    known = Commune.objects.only("code", "contour").in_bulk(list(outlines))
    result.unknown.extend(sorted(code for code in outlines if code not in known))
    changed = []
    for code, commune in known.items():
        if commune.contour == outlines[code]:
            result.unchanged += 1
        else:
            commune.contour = outlines[code]
            changed.append(commune)
    Commune.objects.bulk_update(changed, ["contour"], batch_size=BATCH)
    result.updated += len(changed)
