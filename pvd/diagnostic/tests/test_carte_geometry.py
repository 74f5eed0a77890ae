"""The geometries of the points of interest: a point or an area in France, longitude first;
every fault refused in French with how to write it, nothing guessed."""

import pytest
from django.core.exceptions import ValidationError

from pvd.diagnostic import carte

from .factories_carte import square


def test_a_point_is_normalised_to_floats_lon_lat():
    assert carte.validate_geometry({"type": "Point", "coordinates": [5, 47.862]}) == {
        "type": "Point",
        "coordinates": [5.0, 47.862],
    }


def test_an_area_is_checked_by_the_strategy_geometry_rules():
    assert carte.validate_geometry(square())["type"] == "Polygon"
    crossing = {
        "type": "Polygon",
        "coordinates": [[[5.33, 47.86], [5.34, 47.87], [5.34, 47.86], [5.33, 47.87], [5.33, 47.86]]],
    }
    with pytest.raises(ValidationError, match="se recoupe"):
        carte.validate_geometry(crossing)


def test_swapped_coordinates_are_refused_with_the_order_explained():
    with pytest.raises(ValidationError) as error:
        carte.validate_geometry({"type": "Point", "coordinates": [47.862, 5.333]})
    message = " ".join(error.value.messages)
    assert "hors de France" in message
    assert "semblent inversées" in message
    assert "la longitude (est-ouest) vient en premier" in message


def test_a_point_outside_france_is_refused():
    with pytest.raises(ValidationError, match="hors de France") as error:
        carte.validate_geometry({"type": "Point", "coordinates": [-74.0, 40.7]})  # New York
    assert "inversées" not in " ".join(error.value.messages)


@pytest.mark.parametrize(
    "geometry, expected",
    [
        ({"type": "LineString", "coordinates": [[5.3, 47.8], [5.4, 47.9]]}, "« LineString » n'est pas accepté"),
        ({"type": "Point", "coordinates": ["5.3", 47.8]}, "couple [longitude, latitude] de nombres"),
        ({"type": "Point", "coordinates": [5.3]}, "couple [longitude, latitude]"),
        ({"type": "Point", "coordinates": [200, 47.8]}, "hors limites"),
        ("POINT(5.3 47.8)", "objet GeoJSON"),
    ],
)
def test_bad_geometries_are_refused_in_french(geometry, expected):
    with pytest.raises(ValidationError) as error:
        carte.validate_geometry(geometry)
    assert expected in " ".join(error.value.messages)


@pytest.mark.parametrize("text, value", [("47,862", 47.862), ("47.862", 47.862), (" -1,5 ", -1.5), ("5", 5.0)])
def test_degrees_are_read_with_a_comma_or_a_point(text, value):
    assert carte.parse_degrees(text, label="latitude", example="47,862") == value


@pytest.mark.parametrize("text", ["47°51'43\"", "47,862.5", "1 234,5x", "quarante-sept", "47,8,6"])
def test_other_writings_of_degrees_are_refused_with_an_example(text):
    with pytest.raises(ValidationError, match="degrés décimaux.*47,862"):
        carte.parse_degrees(text, label="latitude", example="47,862")


def test_geojson_text_gives_one_geometry_and_reports_json_errors_by_line():
    feature = '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [5.333, 47.862]}, "properties": {}}'
    assert carte.geometry_from_text(feature) == {"type": "Point", "coordinates": [5.333, 47.862]}
    with pytest.raises(ValidationError, match="ligne 2"):
        carte.geometry_from_text('{"type": "Point",\n "coordinates": [5.333 47.862]}')
    two = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": square(), "properties": {}}] * 2}
    with pytest.raises(ValidationError, match="plusieurs objets"):
        carte.geometry_from_text(two)


def test_describe_a_point_and_an_area():
    assert carte.describe({"type": "Point", "coordinates": [5.333, 47.862]}) == "47,86200° N, 5,33300° E"
    assert carte.describe(square(size=0.01)).startswith("Zone de 83,")  # 0.01° × 0.01° at 47.87° N: 1 113 m × 747 m
