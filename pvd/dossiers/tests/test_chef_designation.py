"""The State designates the chef de projet of a dossier it opened: while no chef de projet has joined,
the préfecture of the dossier's département and ANCT see the pending chef invitations (on the members
page and the home page), cancel one, resend it (new link, new 30 days) or invite another address —
and get no other member-management power."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.comptes.tests.factories import UserFactory
from pvd.core.formatting import date_longue
from pvd.dossiers import services
from pvd.dossiers.models import Invitation, Membre, Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory
from tests.utils import main

pytestmark = pytest.mark.django_db

STATE = {"prefecture", "anct"}
NOT_VISIBLE = {"outsider", "prefecture_autre"}
BASE_URL = "http://testserver/"


def squash(node) -> str:
    return " ".join(node.get_text(" ").split())


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def anct(db):
    return UserFactory(anct=True, first_name="Sophie", last_name="Garnier", email="sophie@anct.gouv.fr")


@pytest.fixture
def wrong(dossier, anct):
    """The chef de projet invitation ANCT sent to a wrong address when opening the dossier."""
    return services.invitation_create(
        dossier=dossier, email="erreur@exemple.fr", role=Role.CHEF_DE_PROJET, by=anct, base_url=BASE_URL
    )


def cancel_url(invitation):
    return reverse("dossiers:chef_invitation_cancel", args=[invitation.dossier_id, invitation.pk])


def resend_url(invitation):
    return reverse("dossiers:chef_invitation_resend", args=[invitation.dossier_id, invitation.pk])


def invite_url(dossier):
    return reverse("dossiers:chef_invite", args=[dossier.pk])


def day(moment) -> str:
    """A date as the pages write it: « 3 mars 2026 », « 1er avril 2026 »."""
    return date_longue(moment)


def refused(response, kind):
    """The refusal each viewer gets: the login page, a 404 (dossier not visible) or a 403."""
    if kind == "anonymous":
        return response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    if kind in NOT_VISIBLE:
        return response.status_code == 404
    return response.status_code == 403


# --- Per viewer -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_the_home_and_members_pages_show_the_pending_chef_invitation_to_the_state_only(
    client_for, dossier, wrong, kind
):
    mail.outbox.clear()
    client = client_for(dossier, kind)
    home = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    membres = client.get(reverse("dossiers:membres", args=[dossier.pk]))
    if kind == "anonymous":
        assert home.status_code == membres.status_code == 302
        return
    if kind in NOT_VISIBLE:
        assert home.status_code == membres.status_code == 404
        return
    assert home.status_code == membres.status_code == 200
    alert = main(home).select_one("#chef-en-attente")
    section = main(membres).select_one("#chef-de-projet")
    if kind in STATE:
        sent_on, expires = day(wrong.created_at), day(wrong.expires_at)
        assert squash(alert) == (
            "Aucun chef de projet n'a encore rejoint le dossier : "
            f"invitation envoyée à erreur@exemple.fr le {sent_on}. "
            "Gérer l'invitation du chef de projet"
        )
        assert alert.a["href"] == reverse("dossiers:membres", args=[dossier.pk]) + "#chef-de-projet"
        rows = [
            [td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in main(membres).select("#invitations-chef tbody tr")
        ]
        assert rows == [
            [
                "erreur@exemple.fr",
                sent_on,
                expires,
                "Renvoyer l'invitation de erreur@exemple.fr Annuler l'invitation de erreur@exemple.fr",
            ]
        ]
        assert section is not None and main(membres).select_one("#chef-form [name=chef-email]") is not None
        # No other member-management power: no general invitation form, no role or removal buttons.
        buttons = {b.get_text(" ", strip=True) for b in main(membres).select("button")}
        assert "Envoyer l'invitation" not in buttons and not any(b.startswith("Retirer") for b in buttons)
    else:
        assert alert is None and section is None
        assert "erreur@exemple.fr" not in main(home).text
        # The chef (the only member who manages members) sees every invitation, this one included.
        assert ("erreur@exemple.fr" in main(membres).text) == (kind == Role.CHEF_DE_PROJET)


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_cancel_per_viewer(client_for, dossier, wrong, kind):
    client = client_for(dossier, kind)
    response = client.post(cancel_url(wrong))
    if kind in STATE:
        assert response.status_code == 302
        assert response["Location"] == reverse("dossiers:membres", args=[dossier.pk]) + "#chef-de-projet"
        assert not Invitation.objects.filter(pk=wrong.pk).exists()
        page = client.get(response["Location"])
        assert messages_of(page) == ["L'invitation de erreur@exemple.fr est annulée : son lien ne fonctionne plus."]
        assert main(page).select_one("#invitations-chef").get_text(strip=True) == (
            "Aucune invitation de chef de projet n'est en attente."
        )
        assert client.get(reverse("comptes:invitation", args=[wrong.token])).status_code == 404
    else:
        assert refused(response, kind)
        assert Invitation.objects.filter(pk=wrong.pk).exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_resend_per_viewer(client_for, dossier, wrong, kind):
    Invitation.objects.filter(pk=wrong.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    mail.outbox.clear()
    client = client_for(dossier, kind)
    response = client.post(resend_url(wrong))
    if kind in STATE:
        assert response.status_code == 302
        new = Invitation.objects.get(dossier=dossier, accepted_at__isnull=True)
        # A new token and a new 30-day validity, to the same address; the old link no longer works.
        assert new.pk != wrong.pk and new.token != wrong.token and new.email == "erreur@exemple.fr"
        assert (new.role, new.invited_by) == (Role.CHEF_DE_PROJET, client.user)
        assert not new.is_expired and timezone.now() - new.created_at < datetime.timedelta(minutes=1)
        assert [m.to for m in mail.outbox] == [["erreur@exemple.fr"]] and new.token in mail.outbox[0].body
        expires = timezone.localtime(new.expires_at)
        assert messages_of(client.get(response["Location"])) == [
            f"Nouvelle invitation envoyée à erreur@exemple.fr, valable jusqu'au {expires:%d/%m/%Y} ; "
            "l'ancien lien ne fonctionne plus."
        ]
        assert client.get(reverse("comptes:invitation", args=[wrong.token])).status_code == 404
    else:
        assert refused(response, kind)
        assert list(Invitation.objects.filter(dossier=dossier).values_list("pk", flat=True)) == [wrong.pk]
        assert not mail.outbox


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_invite_another_address_per_viewer(client_for, dossier, wrong, kind):
    mail.outbox.clear()
    client = client_for(dossier, kind)
    response = client.post(invite_url(dossier), {"chef-email": "Bonne.Adresse@Exemple.fr"})
    if kind in STATE:
        assert response.status_code == 302
        pending = Invitation.objects.filter(dossier=dossier, accepted_at__isnull=True).order_by("created_at", "pk")
        assert [(i.email, i.role) for i in pending] == [
            ("erreur@exemple.fr", Role.CHEF_DE_PROJET),
            ("bonne.adresse@exemple.fr", Role.CHEF_DE_PROJET),
        ]
        assert [m.to for m in mail.outbox] == [["bonne.adresse@exemple.fr"]]
        assert "Chef de projet" in mail.outbox[0].body
    else:
        assert refused(response, kind)
        assert not Invitation.objects.filter(email="bonne.adresse@exemple.fr").exists() and not mail.outbox


# --- Refusals and limits ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["prefecture", "anct"])
def test_a_forged_post_on_another_dossiers_invitation_is_a_404(client_for, dossier, wrong, kind):
    client = client_for(dossier, kind)
    # Another dossier of the same département (visible to this préfecture too) and its chef invitation.
    other = DossierFactory(communes=[CommuneFactory(departement=dossier.communes.get().departement)])
    theirs = services.invitation_create(
        dossier=other, email="autre@exemple.fr", role=Role.CHEF_DE_PROJET, by=UserFactory(anct=True), base_url=BASE_URL
    )
    # And an invitation of this dossier that is not a chef de projet's (sent by a former chef).
    elu = Invitation.objects.create(dossier=dossier, email="elu@exemple.fr", role=Role.ELU)
    for invitation in (theirs, elu):
        for name in ("dossiers:chef_invitation_cancel", "dossiers:chef_invitation_resend"):
            assert client.post(reverse(name, args=[dossier.pk, invitation.pk])).status_code == 404
    assert set(Invitation.objects.values_list("pk", flat=True)) == {wrong.pk, theirs.pk, elu.pk}
    assert Invitation.objects.get(pk=theirs.pk).token == theirs.token


def test_the_state_gets_no_other_member_management_power(client, dossier, wrong, anct):
    lecteur = MembreFactory(dossier=dossier, role=Role.LECTEUR)
    client.force_login(anct)
    membres = reverse("dossiers:membres", args=[dossier.pk])
    assert client.post(membres, {"email": "x@exemple.fr", "role": Role.EQUIPE}).status_code == 403
    assert (
        client.post(
            reverse("dossiers:membre_role", args=[dossier.pk, lecteur.pk]), {"role": "chef_de_projet"}
        ).status_code
        == 403
    )
    assert client.post(reverse("dossiers:membre_remove", args=[dossier.pk, lecteur.pk])).status_code == 403
    assert client.post(reverse("dossiers:invitation_cancel", args=[dossier.pk, wrong.pk])).status_code == 403
    assert Membre.objects.get(pk=lecteur.pk).role == Role.LECTEUR
    assert list(Invitation.objects.values_list("pk", flat=True)) == [wrong.pk]


def test_the_actions_are_post_only(client, dossier, wrong, anct):
    client.force_login(anct)
    for url in (cancel_url(wrong), resend_url(wrong), invite_url(dossier)):
        assert client.get(url).status_code == 405
    assert Invitation.objects.filter(pk=wrong.pk).exists()


def test_a_prefecture_that_sees_only_part_of_the_dossier_does_not_designate_its_chef(client, dossier, wrong):
    """A dossier whose communes lie in two départements: only ANCT (or a préfecture of all of them) opens it."""
    haute_marne = dossier.communes.get().departement
    dossier.communes.add(CommuneFactory(epci=dossier.epci, departement=DepartementFactory(code="21")))
    client.force_login(UserFactory(prefecture=True, departement=haute_marne))
    assert main(client.get(reverse("dossiers:detail", args=[dossier.pk]))).select_one("#chef-en-attente") is None
    assert client.post(cancel_url(wrong)).status_code == 403
    assert Invitation.objects.filter(pk=wrong.pk).exists()


def test_once_a_chef_has_joined_the_state_has_no_more_say(client, dossier, wrong, anct):
    other = services.chef_invitation_create(dossier=dossier, email="bonne@exemple.fr", by=anct, base_url=BASE_URL)
    services.invitation_accept(invitation=other, user=UserFactory(email="bonne@exemple.fr"))
    client.force_login(anct)
    assert main(client.get(reverse("dossiers:detail", args=[dossier.pk]))).select_one("#chef-en-attente") is None
    assert main(client.get(reverse("dossiers:membres", args=[dossier.pk]))).select_one("#chef-de-projet") is None
    mail.outbox.clear()
    for url, data in (
        (cancel_url(wrong), {}),
        (resend_url(wrong), {}),
        (invite_url(dossier), {"chef-email": "x@exemple.fr"}),
    ):
        response = client.post(url, data, follow=True)
        assert messages_of(response) == [
            "Le dossier a déjà un chef de projet : c'est lui qui invite les membres et gère les invitations."
        ]
    assert Invitation.objects.get(pk=wrong.pk).token == wrong.token
    assert not Invitation.objects.filter(email="x@exemple.fr").exists() and not mail.outbox


def test_the_invitation_form_refuses_bad_input_in_french(client, dossier, wrong, anct):
    mail.outbox.clear()
    client.force_login(anct)
    response = client.post(invite_url(dossier), {"chef-email": "pas-une-adresse"})
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide" in main(response).select_one("#chef-form").text
    response = client.post(invite_url(dossier), {"chef-email": "Erreur@exemple.fr"})
    assert response.status_code == 200
    assert "Une invitation est déjà en attente pour cette adresse : renvoyez-la plutôt" in main(response).text
    member = MembreFactory(dossier=dossier, role=Role.LECTEUR).user
    response = client.post(invite_url(dossier), {"chef-email": member.email})
    assert "Cette personne est déjà membre du dossier." in main(response).text
    assert list(Invitation.objects.values_list("pk", flat=True)) == [wrong.pk] and not mail.outbox


def test_a_failed_mail_saves_nothing(client, dossier, wrong, anct, monkeypatch):
    def broken(**kwargs):
        raise smtplib.SMTPServerDisconnected("déconnecté")

    monkeypatch.setattr(services, "send_mail", broken)
    client.force_login(anct)
    response = client.post(resend_url(wrong), follow=True)
    assert "Rien n'a été enregistré" in " ".join(messages_of(response))
    # The old invitation is still there, with its link.
    assert list(Invitation.objects.values_list("token", flat=True)) == [wrong.token]
    response = client.post(invite_url(dossier), {"chef-email": "bonne@exemple.fr"})
    assert response.status_code == 200 and "Rien n'a été enregistré" in " ".join(messages_of(response))
    assert main(response).select_one("[name=chef-email]")["value"] == "bonne@exemple.fr"
    assert list(Invitation.objects.values_list("token", flat=True)) == [wrong.token]


def test_the_home_page_says_when_no_invitation_is_pending(client, dossier, anct):
    client.force_login(anct)
    alert = main(client.get(reverse("dossiers:detail", args=[dossier.pk]))).select_one("#chef-en-attente")
    assert squash(alert) == (
        "Aucun chef de projet n'a encore rejoint le dossier et aucune invitation n'est en attente. "
        "Inviter le chef de projet"
    )


def test_an_expired_chef_invitation_says_who_to_ask(client, dossier, wrong):
    Invitation.objects.filter(pk=wrong.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    response = client.get(reverse("comptes:invitation", args=[wrong.token]))
    assert response.status_code == 410
    assert "Demandez à Sophie Garnier (sophie@anct.gouv.fr), qui vous a invité" in main(response).text
