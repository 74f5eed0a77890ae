"""`import_contours_communes`: the outlines of the communes from small hand-made files in the formats
users download (ADMIN EXPRESS COG as GeoJSON in WGS 84 or Lambert-93 and as GeoPackage, API Géo
GeoJSON), simplified, bounded, stored once; broken files change nothing."""

import io
import json
import math
import sqlite3
import struct
from pathlib import Path

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyproj import CRS, Geod, Transformer

from pvd.territoires import contours_communes
from pvd.territoires.models import Commune
from pvd.territoires.tests.factories import CommuneFactory

from .conftest import SHARED_DIR

LANGRES = (5.333, 47.862)
ABYMES = (-61.50, 16.27)  # Les Abymes, Guadeloupe
GEOD = Geod(ellps="WGS84")


def circle(lon, lat, radius_m, points=2_000, spikes=0, spike_m=0.0):
    """A ring of `points` positions around (lon, lat) in WGS 84, `radius_m` metres wide, with
    `spikes` teeth of `spike_m` metres when asked (a jagged outline)."""
    angles = np.linspace(0, 2 * math.pi, points, endpoint=False)
    radius = radius_m + (spike_m * (np.arange(points) % 2) if spikes else 0)
    to_wgs = Transformer.from_crs(f"+proj=aeqd +lon_0={lon} +lat_0={lat} +datum=WGS84", "EPSG:4326", always_xy=True)
    x, y = to_wgs.transform(radius * np.cos(angles), radius * np.sin(angles))
    ring = np.column_stack([x, y]).tolist()
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def islet(lon, lat, half_m):
    """A square of 2 × half_m metres around (lon, lat), as polygon coordinates."""
    dlat, dlon = half_m / 111_320, half_m / (111_320 * math.cos(math.radians(lat)))
    ring = [[lon - dlon, lat - dlat], [lon + dlon, lat - dlat], [lon + dlon, lat + dlat], [lon - dlon, lat + dlat]]
    return [[*ring, ring[0]]]


def project(geometry: dict, epsg: int) -> dict:
    transformer = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    shape = shapely.transform(
        shapely.geometry.shape(geometry), lambda c: np.column_stack(transformer.transform(c[:, 0], c[:, 1]))
    )
    return json.loads(shapely.to_geojson(shape))


def write_geojson(tmp_path, features, *, crs=None, name="communes.geojson"):
    data = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def admin_express(code, nom, geometry):
    return {
        "type": "Feature",
        "properties": {"ID": "COMMUNE_0000", "NOM": nom, "INSEE_COM": code},
        "geometry": geometry,
    }


def api_geo(code, nom, geometry):
    return {
        "type": "Feature",
        "properties": {"code": code, "nom": nom, "codeDepartement": str(code)[:2]},
        "geometry": geometry,
    }


def gpkg_blob(geometry: dict, srs_id: int, *, envelope=True, big_endian=False) -> bytes:
    """A GeoPackage geometry: "GP", version 0, flags (byte order, envelope xy), srs_id, envelope, WKB."""
    shape = shapely.geometry.shape(geometry)
    order = ">" if big_endian else "<"
    flags = (0 if big_endian else 1) | ((1 if envelope else 0) << 1)
    header = b"GP" + bytes([0, flags]) + struct.pack(f"{order}i", srs_id)
    if envelope:
        minx, miny, maxx, maxy = shape.bounds
        header += struct.pack(f"{order}4d", minx, maxx, miny, maxy)
    return header + shapely.to_wkb(shape, byte_order=0 if big_endian else 1)


