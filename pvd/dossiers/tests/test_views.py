import datetime
import smtplib

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import ALL_VIEWERS
from pvd.dossiers.models import Invitation, Membre, Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from tests.utils import edit_fields, expected_status, main

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
CAN_EDIT = {"chef_de_projet", "equipe"}


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_dossier_detail_per_viewer(client_for, dossier, kind):
    client = client_for(dossier, kind)
    response = client.get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk}))
    if kind == "anonymous":
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    elif kind in CAN_VIEW:
        assert response.status_code == 200
        content = main(response)
        assert content.h1.get_text(strip=True) == dossier.nom
        assert len(content.select("#etapes li")) == 8
    else:  # another dossier's member, or a préfecture elsewhere: the dossier does not exist for them
        assert response.status_code == 404


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_dossier_update_per_viewer(client_for, dossier, kind):
    client = client_for(dossier, kind)
    url = reverse("dossiers:update", kwargs={"dossier_pk": dossier.pk})
    response = client.post(url, {"nom": "Nouveau nom", **edit_fields(client, url)})
    dossier.refresh_from_db()
    if kind in CAN_EDIT:
        assert response.status_code == 302
        assert dossier.nom == "Nouveau nom"
    else:
        assert response.status_code == expected_status(kind, CAN_EDIT, ok=302)
        assert dossier.nom != "Nouveau nom"
        if kind == "anonymous":
            assert "/comptes/connexion/" in response["Location"]


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_invite_only_by_chef_de_projet(client_for, dossier, kind):
    client = client_for(dossier, kind)
    url = reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk})
    response = client.post(url, {"email": "nouvel.elu@exemple.fr", "role": "elu"})
    invited = Invitation.objects.filter(dossier=dossier, email="nouvel.elu@exemple.fr").exists()
    if kind == "chef_de_projet":
        assert response.status_code == 302 and invited
        assert len(mail.outbox) == 1
        assert "/comptes/invitation/" in mail.outbox[0].body
    else:
        assert not invited and not mail.outbox
        assert response.status_code == {"anonymous": 302, "outsider": 404, "prefecture_autre": 404}.get(kind, 403)


def test_invitation_accept_creates_account_and_membership(client, dossier):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    client.force_login(chef)
    client.post(
        reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk}), {"email": "elu@exemple.fr", "role": "elu"}
    )
    client.logout()
    invitation = Invitation.objects.get(email="elu@exemple.fr")
    url = reverse("comptes:invitation", args=[invitation.token])
    response = client.post(url, {"first_name": "Élise", "last_name": "Durand", "password": "court"})
    assert response.status_code == 200  # password refused: nothing created
    assert not Membre.objects.filter(user__email="elu@exemple.fr").exists()
    response = client.post(url, {"first_name": "Élise", "last_name": "Durand", "password": "un mot de passe solide"})
    assert response.status_code == 302
    membre = Membre.objects.get(dossier=dossier, user__email="elu@exemple.fr")
    assert membre.role == Role.ELU
    assert client.get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})).status_code == 200


def test_role_change_keeps_one_chef(client, dossier):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET)
    client.force_login(chef.user)
    url = reverse("dossiers:membre_role", kwargs={"dossier_pk": dossier.pk, "membre_pk": chef.pk})
    client.post(url, {"role": "lecteur"})
    chef.refresh_from_db()
    assert chef.role == Role.CHEF_DE_PROJET
    other = MembreFactory(dossier=dossier, role=Role.LECTEUR)
    client.post(
        reverse("dossiers:membre_role", kwargs={"dossier_pk": dossier.pk, "membre_pk": other.pk}), {"role": "equipe"}
    )
    other.refresh_from_db()
    assert other.role == Role.EQUIPE


def test_role_change_refused_to_equipe(client, dossier):
    equipe = MembreFactory(dossier=dossier, role=Role.EQUIPE)
    lecteur = MembreFactory(dossier=dossier, role=Role.LECTEUR)
    client.force_login(equipe.user)
    url = reverse("dossiers:membre_role", kwargs={"dossier_pk": dossier.pk, "membre_pk": lecteur.pk})
    assert client.post(url, {"role": "chef_de_projet"}).status_code == 403
    lecteur.refresh_from_db()
    assert lecteur.role == Role.LECTEUR


