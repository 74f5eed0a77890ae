"""Uploaded files are never served from MEDIA_ROOT, even in development (DEBUG): their paths are
predictable, and only the download views check that the reader may see the dossier's file."""

import importlib

import pytest
from django.urls import clear_url_caches

import config.urls


@pytest.fixture
def debug_urls(settings, tmp_path):
    """config.urls as imported with DEBUG on (as in config.settings.dev), MEDIA_ROOT in tmp_path."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    clear_url_caches()
    importlib.reload(config.urls)
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_media_file_is_404_with_debug(debug_urls, client, settings, tmp_path, django_user_model):
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "confidentiel.pdf").write_bytes(b"%PDF-1.4 secret")
    user = django_user_model.objects.create_user(email="quelquun@example.fr", password="x")
    client.force_login(user)
    response = client.get(f"{settings.MEDIA_URL}documents/confidentiel.pdf")
    assert response.status_code == 404
    assert b"secret" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_no_url_pattern_serves_media_with_debug(debug_urls, settings):
    prefix = settings.MEDIA_URL.strip("/")
    assert not any(str(p.pattern).startswith(f"^{prefix}") for p in config.urls.urlpatterns)
