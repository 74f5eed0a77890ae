"""Two-factor authentication as a person sets it up and logs in with it, in Chromium."""

import re

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from pvd.comptes.tests.factories import PASSWORD, UserFactory
from pvd.comptes.tests.test_double_facteur import code

from .helpers import assert_accessible, login, screenshot


def test_setup_then_login_with_a_code(page, live_server, transactional_db, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = UserFactory(first_name="Claire", last_name="Martin", email="claire.martin@exemple.fr")
    login(page, live_server, user)

    page.goto(f"{live_server.url}/comptes/preferences/")
    page.get_by_role("link", name="Activer la double authentification").click()
    expect(page.locator("h1")).to_have_text("Activer la double authentification")
    expect(page.locator(".pvd-qr-box svg")).to_be_visible()
    assert page.locator(".pvd-qr-box svg").bounding_box()["width"] > 150
    assert_accessible(page)
    screenshot(page, "double-facteur-configurer")

    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Code de vérification").fill(code(device))
    page.get_by_role("button", name="Activer").click()
    expect(page.locator("h1")).to_have_text("Double authentification activée")
    expect(page.locator(".pvd-codes-secours li")).to_have_count(10)
    screenshot(page, "double-facteur-codes")

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server.url}/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("h1")).to_have_text("Vérification en deux étapes")
    assert_accessible(page)
    screenshot(page, "double-facteur-verifier")
    page.get_by_label("Code de vérification").fill("000000" if code(device, step=1) != "000000" else "111111")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.locator("#id_code_error")).to_contain_text("Code incorrect ou expiré")
    page.get_by_label("Code de vérification").fill(code(device, step=1))
    page.get_by_role("button", name="Vérifier").click()
    expect(page).to_have_url(re.compile(r"/dossiers/$"))
    expect(page.locator("h1")).to_have_text("Dossiers")