def write_geopackage(path: Path, rows, *, srs_id=2154, layer="commune", envelope=True, big_endian=False):
    """A GeoPackage as ADMIN EXPRESS ships it (the tables read by the import), with an `epci` layer
    beside the `commune` one. rows: [(code, nom, geometry in the layer's coordinates)]."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        PRAGMA application_id = 1196444487;
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
          organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
          description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT,
          description TEXT DEFAULT '', last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE,
          max_y DOUBLE, srs_id INTEGER);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
          geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL);
        CREATE TABLE epci (fid INTEGER PRIMARY KEY, geom MULTIPOLYGON, code_siren TEXT, nom TEXT);
        """
    )
    db.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, 'EPSG', ?, ?, '')",
        (CRS.from_epsg(srs_id).name, srs_id, srs_id, CRS.from_epsg(srs_id).to_wkt()),
    )
    db.execute(f"CREATE TABLE {layer} (fid INTEGER PRIMARY KEY, geometrie MULTIPOLYGON, nom TEXT, insee_com TEXT)")
    for table, column in ((layer, "geometrie"), ("epci", "geom")):
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES (?, 'features', ?)", (table, srs_id)
        )
        db.execute("INSERT INTO gpkg_geometry_columns VALUES (?, ?, 'MULTIPOLYGON', ?, 0, 0)", (table, column, srs_id))
    for code, nom, geometry in rows:
        blob = None if geometry is None else gpkg_blob(geometry, srs_id, envelope=envelope, big_endian=big_endian)
        db.execute(f"INSERT INTO {layer} (geometrie, nom, insee_com) VALUES (?, ?, ?)", (blob, nom, code))  # noqa: S608
    db.commit()
    db.close()
    return path


def run(path, *args):
    out = io.StringIO()
    call_command("import_contours_communes", str(path), *args, stdout=out)
    return out.getvalue()


def positions(geometry: dict) -> list:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [position for polygon in polygons for ring in polygon for position in ring]


def area_m2(geometry: dict) -> float:
    return abs(GEOD.geometry_area_perimeter(shapely.geometry.shape(geometry))[0])


def hausdorff_m(a: dict, b: dict, lon, lat) -> float:
    """The Hausdorff distance of two WGS 84 shapes, in metres, on a plane centred on (lon, lat)."""
    to_plane = Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lon_0={lon} +lat_0={lat} +datum=WGS84", always_xy=True)

    def plane(geometry):
        return shapely.transform(
            shapely.geometry.shape(geometry), lambda c: np.column_stack(to_plane.transform(c[:, 0], c[:, 1]))
        )

    return shapely.hausdorff_distance(plane(a), plane(b))


@pytest.fixture
def langres(db):
    return CommuneFactory(code="52269", nom="Langres")


def test_an_admin_express_geojson_in_wgs84_is_stored_simplified_rounded_and_closed(langres, tmp_path):
    source = circle(*LANGRES, 2_000, points=5_000)
    report = run(write_geojson(tmp_path, [admin_express("52269", "Langres", source)]))
    assert "Contours enregistrés : 1 (inchangés : 0)" in report
    assert "coordonnées en EPSG:4326 (WGS 84)" in report
    outline = Commune.objects.get(pk="52269").contour
    assert outline["type"] == "Polygon"
    ring = outline["coordinates"][0]
    assert ring[0] == ring[-1]
    # 5 000 positions on a 2 km circle, 10 m tolerance: a few dozen remain.
    assert 20 < len(ring) < 100
    # Rounded to 1e-5 degree (some 1 m).
    assert all(round(value, 5) == value for position in ring for value in position)
    # Exterior ring counter-clockwise (RFC 7946).
    assert shapely.LinearRing(ring).is_ccw
    # Within the tolerance (10 m) and the rounding (1 m) of the original, same area to 1 %.
    assert hausdorff_m(outline, source, *LANGRES) < 12
    assert area_m2(outline) == pytest.approx(area_m2(source), rel=0.01)


def test_lambert93_with_its_crs_member_lands_where_the_wgs84_outline_does(langres, tmp_path):
    source = circle(*LANGRES, 1_500, points=800)
    lambert = write_geojson(
        tmp_path, [admin_express("52269", "Langres", project(source, 2154))], crs="urn:ogc:def:crs:EPSG::2154"
    )
    report = run(lambert)
    assert "coordonnées en EPSG:2154 (RGF93 v1 / Lambert-93)" in report
    outline = Commune.objects.get(pk="52269").contour
    assert hausdorff_m(outline, source, *LANGRES) < 12


def test_lambert93_without_crs_member_is_told_by_its_ranges(langres, tmp_path):
    source = circle(*LANGRES, 1_500, points=800)
    report = run(write_geojson(tmp_path, [admin_express("52269", "Langres", project(source, 2154))]))
    assert "EPSG:2154" in report
    assert hausdorff_m(Commune.objects.get(pk="52269").contour, source, *LANGRES) < 12