def test_list_shows_only_visible_dossiers(client, dossier):
    membre = MembreFactory(dossier=dossier, role=Role.ELU)
    hidden = DossierFactory()
    client.force_login(membre.user)
    table = main(client.get(reverse("dossiers:list"))).select_one("#dossiers-table")
    text = table.get_text()
    assert dossier.nom in text and hidden.nom not in text


@pytest.mark.parametrize("size", [2, 50])
def test_list_query_count_does_not_grow(client, django_assert_num_queries, size):
    user = MembreFactory().user
    for _ in range(size - 1):
        MembreFactory(user=user, role=Role.LECTEUR)
    client.force_login(user)
    # session, user, count, dossiers, communes (prefetch), départements (filter)
    with django_assert_num_queries(6):
        response = client.get(reverse("dossiers:list"))
    assert len(main(response).select("#dossiers-table tbody tr")) == min(size, 50)


def test_list_is_paginated(client):
    user = MembreFactory().user
    for _ in range(54):
        MembreFactory(user=user, role=Role.LECTEUR)
    client.force_login(user)
    first = main(client.get(reverse("dossiers:list")))
    second = main(client.get(reverse("dossiers:list") + "?page=2"))
    assert len(first.select("#dossiers-table tbody tr")) == 50
    assert len(second.select("#dossiers-table tbody tr")) == 5
    assert "55 dossiers" in first.get_text()


CHEF = {"chef_de_projet"}


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_membres_page_per_viewer(client_for, dossier, kind):
    lecteur = MembreFactory(dossier=dossier, role=Role.LECTEUR)
    client = client_for(dossier, kind)
    response = client.get(reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk}))
    assert response.status_code == expected_status(kind, CAN_VIEW)
    if kind == "anonymous":
        assert "/comptes/connexion/" in response["Location"]
    if response.status_code != 200:
        return
    content = main(response)
    assert content.h1.get_text(strip=True) == "Membres"
    assert lecteur.user.email in content.select_one("#membres-table").get_text()
    is_chef = kind in CHEF
    assert bool(content.find("button", string="Envoyer l'invitation")) == is_chef
    assert bool(content.select("form[action$='/role/']")) == is_chef
    assert bool(content.select("form[action$='/retirer/']")) == is_chef


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_membre_remove_per_viewer(client_for, dossier, kind):
    MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET)  # the dossier keeps a chef whatever happens
    lecteur = MembreFactory(dossier=dossier, role=Role.LECTEUR)
    client = client_for(dossier, kind)
    url = reverse("dossiers:membre_remove", kwargs={"dossier_pk": dossier.pk, "membre_pk": lecteur.pk})
    response = client.post(url)
    assert response.status_code == expected_status(kind, CHEF, ok=302)
    assert Membre.objects.filter(pk=lecteur.pk).exists() == (kind not in CHEF)
    if kind == "anonymous":
        assert "/comptes/connexion/" in response["Location"]


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_membre_role_per_viewer(client_for, dossier, kind):
    MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET)
    lecteur = MembreFactory(dossier=dossier, role=Role.LECTEUR)
    client = client_for(dossier, kind)
    url = reverse("dossiers:membre_role", kwargs={"dossier_pk": dossier.pk, "membre_pk": lecteur.pk})
    response = client.post(url, {"role": "equipe"})
    assert response.status_code == expected_status(kind, CHEF, ok=302)
    lecteur.refresh_from_db()
    assert lecteur.role == (Role.EQUIPE if kind in CHEF else Role.LECTEUR)
    if kind == "anonymous":
        assert "/comptes/connexion/" in response["Location"]


def test_membre_of_another_dossier_cannot_be_changed_or_removed(client, dossier):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET)
    elsewhere = MembreFactory(role=Role.LECTEUR)
    client.force_login(chef.user)
    kwargs = {"dossier_pk": dossier.pk, "membre_pk": elsewhere.pk}
    assert client.post(reverse("dossiers:membre_role", kwargs=kwargs), {"role": "equipe"}).status_code == 404
    assert client.post(reverse("dossiers:membre_remove", kwargs=kwargs)).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.role == Role.LECTEUR


