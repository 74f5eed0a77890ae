import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.urls import reverse

from pvd.dossiers.models import Role


def test_healthz_json(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "vendor": connection.vendor}
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_healthz_reports_database_failure(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise ConnectionError("base indisponible")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "erreur : ConnectionError"


def _main(response):
    return BeautifulSoup(response.content, "html.parser")


def test_404_page_is_dsfr(client, db, settings):
    settings.DEBUG = False
    response = client.get("/page-qui-n-existe-pas/")
    assert response.status_code == 404
    soup = _main(response)
    assert soup.select_one("#content h1").get_text(strip=True) == "Page introuvable"
    assert soup.select_one("header.fr-header") is not None
    assert soup.select_one("footer.fr-footer") is not None
    assert soup.title.get_text().startswith("Page introuvable")


def test_403_page_is_dsfr(client_for, dossier, settings):
    settings.DEBUG = False
    client = client_for(dossier, Role.LECTEUR)
    response = client.get(reverse("dossiers:update", kwargs={"dossier_pk": dossier.pk}))
    assert response.status_code == 403
    soup = _main(response)
    assert soup.select_one("#content h1").get_text(strip=True) == "Accès refusé"
    assert soup.select_one("header.fr-header") is not None


def test_500_page_renders(rf, db):
    from pvd.core.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    # Standalone page: it must render even when the database or the templates' context fail.
    soup = _main(response)
    assert soup.select_one("#content h1").get_text(strip=True) == "Erreur inattendue"


@pytest.mark.parametrize("path", ["/accessibilite/", "/mentions-legales/", "/"])
def test_public_pages_have_dsfr_shell(client, db, path):
    soup = _main(client.get(path))
    assert soup.select_one("header.fr-header") and soup.select_one("footer.fr-footer")
    assert len(soup.select("h1")) == 1
