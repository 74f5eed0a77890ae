"""The sectors import is bounded: features per file, file size, a text file (not a renamed
binary); refused with a French message and nothing saved."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pvd.core.formatting import nombre
from pvd.strategie.models import SecteurIntervention
from tests.utils import main

from .factories import square

pytestmark = pytest.mark.django_db


def collection(count: int) -> bytes:
    """`count` small squares side by side, as a 0.6 MB file holds 3 000 of them."""
    features = [
        {
            "type": "Feature",
            "properties": {"nom": f"S{i}"},
            "geometry": square(lon=5 + (i % 60) * 0.003, lat=47 + (i // 60) * 0.003),
        }
        for i in range(count)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def post(client, dossier, content: bytes, name: str = "secteurs.geojson"):
    url = reverse("strategie:secteurs_import", kwargs={"dossier_pk": dossier.pk})
    data = {"fichier": SimpleUploadedFile(name, content), "kind": "autre", "commune": dossier.communes.first().pk}
    return client.post(url, data)


def test_3000_features_refused_nothing_saved(client_for, dossier, settings):
    content = collection(3000)
    assert len(content) < settings.PVD_IMPORT_MAX_BYTES
    response = post(client_for(dossier, "chef_de_projet"), dossier, content)
    assert response.status_code == 200
    text = main(response).get_text(" ", strip=True)
    assert f"Le fichier compte {nombre(3000)} objets : au plus 200 secteurs sont importés à la fois" in text
    assert not SecteurIntervention.objects.exists()


def test_feature_limit_is_a_setting(client_for, dossier, settings):
    settings.PVD_IMPORT_MAX_FEATURES = 3
    client = client_for(dossier, "chef_de_projet")
    assert "au plus 3 secteurs" in main(post(client, dossier, collection(4))).get_text(" ")
    assert not SecteurIntervention.objects.exists()
    assert post(client, dossier, collection(3)).status_code == 302
    assert SecteurIntervention.objects.count() == 3


def test_file_size_limit_is_a_setting(client_for, dossier, settings):
    settings.PVD_IMPORT_MAX_BYTES = 1024
    response = post(client_for(dossier, "chef_de_projet"), dossier, collection(20))
    assert "Le fichier dépasse la taille maximale de 1 ko." in main(response).get_text(" ")
    assert not SecteurIntervention.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff\x00\x00", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256))],
    ids=["executable", "zip"],
)
def test_binary_renamed_geojson_refused(client_for, dossier, content):
    response = post(client_for(dossier, "chef_de_projet"), dossier, content)
    assert "Le contenu du fichier ne correspond pas à son extension (GeoJSON)" in main(response).get_text(" ")
    assert not SecteurIntervention.objects.exists()
