import json
import math

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pvd.strategie import geo

from .factories import square

# WGS 84, for reference values computed here independently of pyproj.
A_M, F = 6_378_137.0, 1 / 298.257223563
E2 = F * (2 - F)


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
    # The zone between the equator and 1° N over 1° of longitude on the ellipsoid (closed form of the
    # authalic latitude) ≈ 12 308,5 km². The cell's northern edge is a geodesic, which bulges a few
    # metres north of the parallel: some 0,3 km² more. (The sphere of mean radius gave 12 364 km².)
    e, b, s = math.sqrt(E2), A_M * (1 - F), math.sin(math.radians(1))
    zone = b**2 / 2 * (s / (1 - E2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)) * math.radians(1)
    cell = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    assert geo.area_m2(cell) == pytest.approx(zone, rel=1e-4)
    assert geo.area_m2(cell) > zone
    assert geo.area_m2(cell) == pytest.approx(12_308.5e6, rel=1e-4)


def test_area_of_a_small_square_near_langres_and_holes():
    # 0.01° × 0.01° at 47.867° N: the radii of curvature of the ellipsoid there (meridian M, prime
    # vertical N) give 1 112,4 m × 747,8 m ≈ 831 900 m² (local flat approximation).
    square_m = geo.area_m2(square(size=0.01))
    lat = math.radians(47.867)
    w = 1 - E2 * math.sin(lat) ** 2
    meridian, prime_vertical = A_M * (1 - E2) / w**1.5, A_M / math.sqrt(w)
    flat = (math.radians(0.01) * meridian) * (math.radians(0.01) * prime_vertical * math.cos(lat))
    assert square_m == pytest.approx(flat, rel=1e-4)
    hole = square(5.336, 47.865, 0.002)["coordinates"][0]
    holed = {"type": "Polygon", "coordinates": [square(size=0.01)["coordinates"][0], hole]}
    expected = square_m - geo.area_m2(square(5.336, 47.865, 0.002))
    assert geo.area_m2(holed) == pytest.approx(expected, rel=1e-9)
    # The hole drawn in the same direction as its exterior ring is still removed, not added.
    assert hole[1][0] > hole[0][0]  # counter-clockwise, like the exterior ring of square()
    assert geo.area_m2({"type": "Polygon", "coordinates": [holed["coordinates"][0], hole[::-1]]}) == pytest.approx(
        expected, rel=1e-9
    )


def test_area_does_not_depend_on_orientation():
    ring = square()["coordinates"][0]
    reversed_square = {"type": "Polygon", "coordinates": [ring[::-1]]}
    assert geo.area_m2(reversed_square) == pytest.approx(geo.area_m2(square()), rel=1e-12)


def test_area_of_a_multipolygon_is_the_sum_of_its_parts():
    a, b = square(size=0.01), square(5.4, 47.9, 0.02)
    multi = {"type": "MultiPolygon", "coordinates": [a["coordinates"], b["coordinates"]]}
    assert geo.area_m2(geo.validate_geometry(multi)) == pytest.approx(geo.area_m2(a) + geo.area_m2(b), rel=1e-12)


@given(
    lon=st.floats(min_value=-170, max_value=170),
    lat=st.floats(min_value=-80, max_value=80),
    size=st.floats(min_value=1e-4, max_value=5),
)
def test_any_rectangle_is_valid_and_has_positive_area(lon, lat, size):
    geometry = square(lon, lat, size)
    assert geo.area_m2(geo.validate_geometry(geometry)) > 0


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
    assert error.value.messages[0].startswith("La géométrie compte plus de 5\u00a0000 points : simplifiez-la")


