"""Attachments of a fiche are downloaded through a view that checks who may read the fiche,
never from the media folder."""

import pytest
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions.tests.factories import FicheFactory, make_piece
from tests.utils import assert_refused

pytestmark = pytest.mark.django_db


CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}


TEAM = {"chef_de_projet", "equipe"}


def url(name, dossier, **kwargs):
    return reverse(f"actions:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


@pytest.mark.parametrize("kind", ALL_VIEWERS)
@pytest.mark.parametrize("confidential", [False, True])
def test_piece_download_per_viewer(client_for, dossier, kind, confidential, media, main):
    fiche = FicheFactory(dossier=dossier, confidentielle=confidential)
    piece = make_piece(fiche)
    client = client_for(dossier, kind)
    response = client.get(url("piece_download", dossier, fiche_pk=fiche.pk, piece_pk=piece.pk))
    allowed = kind in (TEAM if confidential else CAN_VIEW)
    if not allowed:
        assert_refused(response, kind, hidden=confidential)
        return
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="plan.pdf"' in response["Content-Disposition"]
    # The fiche links to the view, never to the media file itself.
    links = [a["href"] for a in main(client.get(url("fiche", dossier, fiche_pk=fiche.pk))).select("#pieces-liste a")]
    assert links == [url("piece_download", dossier, fiche_pk=fiche.pk, piece_pk=piece.pk)]


def test_piece_download_of_another_fiche_is_404(client_for, dossier, media):
    fiche, other = FicheFactory(dossier=dossier), FicheFactory(dossier=dossier)
    piece = make_piece(other)
    client = client_for(dossier, "chef_de_projet")
    assert client.get(url("piece_download", dossier, fiche_pk=fiche.pk, piece_pk=piece.pk)).status_code == 404


def test_piece_download_missing_file_is_404(client_for, dossier, media):
    piece = make_piece(FicheFactory(dossier=dossier))
    piece.file.storage.delete(piece.file.name)
    client = client_for(dossier, "chef_de_projet")
    response = client.get(url("piece_download", dossier, fiche_pk=piece.fiche_id, piece_pk=piece.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("photo.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("budget.xlsx", b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + b"\x00" * 64),
    ],
    ids=["executable", "html", "zip"],
)
def test_piece_add_checks_the_content_not_only_the_extension(client_for, dossier, media, main, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pvd.actions.models import PieceJointe

    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "equipe")
    upload = SimpleUploadedFile(name, content)
    response = client.post(url("piece_add", dossier, fiche_pk=fiche.pk), {"titre": "Pièce", "file": upload})
    assert "Le contenu du fichier ne correspond pas à son extension" in main(response).get_text(" ")
    assert not PieceJointe.objects.exists()
    good = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF")
    client.post(url("piece_add", dossier, fiche_pk=fiche.pk), {"titre": "Plan", "file": good})
    assert PieceJointe.objects.get().titre == "Plan"
