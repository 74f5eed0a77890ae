"""Documents of a dossier: rights per role, upload checks, versions, confidentiality, validation."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.documents.models import Document, DocumentVersion
from pvd.gouvernance.models import Instance, PointOrdreDuJour, Seance
from pvd.gouvernance.services import decision_record
from tests.utils import assert_refused

from .factories import DocumentFactory

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
TEAM = {"chef_de_projet", "equipe"}


def url(name, dossier, **kwargs):
    return reverse(f"documents:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


VALID = {
    "rapport.pdf": b"%PDF-1.7 rapport",
    "note.docx": _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}),
    "budget.xlsx": _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"}),
    "compte-rendu.odt": _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
    "tableau.ods": _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
    "donnees.csv": b"commune;population\nLangres;7 500\n",
    "plan.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 16,
    "photo.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 16,
    "photo2.jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 16,
}


def upload(name="rapport.pdf", content=None):
    return SimpleUploadedFile(name, VALID[name] if content is None else content)


def _create_data(**extra):
    return {"titre": "Diagnostic commerce", "kind": "bilan", "description": "Étude de 2024", **extra}


def _stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()]


def _decide(document, by, resultat="valide"):
    """The comité de projet decides on the document's pending submission."""
    point = PointOrdreDuJour.objects.get(target_id=document.pk, target_type__model="document")
    instance, _ = Instance.objects.get_or_create(
        dossier=document.dossier, kind="comite_projet", defaults={"nom": "Comité de projet"}
    )
    point.seance = Seance.objects.create(instance=instance, date=timezone.make_aware(datetime.datetime(2025, 4, 3, 18)))
    point.save()
    return decision_record(point=point, resultat=resultat, texte="Document approuvé.", by=by)


# Reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_list_and_detail_per_viewer(client_for, dossier, kind, main):
    document = DocumentFactory(dossier=dossier, titre="Étude habitat")
    client = client_for(dossier, kind)
    listing = client.get(url("list", dossier))
    detail = client.get(url("detail", dossier, document_pk=document.pk))
    if kind not in CAN_VIEW:
        assert_refused(listing, kind)
        assert_refused(detail, kind)
        return
    rows = main(listing).select("#documents tbody tr")
    assert [row.select_one("td a").get_text() for row in rows] == ["Étude habitat"]
    content = main(detail)
    assert content.select_one("h1").get_text(strip=True) == "Étude habitat"
    # Only the équipe-projet is offered to upload, delete or submit.
    offers_writes = bool(content.select_one("#version-form")) or "Supprimer le document" in content.get_text()
    assert offers_writes == (kind in TEAM)
    assert ("Soumettre au comité de projet" in content.get_text()) == (kind in TEAM)


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_download_per_viewer_goes_through_the_view(client_for, dossier, kind, main):
    document = DocumentFactory(dossier=dossier)
    version = document.versions.get()
    client = client_for(dossier, kind)
    response = client.get(url("download", dossier, document_pk=document.pk, version_pk=version.pk))
    if kind not in CAN_VIEW:
        assert_refused(response, kind)
        return
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 document de test1"
    assert 'filename="etude-v1.pdf"' in response["Content-Disposition"]
    links = {a["href"] for a in main(client.get(url("detail", dossier, document_pk=document.pk))).select("a[href]")}
    assert url("download", dossier, document_pk=document.pk, version_pk=version.pk) in links
    assert not any(link.startswith("/media/") for link in links)


def test_download_of_a_version_of_another_document_is_404(client_for, dossier):
    document, other = DocumentFactory(dossier=dossier), DocumentFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    response = client.get(url("download", dossier, document_pk=document.pk, version_pk=other.versions.get().pk))
    assert response.status_code == 404