def _diagonal_comb(teeth):
    """A comb of long parallel teeth at 45°: every segment's extents overlap every other's on both axes."""
    ring = []
    for i in range(teeth):
        x = i * 0.001
        ring += [[x, 0.0], [x + 1.0, 1.0], [x + 1.0005, 1.0], [x + 0.0005, 0.0]]
    ring += [[teeth * 0.001 + 1.0, 0.0 - 0.5], [0.0, -0.5], [0.0, 0.0]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_a_comb_of_long_parallel_teeth_is_checked_up_to_the_point_limit():
    # Every segment's extents overlap every other's: the worst case for the check, which GEOS does
    # in about a second at the point limit (the pure Python check refused it as too costly).
    comb = _diagonal_comb(1_249)
    assert sum(len(ring) for ring in comb["coordinates"]) <= geo.MAX_POSITIONS
    assert geo.validate_geometry(comb)["type"] == "Polygon"
    # The same comb whose closing edge cuts through its teeth is refused, with where.
    ring = comb["coordinates"][0]
    crossing = {"type": "Polygon", "coordinates": [[*ring[:-1], [0.5, 0.6], ring[0]]]}
    with pytest.raises(ValidationError, match="se croise lui-même \\(en "):
        geo.validate_geometry(crossing)


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


def _messages(geometry) -> str:
    with pytest.raises(ValidationError) as error:
        geo.validate_geometry(geometry)
    return " ".join(error.value.messages)


def test_a_bowtie_is_refused_with_where_it_crosses_itself():
    bowtie = {"type": "Polygon", "coordinates": [[[5.0, 47.0], [5.2, 47.2], [5.2, 47.0], [5.0, 47.2], [5.0, 47.0]]]}
    assert _messages(bowtie) == (
        "La géométrie se recoupe : le contour extérieur du polygone se croise lui-même "
        "(en 47,10000° N, 5,10000° E). Redessinez le contour sans croisement."
    )


def test_a_ring_that_touches_itself_at_a_vertex_is_refused():
    # A figure of eight through (1, 1): OGC calls it a self-intersection too.
    eight = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]]]}
    assert "le contour extérieur du polygone se croise lui-même (en 1,00000° N, 1,00000° E)" in _messages(eight)


def test_a_hole_that_crosses_itself_is_named():
    outer = square(0, 0, 10)["coordinates"][0]
    bowtie_hole = [[1, 1], [3, 3], [3, 1], [1, 3], [1, 1]]
    assert "le trou n° 1 du polygone se croise lui-même (en 2,00000° N, 2,00000° E)" in _messages(
        {"type": "Polygon", "coordinates": [outer, bowtie_hole]}
    )


@pytest.mark.parametrize(
    ("hole", "where"),
    [
        ([[0, 0], [2, 1], [1, 2], [0, 0]], "(en 0,00000° N, 0,00000° E)"),  # touches the corner: OGC-valid, refused
        ([[5, 5], [12, 5], [12, 6], [5, 6], [5, 5]], "(en 6,00000° N, 10,00000° E)"),  # crosses the edge
    ],
)
def test_a_hole_touching_or_crossing_its_exterior_is_refused(hole, where):
    outer = square(0, 0, 10)["coordinates"][0]
    message = _messages({"type": "Polygon", "coordinates": [outer, hole]})
    # A hole crossing the edge meets it twice (at 5° N and 6° N): one crossing is named.
    message = message.replace("5,00000° N, 10,00000° E", "6,00000° N, 10,00000° E")
    assert f"le contour extérieur du polygone touche ou croise le trou n° 1 du polygone {where}" in message


def test_a_hole_inside_another_hole_is_refused():
    outer, hole, inner = square(0, 0, 10), square(2, 2, 5), square(3, 3, 1)
    geometry = {
        "type": "Polygon",
        "coordinates": [outer["coordinates"][0], hole["coordinates"][0], inner["coordinates"][0]],
    }
    assert "Le trou n° 2 du polygone est à l'intérieur d'un autre trou." in _messages(geometry)


@pytest.mark.parametrize(
    ("second", "where"),
    [
        (square(1, 1, 1), "(en 1,00000° N, 1,00000° E)"),  # shares a corner
        (square(1, 0.5, 1), "(en 0,50000° N, 1,00000° E)"),  # shares part of an edge
    ],
)
def test_parts_of_a_multipolygon_that_touch_are_refused(second, where):
    multi = {"type": "MultiPolygon", "coordinates": [square(0, 0, 1)["coordinates"], second["coordinates"]]}
    assert f"le contour extérieur du polygone n° 1 touche ou croise le contour extérieur du polygone n° 2 {where}" in (
        _messages(multi)
    )


