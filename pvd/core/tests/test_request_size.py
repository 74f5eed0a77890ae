"""Request bodies are capped (settings, and the reverse proxy's client_max_body_size): an
oversized body gets a French 413 page, too many fields a French 400 page, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_body_above_the_request_limit_refused_before_reading(client, settings):
    settings.PVD_REQUEST_MAX_BYTES = 10_000
    upload = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"x" * 20_000)
    response = client.post(reverse("comptes:login"), {"username": "a", "password": "b", "fichier": upload})
    assert response.status_code == 413
    assert "Envoi trop volumineux" in _text(response)
    assert "Un envoi ne peut pas dépasser 9 ko, fichiers compris." in _text(response)
    assert client.post(reverse("comptes:login"), {"username": "a", "password": "b"}).status_code == 200


def test_fields_above_data_upload_max_memory_size_refused(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = client.post(reverse("comptes:login"), {"username": "a" * 5_000, "password": "b"})
    assert response.status_code == 413
    assert "Envoi trop volumineux" in _text(response)


def test_too_many_fields_refused(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    data = {f"champ{i}": "x" for i in range(200)} | {"username": "a", "password": "b"}
    response = client.post(reverse("comptes:login"), data)
    assert response.status_code == 400
    assert "Requête trop longue" in _text(response)
    assert "trop de champs" in _text(response)


def test_the_limits_are_set():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 2000
    assert settings.PVD_REQUEST_MAX_BYTES == 25 * 1024 * 1024
    assert settings.PVD_UPLOAD_MAX_BYTES <= settings.PVD_REQUEST_MAX_BYTES
