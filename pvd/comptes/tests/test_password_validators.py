"""Every place a password is set compares it with the account: e-mail address, names."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from pvd.dossiers.models import Invitation, Membre, Role
from pvd.dossiers.tests.factories import MembreFactory

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(dossier):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    return Invitation.objects.create(dossier=dossier, email="elise.durand@exemple.fr", role=Role.ELU, invited_by=chef)


def _field_errors(response, name) -> str:
    errors = BeautifulSoup(response.content, "html.parser").select_one(f"#content #id_{name}_error")
    return errors.get_text(" ", strip=True).replace("\xa0", " ") if errors else ""


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("elise.durand@exemple.fr", "Le mot de passe est trop semblable au champ « adresse électronique »."),
        ("DurandElise", "Le mot de passe est trop semblable au champ « nom »."),
        ("court", "Ce mot de passe est trop court. Il doit contenir au minimum 10 caractères."),
        ("motdepasse", "Ce mot de passe est trop courant."),
        ("20262027202820", "Ce mot de passe est entièrement numérique."),
    ],
)
def test_invitation_refuses_a_password_like_the_account(client, invitation, password, message):
    url = reverse("comptes:invitation", args=[invitation.token])
    response = client.post(url, {"first_name": "Élise", "last_name": "DurandElise", "password": password})
    assert response.status_code == 200
    assert message in _field_errors(response, "password")
    assert not Membre.objects.filter(user__email="elise.durand@exemple.fr").exists()


def test_invitation_accepts_a_sound_password(client, invitation):
    url = reverse("comptes:invitation", args=[invitation.token])
    response = client.post(url, {"first_name": "Élise", "last_name": "Durand", "password": "un mot de passe solide"})
    assert response.status_code == 302
    assert Membre.objects.filter(user__email="elise.durand@exemple.fr", role=Role.ELU).exists()


def test_password_change_knows_the_user(client):
    user = UserFactory(email="claire.martin@exemple.fr", first_name="Claire", last_name="Martin")
    client.force_login(user)
    url = reverse("comptes:password_change")
    same_as_email = "claire.martin@exemple.fr"
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": same_as_email, "new_password2": same_as_email}
    )
    assert response.status_code == 200
    assert "Le mot de passe est trop semblable au champ « adresse électronique »." in _field_errors(
        response, "new_password2"
    )
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    sound = "une phrase bien longue"
    response = client.post(url, {"old_password": PASSWORD, "new_password1": sound, "new_password2": sound})
    assert response.status_code == 302 and response["Location"] == reverse("comptes:preferences")
    user.refresh_from_db()
    assert user.check_password("une phrase bien longue")


def test_password_reset_knows_the_user(client):
    user = UserFactory(email="claire.martin@exemple.fr", first_name="Claire", last_name="Martin")
    client.post(reverse("comptes:password_reset"), {"email": user.email})
    link = re.search(r"http://testserver(/comptes/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Martin2026", "new_password2": "Martin2026"})
    assert response.status_code == 200
    assert "Le mot de passe est trop semblable au champ « nom »." in _field_errors(response, "new_password2")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
