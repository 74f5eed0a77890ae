"""A sector far larger than the dossier's territory is warned: larger than its whole EPCI when the
EPCI's outline is loaded, else larger than the stated bound of 100 km² (services.MAX_SECTEUR_M2)."""

import json

import pytest
from django.urls import reverse

from pvd.strategie import geo, services
from pvd.territoires.models import Epci

from .factories import square

NBSP = "\u00a0"  # thousands separator and before the unit


def square_of(m2, lon=5.2, lat=47.8):
    """A square whose spherical area is `m2` to within a square metre (bisection on its side)."""
    low, high = 0.0, 5.0
    for _ in range(80):
        size = (low + high) / 2
        if geo.area_m2(square(lon, lat, size)) < m2:
            low = size
        else:
            high = size
    return square(lon, lat, high)


def _create(dossier, auteur, geometry, nom="Secteur"):
    return services.secteur_create(
        dossier=dossier, nom=nom, kind="perimetre_ort", commune=dossier.communes.first(), geometry=geometry, by=auteur
    )


def _size_warnings(secteur):
    warnings = services.secteurs_warnings(dossier=secteur.dossier, secteurs=[secteur])
    return [warning for warning in warnings if "couvre" in warning]


def test_three_million_hectares_without_outline_are_warned_with_the_bound(dossier, auteur):
    # Drawn at the scale of a region for a small town: some 3 million hectares.
    huge = _create(dossier, auteur, square(3.0, 46.5, 2.0), nom="Centre-bourg")
    [warning] = _size_warnings(huge)
    area_km2 = round(huge.surface_m2 / 1_000_000)
    assert 30_000 < area_km2 < 35_000
    thousands, units = divmod(area_km2, 1000)
    assert f"Le secteur « Centre-bourg » couvre {thousands}{NBSP}{units:03d}{NBSP}km²" in warning
    assert f"plus que la borne de 100{NBSP}km² (10{NBSP}000{NBSP}ha)" in warning
    assert "carte trop peu zoomée" in warning


def test_the_bound_without_outline_is_strict(dossier, auteur):
    below = _create(dossier, auteur, square_of(services.MAX_SECTEUR_M2 - 5_000), nom="Juste en dessous")
    above = _create(dossier, auteur, square_of(services.MAX_SECTEUR_M2 + 5_000), nom="Juste au-dessus")
    assert _size_warnings(below) == []
    [warning] = _size_warnings(above)
    assert f"« Juste au-dessus » couvre 100{NBSP}km² (10{NBSP}001{NBSP}ha), plus que la borne" in warning
    # A town-centre sector is far from it.
    assert _size_warnings(_create(dossier, auteur, square(size=0.01), nom="Centre")) == []


def test_with_the_outline_a_sector_larger_than_the_whole_epci_is_warned(dossier, auteur):
    outline = square_of(40_000_000)  # a small EPCI of 40 km²
    Epci.objects.filter(pk=dossier.epci_id).update(contour=outline, nom="CC des Trois Vallées")
    same = _create(dossier, auteur, outline, nom="Toute l'EPCI")
    larger = _create(dossier, auteur, square_of(40_010_000), nom="Un peu plus")
    assert _size_warnings(same) == []  # equal to the EPCI: the boundary is not warned
    [warning] = _size_warnings(larger)
    assert f"« Un peu plus » couvre 40{NBSP}km² (4{NBSP}001{NBSP}ha)" in warning
    assert f"plus que tout le territoire de l'EPCI du dossier (CC des Trois Vallées, 40{NBSP}km² (4{NBSP}000" in warning


def test_with_the_outline_of_a_large_epci_the_bound_still_applies(dossier, auteur):
    Epci.objects.filter(pk=dossier.epci_id).update(contour=square(4.9, 47.5, 1.0))  # some 8 000 km²
    inside = _create(dossier, auteur, square_of(150_000_000, lon=5.1, lat=47.6), nom="Trop grand")
    [warning] = _size_warnings(inside)
    assert "plus que la borne de 100" in warning
    small = _create(dossier, auteur, square(5.3, 47.9, 0.01), nom="Centre")
    assert services.secteurs_warnings(dossier=dossier, secteurs=[small]) == []


def test_the_form_saves_a_huge_sector_with_the_warning_and_a_french_area(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    url = reverse("strategie:secteur_create", kwargs={"dossier_pk": dossier.pk})
    data = {
        "nom": "Périmètre ORT",
        "kind": "perimetre_ort",
        "commune": dossier.communes.first().pk,
        "geometry": json.dumps(square(3.0, 46.5, 2.0)),
    }
    response = client.post(url, data, follow=True)
    texts = [str(message) for message in response.context["messages"]]
    assert any(text.startswith("Le secteur « Périmètre ORT » a été créé (3") and NBSP in text for text in texts)
    assert any("plus que la borne de 100" in text for text in texts)


@pytest.mark.parametrize("outline", [False, True])
def test_size_checks_add_no_query(dossier, auteur, outline, django_assert_num_queries):
    if outline:
        Epci.objects.filter(pk=dossier.epci_id).update(contour=square(4.9, 47.5, 1.0))
    secteurs = [_create(dossier, auteur, square(5.0 + i * 0.05, 47.7, 0.02), nom=f"S{i}") for i in range(4)]
    with django_assert_num_queries(2):
        services.secteurs_warnings(dossier=dossier, secteurs=secteurs)
