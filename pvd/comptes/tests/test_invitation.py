import pytest
from django.urls import reverse
from django.utils import timezone

from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers import services as dossier_services
from pvd.dossiers.models import Invitation, Membre, Role
from pvd.dossiers.tests.factories import MembreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(dossier):
    chef = MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user
    return Invitation.objects.create(dossier=dossier, email="elu@exemple.fr", role=Role.ELU, invited_by=chef)


@pytest.fixture
def accepted_meanwhile(monkeypatch):
    """Another request (the first of a double submit) accepts the invitation just before this one."""
    real = dossier_services.invitation_accept

    def accept(*, invitation, **kwargs):
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
        return real(invitation=invitation, **kwargs)

    monkeypatch.setattr(dossier_services, "invitation_accept", accept)


def _messages(response):
    return [str(message) for message in response.wsgi_request._messages]


def test_double_submit_of_a_new_account_redirects_with_a_message(client, invitation, accepted_meanwhile):
    url = reverse("comptes:invitation", args=[invitation.token])
    response = client.post(url, {"first_name": "Élise", "last_name": "Durand", "password": "un mot de passe solide"})
    assert response.status_code == 302 and response["Location"] == reverse("comptes:login")
    assert _messages(response) == ["Cette invitation a déjà été acceptée."]
    assert not Membre.objects.filter(user__email="elu@exemple.fr").exists()


def test_double_submit_of_a_logged_in_user_goes_to_the_dossier(client, dossier, invitation, accepted_meanwhile):
    user = UserFactory(email="elu@exemple.fr")
    client.force_login(user)
    response = client.post(reverse("comptes:invitation", args=[invitation.token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})
    assert _messages(response) == ["Cette invitation a déjà été acceptée."]


def test_an_accepted_invitation_opened_again_redirects_to_login(client, invitation):
    invitation.accepted_at = timezone.now()
    invitation.save()
    response = client.post(reverse("comptes:invitation", args=[invitation.token]), {"password": "x"})
    assert response.status_code == 302 and response["Location"] == reverse("comptes:login")


def test_unknown_token_is_a_404(client, db):
    assert client.get(reverse("comptes:invitation", args=["jeton-inconnu"])).status_code == 404


def test_logged_in_user_with_another_address_is_refused(client, dossier, invitation):
    client.force_login(UserFactory(email="quelquun.dautre@exemple.fr"))
    url = reverse("comptes:invitation", args=[invitation.token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302 and response["Location"] == reverse("dossiers:list")
        assert _messages(response)[-1] == "Cette invitation a été envoyée à une autre adresse électronique."
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Membre.objects.filter(dossier=dossier, user__email="quelquun.dautre@exemple.fr").exists()


def test_anonymous_with_an_existing_account_is_sent_to_login_then_back(client, dossier, invitation):
    user = UserFactory(email="Elu@Exemple.fr")
    url = reverse("comptes:invitation", args=[invitation.token])
    response = client.post(url, {"first_name": "X", "last_name": "Y", "password": "un mot de passe solide"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('comptes:login')}?next={url.replace('/', '%2F')}"
    assert _messages(response) == [
        "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation."
    ]
    assert not Membre.objects.filter(dossier=dossier, user=user).exists()
    # Once logged in, the same link accepts the invitation for the existing account.
    client.force_login(user)
    response = client.post(url)
    assert response["Location"] == reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})
    assert Membre.objects.get(dossier=dossier, user=user).role == Role.ELU


def test_an_expired_link_shows_a_french_message_and_creates_nothing(client, dossier, invitation):
    import datetime

    from bs4 import BeautifulSoup

    Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    url = reverse("comptes:invitation", args=[invitation.token])
    for response in (
        client.get(url),
        client.post(url, {"first_name": "Élise", "last_name": "Durand", "password": "un mot de passe solide"}),
    ):
        assert response.status_code == 410
        content = BeautifulSoup(response.content, "html.parser").select_one("#content")
        assert content.h1.get_text(strip=True) == "Invitation expirée"
        assert "un lien d'invitation est valable 30 jours" in content.get_text()
    assert not Membre.objects.filter(user__email="elu@exemple.fr").exists()
    # One day earlier, the same link works.
    Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - datetime.timedelta(days=29))
    assert client.get(url).status_code == 200


def test_invitation_accept_service_refuses_an_expired_invitation(invitation):
    import datetime

    from django.core.exceptions import ValidationError

    Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    with pytest.raises(ValidationError, match="a expiré"):
        dossier_services.invitation_accept(invitation=invitation, user=UserFactory(email="elu@exemple.fr"))
    assert not Membre.objects.filter(user__email="elu@exemple.fr").exists()
