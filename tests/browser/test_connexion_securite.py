"""The login page with ProConnect offered, and the lockout page after repeated failures, in Chromium."""

from playwright.sync_api import expect

from pvd.comptes.tests.factories import PASSWORD, UserFactory

from .helpers import assert_accessible, screenshot


def test_proconnect_button_and_lockout_page(page, live_server, transactional_db, settings):
    settings.PVD_OIDC_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory()
    page.goto(f"{live_server.url}/comptes/connexion/")
    expect(page.get_by_role("link", name="S'identifier avec ProConnect")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "connexion-proconnect")

    for password in ("faux-1", "faux-2", "faux-3", PASSWORD):
        page.goto(f"{live_server.url}/comptes/connexion/")
        page.get_by_label("Adresse électronique").fill(user.email)
        page.get_by_label("Mot de passe").fill(password)
        # Each attempt's answer is awaited: a next goto must not cut the POST short.
        with page.expect_navigation(wait_until="load", timeout=30_000):
            page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("h1")).to_have_text("Connexion temporairement bloquée")
    expect(page.locator("#content")).to_contain_text("même avec le bon mot de passe")
    assert_accessible(page)
    screenshot(page, "connexion-bloquee")
