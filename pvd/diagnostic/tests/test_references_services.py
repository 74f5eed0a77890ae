"""Writes of the documents de planification, études and initiatives: consistent dates, checked
files, a deliverable of the dossier only, the uploaded deliverable made a document in the same transaction."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pvd.comptes.tests.factories import UserFactory
from pvd.diagnostic import services
from pvd.diagnostic.models import DocumentPlanification, Etude, Initiative
from pvd.documents.models import Document, DocumentVersion
from pvd.documents.tests.factories import DocumentFactory
from pvd.dossiers.tests.factories import DossierFactory
from pvd.journal.services import purge_old_history

from .factories_afom import EtudeFactory, PlanFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 plan"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _plan(dossier, **extra):
    fields = {"kind": "plui", "nom": "PLUi du Grand Langres", "statut": "approuve", "porteur": "CC du Grand Langres"}
    return services.plan_create(dossier=dossier, by=UserFactory(), **(fields | extra))


def test_approval_before_prescription_is_refused_in_french(dossier):
    with pytest.raises(ValidationError) as error:
        _plan(dossier, date_prescription=datetime.date(2022, 5, 1), date_approbation=datetime.date(2021, 1, 1))
    assert error.value.message_dict == {
        "date_approbation": ["La date d'approbation ne peut pas précéder la date de prescription."]
    }
    plan = _plan(dossier, date_prescription=datetime.date(2019, 5, 1), date_approbation=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError):
        services.plan_update(plan=plan, date_approbation=datetime.date(2018, 1, 1), by=None)
    plan.refresh_from_db()
    assert plan.date_approbation == datetime.date(2024, 1, 1)


def test_plan_file_is_checked_like_a_document(dossier, media):
    with pytest.raises(ValidationError) as error:
        _plan(dossier, file=SimpleUploadedFile("plui.pdf", b"MZ not a pdf"))
    assert "ne correspond pas à son extension" in str(error.value)
    with pytest.raises(ValidationError, match="Ce type de fichier n'est pas accepté"):
        _plan(dossier, file=SimpleUploadedFile("plui.exe", b"MZ"))
    assert not DocumentPlanification.objects.exists()
    assert not list(media.rglob("*.*"))
    plan = _plan(dossier, file=SimpleUploadedFile("plui.pdf", PDF))
    assert plan.file.name.startswith(f"diagnostic/{dossier.pk}/plans/plui")
    with plan.file.open("rb") as handle:
        assert handle.read() == PDF


def test_replaced_files_stay_while_the_history_points_to_them(
    dossier, media, settings, django_capture_on_commit_callbacks
):
    plan = _plan(dossier, file=SimpleUploadedFile("v1.pdf", PDF))
    v1 = media / plan.file.name
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_update(plan=plan, file=SimpleUploadedFile("v2.pdf", PDF + b"2"), by=None)
    v2 = media / plan.file.name
    assert v1.read_bytes() == PDF and v2.exists()
    old_record = DocumentPlanification.history.filter(id=plan.pk).order_by("history_id").first()
    assert old_record.file == str(v1.relative_to(media))  # what the history shows is still there
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_update(plan=plan, remove_file=True, by=None)
    assert not plan.file and v2.exists()
    # Once the audit trail's retention removes the rows that refer to them, the files go.
    settings.PVD_CONSERVATION_JOURNAL_JOURS = 30
    later = timezone.now() + datetime.timedelta(days=31)
    with django_capture_on_commit_callbacks(execute=True):
        purge_old_history(now=later)
    assert not v1.exists() and not v2.exists()
    plan = services.plan_update(plan=plan, file=SimpleUploadedFile("v3.pdf", PDF), by=None)
    path = media / plan.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_delete(plan=plan, by=None)
    assert path.exists() and not DocumentPlanification.objects.exists()  # its file stays in the bin


def _etude(dossier, **extra):
    fields = {"objet": "Étude pré-opérationnelle OPAH-RU", "statut": "en_cours", "cout": Decimal("45000")}
    return services.etude_create(dossier=dossier, by=UserFactory(), **(fields | extra))


def test_deliverable_is_a_document_of_the_dossier_only(dossier):
    mine = DocumentFactory(dossier=dossier)
    theirs = DocumentFactory(dossier=DossierFactory())
    with pytest.raises(ValidationError, match="n'appartient pas à ce dossier"):
        _etude(dossier, livrable=theirs)
    assert not Etude.objects.exists()
    etude = _etude(dossier, livrable=mine)
    assert etude.livrable == mine
    etude = services.etude_update(etude=etude, objet="OPAH-RU", by=None)
    assert etude.livrable is None  # nothing chosen: the link goes, the document stays
    assert Document.objects.filter(pk=mine.pk).exists()


def test_uploaded_deliverable_becomes_a_document_etude_in_the_same_transaction(dossier):
    chef = UserFactory()
    file = SimpleUploadedFile("rapport.pdf", PDF)
    etude = services.etude_create(
        dossier=dossier,
        objet="Étude de revitalisation commerciale",
        description="Diagnostic des commerces du centre.",
        statut="terminee",
        livrable_file=file,
        livrable_confidentiel=True,
        by=chef,
    )
    document = etude.livrable
    assert (document.dossier, document.kind, document.titre, document.confidentiel, document.created_by) == (
        dossier,
        "etude",
        "Étude de revitalisation commerciale",
        True,
        chef,
    )
    assert document.description == "Diagnostic des commerces du centre."
    assert document.versions.get().nom == "rapport.pdf"


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"date_debut": datetime.date(2026, 5, 1), "date_fin": datetime.date(2026, 1, 1)},
            "date_fin",
            "La date de fin ne peut pas précéder la date de début.",
        ),
        ({"cout": Decimal("-1")}, "cout", "Le coût ne peut pas être négatif."),
        ({"objet": "  "}, "objet", "Ce champ ne peut pas être vide."),
    ],
)
def test_a_refused_study_saves_no_document(dossier, media, extra, field, message):
    with pytest.raises(ValidationError) as error:
        _etude(dossier, livrable_file=SimpleUploadedFile("rapport.pdf", PDF), **extra)
    assert error.value.message_dict[field] == [message]
    assert not Etude.objects.exists() and not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_bad_deliverable_file_is_reported_on_its_field(dossier):
    with pytest.raises(ValidationError) as error:
        _etude(dossier, livrable_file=SimpleUploadedFile("rapport.pdf", b"not a pdf"))
    assert list(error.value.message_dict) == ["livrable_file"]
    assert not Etude.objects.exists() and not Document.objects.exists()


def test_both_a_document_and_a_file_is_refused(dossier):
    with pytest.raises(ValidationError, match="pas les deux"):
        _etude(dossier, livrable=DocumentFactory(dossier=dossier), livrable_file=SimpleUploadedFile("r.pdf", PDF))
    assert not Etude.objects.exists() and Document.objects.count() == 1


def test_deleting_a_study_keeps_its_deliverable(dossier):
    etude = EtudeFactory(dossier=dossier, livrable=DocumentFactory(dossier=dossier))
    services.etude_delete(etude=etude, by=None)
    assert not Etude.objects.exists() and Document.objects.count() == 1


def test_initiatives(dossier):
    initiative = services.initiative_create(
        dossier=dossier,
        nom=" Tiers-lieu de la gare ",
        porteur="Association Langres en transition",
        porteur_kind="associatif",
        lien="https://example.org",
        by=None,
    )
    assert initiative.nom == "Tiers-lieu de la gare"
    with pytest.raises(ValidationError) as error:
        services.initiative_update(initiative=initiative, porteur_kind="mixte", lien="pas une adresse", by=None)
    assert set(error.value.message_dict) == {"porteur_kind", "lien"}
    services.initiative_delete(initiative=Initiative.objects.get(), by=None)
    assert not Initiative.objects.exists()
    with pytest.raises(ValueError):
        services.initiative_create(dossier=dossier, nom="X", porteur="Y", porteur_kind="public", dossier_id=3, by=None)
    assert PlanFactory(dossier=dossier).dossier == dossier