def test_an_api_geo_file_is_read(langres, tmp_path):
    source = circle(*LANGRES, 1_000, points=300)
    report = run(write_geojson(tmp_path, [api_geo("52269", "Langres", source)]))
    assert "Contours enregistrés : 1 " in report
    assert hausdorff_m(Commune.objects.get(pk="52269").contour, source, *LANGRES) < 12


@pytest.mark.parametrize("envelope, big_endian", [(True, False), (False, True)])
def test_an_admin_express_geopackage_in_lambert93_is_read(langres, tmp_path, envelope, big_endian):
    source = circle(*LANGRES, 1_500, points=800)
    path = write_geopackage(
        tmp_path / "ADMIN-EXPRESS-COG.gpkg",
        [("52269", "Langres", project(source, 2154))],
        envelope=envelope,
        big_endian=big_endian,
    )
    report = run(path)
    assert "Fichier : GeoPackage (couche « commune »), coordonnées en EPSG:2154" in report
    assert hausdorff_m(Commune.objects.get(pk="52269").contour, source, *LANGRES) < 12


def test_an_overseas_geopackage_is_reprojected_from_its_own_system(db, tmp_path):
    CommuneFactory(code="97101", nom="Les Abymes")
    source = circle(*ABYMES, 3_000, points=600)
    # ADMIN EXPRESS ships Guadeloupe in RGAF09 / UTM zone 20N (EPSG:5490).
    path = write_geopackage(tmp_path / "GLP.gpkg", [("97101", "Les Abymes", project(source, 5490))], srs_id=5490)
    report = run(path)
    assert "EPSG:5490" in report and "Contours enregistrés : 1 " in report
    assert hausdorff_m(Commune.objects.get(pk="97101").contour, source, *ABYMES) < 12


def test_an_overseas_geojson_in_utm_without_its_system_is_refused(db, tmp_path):
    CommuneFactory(code="97101", nom="Les Abymes")
    path = write_geojson(tmp_path, [admin_express("97101", "Les Abymes", project(circle(*ABYMES, 3_000), 5490))])
    with pytest.raises(CommandError, match="ni des degrés \\(WGS 84\\) ni du Lambert-93"):
        run(path)
    assert Commune.objects.get(pk="97101").contour is None


def test_the_layer_of_another_name_is_chosen_with_couche(langres, tmp_path):
    path = write_geopackage(
        tmp_path / "c.gpkg", [("52269", "Langres", project(circle(*LANGRES, 900), 2154))], layer="communes_2026"
    )
    with pytest.raises(CommandError, match="pas de couche « commune » \\(couches : communes_2026, epci\\)"):
        run(path)
    assert "Contours enregistrés : 1 " in run(path, "--couche", "communes_2026")


