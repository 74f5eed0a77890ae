"""The diagnostic's map: who reads it and who writes its points (refusals per role), the page
(layers, legend, table, outlines missing), the forms without JavaScript (latitude/longitude,
GeoJSON) with their French errors and nothing saved, the GeoJSON export read back and imported
back, the section of the diagnostic's page, and query counts at two sizes."""

import json

import pytest
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.diagnostic import services
from pvd.diagnostic.models import PointInteret, PointInteretKind
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import MembreFactory
from tests.utils import assert_queries_do_not_grow, assert_refused, edit_fields, expected_status, main

from .factories_carte import PointInteretFactory, square

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
CAN_EDIT = {"chef_de_projet", "equipe"}
XSS = '<img src=x onerror="window.__xss=1">'
LANGRES = {"type": "Point", "coordinates": [5.3334, 47.8618]}


def url(name, dossier, **kwargs):
    return reverse(f"diagnostic:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


def _form(**overrides):
    data = {"nom": "Ancienne boulangerie", "kind": "commerce_vacant", "description": "Vitrine de 8 m."}
    data.update({"latitude": "47,8618", "longitude": "5,3334", "geometry": ""})
    data.update(overrides)
    return data


def _chef(dossier):
    return MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user


# --- Who may do what --------------------------------------------------------------------------

READS = ["carte", "points_export", "communes_export"]
WRITES = [
    ("point_create", "get", {}),
    ("point_create", "post", {}),
    ("point_update", "get", {"pk": True}),
    ("point_update", "post", {"pk": True}),
    ("point_delete", "get", {"pk": True}),
    ("point_delete", "post", {"pk": True}),
    ("points_import", "get", {}),
    ("points_import", "post", {}),
]


@pytest.mark.parametrize("kind", ALL_VIEWERS)
@pytest.mark.parametrize("name", READS)
def test_reading_the_map_and_its_exports(client_for, dossier, kind, name):
    PointInteretFactory(dossier=dossier)
    response = client_for(dossier, kind).get(url(name, dossier))
    assert response.status_code == expected_status(kind, CAN_VIEW), (kind, name)
    if response.status_code != 200:
        assert_refused(response, kind)


@pytest.mark.parametrize("kind", ALL_VIEWERS)
@pytest.mark.parametrize("name, method, extra", WRITES)
def test_writing_points_is_for_the_team(client_for, dossier, kind, name, method, extra):
    point = PointInteretFactory(dossier=dossier, nom="Témoin")
    kwargs = {"pk": point.pk} if extra.get("pk") else {}
    client = client_for(dossier, kind)
    data = _form(nom="Nouveau") if name != "points_import" else {"texte": "", "kind": "autre"}
    address = url(name, dossier, **kwargs)
    posted = {**data, **edit_fields(client, address)} if method == "post" else None
    response = getattr(client, method)(address, posted)
    if kind in CAN_EDIT:
        assert response.status_code in (200, 302)
        return
    assert_refused(response, kind)
    # Nothing changed for a refused writer.
    assert list(PointInteret.objects.values_list("nom", flat=True)) == ["Témoin"]


def test_a_point_of_another_dossier_is_not_found(client_for, dossier):
    other = PointInteretFactory()
    client = client_for(dossier, "chef_de_projet")
    assert client.get(url("point_update", dossier, pk=other.pk)).status_code == 404
    assert client.post(url("point_delete", dossier, pk=other.pk)).status_code == 404
    assert PointInteret.objects.filter(pk=other.pk).exists()


# --- The page ---------------------------------------------------------------------------------


def test_map_page_draws_the_layers_and_lists_the_points(client_for, dossier):
    commune = dossier.communes.get()
    commune.contour = square(5.30, 47.84, 0.05)
    commune.save()
    dossier.epci.contour = square(5.2, 47.7, 0.3)
    dossier.epci.save()
    PointInteretFactory(dossier=dossier, nom=XSS, description="Vitrine <b>vide</b>")
    PointInteretFactory(dossier=dossier, nom="Caserne Turenne", zone=True)
    response = client_for(dossier, "lecteur").get(url("carte", dossier))
    page = main(response)

    layers = json.loads(page.select_one("#diagnostic-carte").string)
    assert [f["properties"]["nom"] for f in layers["points"]["features"]] == [XSS, "Caserne Turenne"]
    assert layers["points"]["features"][1]["geometry"] == square()
    assert [f["properties"]["nom"] for f in layers["communes"]["features"]] == [commune.nom]
    assert layers["epci"]["features"][0]["geometry"] == square(5.2, 47.7, 0.3)
    assert layers["styles"]["friche"] == {"color": "#7a4b2a", "letter": "F"}
    assert page.select_one("[data-diagnostic-carte]")["data-tiles-url"] == ""  # tests stay offline

    legend = [li.get_text(" ", strip=True) for li in page.select("[data-map-legend] li")]
    assert legend == ["C Local commercial vacant", "F Friche", "Contour des communes du dossier", "Contour de l'EPCI"]
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in page.select("#points-table tbody tr")]
    assert rows == [
        [XSS, "Local commercial vacant", "47,86180° N, 5,33340° E", "Vitrine <b>vide</b>"],
        ["Caserne Turenne", "Friche", "Zone de 3,33 ha", "Un local à reprendre."],
    ]
    assert page.select_one("#points-table img") is None and "<img src=x" not in str(page.select_one("#points-table"))
    # A reader has no writing buttons.
    assert page.find("a", string="Ajouter un point d'intérêt") is None
    assert page.select_one("#contours-manquants") is None


