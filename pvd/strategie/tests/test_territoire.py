"""Where a sector lies: in France (swapped coordinates), inside the outline of the dossier's EPCI
(the ANCT file the users download), and the command that imports those outlines."""

import io
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from pvd.dossiers.tests.factories import DossierFactory
from pvd.strategie import geo, services
from pvd.territoires.models import Epci
from pvd.territoires.tests.factories import CommuneFactory, EpciFactory

from .factories import square

# ../shared/ stands beside the repository (as in pvd/territoires/tests/conftest.py).
SHARED_DIR = Path(os.environ.get("PVD_SHARED_DIR", Path(settings.BASE_DIR).parent / "shared"))
EPCI_FILE = SHARED_DIR / "data" / "geo" / "anct_fr-drom-4326-pur-style1-epci.geojson"
GRAND_LANGRES = "200072999"
PARIS = (2.35, 48.85)


def _import_contours():
    out = io.StringIO()
    call_command("import_contours_epci", str(EPCI_FILE), stdout=out)
    return out.getvalue()


@pytest.fixture
def langres(db):
    epci = EpciFactory(siren=GRAND_LANGRES, nom="CC du Grand Langres")
    return DossierFactory(epci=epci, communes=[CommuneFactory(code="52269", nom="Langres", epci=epci)])


def _create(dossier, auteur, geometry, nom="Secteur"):
    return services.secteur_create(
        dossier=dossier, nom=nom, kind="autre", commune=dossier.communes.first(), geometry=geometry, by=auteur
    )


def test_swapped_coordinates_are_warned_even_for_the_first_sector(langres, auteur):
    swapped = _create(langres, auteur, square(47.862, 5.333, 0.002), nom="Inversé")
    [warning] = services.secteurs_warnings(dossier=swapped.dossier, secteurs=[swapped])
    assert "hors de France" in warning
    assert "5,33300° N, 47,86200° E" in warning
    assert "longitude et la latitude sont peut-être inversées" in warning


def test_overseas_and_western_positions_are_in_france():
    assert geo.first_outside_france(square(55.45, -20.9)) is None  # La Réunion
    assert geo.first_outside_france(square(-61.5, 16.2)) is None  # Guadeloupe
    assert geo.first_outside_france(square(-1.55, 47.2)) is None  # Nantes, west of Greenwich
    assert geo.first_outside_france(square(47.862, 5.333)) == [47.862, 5.333]


def test_first_sector_in_paris_is_warned_for_a_langres_dossier(langres, auteur):
    report = _import_contours()
    assert "Contours enregistrés : 1 " in report
    paris = _create(langres, auteur, square(*PARIS), nom="Paris")
    [warning] = services.secteurs_warnings(dossier=paris.dossier, secteurs=[paris])
    assert "sort du territoire de l'EPCI du dossier (CC du Grand Langres)" in warning
    assert "à 2" in warning and "km" in warning  # Paris is some 230 km from the Grand Langres
    centre = _create(langres, auteur, square(5.333, 47.862), nom="Centre-ville")
    assert services.secteurs_warnings(dossier=centre.dossier, secteurs=[centre]) == []


def test_sector_just_outside_the_simplified_outline_is_not_warned(langres, auteur):
    _import_contours()
    outline = Epci.objects.get(pk=GRAND_LANGRES).contour
    west = min(point for polygon in outline["coordinates"] for point in polygon[0])  # its westernmost vertex
    # 1 km west of the outline: within the margin of a simplified shape.
    near = _create(langres, auteur, square(west[0] - 0.013, west[1], 0.002))
    assert services.secteurs_warnings(dossier=near.dossier, secteurs=[near]) == []


def test_import_contours_is_idempotent_reports_unknown_codes_and_skips_overseas(db):
    EpciFactory(siren=GRAND_LANGRES)
    paris = EpciFactory(siren="200054781", nom="Métropole du Grand Paris")
    mayotte = EpciFactory(siren="200060457")  # CA de Dembéni-Mamoudzou: moved by the ANCT file
    report = _import_contours()
    assert "Contours enregistrés : 2 (inchangés : 0)" in report
    assert "EPCI d'outre-mer ignorés : 23" in report
    assert "SIREN inconnus de la plateforme (1230," in report
    assert Epci.objects.get(pk=mayotte.pk).contour is None
    # The Métropole du Grand Paris has one feature per département: all of them are kept.
    paris.refresh_from_db()
    assert paris.contour["type"] == "MultiPolygon" and len(paris.contour["coordinates"]) >= 6
    again = _import_contours()
    assert "Contours enregistrés : 0 (inchangés : 2)" in again


def test_import_contours_refuses_a_malformed_file(db, tmp_path):
    from django.core.management.base import CommandError

    EpciFactory(siren=GRAND_LANGRES)
    bad = tmp_path / "epci.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"properties": {"siren_epci": "200072999"}}]}')
    with pytest.raises(CommandError, match="n'a pas de polygone valide. Aucune modification."):
        call_command("import_contours_epci", str(bad), stdout=io.StringIO())
    assert Epci.objects.get(pk=GRAND_LANGRES).contour is None


def test_the_map_editor_opens_on_the_dossier_territory(langres, client_for):
    from bs4 import BeautifulSoup
    from django.urls import reverse

    client = client_for(langres, "equipe")
    url = reverse("strategie:secteur_create", kwargs={"dossier_pk": langres.pk})
    editor = BeautifulSoup(client.get(url).content, "html.parser").select_one("[data-secteur-editor]")
    assert json.loads(editor["data-bounds"]) is None  # no outline known: the script opens on France
    Epci.objects.filter(pk=GRAND_LANGRES).update(contour=square(5.1, 47.8, 0.5))
    editor = BeautifulSoup(client.get(url).content, "html.parser").select_one("[data-secteur-editor]")
    assert json.loads(editor["data-bounds"]) == [[47.8, 5.1], [48.3, 5.6]]


def test_import_page_shows_what_the_file_said_and_was_not_followed(langres, client_for):
    from django.urls import reverse

    feature = {
        "type": "Feature",
        "geometry": square(47.862, 5.333),  # latitude first: swapped
        "properties": {"nom": "Halles", "kind": "zone_bleue", "commune": "75056"},
    }
    client = client_for(langres, "equipe")
    response = client.post(
        reverse("strategie:secteurs_import", kwargs={"dossier_pk": langres.pk}),
        {
            "texte": json.dumps({"type": "FeatureCollection", "features": [feature]}),
            "kind": "autre",
            "commune": "52269",
            "nom": "",
        },
        follow=True,
    )
    texts = [str(message) for message in response.context["messages"]]
    assert any("le type « zone_bleue » est inconnu" in text for text in texts)
    assert any("la commune « 75056 » n'est pas une commune du dossier" in text for text in texts)
    assert any("hors de France" in text for text in texts)


def test_warnings_take_the_same_queries_for_one_or_many_sectors(langres, auteur, django_assert_num_queries):
    secteurs = [_create(langres, auteur, square(5.333 + i * 0.003, 47.862), nom=f"S{i}") for i in range(6)]
    for count in (1, 6):
        with django_assert_num_queries(2):
            services.secteurs_warnings(dossier=langres, secteurs=secteurs[:count])