@pytest.mark.parametrize("kind", sorted(CAN_VIEW))
def test_confidential_document_visible_to_the_team_only(client_for, dossier, kind, main):
    secret = DocumentFactory(dossier=dossier, titre="Négociation foncière", confidential=True)
    DocumentFactory(dossier=dossier, titre="Bilan annuel")
    client = client_for(dossier, kind)
    titles = [a.get_text() for a in main(client.get(url("list", dossier))).select("#documents tbody td:first-child a")]
    detail = client.get(url("detail", dossier, document_pk=secret.pk))
    download = client.get(url("download", dossier, document_pk=secret.pk, version_pk=secret.versions.get().pk))
    if kind in TEAM:
        assert sorted(titles) == ["Bilan annuel", "Négociation foncière"]
        assert detail.status_code == 200 and download.status_code == 200
        download.close()
    else:
        assert titles == ["Bilan annuel"]
        assert detail.status_code == 404 and download.status_code == 404
        # Not even in the gouvernance page's list of validations.
        gouvernance = client.get(reverse("gouvernance:index", kwargs={"dossier_pk": dossier.pk}))
        assert "Négociation foncière" not in gouvernance.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_list_query_count_does_not_grow(client_for, dossier, count, main, django_assert_num_queries):
    client = client_for(dossier, "equipe")
    DocumentFactory.create_batch(count, dossier=dossier, versions=2)
    client.get(url("list", dossier))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url("list", dossier))
    rows = main(response).select("#documents tbody tr")
    assert len(rows) == count
    assert all("version 2" in row.get_text() for row in rows)
    # The same number of queries for 2 and for 20 documents (and the states of each).
    assert len(captured.captured_queries) == LIST_QUERIES


# Session, user, membership, dossier, count (pagination), documents, versions, decisions, pending points.
LIST_QUERIES = 9


# Writing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_create_per_viewer(client_for, dossier, kind, main, media):
    client = client_for(dossier, kind)
    form = client.get(url("create", dossier))
    response = client.post(url("create", dossier), _create_data(file=upload()))
    if kind not in TEAM:
        assert_refused(form, kind)
        assert_refused(response, kind)
        assert not Document.objects.exists() and not _stored_files(media)
        return
    assert main(form).select_one("form#document-form input[type=file][name=file]")
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", dossier, document_pk=document.pk)
    assert (document.titre, document.kind, document.dossier, document.created_by) == (
        "Diagnostic commerce",
        "bilan",
        dossier,
        client.user,
    )
    version = document.versions.get()
    assert (version.numero, version.nom, version.taille, version.uploaded_by) == (
        1,
        "rapport.pdf",
        len(VALID["rapport.pdf"]),
        client.user,
    )
    with version.file.open("rb") as handle:
        assert handle.read() == VALID["rapport.pdf"]


@pytest.mark.parametrize("name", sorted(VALID))
def test_every_allowed_format_is_accepted(client_for, dossier, name):
    client = client_for(dossier, "chef_de_projet")
    response = client.post(url("create", dossier), _create_data(file=upload(name)))
    assert response.status_code == 302
    assert Document.objects.get().versions.get().nom == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programme.exe", b"MZ\x90\x00", "Ce type de fichier n'est pas accepté"),
        ("script.html", b"<script>alert(1)</script>", "Ce type de fichier n'est pas accepté"),
        ("faux.pdf", b"<html>pas un pdf</html>", "Le contenu du fichier ne correspond pas à son extension (PDF)"),
        ("faux.docx", _zip({"autre.xml": b"<x/>"}), "ne correspond pas à son extension (Word (DOCX))"),
        ("faux.odt", _zip({"mimetype": b"application/zip"}), "ne correspond pas à son extension"),
        ("faux.xlsx", b"PK pas une archive", "ne correspond pas à son extension"),
        ("faux.png", b"GIF89a", "ne correspond pas à son extension (image PNG)"),
        ("binaire.csv", b"a;b\x00\x01", "ne correspond pas à son extension (CSV)"),
        ("vide.pdf", b"", "Le fichier soumis est vide."),
        ("sans-extension", b"%PDF-1.4", "Ce type de fichier n'est pas accepté"),
    ],
)
def test_bad_upload_is_refused_in_french_and_saves_nothing(client_for, dossier, media, main, name, content, message):
    client = client_for(dossier, "chef_de_projet")
    response = client.post(url("create", dossier), _create_data(file=SimpleUploadedFile(name, content)))
    assert response.status_code == 400
    errors = main(response).select_one("form#document-form").get_text()
    assert message in errors
    assert not Document.objects.exists() and not DocumentVersion.objects.exists() and not _stored_files(media)


