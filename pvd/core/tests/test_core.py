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
    head = client.head("/healthz")  # load balancers probe with HEAD
    assert head.status_code == 200 and head.content == b""


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


def _assert_standalone_dsfr_page(response, status, h1):
    assert response.status_code == status
    soup = _main(response)
    assert soup.select_one("#content h1").get_text(strip=True) == h1
    assert soup.select_one("header.fr-header") and soup.select_one("footer.fr-footer")
    stylesheets = [link["href"] for link in soup.select("link[rel=stylesheet]")]
    assert any(href.endswith("dsfr.min.css") for href in stylesheets), stylesheets
    assert soup.title.get_text().startswith(h1)
    assert soup.html["lang"] == "fr"


def test_500_page_is_dsfr_and_standalone(rf, db, monkeypatch):
    from pvd.core import context_processors
    from pvd.core.views import error_500

    def fail(*args, **kwargs):
        raise AssertionError("base ou processeur de contexte utilisé par la page d'erreur")

    # Standalone page: it renders without the database, the session or the context processors.
    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", fail)
        patch.setattr(context_processors, "site", fail)
        response = error_500(rf.get("/"))
    _assert_standalone_dsfr_page(response, 500, "Erreur inattendue")


def test_400_page_is_dsfr(client, db, settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/", HTTP_HOST="hote-inconnu.example")  # DisallowedHost → 400
    _assert_standalone_dsfr_page(response, 400, "Requête incorrecte")


def test_csrf_failure_page_is_french_dsfr(db, settings):
    from django.test import Client

    from pvd.comptes.tests.factories import UserFactory

    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    response = client.post(reverse("comptes:login"), {"username": user.email, "password": "x"})
    _assert_standalone_dsfr_page(response, 403, "Formulaire expiré")
    assert "rechargez-la" in _main(response).select_one("#content").get_text()


@pytest.mark.parametrize("path", ["/accessibilite/", "/mentions-legales/", "/"])
def test_public_pages_have_dsfr_shell(client, db, path):
    soup = _main(client.get(path))
    assert soup.select_one("header.fr-header") and soup.select_one("footer.fr-footer")
    assert len(soup.select("h1")) == 1


@pytest.mark.parametrize(
    "url_name, expected",
    [
        ("dossiers:list", {"Mes dossiers": "page"}),
        ("dossiers:detail", {"Mes dossiers": "true"}),
        ("actions:plan", {"Mes dossiers": "true"}),
        ("gouvernance:index", {"Mes dossiers": "true"}),
        ("core:accessibilite", {"Accessibilité": "page"}),
    ],
)
def test_main_menu_marks_the_current_section(client_for, dossier, url_name, expected):
    client = client_for(dossier, "chef_de_projet")
    kwargs = {"dossier_pk": dossier.pk} if url_name not in ("dossiers:list", "core:accessibilite") else {}
    page = BeautifulSoup(client.get(reverse(url_name, kwargs=kwargs)).content, "html.parser")
    current = {a.get_text(strip=True): a["aria-current"] for a in page.select("#fr-navigation a[aria-current]")}
    assert current == expected
