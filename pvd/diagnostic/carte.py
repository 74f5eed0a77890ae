"""Geometries of the points of interest of the diagnostic's map: a GeoJSON Point, or an area
(Polygon, MultiPolygon) checked by `pvd.strategie.geo`; in WGS 84, longitude first (RFC 7946),
and in France (mainland or overseas). Every error is a French ValidationError that says how to
write the input; nothing is guessed (swapped coordinates are refused with a hint, not swapped)."""

import json
import math
import re

from django.core.exceptions import ValidationError

from pvd.core.formatting import nombre
from pvd.strategie import geo

GEOMETRY_TYPES = ("Point", *geo.POLYGON_TYPES)
# Import of a GeoJSON file of points: bounded, and said in the error.
IMPORT_MAX_FEATURES = 500
IMPORT_MAX_BYTES = 2_000_000

LONLAT_HINT = "En GeoJSON, la longitude (est-ouest) vient en premier, puis la latitude (nord-sud) : [5.333, 47.862]."


# --- One position, typed in a form -----------------------------------------------------------

_DECIMAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def parse_degrees(text: str, *, label: str, example: str) -> float:
    """ "47,862" or "47.862" → 47.862. Degrees-minutes-seconds, thousands separators and other
    writings are refused with an example, not guessed."""
    value = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not _DECIMAL.match(value):
        raise ValidationError(
            f"Écrivez la {label} en degrés décimaux, avec une virgule ou un point : par exemple {example}."
        )
    return float(value.replace(",", "."))


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


# --- A geometry ------------------------------------------------------------------------------


def validate_geometry(geometry) -> dict:
    """A Point, Polygon or MultiPolygon in France → its normalised copy. Raises ValidationError."""
    if not isinstance(geometry, dict):
        raise ValidationError("La géométrie doit être un objet GeoJSON.")
    kind = geometry.get("type")
    if kind == "Point":
        clean = point(*_position(geometry.get("coordinates")))
    elif kind in geo.POLYGON_TYPES:
        clean = geo.validate_geometry(geometry)
    else:
        shown = f"« {kind} » n'est pas accepté" if isinstance(kind, str) else "son type n'est pas reconnu"
        raise ValidationError(
            f"La géométrie doit être un point (Point) ou une zone (Polygon ou MultiPolygon) : {shown}."
        )
    outside = geo.first_outside_france(clean)
    if outside is not None:
        raise ValidationError(_outside_message(outside))
    return clean


def _position(coordinates) -> tuple[float, float]:
    if (
        not isinstance(coordinates, list | tuple)
        or len(coordinates) not in (2, 3)
        or not all(isinstance(value, int | float) and not isinstance(value, bool) for value in coordinates)
    ):
        raise ValidationError(
            f"Les coordonnées d'un point sont un couple [longitude, latitude] de nombres. {LONLAT_HINT}"
        )
    lon, lat = float(coordinates[0]), float(coordinates[1])
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValidationError("Les coordonnées du point ne sont pas des nombres finis.")
    if not (-180 <= lon <= 180) or not (-90 <= lat <= 90):
        raise ValidationError(
            f"Coordonnées hors limites : [{coordinates[0]}, {coordinates[1]}]. La longitude doit être comprise "
            f"entre -180 et 180 et la latitude entre -90 et 90. {LONLAT_HINT}"
        )
    return lon, lat


def _outside_message(position) -> str:
    lon, lat = position
    message = f"Le point {geo.format_point((lon, lat))} est hors de France (métropole et outre-mer)."
    if -90 <= lon <= 90 and geo.first_outside_france(point(lat, lon)) is None:
        message += (
            " La longitude et la latitude semblent inversées : la latitude (nord-sud) de la France métropolitaine "
            f"est entre 41 et 51, sa longitude (est-ouest) entre -5 et 10. {LONLAT_HINT}"
        )
    else:
        message += f" Vérifiez les coordonnées (WGS 84, en degrés décimaux). {LONLAT_HINT}"
    return message


# --- GeoJSON text ----------------------------------------------------------------------------


def _load(data):
    """Text, bytes or decoded GeoJSON → decoded GeoJSON (a dict)."""
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
    return data


def _feature(feature) -> tuple[dict, dict]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValidationError("Chaque objet doit être de type « Feature ».")
    if feature.get("geometry") is None:
        raise ValidationError("L'objet n'a pas de géométrie.")
    properties = feature.get("properties")
    return validate_geometry(feature["geometry"]), properties if isinstance(properties, dict) else {}


def features_from(data, *, max_features: int | None = None) -> list[tuple[dict, dict]]:
    """GeoJSON (FeatureCollection, Feature or bare geometry) → [(geometry, properties)], each
    geometry validated. The first fault stops the reading, with the number of its object."""
    data = _load(data)
    kind = data["type"]
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise ValidationError("La collection (FeatureCollection) ne contient aucun objet.")
        if max_features is not None and len(features) > max_features:
            raise ValidationError(
                f"Le fichier compte {nombre(len(features))} objets : au plus {nombre(max_features)} sont acceptés "
                "en une fois. Découpez-le en plusieurs fichiers."
            )
        result = []
        for index, feature in enumerate(features, start=1):
            try:
                result.append(_feature(feature))
            except ValidationError as error:
                raise ValidationError(f"Objet n° {index} de la collection : {' '.join(error.messages)}") from error
        return result
    if kind == "Feature":
        return [_feature(data)]
    return [(validate_geometry(data), {})]


def geometry_from_text(text) -> dict:
    """The one geometry of a GeoJSON text typed in a form (a geometry, a Feature, or a
    FeatureCollection of one object)."""
    features = features_from(text)
    if len(features) != 1:
        raise ValidationError(
            "Un point d'intérêt a une seule géométrie : ce GeoJSON contient plusieurs objets. Importez le fichier "
            "pour en créer plusieurs, ou réunissez les zones dans un MultiPolygon."
        )
    return features[0][0]


# --- What the table says of a geometry -------------------------------------------------------


def describe(geometry: dict) -> str:
    """ "47,86200° N, 5,33300° E" for a point, "zone de 1,25 ha" for an area."""
    if geometry.get("type") == "Point":
        return geo.format_point(geometry["coordinates"])
    hectares = geo.area_m2(geometry) / 10_000
    return f"Zone de {nombre(hectares, 2)} ha"