def test_oversized_upload_is_refused(client_for, dossier, media, main, monkeypatch):
    from pvd.documents import services

    monkeypatch.setattr(services, "MAX_SIZE", 10)
    client = client_for(dossier, "chef_de_projet")
    response = client.post(url("create", dossier), _create_data(file=upload()))
    assert response.status_code == 400
    assert "Le fichier dépasse la taille maximale" in main(response).get_text()
    assert not Document.objects.exists() and not _stored_files(media)


def test_missing_title_is_refused_and_saves_no_file(client_for, dossier, media, main):
    client = client_for(dossier, "chef_de_projet")
    response = client.post(url("create", dossier), _create_data(titre="", file=upload()))
    assert response.status_code == 400
    assert not Document.objects.exists() and not _stored_files(media)


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_new_version_per_viewer(client_for, dossier, kind, main):
    document = DocumentFactory(dossier=dossier)
    client = client_for(dossier, kind)
    response = client.post(url("version_add", dossier, document_pk=document.pk), {"file": upload("note.docx")})
    if kind not in TEAM:
        assert_refused(response, kind)
        assert document.versions.count() == 1
        return
    assert response.status_code == 302
    assert list(document.versions.values_list("numero", "nom")) == [(2, "note.docx"), (1, "etude-v1.pdf")]
    # The latest is current: the list links to it, the older one stays downloadable.
    page = main(client.get(url("list", dossier)))
    current = page.select_one(f"#document-{document.pk} td:nth-of-type(3) a")
    assert current.get_text() == "version 2"
    v1, v2 = document.versions.order_by("numero")
    assert current["href"] == url("download", dossier, document_pk=document.pk, version_pk=v2.pk)
    old = client.get(url("download", dossier, document_pk=document.pk, version_pk=v1.pk))
    assert b"".join(old.streaming_content) == b"%PDF-1.4 document de test1"


def test_bad_new_version_is_refused_and_keeps_the_current_one(client_for, dossier, media, main):
    document = DocumentFactory(dossier=dossier)
    files_before = _stored_files(media)
    client = client_for(dossier, "equipe")
    response = client.post(
        url("version_add", dossier, document_pk=document.pk), {"file": SimpleUploadedFile("x.pdf", b"nope")}
    )
    assert response.status_code == 400
    assert "ne correspond pas à son extension" in main(response).select_one("#version-form").get_text()
    assert document.versions.count() == 1 and _stored_files(media) == files_before


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_update_per_viewer(client_for, dossier, kind, main):
    # No created_by (as once its author's account is deleted): it stays editable.
    document = DocumentFactory(dossier=dossier, titre="Étude habitat", description="Première rédaction")
    client = client_for(dossier, kind)
    update_url = url("update", dossier, document_pk=document.pk)
    form = client.get(update_url)
    response = client.post(update_url, _create_data(titre="Diagnostic habitat", confidentiel="on"))
    document.refresh_from_db()
    if kind not in TEAM:
        assert_refused(form, kind)
        assert_refused(response, kind)
        assert (document.titre, document.kind, document.confidentiel) == ("Étude habitat", "etude", False)
        if kind in CAN_VIEW:  # not offered on the detail page either
            detail = main(client.get(url("detail", dossier, document_pk=document.pk)))
            assert not detail.select(f'a[href="{update_url}"]')
        return
    fields = main(form).select_one("form#document-form")
    assert fields.select_one("input[name=titre]")["value"] == "Étude habitat"
    assert fields.select_one("textarea[name=description]").get_text(strip=True) == "Première rédaction"
    assert fields.select_one("select[name=kind] option[selected]")["value"] == "etude"
    assert not fields.select("input[type=file]")  # files change through new versions only
    assert response.status_code == 302 and response["Location"] == url("detail", dossier, document_pk=document.pk)
    assert (document.titre, document.kind, document.description, document.confidentiel) == (
        "Diagnostic habitat",
        "bilan",
        "Étude de 2024",
        True,
    )
    assert document.versions.count() == 1
    detail = main(client.get(url("detail", dossier, document_pk=document.pk)))
    assert detail.select_one(f'a[href="{update_url}"]').get_text() == "Modifier le document"