def test_every_outline_is_bounded(db, tmp_path):
    CommuneFactory(code="52269", nom="Langres")
    CommuneFactory(code="29021", nom="Île-de-Bréhat")
    # 6 000 positions with teeth of 300 m: the tolerance must be loosened to fit the bound.
    jagged = circle(*LANGRES, 5_000, points=6_000, spikes=True, spike_m=300)
    # 600 square islets of 5 positions each, 40 to 640 m wide: too many for the bound, the small ones go.
    islets = {
        "type": "MultiPolygon",
        "coordinates": [islet(-3.2 + (i % 30) * 0.01, 48.7 + (i // 30) * 0.01, 20 + i % 100 * 3) for i in range(600)],
    }
    report = run(
        write_geojson(tmp_path, [admin_express("52269", "Langres", jagged), admin_express("29021", "Bréhat", islets)])
    )
    assert (
        "au plus 1\u00a0000 points par commune ; tolérance élargie pour 2 communes afin de tenir cette borne" in report
    )
    for code in ("52269", "29021"):
        outline = Commune.objects.get(pk=code).contour
        assert 4 <= len(positions(outline)) <= contours_communes.MAX_POINTS
        assert shapely.geometry.shape(outline).is_valid
    # The largest islets are kept.
    assert Commune.objects.get(pk="29021").contour["type"] == "MultiPolygon"


def test_a_second_import_rewrites_nothing_in_the_same_number_of_queries(db, tmp_path):
    def file_of(count):
        communes = [CommuneFactory(code=f"{50 + count % 7}{n:03d}", nom=f"Commune {n}") for n in range(count)]
        return write_geojson(
            tmp_path,
            [
                admin_express(c.code, c.nom, circle(5.0 + n * 0.05, 47.8, 800, points=200))
                for n, c in enumerate(communes)
            ],
            name=f"{count}.geojson",
        )

    small, large = file_of(2), file_of(40)
    Commune.objects.all().update(contour=None)
    counts = []
    for path in (small, large):
        with CaptureQueriesContext(connection) as queries:
            run(path)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]  # read and bulk update per batch: not one query per commune
    stored = dict(Commune.objects.values_list("code", "contour"))
    report = run(large)
    assert "Contours enregistrés : 0 (inchangés : 40)" in report
    assert dict(Commune.objects.values_list("code", "contour")) == stored


def test_unknown_codes_and_features_without_geometry_are_reported(langres, tmp_path):
    report = run(
        write_geojson(
            tmp_path,
            [
                admin_express("52269", "Langres", circle(*LANGRES, 900)),
                admin_express("52999", "Disparue", circle(5.2, 47.9, 900)),
                api_geo("52001", "Sans contour", None),
            ],
        )
    )
    assert "Contours enregistrés : 1 (inchangés : 0)" in report
    assert "Objets sans géométrie ignorés : 1" in report
    assert (
        "Codes INSEE inconnus de la plateforme (1, communes fusionnées ou d'un autre millésime du COG) : 52999"
        in report
    )


def test_outlines_away_from_their_territory_are_skipped_and_a_file_of_only_those_refused(db, tmp_path):
    CommuneFactory(code="52269", nom="Langres")
    CommuneFactory(code="97101", nom="Les Abymes")
    moved = admin_express("97101", "Les Abymes", circle(-4.0, 44.0, 3_000))  # drawn next to mainland France
    report = run(write_geojson(tmp_path, [admin_express("52269", "Langres", circle(*LANGRES, 900)), moved]))
    assert (
        "Contours ignorés car hors du territoire de leur commune (1, carte qui déplace l'outre-mer ?) : "
        "97101 (hors de Guadeloupe)" in report
    )
    assert Commune.objects.get(pk="97101").contour is None
    with pytest.raises(CommandError, match="Aucun contour n'est à l'emplacement de sa commune"):
        run(write_geojson(tmp_path, [moved], name="moved.geojson"))


GOOD = admin_express("52269", "Langres", circle(*LANGRES, 900))


def _bad_geopackage_blob(tmp_path):
    path = write_geopackage(tmp_path / "bad.gpkg", [("52269", "Langres", project(circle(*LANGRES, 900), 2154))])
    db = sqlite3.connect(path)
    db.execute("UPDATE commune SET geometrie = X'4750000142'")  # "GP", then a truncated header
    db.commit()
    db.close()
    return path


BROKEN = {
    "not json": (
        lambda tmp: _text(tmp, '{"type": "FeatureCollection", "features": [}'),
        "JSON est illisible \\(ligne 1, colonne 44\\)",
    ),
    "not a collection": (lambda tmp: _text(tmp, '{"type": "Feature"}'), "collection GeoJSON \\(FeatureCollection\\)"),
    "no code": (
        lambda tmp: write_geojson(
            tmp, [GOOD, {"type": "Feature", "properties": {"NOM": "Chaumont"}, "geometry": circle(5.1, 48.1, 900)}]
        ),
        "L'objet n° 2 \\(Chaumont\\) n'a pas de code INSEE de commune",
    ),
    "code read by a spreadsheet": (
        lambda tmp: write_geojson(tmp, [GOOD, api_geo(1001, "L'Abergement-Clémenciat", circle(4.9, 46.1, 900))]),
        "L'objet n° 2 \\(L'Abergement-Clémenciat\\) a un code INSEE mal formé : « 1001 »",
    ),
    "a point": (
        lambda tmp: write_geojson(
            tmp, [GOOD, api_geo("52121", "Chaumont", {"type": "Point", "coordinates": [5.1, 48.1]})]
        ),
        "L'objet n° 2 \\(Chaumont, 52121\\) n'a pas de polygone .* « Point »",
    ),
    "a ring of three positions": (
        lambda tmp: write_geojson(
            tmp,
            [GOOD, api_geo("52121", "Chaumont", {"type": "Polygon", "coordinates": [[[5, 48], [5.1, 48], [5, 48]]]})],
        ),
        "L'objet n° 2 \\(Chaumont, 52121\\) a un contour plat",
    ),
    "text coordinates": (
        lambda tmp: write_geojson(
            tmp,
            [
                GOOD,
                api_geo(
                    "52121",
                    "Chaumont",
                    {"type": "Polygon", "coordinates": [[["a", "b"], [5.1, 48], [5, 48.1], ["a", "b"]]]},
                ),
            ],
        ),
        "L'objet n° 2 \\(Chaumont, 52121\\) a une géométrie illisible",
    ),
    "not a number": (
        lambda tmp: write_geojson(
            tmp,
            [
                GOOD,
                api_geo(
                    "52121",
                    "Chaumont",
                    {"type": "Polygon", "coordinates": [[[math.nan, 48], [5.1, 48], [5, 48.1], [math.nan, 48]]]},
                ),
            ],
        ),
        "L'objet n° 2 \\(Chaumont, 52121\\) a une géométrie illisible",
    ),
    "twice the same code": (lambda tmp: write_geojson(tmp, [GOOD, GOOD]), "le code 52269 figure déjà à l'objet n° 1"),
    "not a geopackage": (
        lambda tmp: _bytes(tmp, b"SQLite format 3\x00" + b"\x00" * 200),
        "n'est pas un GeoPackage lisible",
    ),
    "a broken geometry blob": (
        _bad_geopackage_blob,
        "L'objet n° 1 \\(Langres, 52269\\) a une géométrie illisible \\(en-tête GeoPackage",
    ),
    "binary": (lambda tmp: _bytes(tmp, b"\xff\xfe\x00PK\x03\x04"), "ni un GeoPackage ni un texte UTF-8"),
}


def _text(tmp_path, text):
    path = tmp_path / "f.geojson"
    path.write_text(text, encoding="utf-8")
    return path


def _bytes(tmp_path, data):
    path = tmp_path / "f.gpkg"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_file_is_refused_naming_the_feature_and_changes_nothing(db, tmp_path, case):
    CommuneFactory(
        code="52269", nom="Langres", contour={"type": "Polygon", "coordinates": [[[5, 47], [6, 47], [5, 48], [5, 47]]]}
    )
    CommuneFactory(code="52121", nom="Chaumont")
    before = dict(Commune.objects.values_list("code", "contour"))
    make, message = BROKEN[case]
    with pytest.raises(CommandError, match=message) as error:
        run(make(tmp_path))
    assert str(error.value).endswith("Aucune modification.")
    assert dict(Commune.objects.values_list("code", "contour")) == before


def test_the_epci_file_of_the_anct_is_refused_as_not_communes(db):
    """The ANCT's EPCI outlines (../shared/data/geo), read for what they are: not a commune layer."""
    epci_file = SHARED_DIR / "data" / "geo" / "anct_fr-drom-4326-pur-style1-epci.geojson"
    if not epci_file.exists():
        pytest.skip("../shared/data/geo absent")
    with pytest.raises(CommandError, match="n'a pas de code INSEE de commune .* est-ce bien la couche des communes"):
        run(epci_file)


def test_the_limits_are_stated(langres, tmp_path, monkeypatch):
    path = write_geojson(tmp_path, [GOOD, api_geo("52121", "Chaumont", circle(5.1, 48.1, 900))])
    monkeypatch.setattr(contours_communes, "MAX_FEATURES", 1)
    with pytest.raises(CommandError, match="compte 2 objets, plus que la limite de 1 "):
        run(path)
    monkeypatch.setattr(contours_communes, "MAX_GEOJSON_BYTES", 100)
    with pytest.raises(CommandError, match="plus que la limite de 0 Mo : prenez le GeoPackage"):
        run(path)
    monkeypatch.setattr(contours_communes, "MAX_GEOJSON_BYTES", 10**9)
    monkeypatch.setattr(contours_communes, "MAX_FEATURES", 10)
    monkeypatch.setattr(contours_communes, "MAX_SOURCE_POSITIONS", 10)
    with pytest.raises(
        CommandError, match=r"L'objet n° 1 \(Langres, 52269\) compte [\d\xa0]+ positions, plus que la limite de 10"
    ):
        run(path)
    assert Commune.objects.get(pk="52269").contour is None


def test_a_missing_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="n'existe pas"):
        run(tmp_path / "absent.gpkg")