def test_a_commune_of_a_closed_dossier_can_start_a_new_one(dossier):
    import datetime

    from pvd.comptes.tests.factories import UserFactory
    from pvd.dossiers import services

    commune = dossier.communes.get()
    dossier.cloture_le = datetime.date(2025, 12, 31)
    dossier.save()
    nouveau = services.dossier_create(nom="Nouveau", communes=[commune], epci=commune.epci, by=UserFactory())
    assert set(commune.dossiers.all()) == {dossier, nouveau}


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_dossier_list_per_viewer(client_for, dossier, kind):
    from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory

    # A dossier in another département: only ANCT sees it (nobody here is its member).
    cote_dor = DepartementFactory(code="21", nom="Côte-d'Or")
    commune = CommuneFactory(code="21001", departement=cote_dor)
    elsewhere = DossierFactory(nom="Dossier de Côte-d'Or", communes=[commune])
    client = client_for(dossier, kind)
    response = client.get(reverse("dossiers:list"))
    if kind == "anonymous":
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
        return
    assert response.status_code == 200
    table = main(response).select_one("#dossiers-table")
    shown = {a.get_text(strip=True) for a in table.select("tbody td:first-child a")} if table else set()
    assert (dossier.nom in shown) == (kind in CAN_VIEW)
    assert (elsewhere.nom in shown) == (kind == "anct")
    if kind == "outsider":
        assert shown == {client.user.memberships.get().dossier.nom}
    if kind == "prefecture_autre":
        assert shown == set()


@pytest.mark.parametrize("failure", [smtplib.SMTPServerDisconnected("déconnecté"), ConnectionRefusedError()])
def test_invitation_mail_failure_shows_an_error_and_saves_nothing(client, dossier, monkeypatch, failure):
    from pvd.dossiers import services

    def broken_send_mail(**kwargs):
        raise failure

    monkeypatch.setattr(services, "send_mail", broken_send_mail)
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    client.force_login(chef)
    url = reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk})
    response = client.post(url, {"email": "nouvel.elu@exemple.fr", "role": "elu"})
    assert response.status_code == 200
    errors = main(response).get_text(" ", strip=True)
    assert "Le courriel d'invitation n'a pas pu être envoyé" in errors
    assert "Rien n'a été enregistré" in errors
    assert not Invitation.objects.filter(dossier=dossier).exists()
    # Once the mail server is back, the same invitation goes through.
    monkeypatch.undo()
    assert client.post(url, {"email": "nouvel.elu@exemple.fr", "role": "elu"}).status_code == 302
    assert Invitation.objects.filter(dossier=dossier, email="nouvel.elu@exemple.fr").count() == 1


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_invitation_cancel_per_viewer(client_for, dossier, kind):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    invitation = Invitation.objects.create(dossier=dossier, email="elu@exemple.fr", role=Role.ELU, invited_by=chef)
    client = client_for(dossier, kind)
    url = reverse("dossiers:invitation_cancel", kwargs={"dossier_pk": dossier.pk, "invitation_pk": invitation.pk})
    response = client.post(url)
    assert response.status_code == expected_status(kind, CHEF, ok=302)
    assert Invitation.objects.filter(pk=invitation.pk).exists() == (kind not in CHEF)
    if kind in CHEF:
        # The link no longer works.
        client.logout()
        assert client.get(reverse("comptes:invitation", args=[invitation.token])).status_code == 404


def test_invitation_cancel_button_and_scope(client, dossier):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    invitation = Invitation.objects.create(dossier=dossier, email="elu@exemple.fr", role=Role.ELU, invited_by=chef)
    other = Invitation.objects.create(dossier=DossierFactory(), email="x@exemple.fr", role=Role.ELU)
    client.force_login(chef)
    page = main(client.get(reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk})))
    button = page.select_one("#invitations form button")
    assert button.get_text(strip=True) == "Annuler l'invitation"
    assert page.select_one("#invitations form")["action"] == reverse(
        "dossiers:invitation_cancel", kwargs={"dossier_pk": dossier.pk, "invitation_pk": invitation.pk}
    )
    # Another dossier's invitation, or an accepted one, cannot be cancelled from here.
    url = reverse("dossiers:invitation_cancel", kwargs={"dossier_pk": dossier.pk, "invitation_pk": other.pk})
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    invitation.accepted_at = timezone.now()
    invitation.save()
    url = reverse("dossiers:invitation_cancel", kwargs={"dossier_pk": dossier.pk, "invitation_pk": invitation.pk})
    assert client.post(url).status_code == 404
    assert Invitation.objects.count() == 2


