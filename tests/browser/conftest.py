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

from .helpers import CSP_WATCH_JS, DESKTOP, csp_violations, watch_console_and_csp, watch_responses  # noqa: E402

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
TIMEOUT_MS = 5_000
expect.set_options(timeout=TIMEOUT_MS)


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
def new_page(browser, live_server):
    """new_page(**context_options) → a page in a fresh browser context (its own cookies), closed after the test.

    Use it for a second person in a journey, or `java_script_enabled=False` for the no-JS checks.
    """
    contexts = []
    pages = []
    errors = []
    watchers = []
    consoles = []

    def make(**options):
        options = {"base_url": live_server.url, "viewport": DESKTOP, "locale": "fr-FR", **options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_WATCH_JS)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        page.on("pageerror", lambda error: errors.append(f"{page.url} : {error}"))
        watchers.append(watch_responses(page, live_server.url))
        consoles.append(watch_console_and_csp(page))
        return page

    yield make
    violations = [f"{page.url} : {v}" for page in pages for v in csp_violations(page)]
    for context in contexts:
        context.close()
    assert not errors, f"Erreurs JavaScript dans la page : {errors}"
    # Every test runs under the site's Content-Security-Policy: a violation (an inline script or
    # style, a host not allowed) fails it, as would any error written to the console.
    assert not violations, f"Violations de la Content-Security-Policy : {violations}"
    console = [problem for watcher in consoles for problem in watcher]
    assert not console, f"Erreurs dans la console du navigateur : {console}"
    broken = [failure for watcher in watchers for failure in watcher]
    assert not broken, f"Réponses en erreur du serveur de test (fichier statique manquant ?) : {broken}"


@pytest.fixture
def page(new_page):
    """The page of the test (desktop 1280 px, JavaScript on, base URL of the live server)."""
    return new_page()


@pytest.fixture
def nojs_page(new_page):
    """A page with JavaScript disabled: reading and the main forms must work as plain HTML."""
    return new_page(java_script_enabled=False)


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
