import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.comptes.tests.factories import UserFactory
from pvd.conventions import services
from pvd.conventions.models import ConventionDocumentKind, ConventionEtat

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_conventions_are_in_the_admin_with_their_dangerous_fields_read_only(admin_client, adhesion, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = services.document_add(
        convention=adhesion, kind=ConventionDocumentKind.SIGNE_PDF, filename="s.pdf", content=b"%PDF-1.4", by=None
    )
    signataire = adhesion.signataires.first()
    pages = {
        "convention": reverse("admin:conventions_convention_change", args=[adhesion.pk]),
        "signataire": reverse("admin:conventions_signataire_change", args=[signataire.pk]),
        "document": reverse("admin:conventions_conventiondocument_change", args=[document.pk]),
    }
    for name in ("convention", "signataire", "conventiondocument"):
        assert admin_client.get(reverse(f"admin:conventions_{name}_changelist")).status_code == 200
    forms = {}
    for name, url in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200, name
        forms[name] = BeautifulSoup(response.content, "html.parser").select_one("#content form")
    for field in ("etat", "date_signature", "kind", "amende"):
        assert not forms["convention"].select(f"[name={field}]"), field
    assert forms["convention"].select("[name=titre]")
    for field in ("signe_le", "organisation", "representant", "qualite"):  # signed: locked
        assert not forms["signataire"].select(f"[name={field}]"), field
    assert forms["signataire"].select("[name=engagements]")
    assert not forms["document"].select("[name=file]")
    # Posting the state anyway changes nothing.
    admin_client.post(pages["convention"], {"titre": "Titre", "objet": "", "etat": "projet", "date_signature": ""})
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.SIGNEE and adhesion.date_signature == datetime.date(2022, 8, 31)
    assert admin_client.get(reverse("admin:conventions_convention_add")).status_code == 403
