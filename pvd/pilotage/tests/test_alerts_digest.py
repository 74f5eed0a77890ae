"""The weekly digest: content, sent once, only to the chef and the équipe, opt-out, queries."""

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from pvd.actions.models import Etape
from pvd.actions.tests.factories import FicheFactory
from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.pilotage.digest import send_digests
from pvd.pilotage.models import AlerteEnvoyee
from pvd.pilotage.tasks import envoyer_digest
from tests.utils import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def late_fiche(dossier, **kwargs):
    return FicheFactory(dossier=dossier, date_fin=datetime.date(2026, 1, 31), **kwargs)


@pytest.fixture
def chef(dossier):
    return MembreFactory(
        dossier=dossier, role=Role.CHEF_DE_PROJET, user=UserFactory(email="claire@exemple.fr", first_name="Claire")
    ).user


def test_the_digest_lists_the_new_alerts_with_absolute_links(dossier, chef):
    fiche = late_fiche(dossier, titre="Réhabilitation de la halle")
    report = send_digests(today=TODAY)
    assert (report.sent, report.alerts) == (1, 1)
    [message] = mail.outbox
    assert message.to == ["claire@exemple.fr"]
    assert message.subject == "Petites villes de demain : 1 nouvelle alerte sur vos dossiers"
    fiche_url = f"http://testserver/dossiers/{dossier.pk}/plan-action/fiches/{fiche.pk}/"
    assert "Bonjour Claire," in message.body
    assert f"== {dossier.nom} ==" in message.body
    assert "Fiches action en retard :" in message.body
    assert (
        f"- Fiche {fiche.numero} « Réhabilitation de la halle » : fin prévue le 31/01/2026, statut « À venir ».\n"
        f"  {fiche_url}\n"
    ) in message.body
    assert "http://testserver/comptes/preferences/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="{fiche_url}"' in html
    assert "Réhabilitation de la halle" in html
    assert 'href="http://testserver/comptes/preferences/"' in html


def test_an_alert_is_sent_once_and_a_new_one_comes_alone(dossier, chef):
    first = late_fiche(dossier)
    send_digests(today=TODAY)
    assert send_digests(today=TODAY).sent == 0
    assert len(mail.outbox) == 1
    second = late_fiche(dossier)
    send_digests(today=TODAY)
    assert len(mail.outbox) == 2
    body = mail.outbox[1].body
    assert f"/fiches/{second.pk}/" in body and f"/fiches/{first.pk}/" not in body
    assert AlerteEnvoyee.objects.filter(user=chef).count() == 2


def test_a_moved_end_date_makes_a_new_alert(dossier, chef):
    fiche = late_fiche(dossier)
    send_digests(today=TODAY)
    fiche.date_fin = datetime.date(2026, 2, 28)
    fiche.save()
    send_digests(today=TODAY)
    assert len(mail.outbox) == 2


def test_nothing_is_sent_without_a_new_alert(dossier, chef):
    FicheFactory(dossier=dossier, date_fin=datetime.date(2027, 1, 1))
    assert send_digests(today=TODAY).sent == 0
    assert mail.outbox == []


def test_only_the_chef_and_the_equipe_receive_it(dossier, chef):
    late_fiche(dossier)
    equipe = MembreFactory(dossier=dossier, role=Role.EQUIPE).user
    for role in (Role.ELU, Role.PARTENAIRE, Role.LECTEUR):
        MembreFactory(dossier=dossier, role=role)
    UserFactory(anct=True)
    UserFactory(prefecture=True, departement=dossier.communes.first().departement)
    send_digests(today=TODAY)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([chef.email, equipe.email])


def test_a_user_who_turned_it_off_gets_nothing_and_nothing_is_recorded(dossier, chef):
    late_fiche(dossier)
    chef.digest_hebdo = False
    chef.save()
    send_digests(today=TODAY)
    assert mail.outbox == []
    assert not AlerteEnvoyee.objects.exists()