def test_invitation_cancel_service_refuses_an_accepted_invitation(dossier):
    from django.core.exceptions import ValidationError

    from pvd.dossiers import services

    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    invitation = Invitation.objects.create(
        dossier=dossier, email="elu@exemple.fr", role=Role.ELU, invited_by=chef, accepted_at=timezone.now()
    )
    with pytest.raises(ValidationError, match="déjà été acceptée"):
        services.invitation_cancel(invitation=invitation, by=chef)
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_an_expired_invitation_can_be_sent_again(client, dossier):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    old = Invitation.objects.create(dossier=dossier, email="elu@exemple.fr", role=Role.ELU, invited_by=chef)
    client.force_login(chef)
    url = reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk})
    response = client.post(url, {"email": "elu@exemple.fr", "role": "elu"})
    assert "Une invitation est déjà en attente" in main(response).get_text()
    Invitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    assert "expirée" in main(client.get(url)).select_one("#invitations").get_text()
    assert client.post(url, {"email": "elu@exemple.fr", "role": "elu"}).status_code == 302
    new = Invitation.objects.get(dossier=dossier, email="elu@exemple.fr")
    assert new.pk != old.pk and not new.is_expired


@pytest.mark.parametrize(
    "url_name, extra, active",
    [
        ("actions:maquette", {}, "Maquette financière"),
        ("actions:plan", {}, "Plan d'action"),
        ("actions:fiche_create", {}, "Plan d'action"),  # no entry of its own: the app's first one
        ("dossiers:membres", {}, "Membres"),
        ("dossiers:detail", {}, "Tableau de bord"),
    ],
)
def test_side_menu_marks_one_current_section(client_for, dossier, url_name, extra, active):
    client = client_for(dossier, "chef_de_projet")
    page = BeautifulSoup(
        client.get(reverse(url_name, kwargs={"dossier_pk": dossier.pk, **extra})).content, "html.parser"
    )
    current = page.select("nav.fr-sidemenu [aria-current='page']")
    assert [item.get_text(strip=True) for item in current] == [active]


def test_invitation_needs_a_chosen_role(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    url = reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk})
    form = BeautifulSoup(client.get(url).content, "html.parser").select_one("#id_role")
    assert [option["value"] for option in form.select("option[selected]")] == [""]
    response = client.post(url, {"email": "nouvel.elu@exemple.fr", "role": ""})
    assert response.status_code in (200, 400)
    assert not Invitation.objects.filter(email="nouvel.elu@exemple.fr").exists() and not mail.outbox
    assert "Ce champ est obligatoire" in response.content.decode()


def test_member_removal_message_is_gender_neutral(client_for, dossier):
    from django.contrib.messages import get_messages

    lecteur = MembreFactory(dossier=dossier, role=Role.LECTEUR, user__first_name="Léa", user__last_name="Lectrice")
    client = client_for(dossier, "chef_de_projet")
    response = client.post(
        reverse("dossiers:membre_remove", kwargs={"dossier_pk": dossier.pk, "membre_pk": lecteur.pk})
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Membre retiré du dossier : Léa Lectrice."]


def test_dossier_detail_key_dates_heading_is_spaced_from_the_steps(client_for, dossier):
    response = client_for(dossier, "elu").get(reverse("dossiers:detail", args=[dossier.pk]))
    page = BeautifulSoup(response.content, "html.parser")
    heading = page.find("h2", string="Dates clés")
    assert "fr-mt-4w" in heading["class"]


def test_list_counts_dossiers_in_french(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    text = " ".join(BeautifulSoup(client.get(reverse("dossiers:list")).content, "html.parser").get_text().split())
    assert "1 dossier." in text
    MembreFactory(dossier=DossierFactory(), user=client.user, role=Role.LECTEUR)
    text = " ".join(BeautifulSoup(client.get(reverse("dossiers:list")).content, "html.parser").get_text().split())
    assert "2 dossiers." in text


def test_the_creation_date_is_the_day_in_france(client_for, dossier):
    """Created at 23:30 UTC on 14 January: already 15 January in Paris, as the page's other dates."""
    from pvd.dossiers.models import Dossier

    Dossier.objects.filter(pk=dossier.pk).update(created_at=datetime.datetime(2026, 1, 14, 23, 30, tzinfo=datetime.UTC))
    client = client_for(dossier, "lecteur")
    page = BeautifulSoup(client.get(reverse("dossiers:detail", args=[dossier.pk])).content, "html.parser")
    dates = page.select_one("#dates-cles")
    assert [" ".join(dd.get_text().split()) for dd in dates.select("dd")] == ["15 janvier 2026"]
