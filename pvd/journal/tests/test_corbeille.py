"""The bin: a deletion keeps the object, its cascade, its history and its files; the chef de
projet restores it all or nothing; the retention empties it; the admin deletes through it."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.actions.models import FicheAction, LigneFinancement, PieceJointe
from pvd.actions.services import fiche_delete
from pvd.actions.tests.factories import FicheFactory, LigneFactory, make_piece
from pvd.documents.models import Document, DocumentVersion
from pvd.documents.services import document_delete
from pvd.documents.tests.factories import DocumentFactory
from pvd.dossiers.models import Dossier, Role
from pvd.dossiers.tests.factories import MembreFactory
from pvd.journal.models import Corbeille
from pvd.journal.services import corbeille_purge, corbeille_restore
from pvd.strategie.models import SecteurIntervention
from pvd.strategie.services import secteur_delete
from pvd.strategie.tests.factories import SecteurFactory
from tests.utils import assert_queries_do_not_grow, assert_refused, main


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def chef(db):
    return MembreFactory(role=Role.CHEF_DE_PROJET)


def _url(dossier):
    return reverse("journal:corbeille", kwargs={"dossier_pk": dossier.pk})


def test_fiche_round_trip(chef, media, django_capture_on_commit_callbacks):
    fiche = FicheFactory(dossier=chef.dossier, titre="Halles")
    ligne = LigneFactory(fiche=fiche)
    piece = make_piece(fiche, content=b"%PDF-1.4 octets du plan")
    name, fiche_pk, ligne_pk = piece.file.name, fiche.pk, ligne.pk
    with django_capture_on_commit_callbacks(execute=True):
        fiche_delete(fiche=fiche, by=chef.user)
    assert not FicheAction.objects.filter(pk=fiche_pk).exists()
    assert default_storage.exists(name)  # the file stays while in the bin
    entry = Corbeille.objects.get(dossier_ref=chef.dossier.pk)
    assert entry.label == "Halles" and entry.deleted_by == chef.user
    restored = corbeille_restore(entry=entry, by=chef.user)
    assert restored.pk == fiche_pk and restored.titre == "Halles"
    assert LigneFinancement.objects.filter(pk=ligne_pk, fiche_id=fiche_pk).exists()
    piece = PieceJointe.objects.get(fiche_id=fiche_pk)
    with piece.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4 octets du plan"
    assert [r.history_type for r in FicheAction.history.filter(id=fiche_pk).order_by("history_id")] == ["+", "-", "+"]
    assert not Corbeille.objects.exists()


def test_document_round_trip(chef, media):
    document = DocumentFactory(dossier=chef.dossier, versions=2)
    names, pk = [v.file.name for v in document.versions.all()], document.pk
    document_delete(document=document, by=chef.user)
    assert not Document.objects.exists()
    corbeille_restore(entry=Corbeille.objects.get(), by=chef.user)
    assert DocumentVersion.objects.filter(document_id=pk).count() == 2
    assert all(default_storage.exists(name) for name in names)
    assert Document.history.filter(id=pk).count() == 3


def test_secteur_round_trip(chef):
    secteur = SecteurFactory(dossier=chef.dossier)
    fiche = FicheFactory(dossier=chef.dossier, secteur=secteur)
    pk = secteur.pk
    secteur_delete(secteur=secteur, by=chef.user)
    fiche.refresh_from_db()
    assert fiche.secteur is None
    corbeille_restore(entry=Corbeille.objects.get(), by=chef.user)
    fiche.refresh_from_db()
    assert SecteurIntervention.objects.filter(pk=pk).exists() and fiche.secteur_id == pk


def test_refusals_still_apply_first(chef):
    from pvd.gouvernance import services as gouvernance_services

    fiche = FicheFactory(dossier=chef.dossier)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gouvernance_services, "decidable_delete_check", _refuse)
        with pytest.raises(ValidationError):
            fiche_delete(fiche=fiche, by=chef.user)
    assert FicheAction.objects.filter(pk=fiche.pk).exists() and not Corbeille.objects.exists()


def _refuse(**kwargs):
    raise ValidationError("refusé")


def test_restore_refused_when_the_parent_is_gone(chef):
    fiche = FicheFactory(dossier=chef.dossier)
    ligne = LigneFactory(fiche=fiche)
    from pvd.journal.services import corbeille_move

    ligne_pk = ligne.pk
    corbeille_move(instance=ligne, by=chef.user)
    fiche_delete(fiche=fiche, by=chef.user)
    entry = Corbeille.objects.get(object_id=str(ligne_pk), content_type__model="lignefinancement")
    with pytest.raises(ValidationError, match="ne peut pas être restauré"):
        corbeille_restore(entry=entry, by=chef.user)
    assert not LigneFinancement.objects.exists() and Corbeille.objects.filter(pk=entry.pk).exists()


def test_restore_refused_when_a_unique_value_is_taken(chef):
    from pvd.dossiers.tests.factories import MembreFactory as Membres
    from pvd.journal.services import corbeille_move

    membre = Membres(dossier=chef.dossier, role=Role.EQUIPE)
    corbeille_move(instance=membre, by=chef.user)
    Membres(dossier=chef.dossier, user=membre.user, role=Role.LECTEUR)
    with pytest.raises(ValidationError, match="conflit"):
        corbeille_restore(entry=Corbeille.objects.get(), by=chef.user)
    assert chef.dossier.membres.filter(user=membre.user).get().role == Role.LECTEUR


def test_purge_removes_old_entries_and_their_files(chef, media, settings, django_capture_on_commit_callbacks):
    settings.PVD_CORBEILLE_JOURS = 90
    fiche = FicheFactory(dossier=chef.dossier)
    name = make_piece(fiche).file.name
    fiche_delete(fiche=fiche, by=chef.user)
    assert corbeille_purge() == 0 and default_storage.exists(name)
    later = timezone.now() + datetime.timedelta(days=91)
    with django_capture_on_commit_callbacks(execute=True):
        assert corbeille_purge(now=later) == 1
    assert not default_storage.exists(name) and not Corbeille.objects.exists()


def test_vider_corbeille_command(chef, settings):
    settings.PVD_CORBEILLE_JOURS = 0
    fiche_delete(fiche=FicheFactory(dossier=chef.dossier), by=chef.user)
    call_command("vider_corbeille", stdout=io.StringIO())
    assert not Corbeille.objects.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_only_the_chef_sees_and_restores(client_for, dossier, kind):
    owner = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET)
    fiche_delete(fiche=FicheFactory(dossier=dossier, titre="Halles"), by=owner.user)
    entry = Corbeille.objects.get()
    client = client_for(dossier, kind)
    response = client.get(_url(dossier))
    restore = client.post(reverse("journal:corbeille_restore", kwargs={"dossier_pk": dossier.pk, "pk": entry.pk}))
    if kind == Role.CHEF_DE_PROJET:
        assert "Halles" in main(response).get_text()
        assert restore.status_code == 302 and FicheAction.objects.filter(titre="Halles").exists()
    else:
        assert_refused(response, kind)
        assert_refused(restore, kind)
        assert Corbeille.objects.filter(pk=entry.pk).exists()


def test_other_dossier_entry_not_restorable(client, chef):
    other = MembreFactory(role=Role.CHEF_DE_PROJET)
    fiche_delete(fiche=FicheFactory(dossier=other.dossier), by=other.user)
    entry = Corbeille.objects.get()
    client.force_login(chef.user)
    url = reverse("journal:corbeille_restore", kwargs={"dossier_pk": chef.dossier.pk, "pk": entry.pk})
    assert client.post(url).status_code == 404


def test_bin_queries_do_not_grow(client, chef):
    client.force_login(chef.user)
    fiche_delete(fiche=FicheFactory(dossier=chef.dossier), by=chef.user)

    def grow():
        for _ in range(4):
            fiche_delete(fiche=FicheFactory(dossier=chef.dossier), by=chef.user)

    assert assert_queries_do_not_grow(lambda: client.get(_url(chef.dossier)).status_code, grow=grow) == (200, 200)


def test_admin_deletes_a_dossier_to_the_bin(admin_client, chef):
    fiche = FicheFactory(dossier=chef.dossier)
    url = reverse("admin:dossiers_dossier_delete", args=[chef.dossier.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Dossier.objects.filter(pk=chef.dossier.pk).exists()
    entry = Corbeille.objects.get()
    assert entry.content_type.model == "dossier" and entry.item_count >= 3
    corbeille_restore(entry=entry, by=None)
    assert FicheAction.objects.filter(pk=fiche.pk, dossier_id=chef.dossier.pk).exists()
    assert chef.dossier.membres.filter(role=Role.CHEF_DE_PROJET).exists()


def test_admin_delete_selected_goes_to_the_bin(admin_client, chef):
    fiches = [SecteurFactory(dossier=chef.dossier) for _ in range(2)]
    response = admin_client.post(
        reverse("admin:strategie_secteurintervention_changelist"),
        {"action": "delete_selected", "_selected_action": [f.pk for f in fiches], "post": "yes"},
    )
    assert response.status_code == 302
    assert Corbeille.objects.count() == 2 and not SecteurIntervention.objects.exists()
