"""Deleting a fiche, its steps, budgets and notes: who may, the confirmation page, what a
decision of the comité de projet keeps, the submission and files that go with the fiche."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions.tests.factories import FicheFactory, make_piece
from tests.utils import assert_refused

pytestmark = pytest.mark.django_db


CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}


TEAM = {"chef_de_projet", "equipe"}


CAN_COMMENT = CAN_VIEW - {"lecteur"}


def url(name, dossier, **kwargs):
    return reverse(f"actions:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_fiche_delete_per_viewer(client_for, dossier, kind, main):
    from pvd.actions.models import FicheAction

    fiche = FicheFactory(dossier=dossier, titre="Halle à démolir")
    client = client_for(dossier, kind)
    confirm = client.get(url("fiche_delete", dossier, fiche_pk=fiche.pk))
    response = client.post(url("fiche_delete", dossier, fiche_pk=fiche.pk))
    if kind in TEAM:
        assert confirm.status_code == 200
        content = main(confirm)
        assert "Halle à démolir" in content.get_text() and content.select_one("form#confirmation[method=post]")
        assert response.status_code == 302 and response["Location"] == url("plan", dossier)
        assert not FicheAction.objects.filter(pk=fiche.pk).exists()
    else:
        assert_refused(confirm, kind)
        assert_refused(response, kind)
        assert FicheAction.objects.filter(pk=fiche.pk).exists()


def test_fiche_delete_refused_once_decided(client_for, dossier, main):
    from django.utils import timezone

    from pvd.actions.models import FicheAction
    from pvd.gouvernance.models import Instance, PointOrdreDuJour, Seance
    from pvd.gouvernance.services import decision_record

    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, "chef_de_projet")
    client.post(url("fiche_submit", dossier, fiche_pk=fiche.pk))
    # The comité de projet records a decision on it (even "ajourné"): the fiche must stay.
    point = PointOrdreDuJour.objects.get(target_id=fiche.pk)
    instance = Instance.objects.create(dossier=dossier, kind="comite_projet", nom="Comité de projet")
    point.seance = Seance.objects.create(instance=instance, date=timezone.make_aware(datetime.datetime(2025, 4, 3)))
    point.save()
    decision_record(point=point, resultat="ajourne", by=client.user)
    response = client.post(url("fiche_delete", dossier, fiche_pk=fiche.pk), follow=True)
    assert response.redirect_chain == [(url("fiche", dossier, fiche_pk=fiche.pk), 302)]
    assert FicheAction.objects.filter(pk=fiche.pk).exists()
    assert "décision du comité de projet" in response.content.decode()


def test_fiche_delete_refused_when_decided_then_resubmitted(dossier, make_viewer):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from pvd.actions import services
    from pvd.gouvernance.models import Instance, PointOrdreDuJour, Seance
    from pvd.gouvernance.services import decision_record, object_submit

    chef = make_viewer(dossier, "chef_de_projet")
    fiche = FicheFactory(dossier=dossier)
    point = object_submit(dossier=dossier, target=fiche, titre="Fiche", by=chef)
    instance = Instance.objects.create(dossier=dossier, kind="comite_projet", nom="Comité de projet")
    point.seance = Seance.objects.create(instance=instance, date=timezone.now())
    point.save()
    decision_record(point=point, resultat="ajourne", by=chef)
    object_submit(dossier=dossier, target=fiche, titre="Fiche, nouvelle version", by=chef)  # pending again
    with pytest.raises(ValidationError):
        services.fiche_delete(fiche=fiche, by=chef)
    assert PointOrdreDuJour.objects.filter(target_id=fiche.pk).count() == 2


def test_fiche_delete_confidential_hidden_from_non_team(client_for, dossier):
    fiche = FicheFactory(dossier=dossier, confidential=True)
    response = client_for(dossier, "elu").post(url("fiche_delete", dossier, fiche_pk=fiche.pk))
    assert response.status_code == 403  # the permission is checked before the fiche is looked up


def test_fiche_delete_withdraws_its_pending_submission_and_keeps_its_files_in_the_bin(
    client_for, dossier, media, django_capture_on_commit_callbacks
):
    from pvd.actions.models import FicheAction
    from pvd.gouvernance.models import PointOrdreDuJour

    fiche = FicheFactory(dossier=dossier)
    piece = make_piece(fiche)
    path = media / piece.file.name
    assert path.exists()
    client = client_for(dossier, "chef_de_projet")
    client.post(url("fiche_submit", dossier, fiche_pk=fiche.pk))
    assert PointOrdreDuJour.objects.filter(target_id=fiche.pk).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("fiche_delete", dossier, fiche_pk=fiche.pk))
    assert not FicheAction.objects.filter(pk=fiche.pk).exists()
    assert not PointOrdreDuJour.objects.filter(target_id=fiche.pk).exists()  # no point left pointing at nothing
    assert path.exists()  # the file stays while the fiche is in the bin (issue 14: restored with it)


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_etape_and_budget_delete_per_viewer(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier)
    etape = fiche.etapes.create(nom="Consultation", date=datetime.date(2025, 6, 1))
    budget = fiche.budgets.create(annee=2025, investissement=Decimal("10"), fonctionnement=Decimal("1"))
    client = client_for(dossier, kind)
    responses = [
        client.post(url("etape_delete", dossier, fiche_pk=fiche.pk, etape_pk=etape.pk)),
        client.post(url("budget_delete", dossier, fiche_pk=fiche.pk, budget_pk=budget.pk)),
    ]
    if kind in TEAM:
        assert [r.status_code for r in responses] == [302, 302]
        assert not fiche.etapes.exists() and not fiche.budgets.exists()
        assert set(fiche.historique.values_list("champ", flat=True)) >= {"étape supprimée", "budget 2025"}
    else:
        for response in responses:
            assert_refused(response, kind)
        assert fiche.etapes.exists() and fiche.budgets.exists()


def test_deletes_are_post_only_and_scoped_to_the_fiche(client_for, dossier):
    fiche, other = FicheFactory(dossier=dossier), FicheFactory(dossier=dossier)
    etape = other.etapes.create(nom="Consultation", date=datetime.date(2025, 6, 1))
    client = client_for(dossier, "chef_de_projet")
    assert client.get(url("etape_delete", dossier, fiche_pk=other.pk, etape_pk=etape.pk)).status_code == 405
    assert client.post(url("etape_delete", dossier, fiche_pk=fiche.pk, etape_pk=etape.pk)).status_code == 404
    assert other.etapes.exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_note_delete_by_its_author_per_viewer(client_for, dossier, kind):
    from pvd.actions.models import Note

    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, kind)
    note = Note.objects.create(fiche=fiche, auteur=client.user, date=datetime.date(2025, 5, 2), texte="Vue")
    response = client.post(url("note_delete", dossier, fiche_pk=fiche.pk, note_pk=note.pk))
    if kind in CAN_COMMENT:
        assert response.status_code == 302
        assert not Note.objects.filter(pk=note.pk).exists()
    else:
        assert_refused(response, kind)
        assert Note.objects.filter(pk=note.pk).exists()


@pytest.mark.parametrize("kind", sorted(CAN_COMMENT))
def test_note_of_someone_else_only_deleted_by_the_chef(client_for, make_viewer, dossier, kind, main):
    from pvd.actions.models import Note

    fiche = FicheFactory(dossier=dossier)
    author = make_viewer(dossier, "elu")
    note = Note.objects.create(fiche=fiche, auteur=author, date=datetime.date(2025, 5, 2), texte="Vue")
    client = client_for(dossier, kind)
    delete_url = url("note_delete", dossier, fiche_pk=fiche.pk, note_pk=note.pk)
    shown = bool(main(client.get(url("fiche", dossier, fiche_pk=fiche.pk))).select(f"form[action='{delete_url}']"))
    response = client.post(delete_url)
    if kind == "chef_de_projet":
        assert shown and response.status_code == 302
        assert not Note.objects.filter(pk=note.pk).exists()
    else:
        assert not shown and response.status_code == 403
        assert Note.objects.filter(pk=note.pk).exists()