def test_an_island_in_a_lake_is_a_valid_multipolygon():
    land = [square(0, 0, 0.1)["coordinates"][0], square(0.02, 0.02, 0.06)["coordinates"][0]]
    island = square(0.04, 0.04, 0.02)["coordinates"]
    multi = geo.validate_geometry({"type": "MultiPolygon", "coordinates": [land, island]})
    expected = (
        geo.area_m2(square(0, 0, 0.1)) - geo.area_m2(square(0.02, 0.02, 0.06)) + geo.area_m2(square(0.04, 0.04, 0.02))
    )
    assert geo.area_m2(multi) == pytest.approx(expected, rel=1e-9)
    # The same island outside the lake overlaps the land.
    on_land = square(0.01, 0.01, 0.005)["coordinates"]
    assert "Les polygones n° 2 et n° 1 se chevauchent" in _messages(
        {"type": "MultiPolygon", "coordinates": [land, on_land]}
    )


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (
            {
                "type": "Polygon",
                "coordinates": [square()["coordinates"][0], [[5.335, 47.865], [5.336, 47.865], [5.335, 47.865]]],
            },
            "Le trou n° 1 du polygone doit compter au moins 4 positions",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 0], [0, 0]]]},
            "Le contour extérieur du polygone doit compter au moins 3 points distincts.",
        ),
        (
            {"type": "MultiPolygon", "coordinates": [square()["coordinates"], [[[0, 0], [1, 1], [0, 0]]]]},
            "Le contour extérieur du polygone n° 2 doit compter au moins 4 positions",
        ),
        ({"type": "Polygon", "coordinates": []}, "Le polygone ne contient aucun contour."),
        ({"type": "MultiPolygon", "coordinates": []}, "Le multipolygone ne contient aucun polygone."),
        ({"type": "MultiPolygon", "coordinates": [[]]}, "Le polygone n° 1 ne contient aucun contour."),
    ],
)
def test_degenerate_rings_are_refused(geometry, message):
    assert message in _messages(geometry)


@pytest.mark.parametrize(
    ("position", "message"),
    [
        ([5.3, 91], "Coordonnées hors limites dans le contour extérieur du polygone : [5.3, 91]."),
        ([-181, 47.8], "Coordonnées hors limites dans le contour extérieur du polygone : [-181, 47.8]."),
        ([float("nan"), 47.8], "n'est pas un nombre fini"),
        ([5.3, float("inf")], "n'est pas un nombre fini"),
        ([True, 47.8], "couple [longitude, latitude] de nombres"),
    ],
)
def test_coordinates_out_of_range_are_refused(position, message):
    ring = [[5.3, 47.8], position, [5.4, 47.9], [5.3, 47.8]]
    assert message in _messages({"type": "Polygon", "coordinates": [ring]})


def test_nan_in_a_geojson_text_is_refused():
    # Python's JSON reader accepts NaN, which is not JSON: the check still catches it.
    text = '{"type": "Polygon", "coordinates": [[[5.3, 47.8], [NaN, 47.9], [5.4, 47.9], [5.3, 47.8]]]}'
    with pytest.raises(ValidationError, match="n'est pas un nombre fini"):
        geo.parse_geojson(text)


def test_distances_are_geodesic_on_the_ellipsoid():
    # 1° of longitude along the equator is an arc of the equator: a · π / 180.
    assert geo.distance_m((0, 0), (1, 0)) == pytest.approx(A_M * math.pi / 180, rel=1e-12)
    assert geo.distance_m((5.3, 47.8), (5.3, 47.8)) == 0


def test_farthest_outside_and_bounds():
    outline = square(5.0, 47.0, 0.5)
    inside = square(5.1, 47.1, 0.01)
    assert geo.farthest_outside_m(inside, outline) == (0.0, (5.1, 47.1))
    # Its north-east corner (5.61, 47.21) is 0.11° of longitude east of the outline's edge.
    beyond = square(5.45, 47.2, 0.16)
    distance, point = geo.farthest_outside_m(beyond, outline)
    assert point == (5.61, 47.2) or point == (5.61, 47.36)
    assert distance == pytest.approx(geo.distance_m(point, (5.5, point[1])), rel=1e-3)
    assert geo.bounds(beyond) == [[47.2, 5.45], [47.36, 5.61]]


def test_the_hole_outside_its_exterior_is_named_by_its_number():
    outer, inside, outside = square(0, 0, 10), square(1, 1, 1), square(20, 20, 1)
    rings = [outer["coordinates"][0], inside["coordinates"][0], outside["coordinates"][0]]
    assert "Le trou n° 2 du polygone est en dehors de son contour extérieur." in _messages(
        {"type": "Polygon", "coordinates": rings}
    )
