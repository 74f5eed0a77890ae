"""Two-factor authentication (TOTP): set-up from « Mes préférences », the second step of the
login, recovery codes, removal with a code. Codes are computed with the device's key."""

import base64

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pvd.comptes import double_facteur
from pvd.comptes.models import User

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttling(settings):
    """django-otp makes a device wait 2^(n-1) s after n wrong codes: off here, checked below."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


SETUP = "comptes:double_facteur"
VERIFY = "comptes:double_facteur_verifier"


def code(device, step: int = 0) -> str:
    """The device's code `step` periods of 30 s from now (a code is accepted once: the next one is step 1)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - step * device.step, digits=device.digits):06d}"


def _content(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


def _errors(response) -> str:
    return " ".join(e.get_text(" ", strip=True) for e in _content(response).select(".errorlist"))


def enable(client, user) -> tuple[TOTPDevice, list[str]]:
    """Sets up TOTP for a logged-in client, as a person would; returns the device and the recovery codes."""
    client.get(reverse(SETUP))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse(SETUP), {"code": code(device)})
    assert response.status_code == 200
    codes = [li.get_text(strip=True) for li in _content(response).select(".pvd-codes-secours li")]
    return TOTPDevice.objects.get(user=user), codes


def password_login(client, user):
    response = client.post(reverse("comptes:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_setup_shows_a_qr_code_and_the_secret_then_confirms_with_a_code(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse(SETUP))
    content = _content(response)
    assert content.h1.get_text(strip=True) == "Activer la double authentification"
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # The QR code is drawn on the server as inline SVG: no script, no style attribute.
    svg = content.select_one(".pvd-qr-box svg")
    assert svg is not None and svg.title.get_text() == "Code QR à scanner"
    assert not content.select("script, style, [style]")
    secret = content.select_one("#secret-totp").get_text().replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key

    # A wrong code: a French error, nothing confirmed.
    response = client.post(reverse(SETUP), {"code": "000000" if code(device) != "000000" else "111111"})
    assert "Code incorrect ou expiré" in _errors(response)
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    # Opening the page again keeps the same secret (the application may already have it).
    client.get(reverse(SETUP))
    assert TOTPDevice.objects.filter(user=user).count() == 1

    device, codes = enable(client, user)
    assert device.confirmed
    assert len(codes) == double_facteur.RECOVERY_CODES == StaticToken.objects.filter(device__user=user).count()
    # The session that set it up is verified: the pages open.
    assert client.get(reverse("dossiers:list")).status_code == 200
    page = _content(client.get(reverse("comptes:preferences")))
    assert "Double authentification : activée" in page.get_text(" ", strip=True)


def test_login_asks_the_code_before_any_page(client):
    user = UserFactory()
    client.force_login(user)
    device, _ = enable(client, user)
    client.post(reverse("comptes:logout"))

    password_login(client, user)
    assert client.session[SESSION_KEY] == str(user.pk)
    response = client.get(reverse("dossiers:list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(VERIFY)}?next=%2Fdossiers%2F"
    # The admin is behind the same step.
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse(VERIFY))

    page = client.get(response["Location"])
    assert _content(page).h1.get_text(strip=True) == "Vérification en deux étapes"
    wrong = client.post(reverse(VERIFY), {"code": "12", "next": "/dossiers/"})
    assert "Code incorrect ou expiré" in _errors(wrong)
    assert client.get(reverse("dossiers:list")).status_code == 302

    response = client.post(reverse(VERIFY), {"code": code(device, step=1), "next": "/dossiers/"})
    assert response.status_code == 302 and response["Location"] == "/dossiers/"
    assert client.get(reverse("dossiers:list")).status_code == 200


def test_the_same_code_is_not_accepted_twice(client):
    user = UserFactory()
    client.force_login(user)
    device, _ = enable(client, user)
    client.post(reverse("comptes:logout"))
    password_login(client, user)
    used = code(device)  # the code that confirmed the set-up
    response = client.post(reverse(VERIFY), {"code": used})
    assert "Code incorrect ou expiré" in _errors(response)


def test_a_recovery_code_replaces_the_application_once(client):
    user = UserFactory()
    client.force_login(user)
    _, codes = enable(client, user)
    for attempt in range(2):
        client.post(reverse("comptes:logout"))
        password_login(client, user)
        response = client.post(reverse(VERIFY), {"code": codes[0]})
        if attempt == 0:
            assert response.status_code == 302
            assert client.get(reverse("dossiers:list")).status_code == 200
        else:
            assert "Code incorrect ou expiré" in _errors(response)
            assert client.get(reverse("dossiers:list")).status_code == 302


def test_an_unsafe_next_is_ignored(client):
    user = UserFactory()
    client.force_login(user)
    device, _ = enable(client, user)
    client.post(reverse("comptes:logout"))
    password_login(client, user)
    response = client.post(reverse(VERIFY), {"code": code(device, step=1), "next": "https://ailleurs.example/"})
    assert response["Location"] == reverse("dossiers:list")


def test_removal_asks_a_code(client):
    user = UserFactory()
    client.force_login(user)
    device, _ = enable(client, user)
    response = client.post(reverse(SETUP), {"code": "99"})
    assert "Code incorrect ou expiré" in _errors(response)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    response = client.post(reverse(SETUP), {"code": code(device, step=1)})
    assert response.status_code == 302 and response["Location"] == reverse("comptes:preferences")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    # The next login needs no code.
    client.post(reverse("comptes:logout"))
    password_login(client, user)
    assert client.get(reverse("dossiers:list")).status_code == 200


def test_a_user_without_a_device_logs_in_as_before(client):
    user = UserFactory()
    password_login(client, user)
    assert client.get(reverse("dossiers:list")).status_code == 200
    assert User.objects.get(pk=user.pk).totpdevice_set.count() == 0


def test_wrong_codes_slow_down_the_next_tries(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    user = UserFactory()
    client.force_login(user)
    device, _ = enable(client, user)
    client.post(reverse("comptes:logout"))
    password_login(client, user)
    client.post(reverse(VERIFY), {"code": "000001"})
    # Right after a wrong code, even the right one is refused for a while.
    response = client.post(reverse(VERIFY), {"code": code(device, step=1)})
    assert "Code incorrect ou expiré" in _errors(response)
    assert client.get(reverse("dossiers:list")).status_code == 302


def test_closing_the_account_removes_its_second_factor(client):
    from pvd.dossiers.account_closure import account_close

    user = UserFactory()
    client.force_login(user)
    enable(client, user)
    account_close(user=user, password=PASSWORD)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_the_download_of_my_data_never_holds_the_secret_key(client):
    user = UserFactory()
    client.force_login(user)
    device, _ = enable(client, user)
    content = client.get(reverse("comptes:mes_donnees")).content.decode()
    assert "Application d'authentification" in content
    assert device.key not in content