def test_the_page_says_which_outlines_are_missing(client_for, dossier):
    page = main(client_for(dossier, "prefecture").get(url("carte", dossier)))
    notice = page.select_one("#contours-manquants").get_text(" ", strip=True)
    assert (
        f"Le contour de la commune {dossier.communes.get().nom} n'est pas encore chargé, ni celui de l'EPCI" in notice
    )
    assert "Aucun point d'intérêt n'est encore relevé." in page.select_one("#points-table").get_text()


def test_the_team_sees_the_writing_buttons(client_for, dossier):
    point = PointInteretFactory(dossier=dossier)
    page = main(client_for(dossier, "equipe").get(url("carte", dossier)))
    assert page.find("a", href=url("point_create", dossier)) is not None
    assert page.find("a", href=url("point_update", dossier, pk=point.pk)) is not None
    assert page.find("a", href=url("point_delete", dossier, pk=point.pk)) is not None


def test_the_diagnostic_page_has_the_map_section(client_for, dossier):
    PointInteretFactory.create_batch(2, dossier=dossier)
    PointInteretFactory(dossier=dossier, zone=True)
    page = main(client_for(dossier, "anct").get(reverse("diagnostic:index", kwargs={"dossier_pk": dossier.pk})))
    section = page.select_one("section#carte")
    assert section.h2.get_text() == "Carte"
    assert section.select_one("#carte-resume").get_text(" ", strip=True) == (
        "3 points ou zones d'intérêt relevés : local commercial vacant (2), friche (1)."
    )
    layers = json.loads(section.select_one("#diagnostic-carte-resume").string)
    assert len(layers["points"]["features"]) == 3
    assert section.find("a", href=url("carte", dossier)) is not None
    assert section.find("a", href=url("point_create", dossier)) is None  # ANCT reads


# --- Forms (no JavaScript needed) -------------------------------------------------------------


