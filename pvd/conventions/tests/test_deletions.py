"""Deleting a convention moves it to the bin (issue 14): who may, what is refused (signed, a
signature recorded, avenants, a decision of the comité), and the chef de projet's restore
bringing back its signatories, documents, files and history; an avenant goes and comes back alone."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.conventions import services
from pvd.conventions.models import Convention, ConventionDocument, ConventionDocumentKind, ConventionType, Signataire
from pvd.conventions.tests.factories import ConventionFactory, SignataireFactory
from pvd.gouvernance import services as gouvernance_services
from pvd.gouvernance.models import PointOrdreDuJour
from pvd.gouvernance.tests.factories import InstanceFactory, SeanceFactory
from pvd.journal.models import Corbeille
from pvd.journal.services import corbeille_restore
from tests.utils import assert_refused, main

pytestmark = pytest.mark.django_db

EDITORS = ("chef_de_projet", "equipe")
PDF = b"%PDF-1.4 projet de convention"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _url(convention, name="conventions:delete"):
    return reverse(name, kwargs={"dossier_pk": convention.dossier_id, "pk": convention.pk})


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_convention_delete_per_role(client_for, dossier, kind):
    convention = ConventionFactory(dossier=dossier)
    client = client_for(dossier, kind)
    confirm = client.get(_url(convention))
    response = client.post(_url(convention))
    if kind in EDITORS:
        assert confirm.status_code == 200
        assert "corbeille" in main(confirm).get_text()
        assert response.status_code == 302
        assert not Convention.objects.filter(pk=convention.pk).exists()
        assert Corbeille.objects.get(dossier_ref=dossier.pk).deleted_by == client.user
    else:
        assert_refused(confirm, kind)
        assert_refused(response, kind)
        assert Convention.objects.filter(pk=convention.pk).exists()


def test_delete_button_only_on_an_unsigned_convention(client_for, dossier, adhesion):
    projet = services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
    client = client_for(dossier, "equipe")
    assert main(client.get(_url(projet, "conventions:detail"))).select_one("#convention-delete")
    assert not main(client.get(_url(adhesion, "conventions:detail"))).select_one("#convention-delete")
    assert not main(client_for(dossier, "elu").get(_url(projet, "conventions:detail"))).select_one("#convention-delete")


def test_signed_convention_refused(client_for, dossier, adhesion):
    response = client_for(dossier, "chef_de_projet").post(_url(adhesion), follow=True)
    assert "La convention est signée : elle ne peut pas être supprimée" in html.unescape(response.content.decode())
    assert Convention.objects.filter(pk=adhesion.pk).exists() and not Corbeille.objects.exists()


def test_convention_with_a_signature_refused(dossier, chef):
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    signataire = convention.signataires.order_by("ordre", "pk").first()
    services.signature_record(signataire=signataire, signe_le=datetime.date(2022, 8, 31))
    with pytest.raises(ValidationError, match="Un signataire a déjà signé"):
        services.convention_delete(convention=convention, by=chef)
    assert Convention.objects.filter(pk=convention.pk).exists()


def test_convention_with_avenants_refused(dossier, chef):
    cadre = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    services.convention_create(dossier=dossier, kind=ConventionType.AVENANT, amende=cadre)
    with pytest.raises(ValidationError, match="a des avenants"):
        services.convention_delete(convention=cadre, by=chef)
    assert Convention.objects.count() == 2


def test_convention_decided_by_the_comite_refused_and_pending_submission_withdrawn(dossier, chef):
    decided = ConventionFactory(dossier=dossier)
    seance = SeanceFactory(instance=InstanceFactory(dossier=dossier), passee=True)
    point = gouvernance_services.point_add(seance=seance, titre="Adhésion", target=decided, by=chef)
    gouvernance_services.decision_record(point=point, resultat="ajourne", by=chef)
    with pytest.raises(ValidationError, match="décision du comité de projet"):
        services.convention_delete(convention=decided, by=chef)
    pending = ConventionFactory(dossier=dossier, kind=ConventionType.CADRE)
    gouvernance_services.object_submit(dossier=dossier, target=pending, titre="Cadre", by=chef)
    services.convention_delete(convention=pending, by=chef)
    assert not PointOrdreDuJour.objects.filter(target_id=pending.pk, seance__isnull=True).exists()


def test_convention_round_trip(dossier, chef, media):
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION, titre="Adhésion")
    SignataireFactory(convention=convention, representant="Mme Partenaire")
    services.convention_update(
        convention=convention, titre="Adhésion PVD", objet="Objet.", duree_annees=6, etat="projet"
    )
    document = ConventionDocument.objects.create(
        convention=convention,
        kind=ConventionDocumentKind.PROJET_PDF,
        version=1,
        file=ContentFile(PDF, name="projet.pdf"),
        uploaded_by=chef,
    )
    signataires = set(convention.signataires.values_list("pk", "representant"))
    name, pk = document.file.name, convention.pk
    history_before = Convention.history.filter(id=pk).count()

    services.convention_delete(convention=convention, by=chef)
    assert not Convention.objects.filter(pk=pk).exists() and not Signataire.objects.exists()
    assert media.joinpath(name).read_bytes() == PDF  # the file stays while in the bin

    restored = corbeille_restore(entry=Corbeille.objects.get(), by=chef)
    assert restored.pk == pk and restored.titre == "Adhésion PVD" and restored.duree_annees == 6
    assert set(restored.signataires.values_list("pk", "representant")) == signataires
    document = ConventionDocument.objects.get(convention_id=pk)
    with document.file.open("rb") as stored:
        assert stored.read() == PDF
    types = list(Convention.history.filter(id=pk).order_by("history_id").values_list("history_type", flat=True))
    assert len(types) == history_before + 2 and types[-2:] == ["-", "+"]
    assert Signataire.history.filter(convention_id=pk, history_type="+").count() == 2 * len(signataires)


def test_avenant_round_trip(dossier, chef, adhesion):
    avenant = services.convention_create(dossier=dossier, kind=ConventionType.AVENANT, amende=adhesion)
    pk, numero = avenant.pk, avenant.numero_avenant
    services.convention_delete(convention=avenant, by=chef)
    assert not adhesion.avenants.exists()
    entry = Corbeille.objects.get()
    assert entry.label == f"Avenant n° {numero} à la convention d'adhésion"
    restored = corbeille_restore(entry=entry, by=chef)
    assert restored.pk == pk and restored.amende_id == adhesion.pk and restored.numero_avenant == numero
    assert [r.history_type for r in Convention.history.filter(id=pk).order_by("history_id")][-2:] == ["-", "+"]
