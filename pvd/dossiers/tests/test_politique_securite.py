"""ANCT's security policy: two-factor authentication compulsory for the State's accounts and for
chefs de projet, enforced at the next login (pvd.dossiers.middleware)."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import ALL_VIEWERS
from pvd.comptes.models import PolitiqueSecurite
from pvd.comptes.tests.factories import PASSWORD
from pvd.comptes.tests.test_double_facteur import code, enable
from tests.utils import assert_refused

pytestmark = pytest.mark.django_db

URL = reverse("comptes:politique_securite")
SETUP = reverse("comptes:double_facteur")


@pytest.fixture(autouse=True)
def no_throttling(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_only_anct_sets_the_policy(client_for, dossier, kind):
    client = client_for(dossier, kind)
    response = client.post(URL, {"double_facteur_etat": "on", "double_facteur_chefs": "on"})
    if kind != "anct":
        # The policy belongs to no dossier: a refusal is 403 for every signed-in account.
        assert_refused(response, kind if kind == "anonymous" else "elu")
        assert not PolitiqueSecurite.load().double_facteur_etat
        return
    assert response.status_code == 302 and response["Location"] == URL
    politique = PolitiqueSecurite.load()
    assert politique.double_facteur_etat and politique.double_facteur_chefs
    assert politique.updated_by == client.user
    page = client.get(URL)
    assert page.context["form"].initial == {"double_facteur_etat": True, "double_facteur_chefs": True}
    # Unticking both is a submitted form too.
    client.post(URL, {})
    politique.refresh_from_db()
    assert not politique.double_facteur_etat and not politique.double_facteur_chefs


def _login(client, user):
    response = client.post(reverse("comptes:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


POLICY = {
    "etat": {"double_facteur_etat": True},
    "chefs": {"double_facteur_chefs": True},
    "both": {"double_facteur_etat": True, "double_facteur_chefs": True},
    "none": {},
}
# Who must set up two-factor authentication under each policy.
REQUIRED = {
    "etat": {"prefecture", "prefecture_autre", "anct"},
    "chefs": {"chef_de_projet", "outsider"},  # the outsider is chef de projet of another dossier
    "both": {"prefecture", "prefecture_autre", "anct", "chef_de_projet", "outsider"},
    "none": set(),
}


@pytest.mark.parametrize("policy", list(POLICY))
@pytest.mark.parametrize("kind", [k for k in ALL_VIEWERS if k != "anonymous"])
def test_the_policy_sends_who_it_names_to_the_setup(client, make_viewer, dossier, policy, kind):
    PolitiqueSecurite.objects.update_or_create(pk=1, defaults=POLICY[policy])
    user = make_viewer(dossier, kind)
    _login(client, user)
    response = client.get(reverse("dossiers:list"))
    if kind not in REQUIRED[policy]:
        assert response.status_code == 200
        return
    assert response.status_code == 302 and response["Location"] == SETUP
    # The setup page itself, and the logout, stay open.
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "La double authentification est obligatoire pour votre compte." in page.content.decode()
    # Once set up, the account works, and cannot remove what is compulsory.
    device, _ = enable(client, user)
    assert client.get(reverse("dossiers:list")).status_code == 200
    client.post(SETUP, {"code": code(device, step=1)})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.post(reverse("comptes:logout")).status_code == 302


def test_a_superuser_is_a_state_account(client):
    from pvd.comptes.models import User

    PolitiqueSecurite.objects.update_or_create(pk=1, defaults={"double_facteur_etat": True})
    admin = User.objects.create_superuser("admin@exemple.fr", PASSWORD)
    _login(client, admin)
    assert client.get(reverse("admin:index"))["Location"] == SETUP