def test_create_a_point_from_latitude_and_longitude(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    response = client.post(url("point_create", dossier), _form())
    assert response.status_code == 302 and response["Location"].endswith("#points")
    point = PointInteret.objects.get()
    assert (point.dossier, point.nom, point.kind, point.description) == (
        dossier,
        "Ancienne boulangerie",
        "commerce_vacant",
        "Vitrine de 8 m.",
    )
    assert point.geometry == {"type": "Point", "coordinates": [5.3334, 47.8618]}
    assert point.created_by == client.user


def test_create_an_area_from_geojson(client_for, dossier):
    client = client_for(dossier, "equipe")
    feature = {"type": "Feature", "geometry": square(), "properties": {"nom": "ignoré"}}
    response = client.post(
        url("point_create", dossier),
        _form(nom="Friche", kind="friche", latitude="", longitude="", geometry=json.dumps(feature)),
    )
    assert response.status_code == 302
    assert PointInteret.objects.get().geometry == square()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"latitude": "5,3334", "longitude": "47,8618"}, "latitude", "semblent inversées"),
        ({"latitude": "47°51'", "longitude": "5,3334"}, "latitude", "degrés décimaux"),
        ({"longitude": ""}, "longitude", "Indiquez aussi la longitude"),
        ({"geometry": json.dumps(square())}, None, "pas les deux"),
        ({"latitude": "", "longitude": ""}, None, "Placez le point"),
        ({"latitude": "", "longitude": "", "geometry": "{pas du json"}, "geometry", "JSON est illisible"),
        ({"latitude": "", "longitude": "", "geometry": json.dumps(square(-74, 40.7))}, "geometry", "hors de France"),
        ({"nom": ""}, "nom", "obligatoire"),
        ({"kind": "boulangerie"}, "kind", "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_saved(client_for, dossier, overrides, field, message):
    response = client_for(dossier, "chef_de_projet").post(url("point_create", dossier), _form(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors and message in " ".join(errors), form.errors
    assert PointInteret.objects.count() == 0


def test_update_a_point_into_an_area_and_delete_it(client_for, dossier):
    point = PointInteretFactory(dossier=dossier, geometry=LANGRES)
    client = client_for(dossier, "chef_de_projet")
    form = client.get(url("point_update", dossier, pk=point.pk)).context["form"]
    assert (form.initial["latitude"], form.initial["longitude"], form.initial.get("geometry")) == (
        "47.8618",
        "5.3334",
        None,
    )
    update = url("point_update", dossier, pk=point.pk)
    response = client.post(
        update,
        _form(nom="Îlot", kind="logement_vacant", latitude="", longitude="", geometry=json.dumps(square()))
        | edit_fields(client, update),
    )
    assert response.status_code == 302, response.context["form"].errors
    point.refresh_from_db()
    assert (point.nom, point.kind, point.geometry) == ("Îlot", "logement_vacant", square())
    assert json.loads(client.get(url("point_update", dossier, pk=point.pk)).context["form"].initial["geometry"]) == (
        square()
    )

    confirm = main(client.get(url("point_delete", dossier, pk=point.pk)))
    assert "« Îlot » (logement vacant ou dégradé) sera retiré de la carte" in confirm.get_text()
    assert client.post(url("point_delete", dossier, pk=point.pk)).status_code == 302
    assert not PointInteret.objects.exists()


def test_a_failed_update_changes_nothing(client_for, dossier):
    point = PointInteretFactory(dossier=dossier, nom="Avant", geometry=LANGRES)
    client = client_for(dossier, "equipe")
    update = url("point_update", dossier, pk=point.pk)
    response = client.post(update, _form(nom="Après", latitude="91") | edit_fields(client, update))
    assert response.status_code == 200 and response.context["form"].has_error("latitude")
    point.refresh_from_db()
    assert (point.nom, point.geometry) == ("Avant", LANGRES)


def test_the_service_refuses_a_bad_geometry_too(dossier):
    with pytest.raises(Exception, match="hors de France"):
        services.point_interet_create(
            dossier=dossier, nom="Ailleurs", kind="autre", geometry={"type": "Point", "coordinates": [0, 0]}, by=None
        )
    assert not PointInteret.objects.exists()


# --- Export and import --------------------------------------------------------------------------


def test_the_geojson_export_reads_back(client_for, dossier):
    PointInteretFactory(dossier=dossier, nom="Boulangerie", description="Vitrine", geometry=LANGRES)
    PointInteretFactory(dossier=dossier, nom="Caserne", zone=True, description="")
    PointInteretFactory(nom="D'un autre dossier")
    response = client_for(dossier, "partenaire").get(url("points_export", dossier))
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"] == f'attachment; filename="points-interet-dossier-{dossier.pk}.geojson"'
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert [(f["geometry"], f["properties"]) for f in data["features"]] == [
        (
            LANGRES,
            {
                "nom": "Boulangerie",
                "kind": "commerce_vacant",
                "type": "Local commercial vacant",
                "description": "Vitrine",
            },
        ),
        (square(), {"nom": "Caserne", "kind": "friche", "type": "Friche", "description": ""}),
    ]


def test_the_communes_export(client_for, dossier):
    commune = dossier.communes.get()
    commune.contour = square(5.30, 47.84, 0.05)
    commune.save()
    response = client_for(dossier, "elu").get(url("communes_export", dossier))
    assert response["Content-Disposition"] == f'attachment; filename="communes-dossier-{dossier.pk}.geojson"'
    (feature,) = json.loads(response.content)["features"]
    assert feature["geometry"] == square(5.30, 47.84, 0.05)
    assert feature["properties"]["code"] == commune.code


def test_an_export_imports_back_into_another_dossier(client_for, dossier):
    from pvd.dossiers.tests.factories import DossierFactory

    PointInteretFactory(dossier=dossier, nom="Boulangerie", description="Vitrine", geometry=LANGRES)
    PointInteretFactory(dossier=dossier, nom="Caserne", zone=True)
    exported = client_for(dossier, "chef_de_projet").get(url("points_export", dossier)).content
    other = DossierFactory()
    client = client_for(other, "chef_de_projet")
    response = client.post(url("points_import", other), {"texte": exported.decode(), "kind": "autre"})
    assert response.status_code == 302
    imported = PointInteret.objects.filter(dossier=other)
    assert [(p.nom, p.kind, p.geometry, p.description) for p in imported] == [
        ("Boulangerie", "commerce_vacant", LANGRES, "Vitrine"),
        ("Caserne", "friche", square(), "Un local à reprendre."),
    ]


def _collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _feature(geometry=LANGRES, **properties):
    return {"type": "Feature", "geometry": geometry, "properties": properties}


@pytest.mark.parametrize(
    "texte, message",
    [
        (_collection(_feature(nom="Bon"), _feature(nom="Mauvais", kind="boulangerie")), "Objet n° 2 de la collection"),
        (_collection(_feature(nom="Bon"), _feature()), "Objet n° 2 de la collection : il n'a pas de nom"),
        (
            _collection(_feature(nom="Bon"), _feature({"type": "Point", "coordinates": [47.86, 5.33]}, nom="Inversé")),
            "semblent inversées",
        ),
        (_collection(*[_feature(nom=f"P{i}") for i in range(501)]), "au plus 500 sont acceptés"),
        ("x" * 2_000_001, "dépasse 2 Mo"),
    ],
)
def test_a_bad_import_saves_nothing(client_for, dossier, texte, message):
    response = client_for(dossier, "chef_de_projet").post(
        url("points_import", dossier), {"texte": texte, "kind": "autre"}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].non_field_errors())
    assert not PointInteret.objects.exists()


def test_import_uses_the_chosen_type_when_a_feature_names_none(client_for, dossier):
    texte = _collection(_feature(name="Sans type"), _feature(nom="Libellé", kind="Équipement ou service"))
    client_for(dossier, "equipe").post(url("points_import", dossier), {"texte": texte, "kind": "projet"})
    assert list(PointInteret.objects.values_list("nom", "kind")) == [("Libellé", "equipement"), ("Sans type", "projet")]


# --- Query counts -------------------------------------------------------------------------------


def _grow(dossier):
    def grow():
        for index in range(6):
            PointInteretFactory(dossier=dossier, kind=PointInteretKind.values[index % 6], zone=index % 2 == 0)
        from pvd.territoires.tests.factories import CommuneFactory

        commune = CommuneFactory(epci=dossier.epci, contour=square(5.4, 47.9, 0.02))
        dossier.communes.add(commune)

    return grow


@pytest.mark.parametrize("name", ["carte", "points_export", "communes_export"])
def test_query_counts_do_not_grow(client_for, dossier, name):
    PointInteretFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    small, large = assert_queries_do_not_grow(lambda: client.get(url(name, dossier)), grow=_grow(dossier))
    assert small.status_code == large.status_code == 200


def test_query_count_of_the_diagnostic_page_does_not_grow_with_the_points(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    index = reverse("diagnostic:index", kwargs={"dossier_pk": dossier.pk})
    assert_queries_do_not_grow(lambda: client.get(index), grow=_grow(dossier))


def test_import_from_a_file(client_for, dossier):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fichier = SimpleUploadedFile(
        "points.geojson",
        _collection(_feature(nom="Boulangerie", kind="commerce_vacant")).encode(),
        "application/geo+json",
    )
    response = client_for(dossier, "chef_de_projet").post(
        url("points_import", dossier), {"fichier": fichier, "kind": "autre"}
    )
    assert response.status_code == 302
    assert list(PointInteret.objects.values_list("nom", "kind", "geometry")) == [
        ("Boulangerie", "commerce_vacant", LANGRES)
    ]


def test_import_refuses_a_file_and_a_text_at_once(client_for, dossier):
    from django.core.files.uploadedfile import SimpleUploadedFile

    texte = _collection(_feature(nom="Texte"))
    fichier = SimpleUploadedFile("points.geojson", texte.encode())
    response = client_for(dossier, "chef_de_projet").post(
        url("points_import", dossier), {"fichier": fichier, "texte": texte, "kind": "autre"}
    )
    assert "pas les deux" in " ".join(response.context["form"].non_field_errors())
    assert not PointInteret.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff\x00\x00", b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00"],
    ids=["executable", "zip"],
)
def test_import_refuses_a_binary_file_renamed_geojson(client_for, dossier, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fichier = SimpleUploadedFile("points.geojson", content)
    response = client_for(dossier, "chef_de_projet").post(
        url("points_import", dossier), {"fichier": fichier, "kind": "autre"}
    )
    assert response.context["form"].errors["fichier"] == [
        "Le contenu du fichier ne correspond pas à son extension (GeoJSON) : il est refusé."
    ]
    assert not PointInteret.objects.exists()
