"""Login lockout (django-axes): per account from any address, per address over any accounts,
on the site's login and the admin's, with the address read behind PVD_TRUSTED_PROXIES only."""

import datetime

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from pvd.comptes.models import User

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 5


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    settings.PVD_TRUSTED_PROXIES = 0


def _login(client, email, password, address="192.0.2.1", url=None, **headers):
    return client.post(
        url or reverse("comptes:login"), {"username": email, "password": password}, REMOTE_ADDR=address, **headers
    )


def _locked(response) -> bool:
    if response.status_code != 429:
        return False
    text = BeautifulSoup(response.content, "html.parser").select_one("#content").get_text(" ", strip=True)
    assert "Connexion temporairement bloquée" in text
    assert "pendant 30 minutes, même avec le bon mot de passe" in text
    return True


def test_the_account_is_locked_after_the_limit_whatever_the_address(client):
    user = UserFactory()
    for attempt in range(LIMIT - 1):
        response = _login(client, user.email, "faux", address=f"192.0.2.{attempt + 1}")
        assert response.status_code == 200 and not _locked(response)
    # The last failure allowed, typed in capitals from yet another address: still the same account.
    assert _locked(_login(client, user.email.upper(), "faux", address="198.51.100.7"))
    # The right password, from a fresh address: refused all the same.
    response = _login(client, user.email, PASSWORD, address="203.0.113.9")
    assert _locked(response)
    assert SESSION_KEY not in client.session


def test_an_address_is_locked_after_the_limit_over_several_accounts(client):
    users = UserFactory.create_batch(LIMIT)
    for user in users:
        _login(client, user.email, "faux", address="192.0.2.50")
    other = UserFactory()
    assert _locked(_login(client, other.email, PASSWORD, address="192.0.2.50"))
    assert SESSION_KEY not in client.session
    # Another address logs in to that account.
    response = _login(client, other.email, PASSWORD, address="192.0.2.51")
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(other.pk)


def test_below_the_limit_the_right_password_logs_in(client):
    user = UserFactory()
    for _ in range(LIMIT - 1):
        _login(client, user.email, "faux")
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(user.pk)


def test_the_limit_and_the_cooloff_are_settings(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory()
    _login(client, user.email, "faux")
    assert _locked(_login(client, user.email, "faux"))
    # Thirty minutes later (the attempts moved back in time), the account opens again.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=31))
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(user.pk)


def test_the_admin_login_is_locked_too(client):
    admin = User.objects.create_superuser("admin@exemple.fr", PASSWORD)
    url = reverse("admin:login")
    for _ in range(LIMIT):
        _login(client, admin.email, "faux", url=url)
    response = _login(client, admin.email, PASSWORD, url=url)
    assert _locked(response)
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("trusted", [0, 1])
def test_a_forged_forwarded_for_does_not_escape_the_lockout(client, settings, trusted):
    """Without a proxy X-Forwarded-For is ignored; behind one, only the address it wrote counts."""
    settings.PVD_TRUSTED_PROXIES = trusted
    users = UserFactory.create_batch(LIMIT + 1)
    proxy = "127.0.0.1" if trusted else "192.0.2.77"
    for number, user in enumerate(users[:LIMIT]):
        # The attacker writes a new address each time; the proxy (REMOTE_ADDR) appends the real one.
        forwarded = f"10.9.8.{number}" if trusted == 0 else f"10.9.8.{number}, 192.0.2.77"
        _login(client, user.email, "faux", address=proxy, HTTP_X_FORWARDED_FOR=forwarded)
    forwarded = "10.9.8.200" if trusted == 0 else "10.9.8.200, 192.0.2.77"
    response = _login(client, users[-1].email, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=forwarded)
    assert _locked(response)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.77"}
