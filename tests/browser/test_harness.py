"""The checks of the harness fail when they should (a check that cannot fail checks nothing)."""

import pytest
from django.conf import settings

from .helpers import (
    CSP_WATCH_JS,
    _title_problem,
    assert_accessible,
    assert_keyboard_reaches,
    assert_keyboard_reaches_all,
    assert_no_horizontal_scroll,
    csp_violations,
    watch_console_and_csp,
    watch_responses,
)

BROKEN = """<!DOCTYPE html><html><head><title> </title></head><body>
<h1>Un</h1><h1>Deux</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text" name="sans-etiquette">
<div style="width: 900px">large</div>
<button id="cache" tabindex="-1">Inatteignable</button>
</body></html>"""


def test_checks_catch_problems(page):
    page.set_content(BROKEN)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    for expected in (
        "image-alt [critical]",
        "label [critical]",
        "html-has-lang [serious]",
        "2 titres h1",
        "titre de page",
        "lien d'évitement",
        "champs sans étiquette",
    ):
        assert expected in message, message
    with pytest.raises(AssertionError, match="défile horizontalement"):
        assert_no_horizontal_scroll(page, width=320)
    with pytest.raises(AssertionError, match="#cache"):
        assert_keyboard_reaches(page, ["#cache"], max_tabs=10)


TRAP = """<!DOCTYPE html><html lang="fr"><head><title>Piège — Petites villes de demain</title></head><body>
<main>
<input id="piege" aria-label="Piège" onkeydown="if (event.key === 'Tab') event.preventDefault()">
<button id="apres">Jamais atteint</button>
</main></body></html>"""

NO_FOCUS_RING = """<!DOCTYPE html><html lang="fr"><head><title>x</title>
<style>*:focus, *:focus-visible { outline: none !important; box-shadow: none !important; }</style></head>
<body><main><a id="sans-anneau" href="#ici">Lien</a></main></body></html>"""


def test_keyboard_check_catches_a_trap_and_an_invisible_focus(page):
    page.set_content(TRAP)
    with pytest.raises(AssertionError, match="apres"):
        assert_keyboard_reaches_all(page)
    page.set_content(NO_FOCUS_RING)
    with pytest.raises(AssertionError, match="Focus invisible.*sans-anneau"):
        assert_keyboard_reaches_all(page)


def test_title_check_wants_the_page_specific_part():
    site = settings.PVD_BRANDING["site_title"]
    assert "sans partie propre" in _title_problem(site)
    assert "sans partie propre" in _title_problem(f" — {site}")
    assert _title_problem(f"Membres — PVD Langres — {site}") == ""


def test_a_missing_static_file_is_caught(browser, live_server, transactional_db):
    """What `new_page` fails a test on: a same-origin 4xx/5xx that is not the page itself."""
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        broken = watch_responses(page, live_server.url)
        page.goto("/cette-page-n-existe-pas/")  # the page's own 404 is the test's business
        assert broken == []
        with page.expect_response("**/absent.js"):
            page.evaluate(
                "(src) => { const s = document.createElement('script'); s.src = src; document.head.append(s); }",
                "/static/core/absent.js",
            )
        assert broken == [f"404 GET {live_server.url}/static/core/absent.js"]
    finally:
        context.close()


def test_a_content_security_policy_violation_is_caught(browser, live_server, transactional_db):
    """What `new_page` fails every test on: an inline script, a style attribute or an inline
    <style> that the site's policy refuses, seen by the init script and in the console."""
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(CSP_WATCH_JS)
    try:
        page = context.new_page()
        console = watch_console_and_csp(page)
        page.goto("/comptes/connexion/")
        assert csp_violations(page) == [] and console == []
        page.evaluate(
            """() => {
                 const script = document.createElement("script");
                 script.textContent = "window.__ran = true";
                 document.body.append(script);
                 document.body.setAttribute("style", "color: red");
                 const style = document.createElement("style");
                 style.textContent = "body { color: red }";
                 document.head.append(style);
               }"""
        )
        page.wait_for_function("() => window.__cspViolations.length === 3")
        assert page.evaluate("() => window.__ran") is None
        directives = sorted(violation.split(" ")[0] for violation in csp_violations(page))
        assert directives == ["script-src-elem", "style-src-attr", "style-src-elem"], directives
        assert any("Content Security Policy" in message for message in console), console
    finally:
        context.close()