def test_inactive_users_and_closed_dossiers_get_nothing(dossier, chef):
    late_fiche(dossier)
    chef.is_active = False
    chef.save()
    closed = DossierFactory(cloture_le=datetime.date(2025, 1, 1))
    MembreFactory(dossier=closed, role=Role.CHEF_DE_PROJET)
    late_fiche(closed)
    send_digests(today=TODAY)
    assert mail.outbox == []


def test_one_email_per_user_for_all_their_dossiers(dossier, chef):
    other = DossierFactory(nom="Chaumont")
    MembreFactory(dossier=other, user=chef, role=Role.EQUIPE)
    late_fiche(dossier)
    late_fiche(other)
    send_digests(today=TODAY)
    [message] = mail.outbox
    assert "2 nouvelles alertes" in message.subject
    assert f"== {dossier.nom} ==" in message.body and "== Chaumont ==" in message.body


def test_the_equipe_sees_confidential_fiches_in_its_digest(dossier, chef):
    late_fiche(dossier, confidential=True)
    send_digests(today=TODAY)
    assert "Acquisition foncière secrète" in mail.outbox[0].body


def test_a_failed_sending_leaves_the_alerts_new(dossier, chef, monkeypatch):
    late_fiche(dossier)

    def fail(*args, **kwargs):
        raise OSError("SMTP injoignable")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", fail)
    report = send_digests(today=TODAY)
    assert report.failed == [chef.email]
    assert not AlerteEnvoyee.objects.exists()
    monkeypatch.undo()
    assert send_digests(today=TODAY).sent == 1


def test_the_command_and_the_task_send_the_same_digest(dossier, chef, settings):
    late_fiche(dossier)
    call_command("envoyer_digest")
    assert len(mail.outbox) == 1
    late_fiche(dossier)
    result = envoyer_digest.enqueue()
    assert result.return_value == {"envoyes": 1, "alertes": 1, "echecs": []}
    settings.PVD_BASE_URL = ""
    with pytest.raises(CommandError, match="PVD_BASE_URL"):
        call_command("envoyer_digest")
    late_fiche(dossier)
    call_command("envoyer_digest", base_url="https://pvd.exemple.fr/")
    assert "https://pvd.exemple.fr/dossiers/" in mail.outbox[-1].body


def test_the_queries_do_not_grow_with_the_dossiers_of_a_user(dossier, chef):
    """Per batch of users: a fixed number of queries for the alerts of all their dossiers; per user
    who gets an e-mail, a fixed number more (the record of what was sent). The alerts are read once
    per role (chef, équipe): the user is both from the start."""
    late_fiche(dossier)
    MembreFactory(dossier=DossierFactory(), user=chef, role=Role.EQUIPE)

    def grow():
        for _ in range(3):
            other = DossierFactory()
            MembreFactory(dossier=other, user=chef, role=Role.EQUIPE)
            for _ in range(2):
                fiche = late_fiche(other)
                Etape.objects.create(fiche=fiche, nom="Étude", date=datetime.date(2026, 1, 1))

    def run():
        AlerteEnvoyee.objects.all().delete()
        return send_digests(today=TODAY)

    small, large = assert_queries_do_not_grow(run, grow=grow)
    assert (small.alerts, large.alerts) == (1, 13)


def test_the_preferences_page_turns_the_digest_off_and_on(client, chef):
    client.force_login(chef)
    url = reverse("comptes:preferences")
    page = client.get(url)
    assert 'name="digest_hebdo"' in page.content.decode() and "checked" in page.content.decode()
    response = client.post(url, {})
    assert response.status_code == 302
    chef.refresh_from_db()
    assert chef.digest_hebdo is False
    client.post(url, {"digest_hebdo": "on"})
    chef.refresh_from_db()
    assert chef.digest_hebdo is True


def test_the_preferences_page_needs_a_signed_in_user(client):
    response = client.get(reverse("comptes:preferences"))
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
