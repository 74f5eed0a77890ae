"""Fixtures of the browser tests: one Chromium per test process, a fresh context and page per test.

Playwright's sync API keeps an asyncio loop running in the test thread for as long as the
browser lives, and Django refuses database access from a thread with a running loop. The
browser tests (and whatever shares their process afterwards) therefore run with
DJANGO_ALLOW_ASYNC_UNSAFE, set here before Django or Playwright is used.
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from pvd.comptes.tests.factories import UserFactory  # noqa: E402
from pvd.dossiers.models import Role  # noqa: E402
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory  # noqa: E402

from .helpers import DESKTOP  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent

# Fail fast on a lost condition: every wait in these tests is on something that shows at once.
expect.set_options(timeout=5_000)


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser/ is a browser test (`pytest -m browser` / `-m "not browser"`)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : `make chromium` l'installe (paquet Debian).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="fr-FR")
    context.set_default_timeout(5_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"Erreurs JavaScript dans la page : {errors}"


@pytest.fixture
def nojs_page(browser, live_server):
    """A page in a context where JavaScript is disabled (reading and plain-HTML forms must work)."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False)
    context.set_default_timeout(5_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def chef(transactional_db):
    """A chef de projet of one dossier (its commune in Haute-Marne)."""
    return MembreFactory(
        dossier=DossierFactory(nom="PVD Langres"),
        role=Role.CHEF_DE_PROJET,
        user=UserFactory(first_name="Claire", last_name="Chef"),
    ).user


@pytest.fixture
def chef_dossier(chef):
    return chef.memberships.get().dossier