def test_update_without_title_is_refused_in_french(client_for, dossier, main):
    document = DocumentFactory(dossier=dossier, titre="Étude habitat")
    client = client_for(dossier, "equipe")
    response = client.post(url("update", dossier, document_pk=document.pk), _create_data(titre="  "))
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in main(response).select_one("form#document-form").get_text()
    document.refresh_from_db()
    assert document.titre == "Étude habitat"


def test_update_service_runs_full_clean():
    from django.core.exceptions import ValidationError

    from pvd.documents.services import document_update

    document = DocumentFactory(titre="Étude habitat")
    with pytest.raises(ValidationError) as error:
        document_update(document=document, titre="Bilan", kind="inconnu", by=None)
    assert "kind" in error.value.message_dict
    document.refresh_from_db()
    assert (document.titre, document.kind) == ("Étude habitat", "etude")


@pytest.mark.parametrize("decided", [False, True], ids=["soumis", "decide"])
def test_document_seen_by_the_comite_cannot_become_confidential(client_for, dossier, main, decided):
    document = DocumentFactory(dossier=dossier, titre="Étude habitat")
    client = client_for(dossier, "chef_de_projet")
    client.post(url("submit", dossier, document_pk=document.pk))
    if decided:
        _decide(document, client.user, resultat="ajourne")
    response = client.post(url("update", dossier, document_pk=document.pk), _create_data(confidentiel="on"))
    assert response.status_code == 400
    assert "ne peut plus devenir confidentiel" in main(response).select_one("form#document-form").get_text()
    document.refresh_from_db()
    assert (document.titre, document.confidentiel) == ("Étude habitat", False)
    # Its other details still change.
    response = client.post(url("update", dossier, document_pk=document.pk), _create_data())
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.titre, document.confidentiel) == ("Diagnostic commerce", False)


