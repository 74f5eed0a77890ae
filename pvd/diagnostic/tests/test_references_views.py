"""The page of the plans, studies and initiatives: roles, the plan's file behind an access check,
the deliverable chosen among the dossier's visible documents only, and query counts."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.diagnostic.models import DocumentPlanification, Etude, Initiative
from pvd.documents.models import Document
from pvd.documents.tests.factories import DocumentFactory
from pvd.dossiers.tests.factories import DossierFactory
from tests.utils import assert_queries_do_not_grow, assert_refused, edit_fields, main

from .factories_afom import EtudeFactory, InitiativeFactory, PlanFactory

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
CAN_EDIT = {"chef_de_projet", "equipe"}
PDF = b"%PDF-1.4 SCoT"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _url(name, dossier, **kwargs):
    return reverse(f"diagnostic:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


@pytest.fixture
def objs(dossier):
    plan = PlanFactory(dossier=dossier, nom="SCoT du Pays de Langres")
    plan.file.save("scot.pdf", ContentFile(PDF))
    return {
        "plan": plan,
        "etude": EtudeFactory(dossier=dossier, objet="Étude OPAH-RU"),
        "initiative": InitiativeFactory(dossier=dossier),
    }


def _close_file(response):
    """Read a download to its end: the test client then closes its file without closing the test's
    database connection (which response.close() would do on PostgreSQL)."""
    if response.streaming:
        b"".join(response.streaming_content)


POSTS = {
    "plan": {"kind": "pcaet", "nom": "PCAET nouveau", "statut": "en_elaboration"},
    "etude": {"objet": "Étude nouvelle", "statut": "prevue"},
    "initiative": {"nom": "Initiative nouvelle", "porteur": "Région", "porteur_kind": "public"},
}


def test_permissions_per_viewer(client, make_viewer, dossier, objs):
    views = [("references", {}, "get", "view", None), ("plan_download", {"pk": objs["plan"].pk}, "get", "view", None)]
    for kind in ("plan", "etude", "initiative"):
        pk = {"pk": objs[kind].pk}
        views += [
            (f"{kind}_create", {}, "get", "edit", None),
            (f"{kind}_update", pk, "get", "edit", None),
            (f"{kind}_delete", pk, "get", "edit", None),
            (f"{kind}_create", {}, "post", "edit", POSTS[kind]),
            (f"{kind}_update", pk, "post", "edit", POSTS[kind]),
            (f"{kind}_delete", pk, "post", "edit", {}),
        ]
    for name, kwargs, method, perm, data in views:
        url = _url(name, dossier, **kwargs)
        allowed = CAN_VIEW if perm == "view" else CAN_EDIT
        for kind in ALL_VIEWERS:
            with transaction.atomic():
                client.logout()
                user = make_viewer(dossier, kind)
                if user is not None:
                    client.force_login(user)
                posted = {**data, **edit_fields(client, url)} if method == "post" else data
                response = getattr(client, method)(url, posted)
                _close_file(response)
                counts = (DocumentPlanification.objects.count(), Etude.objects.count(), Initiative.objects.count())
                names = set(DocumentPlanification.objects.values_list("nom", flat=True))
                transaction.set_rollback(True)
            if kind in allowed:
                assert response.status_code == (200 if method == "get" else 302), (name, method, kind)
            else:
                assert_refused(response, kind)
                assert counts == (1, 1, 1) and names == {"SCoT du Pays de Langres"}, (name, kind)


def test_plan_file_is_downloaded_through_the_view_only(client_for, dossier, objs):
    response = client_for(dossier, "partenaire").get(_url("plan_download", dossier, pk=objs["plan"].pk))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"
    page = main(client_for(dossier, "lecteur").get(_url("references", dossier)))
    links = [a["href"] for a in page.select(f"#plan-{objs['plan'].pk} a")]
    assert links == [_url("plan_download", dossier, pk=objs["plan"].pk)]  # no media URL, no edit link
    no_file = PlanFactory(dossier=dossier)
    assert client_for(dossier, "lecteur").get(_url("plan_download", dossier, pk=no_file.pk)).status_code == 404
    other = PlanFactory(dossier=DossierFactory())
    other.file.save("autre.pdf", ContentFile(PDF))
    assert client_for(dossier, "chef_de_projet").get(_url("plan_download", dossier, pk=other.pk)).status_code == 404


def test_plan_form_refuses_inconsistent_dates_and_bad_files(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    data = POSTS["plan"] | {"date_prescription": "2024-05-02", "date_approbation": "2024-05-01"}
    response = client.post(_url("plan_create", dossier), data)
    assert response.status_code == 400
    assert "ne peut pas précéder la date de prescription" in main(response).get_text()
    data = POSTS["plan"] | {"file": SimpleUploadedFile("pcaet.pdf", b"<html>")}
    response = client.post(_url("plan_create", dossier), data)
    assert response.status_code == 400 and "ne correspond pas à son extension" in main(response).get_text()
    assert not DocumentPlanification.objects.exists()
    data = POSTS["plan"] | {"file": SimpleUploadedFile("pcaet.pdf", PDF), "lien": "www.langres.fr/pcaet"}
    response = client.post(_url("plan_create", dossier), data)
    plan = DocumentPlanification.objects.get()
    assert response["Location"].endswith(f"#plan-{plan.pk}")
    assert plan.lien == "https://www.langres.fr/pcaet" and plan.file
    form = main(client.get(_url("plan_update", dossier, pk=plan.pk)))
    assert "Fichier actuel : pcaet" in form.select_one("#main-form").get_text()
    update = _url("plan_update", dossier, pk=plan.pk)
    client.post(update, POSTS["plan"] | {"remove_file": "on"} | edit_fields(client, update))
    plan.refresh_from_db()
    assert not plan.file


def test_deliverable_offers_only_the_dossiers_documents(client_for, dossier, objs):
    mine = DocumentFactory(dossier=dossier, titre="Rapport OPAH-RU")
    secret = DocumentFactory(dossier=dossier, titre="Rapport confidentiel", confidential=True)
    theirs = DocumentFactory(dossier=DossierFactory(), titre="Rapport d'ailleurs")
    client = client_for(dossier, "equipe")
    url = _url("etude_update", dossier, pk=objs["etude"].pk)
    offered = {int(o["value"]) for o in main(client.get(url)).select("#id_livrable option") if o["value"]}
    assert offered == {mine.pk, secret.pk}  # the équipe-projet sees confidential documents
    response = client.post(url, POSTS["etude"] | {"livrable": theirs.pk} | edit_fields(client, url))
    assert response.status_code == 400 and "choix valide" in main(response).select_one("#id_livrable").parent.get_text()
    assert Etude.objects.get().livrable is None
    client.post(url, POSTS["etude"] | {"livrable": mine.pk} | edit_fields(client, url))
    assert Etude.objects.get().livrable == mine


def test_uploaded_deliverable_and_the_link_to_its_page(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    data = POSTS["etude"] | {"livrable_file": SimpleUploadedFile("rapport.pdf", PDF)}
    client.post(_url("etude_create", dossier), data)
    etude = Etude.objects.get()
    document = Document.objects.get()
    assert (etude.livrable, document.kind, document.titre) == (document, "etude", "Étude nouvelle")
    page = main(client.get(_url("references", dossier)))
    link = page.select_one(f"#etude-{etude.pk} a[href*='/documents/']")
    assert link["href"] == reverse("documents:detail", kwargs={"dossier_pk": dossier.pk, "document_pk": document.pk})
    assert link.get_text() == "Étude nouvelle"
    # Both a document and a file: refused, nothing more saved.
    data = POSTS["etude"] | {"livrable": document.pk, "livrable_file": SimpleUploadedFile("r.pdf", PDF)}
    response = client.post(_url("etude_create", dossier), data)
    assert response.status_code == 400 and "pas les deux" in main(response).get_text()
    assert Etude.objects.count() == 1 and Document.objects.count() == 1


def test_a_confidential_deliverable_is_not_named_to_readers(client_for, dossier):
    secret = DocumentFactory(dossier=dossier, titre="Rapport confidentiel", confidential=True)
    etude = EtudeFactory(dossier=dossier, livrable=secret)
    page = main(client_for(dossier, "elu").get(_url("references", dossier)))
    text = page.select_one(f"#etude-{etude.pk}").get_text()
    assert "Rapport confidentiel" not in text and "Document confidentiel" in text
    assert not page.select(f"#etude-{etude.pk} a[href*='/documents/']")
    page = main(client_for(dossier, "chef_de_projet").get(_url("references", dossier)))
    assert "Rapport confidentiel" in page.select_one(f"#etude-{etude.pk}").get_text()


def test_deletions_go_through_a_confirmation_page(client_for, dossier, objs):
    client = client_for(dossier, "chef_de_projet")
    for kind, model in (("plan", DocumentPlanification), ("etude", Etude), ("initiative", Initiative)):
        url = _url(f"{kind}_delete", dossier, pk=objs[kind].pk)
        assert "sera supprimé" in main(client.get(url)).select_one(".fr-alert").get_text()
        assert model.objects.exists()
        client.post(url)
        assert not model.objects.exists()


def test_objects_of_another_dossier_are_not_found(client_for, dossier):
    other = DossierFactory()
    client = client_for(dossier, "chef_de_projet")
    for kind, factory in (("plan", PlanFactory), ("etude", EtudeFactory), ("initiative", InitiativeFactory)):
        pk = factory(dossier=other).pk
        for action in ("update", "delete"):
            assert client.get(_url(f"{kind}_{action}", dossier, pk=pk)).status_code == 404


def test_references_page_queries_do_not_grow(client_for, dossier):
    client = client_for(dossier, "lecteur")

    def grow(n):
        for _ in range(n):
            PlanFactory(dossier=dossier)
            EtudeFactory(dossier=dossier, livrable=DocumentFactory(dossier=dossier, versions=0))
            EtudeFactory(dossier=dossier, livrable=DocumentFactory(dossier=dossier, versions=0, confidential=True))
            InitiativeFactory(dossier=dossier)

    grow(1)
    small, large = assert_queries_do_not_grow(lambda: client.get(_url("references", dossier)), grow=lambda: grow(6))
    assert len(main(large).select("#etudes article")) == 14
    assert len(main(large).select("#etudes a[href*='/documents/']")) == 7


def test_deleting_a_deliverable_says_which_study_loses_it(client_for, dossier):
    document = DocumentFactory(dossier=dossier, titre="Rapport final")
    EtudeFactory(dossier=dossier, objet="Étude de revitalisation commerciale", livrable=document)
    client = client_for(dossier, "chef_de_projet")
    delete_url = reverse("documents:delete", kwargs={"dossier_pk": dossier.pk, "document_pk": document.pk})
    consequence = main(client.get(delete_url)).select_one(".fr-alert").get_text(" ", strip=True)
    assert consequence == (
        "Le document « Rapport final » et toutes ses versions seront supprimés définitivement. Il est le livrable "
        "de l'étude « Étude de revitalisation commerciale » du diagnostic, qui restera sans livrable."
    )
    client.post(delete_url)
    assert Etude.objects.get().livrable is None
