import pytest
from pypdf import PdfReader

from pvd.documents import demo as documents_demo
from pvd.documents.models import Document, DocumentVersion
from pvd.dossiers import demo
from pvd.gouvernance.selectors import validation_state
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory

pytestmark = pytest.mark.django_db


def test_demo_documents_are_seeded_once_and_one_is_submitted(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    DepartementFactory()
    CommuneFactory(code=demo.DEMO_COMMUNE, nom="Langres", epci=EpciFactory(nom="CC du Grand Langres"))
    context = demo.seed()
    documents_demo.seed(context)
    documents_demo.seed(context)
    documents = {d.titre: d for d in Document.objects.filter(dossier=context.dossier)}
    assert sorted(documents) == ["Compte rendu des ateliers habitants", "Diagnostic partagé du centre ancien"]
    assert DocumentVersion.objects.count() == 2
    assert validation_state(documents["Diagnostic partagé du centre ancien"]).code == "soumis"
    assert validation_state(documents["Compte rendu des ateliers habitants"]).code == "non_soumis"
    diagnostic = documents["Diagnostic partagé du centre ancien"].versions.get()
    with diagnostic.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "Diagnostic partagé du centre ancien de Langres" in " ".join(text.split())
