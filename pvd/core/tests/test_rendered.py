"""Generated PDF and DOCX are cached per version of their content: asking again for an unchanged
document does not render it again; a change of content gives a new document."""

import pytest
from django.test import Client
from django.urls import reverse

from pvd.actions.tests.factories import FicheFactory
from pvd.conventions import documents
from pvd.core import rendered

pytestmark = pytest.mark.django_db

CACHE_ON = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "documents": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "documents-tests"},
}


@pytest.fixture
def documents_cache(settings):
    settings.CACHES = CACHE_ON
    from django.core.cache import caches

    caches["documents"].clear()
    yield caches["documents"]
    caches["documents"].clear()


@pytest.fixture
def pdf_spy(monkeypatch):
    """Counts the WeasyPrint renderings (and still renders: the PDF is real)."""
    calls = []
    real = rendered._write_pdf

    def spy(html):
        calls.append(html)
        return real(html)

    monkeypatch.setattr(rendered, "_write_pdf", spy)
    return calls


def test_fiche_pdf_rendered_once_per_content(client_for, dossier, documents_cache, pdf_spy):
    fiche = FicheFactory(dossier=dossier, titre="Rénovation de la halle")
    client = client_for(dossier, "lecteur")
    url = reverse("actions:fiche_pdf", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk})
    first = client.get(url)
    assert first.content.startswith(b"%PDF-")
    assert len(pdf_spy) == 1
    for _ in range(3):
        again = client.get(url)
        assert again.content == first.content
    assert len(pdf_spy) == 1  # served from the cache
    fiche.titre = "Rénovation du marché couvert"
    fiche.save()
    changed = client.get(url)
    assert len(pdf_spy) == 2
    assert changed.content != first.content
    assert "marché couvert" in pdf_spy[-1]


def test_without_the_cache_every_request_renders(client_for, dossier, pdf_spy):
    """The test settings turn the cache off (DummyCache): the spy sees each rendering."""
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "lecteur")
    url = reverse("actions:fiche_pdf", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk})
    client.get(url)
    client.get(url)
    assert len(pdf_spy) == 2


def test_convention_docx_and_pdf_rendered_once_per_content(dossier, documents_cache, pdf_spy, monkeypatch):
    docx_calls = []
    real = documents._render_docx

    def spy(path, content):
        docx_calls.append(content)
        return real(path, content)

    monkeypatch.setattr(documents, "_render_docx", spy)
    first_docx = documents.generate("cadre", dossier, "docx")[1]
    first_pdf = documents.generate("cadre", dossier, "pdf")[1]
    assert documents.generate("cadre", dossier, "docx")[1] == first_docx
    assert documents.generate("cadre", dossier, "pdf")[1] == first_pdf
    assert (len(docx_calls), len(pdf_spy)) == (1, 1)
    FicheFactory(dossier=dossier, titre="Maison de santé")
    documents.generate("cadre", dossier, "docx")
    documents.generate("cadre", dossier, "pdf")
    assert (len(docx_calls), len(pdf_spy)) == (2, 2)


def test_a_new_template_gives_a_new_docx(tmp_path, documents_cache):
    template = tmp_path / "modele.docx"
    template.write_bytes(b"version 1")
    calls = []

    def render():
        calls.append(1)
        return f"rendu {len(calls)}".encode()

    assert rendered.docx(template, {"a": 1}, render) == b"rendu 1"
    assert rendered.docx(template, {"a": 1}, render) == b"rendu 1"
    template.write_bytes(b"version 2")
    assert rendered.docx(template, {"a": 1}, render) == b"rendu 2"
    assert rendered.docx(template, {"a": 2}, render) == b"rendu 3"


def test_a_context_that_is_not_plain_data_is_never_served_stale(documents_cache):
    """A model instance is not known by its whole content: rendered each time, never cached."""
    calls = []

    def render():
        calls.append(1)
        return b"x"

    rendered.docx(None, {"objet": object()}, render)
    rendered.docx(None, {"objet": object()}, render)
    assert len(calls) == 2