def test_withdrawn_submission_lets_the_document_become_confidential(client_for, dossier):
    from pvd.gouvernance.services import submissions_withdraw

    document = DocumentFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    client.post(url("submit", dossier, document_pk=document.pk))
    submissions_withdraw(target=document)
    response = client.post(url("update", dossier, document_pk=document.pk), _create_data(confidentiel="on"))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.confidentiel


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_delete_per_viewer(client_for, dossier, kind, main, media, django_capture_on_commit_callbacks):
    document = DocumentFactory(dossier=dossier, titre="Étude à retirer", versions=2)
    client = client_for(dossier, kind)
    confirm = client.get(url("delete", dossier, document_pk=document.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("delete", dossier, document_pk=document.pk))
    if kind not in TEAM:
        assert_refused(confirm, kind)
        assert_refused(response, kind)
        assert Document.objects.filter(pk=document.pk).exists()
        return
    assert "Étude à retirer" in main(confirm).get_text() and main(confirm).select_one("form#confirmation")
    assert response.status_code == 302 and response["Location"] == url("list", dossier)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert len(_stored_files(media)) == 2  # every version's file stays while it is in the bin (issue 14)


def test_delete_refused_once_the_comite_decided(client_for, dossier, main):
    document = DocumentFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    client.post(url("submit", dossier, document_pk=document.pk))
    _decide(document, client.user, resultat="ajourne")
    response = client.post(url("delete", dossier, document_pk=document.pk), follow=True)
    assert response.redirect_chain == [(url("detail", dossier, document_pk=document.pk), 302)]
    assert Document.objects.filter(pk=document.pk).exists()
    # The gouvernance's one rule (decidable_delete_check), in the same words for every object.
    assert (
        "Ce document a fait l&#x27;objet d&#x27;une décision du comité de projet : il ne peut pas être supprimé. "
        "Déposez plutôt une nouvelle version."
    ) in response.content.decode()


def test_delete_withdraws_a_pending_submission(client_for, dossier):
    document = DocumentFactory(dossier=dossier)
    client = client_for(dossier, "equipe")
    client.post(url("submit", dossier, document_pk=document.pk))
    assert PointOrdreDuJour.objects.filter(target_id=document.pk).count() == 1
    client.post(url("delete", dossier, document_pk=document.pk))
    assert not Document.objects.exists() and not PointOrdreDuJour.objects.exists()


# Validation by the comité de projet ------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_submit_per_viewer(client_for, dossier, kind):
    document = DocumentFactory(dossier=dossier, titre="Bilan 2025")
    client = client_for(dossier, kind)
    response = client.post(url("submit", dossier, document_pk=document.pk))
    points = PointOrdreDuJour.objects.filter(target_id=document.pk, target_type__model="document")
    if kind not in TEAM:
        assert_refused(response, kind)
        assert not points.exists()
        return
    assert response.status_code == 302
    point = points.get()
    assert (point.dossier, point.seance, point.submitted_by) == (dossier, None, client.user)
    assert point.titre == "Document (étude) : Bilan 2025"


def test_confidential_document_cannot_be_submitted(client_for, dossier, main):
    document = DocumentFactory(dossier=dossier, confidential=True)
    client = client_for(dossier, "chef_de_projet")
    assert (
        "Soumettre au comité de projet"
        not in main(client.get(url("detail", dossier, document_pk=document.pk))).get_text()
    )
    response = client.post(url("submit", dossier, document_pk=document.pk), follow=True)
    assert "Un document confidentiel ne peut pas être soumis" in response.content.decode()
    assert not PointOrdreDuJour.objects.exists()


def test_decision_of_a_seance_changes_the_validation_state(client_for, dossier, main):
    from pvd.gouvernance.selectors import validation_state

    document = DocumentFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")

    def shown():
        detail = main(client.get(url("detail", dossier, document_pk=document.pk)))
        listed = main(client.get(url("list", dossier))).select_one(f"#document-{document.pk} [data-etat]")
        return detail.select_one("#validation [data-etat]")["data-etat"], listed["data-etat"]

    assert shown() == ("non_soumis", "non_soumis")
    client.post(url("submit", dossier, document_pk=document.pk))
    assert shown() == ("soumis", "soumis")
    decision = _decide(document, client.user)
    assert shown() == ("valide", "valide")
    state = validation_state(document)
    assert state.decision == decision and state.seance == decision.point.seance
    detail = main(client.get(url("detail", dossier, document_pk=document.pk)))
    assert "3 avril 2025" in detail.select_one("#validation").get_text()
    # Like on a fiche action: a link to the séance that decided.
    seance_url = reverse("gouvernance:seance", kwargs={"dossier_pk": dossier.pk, "pk": decision.point.seance_id})
    assert detail.select_one("#validation a")["href"] == seance_url
    # Validated: it cannot be submitted again.
    assert "Soumettre au comité de projet" not in detail.get_text()


def test_gouvernance_offers_documents_as_decision_targets(client_for, dossier):
    from pvd.gouvernance.selectors import target_lookup, targetable_objects

    public = DocumentFactory(dossier=dossier, titre="Étude commerce")
    secret = DocumentFactory(dossier=dossier, confidential=True)
    groups = {key: objects for key, _label, objects in targetable_objects(dossier)}
    assert groups["document"] == [public]
    assert target_lookup(dossier, f"document:{public.pk}") == public
    assert target_lookup(dossier, f"document:{secret.pk}") is None


def test_diagnostic_is_no_longer_offered_but_existing_ones_keep_their_kind(client_for, dossier, main):
    """The diagnostic is built in its own app: « Diagnostic » is not a kind of new document any
    more; a document that has it keeps it, and may still be edited."""
    client = client_for(dossier, "chef_de_projet")
    kinds = [o["value"] for o in main(client.get(url("create", dossier))).select("select[name=kind] option")]
    assert "diagnostic" not in kinds and "etude" in kinds
    response = client.post(url("create", dossier), _create_data(kind="diagnostic", file=upload()))
    assert response.status_code == 400 and not Document.objects.exists()
    other = DocumentFactory(dossier=dossier, kind="etude")
    response = client.post(url("update", dossier, document_pk=other.pk), _create_data(kind="diagnostic"))
    assert response.status_code == 400
    old = DocumentFactory(dossier=dossier, kind="diagnostic", titre="Diagnostic de 2024")
    update_url = url("update", dossier, document_pk=old.pk)
    selected = main(client.get(update_url)).select_one("select[name=kind] option[selected]")
    assert selected["value"] == "diagnostic"
    response = client.post(update_url, _create_data(titre="Diagnostic de 2024 (révisé)", kind="diagnostic"))
    old.refresh_from_db()
    assert response.status_code == 302 and (old.titre, old.kind) == ("Diagnostic de 2024 (révisé)", "diagnostic")
