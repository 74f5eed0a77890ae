"""« Fermer mon compte »: the account is anonymised, what the person wrote stays under
« Compte fermé n° <id> », and a dossier never loses its only chef de projet that way."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.urls import reverse

from pvd.actions.models import Note
from pvd.actions.tests.factories import FicheFactory
from pvd.comptes.models import User
from pvd.comptes.tests.factories import PASSWORD, UserFactory
from pvd.dossiers.account_closure import account_close
from pvd.dossiers.models import Invitation, Membre, Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory
from pvd.gouvernance.tests.factories import MembreInstanceFactory
from pvd.participation.models import Contribution, Moderation
from pvd.participation.services import contribution_answer, contribution_publish
from pvd.participation.tests.factories import ContributionFactory, PageParticipationFactory
from pvd.pilotage.models import Avis
from pvd.suivi.models import Mesure
from pvd.suivi.tests.factories import MesureFactory
from tests.utils import main

pytestmark = pytest.mark.django_db

URL = reverse("comptes:fermer")


def _close(client, user, password=PASSWORD):
    client.force_login(user)
    return client.post(URL, {"password": password})


def test_closing_anonymises_the_account_and_keeps_everything_it_wrote(client):
    user = UserFactory(email="paul@exemple.fr", first_name="Paul", last_name="Martin", organisation="CCI")
    dossier = DossierFactory()
    MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET)  # another chef: not blocking
    MembreFactory(dossier=dossier, user=user, role=Role.EQUIPE)
    fiche = FicheFactory(dossier=dossier)
    note = Note.objects.create(fiche=fiche, auteur=user, date=datetime.date(2026, 3, 1), texte="Point d'étape.")
    mesure = MesureFactory(entered_by=user)
    PageParticipationFactory(dossier=dossier)
    contribution = ContributionFactory(dossier=dossier)
    contribution_publish(contribution=contribution, by=user)
    contribution_answer(contribution=contribution, reponse="Merci, c'est noté.", by=user)
    avis = Avis.objects.create(
        dossier=dossier,
        objet="Fiche 1",
        sens="favorable",
        texte="Bien.",
        date=datetime.date(2026, 2, 1),
        auteur=user,
        auteur_nom="Paul Martin",
        emetteur="Préfecture",
    )
    membre_instance = MembreInstanceFactory(user=user, nom="Paul Martin", email="paul@exemple.fr")
    accepted = Invitation.objects.create(
        dossier=dossier, email="paul@exemple.fr", role=Role.EQUIPE, accepted_at=datetime.datetime.now(datetime.UTC)
    )
    pending = Invitation.objects.create(dossier=DossierFactory(), email="Paul@exemple.fr", role=Role.ELU)

    response = _close(client, user)

    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert SESSION_KEY not in client.session  # logged out
    user.refresh_from_db()
    assert user.get_full_name() == f"Compte fermé n° {user.pk}"
    assert user.email == f"compte-{user.pk}@compte-ferme.invalid"
    assert user.organisation == "" and not user.is_active and not user.has_usable_password()
    assert user.digest_hebdo is False
    assert not Membre.objects.filter(user=user).exists()
    # Everything the person wrote is still there, under the anonymised name.
    assert Note.objects.get(pk=note.pk).auteur == user
    assert Mesure.objects.get(pk=mesure.pk).entered_by == user
    contribution = Contribution.objects.get(pk=contribution.pk)
    assert contribution.moderated_by == user and contribution.answered_by == user
    assert contribution.reponse == "Merci, c'est noté."
    assert list(Moderation.objects.filter(contribution=contribution).values_list("by", flat=True)) == [user.pk] * 2
    avis.refresh_from_db()
    assert avis.auteur == user and avis.auteur_nom == f"Compte fermé n° {user.pk}" and avis.texte == "Bien."
    membre_instance.refresh_from_db()
    assert membre_instance.nom == f"Compte fermé n° {user.pk}" and membre_instance.email == ""
    accepted.refresh_from_db()
    assert accepted.email == user.email
    assert not Invitation.objects.filter(pk=pending.pk).exists()
    assert not Invitation.objects.filter(email__iexact="paul@exemple.fr").exists()
    # Nobody signs in with it any more, not even with the old password.
    assert not client.login(username="paul@exemple.fr", password=PASSWORD)
    assert not client.login(username=user.email, password=PASSWORD)


def test_the_only_chef_de_projet_cannot_close_their_account(client):
    user = UserFactory(first_name="Anne")
    dossier = DossierFactory(nom="Langres")
    MembreFactory(dossier=dossier, user=user, role=Role.CHEF_DE_PROJET)
    MembreFactory(dossier=dossier, role=Role.EQUIPE)
    # A closed (inactive) former chef does not count as another chef.
    MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET, user=UserFactory(is_active=False))

    response = _close(client, user)

    assert response.status_code == 400
    text = main(response).get_text(" ", strip=True)
    assert "Vous êtes le seul chef de projet du dossier « Langres »" in text
    assert "Nommez d'abord un autre chef de projet" in text
    assert text.count("Vous êtes le seul chef de projet") == 1
    assert main(response).select_one(f'a[href="{reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk})}"]')
    assert main(response).select_one("input[name=password]") is None
    user.refresh_from_db()
    assert user.first_name == "Anne" and user.is_active and user.check_password(PASSWORD)
    assert Membre.objects.filter(user=user).count() == 1
    assert client.session[SESSION_KEY] == str(user.pk)


def test_the_service_refuses_the_only_chef_and_changes_nothing():
    user = UserFactory(first_name="Anne")
    dossier = DossierFactory()
    MembreFactory(dossier=dossier, user=user, role=Role.CHEF_DE_PROJET)
    with pytest.raises(ValidationError) as error:
        account_close(user=user, password=PASSWORD)
    assert "seul chef de projet" in " ".join(error.value.messages)
    user.refresh_from_db()
    assert user.first_name == "Anne" and user.is_active
    assert Membre.objects.filter(user=user, dossier=dossier).exists()


def test_the_page_warns_the_only_chef_before_they_type_their_password(client):
    user = UserFactory()
    MembreFactory(dossier=DossierFactory(nom="Chaumont"), user=user, role=Role.CHEF_DE_PROJET)
    client.force_login(user)
    text = main(client.get(URL)).get_text(" ", strip=True)
    assert "Fermeture impossible pour l'instant" in text and "« Chaumont »" in text


def test_a_chef_with_another_chef_may_close(client):
    user = UserFactory()
    dossier = DossierFactory()
    MembreFactory(dossier=dossier, user=user, role=Role.CHEF_DE_PROJET)
    MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET)
    assert _close(client, user).status_code == 302
    assert Membre.objects.filter(dossier=dossier, role=Role.CHEF_DE_PROJET).count() == 1


def test_a_wrong_password_closes_nothing(client):
    user = UserFactory(first_name="Léa")
    response = _close(client, user, password="pas-le-bon")
    assert response.status_code == 400
    assert "Mot de passe incorrect." in main(response).get_text()
    user.refresh_from_db()
    assert user.first_name == "Léa" and user.is_active


def test_closing_needs_to_be_signed_in(client):
    response = client.post(URL, {"password": "x"})
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]


def test_two_closed_accounts_get_two_different_addresses(client):
    first, second = UserFactory(), UserFactory()
    _close(client, first)
    _close(client, second)
    emails = set(User.objects.filter(pk__in=[first.pk, second.pk]).values_list("email", flat=True))
    assert len(emails) == 2