def test_production_keeps_documents_out_of_the_database_cache(monkeypatch):
    from pvd.core.tests.test_production_settings import REQUIRED, load_production

    production = load_production(monkeypatch, **REQUIRED)
    assert production.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    documents_cache = production.CACHES["documents"]
    assert documents_cache["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert documents_cache["LOCATION"] == production.PVD_DOCUMENTS_CACHE_DIR
    assert documents_cache["OPTIONS"]["MAX_ENTRIES"] > 0


@pytest.fixture
def fiche_docx_spy(monkeypatch):
    """Counts the python-docx builds of a fiche's DOCX (and still builds: the DOCX is real)."""
    from pvd.actions import exports

    calls = []
    real = exports._build_fiche_docx

    def spy(content):
        calls.append(content)
        return real(content)

    monkeypatch.setattr(exports, "_build_fiche_docx", spy)
    return calls


def _docx_text(content: bytes) -> str:
    import io

    from docx import Document

    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_fiche_docx_built_once_per_content(client_for, dossier, documents_cache, fiche_docx_spy):
    import datetime
    from decimal import Decimal

    from pvd.actions.models import Etape
    from pvd.actions.tests.factories import LigneFactory, OrganisationFactory

    fiche = FicheFactory(dossier=dossier, titre="Rénovation de la halle")
    client = client_for(dossier, "lecteur")
    url = reverse("actions:fiche_docx", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk})

    def get():
        response = client.get(url)
        assert response.status_code == 200
        return response.content

    first = get()
    assert [get() for _ in range(3)] == [first] * 3
    assert len(fiche_docx_spy) == 1  # served from the cache

    fiche.titre = "Rénovation du marché couvert"
    fiche.save()
    assert "marché couvert" in _docx_text(get())
    ligne = LigneFactory(fiche=fiche, financeur=OrganisationFactory(nom="Région Grand Est"), montant=Decimal("20000"))
    assert "Région Grand Est" in _docx_text(get())
    ligne.montant = Decimal("35000")
    ligne.save()
    assert "35 000,00" in _docx_text(get()).replace("\u202f", " ").replace("\xa0", " ")
    etape = Etape.objects.create(fiche=fiche, nom="Choix de l'architecte", date=datetime.date(2026, 3, 1))
    assert "Choix de l'architecte (à venir)" in _docx_text(get())
    etape.faite = True
    etape.save()
    last = get()
    assert "Choix de l'architecte (réalisée)" in _docx_text(last)
    assert len(fiche_docx_spy) == 6  # one build per change, none for the unchanged requests
    assert get() == last
    assert len(fiche_docx_spy) == 6


def test_a_new_fiche_docx_builder_gives_a_new_document(
    client_for, dossier, documents_cache, fiche_docx_spy, monkeypatch
):
    from pvd.actions import exports

    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    url = reverse("actions:fiche_docx", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk})
    client.get(url)
    client.get(url)
    monkeypatch.setattr(exports, "FICHE_DOCX_VERSION", exports.FICHE_DOCX_VERSION + "-suivante")
    client.get(url)
    assert len(fiche_docx_spy) == 2


def test_cached_confidential_fiche_docx_still_refused(client_for, dossier, documents_cache, fiche_docx_spy):
    """The cache holds the bytes, not the right to read them: each request is checked first."""
    fiche = FicheFactory(dossier=dossier, confidential=True)
    url = reverse("actions:fiche_docx", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk})
    for kind in ("chef_de_projet", "equipe"):
        response = client_for(dossier, kind).get(url)
        assert response.status_code == 200
        assert "Acquisition foncière secrète" in _docx_text(response.content)
    assert len(fiche_docx_spy) == 1
    assert Client().get(url).status_code == 302  # anonymous: to the login page
    for kind in ("outsider", "elu", "partenaire", "lecteur", "prefecture", "anct"):
        response = client_for(dossier, kind).get(url)
        assert response.status_code == 404, kind
        assert not response.content.startswith(b"PK")
    assert len(fiche_docx_spy) == 1


def test_fiche_docx_without_the_cache_builds_every_time(client_for, dossier, fiche_docx_spy):
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "lecteur")
    url = reverse("actions:fiche_docx", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk})
    client.get(url)
    client.get(url)
    assert len(fiche_docx_spy) == 2
