import json
import math

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pvd.strategie import geo

from .factories import square

R = geo.EARTH_RADIUS_M


def test_valid_polygon_is_normalised():
    geometry = {
        "type": "Polygon",
        "coordinates": [[[5, 47], [5.01, 47], [5.01, 47], [5.01, 47.01], [5, 47.01], [5, 47]]],
    }
    clean = geo.validate_geometry(geometry)
    assert clean["coordinates"][0] == [[5.0, 47.0], [5.01, 47.0], [5.01, 47.01], [5.0, 47.01], [5.0, 47.0]]


def test_valid_polygon_with_hole_and_multipolygon():
    outer = square(size=0.01)["coordinates"][0]
    hole = square(5.336, 47.865, 0.002)["coordinates"][0]
    assert geo.validate_geometry({"type": "Polygon", "coordinates": [outer, hole]})
    multi = {"type": "MultiPolygon", "coordinates": [square()["coordinates"], square(5.34)["coordinates"]]}
    assert geo.validate_geometry(multi)["type"] == "MultiPolygon"


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        # A bowtie: the ring crosses itself.
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "se croise lui-même"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "n'est pas fermé"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "au moins 4 positions"),
        ({"type": "Polygon", "coordinates": [[[47.8, 5.3], [200, 5.3], [200, 95], [47.8, 5.3]]]}, "hors limites"),
        # A flat ring folds back on itself.
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]}, "se croise lui-même"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1e-8, 0], [1e-8, 1e-8], [0, 0]]]}, "plat"),
        ({"type": "Polygon", "coordinates": [[["a", 0], [1, 0], [1, 1], ["a", 0]]]}, "couple [longitude, latitude]"),
        ({"type": "Point", "coordinates": [5.3, 47.8]}, "« Point » n'est pas accepté"),
        ({"type": "LineString", "coordinates": [[5.3, 47.8], [5.4, 47.9]]}, "« LineString » n'est pas accepté"),
        (
            {"type": "Polygon", "coordinates": [square(size=0.001)["coordinates"][0], square(5.4)["coordinates"][0]]},
            "en dehors de son contour",
        ),
        (
            {
                "type": "MultiPolygon",
                "coordinates": [square(size=0.01)["coordinates"], square(5.334, 47.863)["coordinates"]],
            },
            "se chevauchent",
        ),
        # A spike: the ring goes back on itself along one segment.
        ({"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [1, 0], [1, 1], [0, 0]]]}, "se croise lui-même"),
    ],
)
def test_invalid_geometries_are_refused_with_a_french_message(geometry, message):
    with pytest.raises(ValidationError) as error:
        geo.validate_geometry(geometry)
    assert message in " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("n'importe quoi", "JSON est illisible"),
        ("", "Aucun GeoJSON"),
        ("[1, 2]", "membre « type »"),
        ('{"type": "FeatureCollection", "features": []}', "aucun objet"),
        ('{"type": "Feature", "geometry": null, "properties": {}}', "pas de géométrie"),
        ('{"type": "GeometryCollection", "geometries": []}', "« GeometryCollection » n'est pas accepté"),
    ],
)
def test_garbage_text_is_refused(text, message):
    with pytest.raises(ValidationError) as error:
        geo.parse_geojson(text)
    assert message in " ".join(error.value.messages)


def test_parse_feature_feature_collection_and_bare_geometry():
    geometry = square()
    bare = geo.parse_geojson(json.dumps(geometry))
    feature = geo.parse_geojson(json.dumps({"type": "Feature", "geometry": geometry, "properties": {"nom": "A"}}))
    collection = geo.parse_geojson(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "geometry": geometry, "properties": None}] * 2,
            }
        )
    )
    assert bare[0].geometry == feature[0].geometry == collection[1].geometry
    assert feature[0].properties == {"nom": "A"}
    assert len(collection) == 2


def test_error_in_collection_names_the_feature():
    bad = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "properties": {}}
    good = {"type": "Feature", "geometry": square(), "properties": {}}
    with pytest.raises(ValidationError, match="Objet n° 2"):
        geo.parse_geojson(json.dumps({"type": "FeatureCollection", "features": [good, bad]}))


def test_area_of_a_one_degree_cell_at_the_equator():
    # Exact spherical area of the cell 0–1° E × 0–1° N: R² · Δλ · (sin φ2 − sin φ1) ≈ 12 364 km².
    cell = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    expected = R**2 * math.radians(1) * math.sin(math.radians(1))
    assert geo.area_m2(cell) == pytest.approx(expected, rel=1e-9)
    assert geo.area_m2(cell) == pytest.approx(12_364e6, rel=1e-3)


def test_area_of_a_small_square_near_langres_and_holes():
    # 0.01° × 0.01° at 47.86° N: 1 111.95 m × 746.3 m ≈ 829 900 m² (local flat-earth approximation).
    square_m = geo.area_m2(square(size=0.01))
    lat = math.radians(47.865)
    flat = (math.radians(0.01) * R) * (math.radians(0.01) * R * math.cos(lat))
    assert square_m == pytest.approx(flat, rel=1e-4)
    holed = {
        "type": "Polygon",
        "coordinates": [square(size=0.01)["coordinates"][0], square(5.336, 47.865, 0.002)["coordinates"][0]],
    }
    assert geo.area_m2(holed) == pytest.approx(square_m - geo.area_m2(square(5.336, 47.865, 0.002)), rel=1e-9)


def test_area_does_not_depend_on_orientation():
    ring = square()["coordinates"][0]
    assert geo.ring_area_m2(ring) == pytest.approx(geo.ring_area_m2(list(reversed(ring))))


@given(
    lon=st.floats(min_value=-170, max_value=170),
    lat=st.floats(min_value=-80, max_value=80),
    size=st.floats(min_value=1e-4, max_value=5),
)
def test_any_rectangle_is_valid_and_has_positive_area(lon, lat, size):
    geometry = square(lon, lat, size)
    assert geo.area_m2(geo.validate_geometry(geometry)) > 0


def test_segments_intersect():
    assert geo.segments_intersect([0, 0], [2, 2], [0, 2], [2, 0])
    assert geo.segments_intersect([0, 0], [2, 0], [1, 0], [3, 0])  # collinear overlap
    assert geo.segments_intersect([0, 0], [2, 0], [2, 0], [2, 3])  # touching end
    assert not geo.segments_intersect([0, 0], [1, 0], [0, 1], [1, 1])


def test_maps_have_a_french_zoom_control():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    source = Path(finders.find("strategie/map.js")).read_text(encoding="utf-8")
    # Leaflet's default control says "Zoom in"/"Zoom out": it is replaced by a French one.
    assert "zoomControl: false" in source
    assert 'zoomInTitle: "Zoom avant"' in source and 'zoomOutTitle: "Zoom arrière"' in source


def _circle(count, lon=5.33, lat=47.86, radius=0.01):
    ring = [
        [lon + radius * math.cos(2 * math.pi * i / count), lat + radius * math.sin(2 * math.pi * i / count)]
        for i in range(count)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_point_limit_is_refused_with_a_french_message():
    geo.validate_geometry(_circle(4_999))  # 5 000 positions with the closing one
    with pytest.raises(ValidationError) as error:
        geo.validate_geometry(_circle(5_000))
    assert error.value.messages[0].startswith("La géométrie compte plus de 5\u202f000 points : simplifiez-la")


def _diagonal_comb(teeth):
    """A comb of long parallel teeth at 45°: every segment's extents overlap every other's on both axes."""
    ring = []
    for i in range(teeth):
        x = i * 0.001
        ring += [[x, 0.0], [x + 1.0, 1.0], [x + 1.0005, 1.0], [x + 0.0005, 0.0]]
    ring += [[teeth * 0.001 + 1.0, 0.0 - 0.5], [0.0, -0.5], [0.0, 0.0]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_a_comb_too_costly_to_check_is_refused_not_checked_for_minutes():
    with pytest.raises(ValidationError, match="trop complexe à vérifier"):
        geo.validate_geometry(_diagonal_comb(1_000))


def test_an_axis_aligned_comb_is_checked_along_its_teeth():
    # Long horizontal teeth overlap each other in longitude but not in latitude: the sweep runs
    # along the latitude and the comb is accepted.
    ring = [[0.0, 0.0]]
    for i in range(1_000):
        y = i * 0.002
        ring += [[1.0, y], [1.0, y + 0.001], [0.001, y + 0.001], [0.001, y + 0.002]]
    ring += [[0.0, 2.0], [0.0, 0.0]]
    assert geo.validate_geometry({"type": "Polygon", "coordinates": [ring]})["type"] == "Polygon"


def test_self_intersection_message_gives_the_crossing_point_in_french():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[-1.56, 47.2], [-1.54, 47.22], [-1.54, 47.2], [-1.56, 47.22], [-1.56, 47.2]]],
    }
    with pytest.raises(ValidationError) as error:
        geo.validate_geometry(bowtie)
    assert "(en 47,21000° N, 1,55000° O)" in error.value.messages[0]
