"""The Content-Security-Policy (django-csp, `config/settings/base.py` and `pvd/core/csp.py`):
the header on every kind of response, and pages that need no exception to it: no inline script,
no event-handler attribute, no `javascript:` address, no style attribute, no <style> element, in
the templates (read as files) and in the pages as served (which also holds the HTML written by
Python). The browser tests fail on any violation the policy reports (`tests/browser/conftest.py`)."""

import datetime
import importlib.util
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse

from pvd.comptes.tests.factories import UserFactory
from pvd.core import csp
from pvd.diagnostic.selectors import POINT_STYLES
from pvd.documents.models import DocumentVersion
from tests.browser.pages import MAIN_PAGES, make_world

EXPECTED_DIRECTIVES = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}

# Templates that are no page of the site, and keep their <style> and style attributes: documents
# drawn by WeasyPrint (PDF) and e-mails (mail readers ignore style sheets).
NOT_PAGES = {
    "pvd/actions/templates/actions/fiche_print.html": "PDF de la fiche action",
    "pvd/conventions/templates/conventions/pdf/_base.html": "PDF des conventions",
    "pvd/conventions/templates/conventions/pdf/_fiches.html": "PDF des conventions",
    "pvd/diagnostic/templates/diagnostic/export_pdf.html": "PDF du diagnostic",
    "pvd/gouvernance/templates/gouvernance/pdf/compte_rendu.html": "PDF du compte rendu",
    "pvd/gouvernance/templates/gouvernance/pdf/convocation.html": "PDF de la convocation",
    "pvd/pilotage/templates/pilotage/pdf/bilan.html": "PDF du bilan annuel",
    "pvd/pilotage/templates/pilotage/alertes_digest.html": "courriel du récapitulatif des alertes",
}

# What the policy refuses, found in a template's source: a <script> without src (json_script's
# <script type="application/json"> is data, never run), an on…= attribute, a javascript: URL, a
# style attribute, a <style> element, HTMX's attributes that run code.
FORBIDDEN_IN_TEMPLATES = re.compile(
    r"""<script\b(?![^>]*\bsrc=)(?![^>]*type=["']application/json)[^>]*>"""
    r"""|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:|\shx-on|hx-vals=["']js:""",
    re.IGNORECASE,
)


def _policy(response) -> dict[str, set[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def _assert_expected_policy(response):
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert _policy(response) == EXPECTED_DIRECTIVES, response.headers["Content-Security-Policy"]


def _problems(html: str) -> list[str]:
    """What the policy would refuse in a served page (parsed as the browser would)."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for script in soup.find_all("script"):
        if not script.get("src") and script.get("type") != "application/json" and not script.get("nonce"):
            problems.append(f"script en ligne : {str(script)[:80]}")
    problems += [f"élément <style> : {str(style)[:80]}" for style in soup.find_all("style")]
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attribute == "style":
                problems.append(f'attribut style : <{tag.name} style="{value[:60]}">')
            elif attribute.startswith("on"):
                problems.append(f"gestionnaire d'événement : <{tag.name} {attribute}=…>")
            elif attribute.startswith("hx-on"):
                problems.append(f"hx-on : <{tag.name} {attribute}=…>")
            elif value.strip().lower().startswith("javascript:"):
                problems.append(f"adresse javascript: : <{tag.name} {attribute}=…>")
    return problems


def _read(response) -> bytes:
    """The content of a streamed response, read to the end: the test client then closes its file
    (response.close() would also close the database connection, and PostgreSQL's test
    transaction with it)."""
    return b"".join(response.streaming_content)


# --- The header --------------------------------------------------------------------------------


@login_not_required
def boom(request):
    raise RuntimeError("panne simulée")


# The site's addresses plus one that fails, to see the 500 page with its header.
urlpatterns = [path("panne/", boom), path("", include("config.urls"))]
handler400 = "pvd.core.views.error_400"
handler403 = "pvd.core.views.error_403"
handler404 = "pvd.core.views.error_404"
handler500 = "pvd.core.views.error_500"


@pytest.mark.django_db
def test_header_on_a_page_an_error_page_a_fragment_and_a_download(client):
    world = make_world()
    client.force_login(world.chef)

    # A page, a page refused (403), a page that does not exist (404).
    page = client.get(world.dossier_url("dossiers:detail"))
    _assert_expected_policy(page)
    # HTMX would add a <style> for its indicators and evaluate hx-on: both are switched off.
    htmx_config = BeautifulSoup(page.content, "html.parser").select_one("head meta[name=htmx-config]")
    assert json.loads(htmx_config["content"]) == {"includeIndicatorStyles": False, "allowEval": False}
    client.force_login(world.elu)
    refused = client.get(world.dossier_url("dossiers:update"))
    assert refused.status_code == 403
    _assert_expected_policy(refused)
    missing = client.get("/cette-page-n-existe-pas/")
    assert missing.status_code == 404
    _assert_expected_policy(missing)
    csrf_refused = Client(enforce_csrf_checks=True).post(reverse("comptes:login"), {"username": "x"})
    assert csrf_refused.status_code == 403
    _assert_expected_policy(csrf_refused)

    # An HTMX fragment (the commune picker's search).
    fragment = client.get(reverse("territoires:commune_search"), {"q": "Langres"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and b"<html" not in fragment.content
    _assert_expected_policy(fragment)

    # A file download (a document's version, served from the media folder).
    client.force_login(world.chef)
    document = world.extra["document"]
    version = DocumentVersion.objects.filter(document=document).latest("pk")
    download = client.get(world.dossier_url("documents:download", document_pk=document.pk, version_pk=version.pk))
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    _assert_expected_policy(download)
    _read(download)

    # A static file (the SVG map of the départements is opened by the browser on its own too).
    svg = client.get(settings.STATIC_URL + "vendor/svg-maps-france-departements/france.departments.svg")
    assert svg.status_code == 200
    _assert_expected_policy(svg)
    _read(svg)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_header_on_the_500_page():
    response = Client(raise_request_exception=False).get("/panne/")
    assert response.status_code == 500
    assert b"<html" in response.content
    _assert_expected_policy(response)


@pytest.mark.django_db
def test_map_tiles_and_single_sign_on_hosts_are_added(client):
    with override_settings(
        PVD_MAP_TILES_URL=settings.IGN_PLAN_TILES_URL,
        OIDC_OP_AUTHORIZATION_ENDPOINT="https://sso.exemple.gouv.fr/api/v2/authorize",
    ):
        policy = _policy(client.get(reverse("core:home")))
    assert policy["img-src"] == {"'self'", "data:", "https://data.geopf.fr"}
    assert policy["form-action"] == {"'self'", "https://sso.exemple.gouv.fr"}
    assert {name: sources for name, sources in policy.items() if name not in ("img-src", "form-action")} == {
        name: sources for name, sources in EXPECTED_DIRECTIVES.items() if name not in ("img-src", "form-action")
    }


def test_origin_of_a_tiles_or_provider_address():
    assert csp.origin(settings.IGN_PLAN_TILES_URL) == "https://data.geopf.fr"
    assert csp.origin("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://*.tile.openstreetmap.org"
    assert csp.origin("http://tuiles.local:8080/{z}/{x}/{y}.png") == "http://tuiles.local:8080"
    for nothing in ("", "/static/tuiles/{z}/{x}/{y}.png", "javascript:alert(1)"):
        assert csp.origin(nothing) == ""


def _base_settings(monkeypatch, **env):
    """config/settings/base.py read afresh with the given environment (a module of its own)."""
    for name in ("PVD_CSP_REPORT_ONLY", "PVD_CSP_REPORT_URI"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "base_settings_probe", Path(settings.BASE_DIR) / "config/settings/base.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_only_switch(monkeypatch):
    enforced = _base_settings(monkeypatch)
    assert enforced.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
    assert not hasattr(enforced, "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    assert "report-uri" not in enforced.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    report_only = _base_settings(monkeypatch, PVD_CSP_REPORT_ONLY="1", PVD_CSP_REPORT_URI="/csp-rapports/")
    assert report_only.CONTENT_SECURITY_POLICY is None
    directives = report_only.CONTENT_SECURITY_POLICY_REPORT_ONLY["DIRECTIVES"]
    assert directives["report-uri"] == ["/csp-rapports/"]
    assert {k: v for k, v in directives.items() if k != "report-uri"} == enforced.CONTENT_SECURITY_POLICY["DIRECTIVES"]


@override_settings(
    CONTENT_SECURITY_POLICY=None,
    CONTENT_SECURITY_POLICY_REPORT_ONLY={"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'"]}},
    PVD_MAP_TILES_URL="https://tuiles.exemple.fr/{z}/{x}/{y}.png",
)
@pytest.mark.django_db
def test_report_only_policy_gets_the_hosts_too(client):
    response = client.get(reverse("core:home"))
    assert "Content-Security-Policy" not in response.headers
    assert "img-src 'self' https://tuiles.exemple.fr" in response.headers["Content-Security-Policy-Report-Only"]


# --- The pages ---------------------------------------------------------------------------------


def _templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted([*(base / "templates").rglob("*.html"), *base.glob("pvd/*/templates/**/*.html")])


def test_templates_have_no_inline_script_or_style():
    base = Path(settings.BASE_DIR)
    found = []
    for template in _templates():
        name = str(template.relative_to(base))
        if name in NOT_PAGES:
            continue
        source = template.read_text(encoding="utf-8")
        for match in FORBIDDEN_IN_TEMPLATES.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            found.append(f"{name}:{line}: {source[match.start() : match.start() + 60]!r}")
    assert not found, (
        "Refusé par la Content-Security-Policy (voir docs/securite.md : le code dans un fichier "
        "static/, les données en data-* ou json_script, le style en classes CSS) :\n" + "\n".join(found)
    )


def test_the_template_scan_catches_each_kind():
    for bad in (
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        '<a href="#" onclick="x()">',
        '<a href="javascript:x()">',
        '<div style="height: 1px">',
        "<style>p {}</style>",
        '<button hx-on:click="x()">',
        """<div hx-vals='js:{a: x()}'>""",
    ):
        assert FORBIDDEN_IN_TEMPLATES.search(bad), bad
    for good in (
        '<script src="/static/x.js" defer></script>',
        '<script id="d" type="application/json">{}</script>',
        '<div class="styled" data-style="x" data-on="y">',
    ):
        assert not FORBIDDEN_IN_TEMPLATES.search(good), good


def test_not_pages_exist_and_are_not_served_as_pages():
    """The exceptions of the scan name real files (a renamed one would silently leave the list)."""
    base = Path(settings.BASE_DIR)
    for name in NOT_PAGES:
        assert (base / name).is_file(), name


def test_the_page_check_catches_each_kind():
    html = """<html><head><style>p {}</style><script>x()</script>
    <script id="d" type="application/json">{}</script><script src="/s.js"></script></head>
    <body onload="x()"><a href="javascript:x()">a</a><p style="color: red">b</p>
    <button hx-on:click="x()">c</button><svg><rect fill="#000" width="1" height="1"/></svg></body></html>"""
    problems = _problems(html)
    assert len(problems) == 6, problems


def _simple_urls(world) -> list[str]:
    """Every GET address of the site whose only arguments are the dossier (and a year): new pages
    are checked as soon as they are added."""
    values = {"dossier_pk": world.dossier.pk, "annee": datetime.date.today().year}
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                arguments = set(pattern.pattern.converters)
                if arguments <= set(values):
                    found.append(reverse(namespace + pattern.name, kwargs={k: values[k] for k in arguments}))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


@pytest.mark.django_db
def test_served_pages_have_no_inline_script_or_style():
    """The main pages of the browser tests and every address with only a dossier as argument,
    as the chef de projet, the préfecture and anonymously, and the admin: the HTML as served,
    Python's included."""
    world = make_world()
    clients = {}
    for name in ("chef", "prefecture", "elu"):
        clients[name] = Client()
        clients[name].force_login(getattr(world, name))
    clients[None] = Client()
    clients["admin"] = Client()
    clients["admin"].force_login(UserFactory(is_staff=True, is_superuser=True))
    requests = [(page.user, page.url(world)) for page in MAIN_PAGES]
    admin_dossier = reverse("admin:dossiers_dossier_change", args=[world.dossier.pk])
    requests += [("admin", url) for url in ("/admin/", reverse("admin:dossiers_dossier_changelist"), admin_dossier)]
    requests += [(who, url) for url in _simple_urls(world) for who in ("chef", "prefecture", None)]
    problems, pages = [], 0
    for who, url in requests:
        response = clients[who].get(url)
        if response.streaming:
            _read(response)
        if isinstance(response, HttpResponse) and response.headers.get("Content-Type", "").startswith("text/html"):
            pages += 1
            problems += [f"{url} ({who or 'anonyme'}) : {problem}" for problem in _problems(response.content.decode())]
    assert pages > 100, pages
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_htmx_fragments_have_no_inline_script_or_style(client):
    world = make_world()
    client.force_login(world.chef)
    for name in ("territoires:commune_search", "territoires:epci_search"):
        response = client.get(reverse(name), {"q": "Lan"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert not _problems(response.content.decode())


def test_legend_colours_match_the_markers():
    """The legend's badge colours are CSS classes (no style attribute): the same as the markers'."""
    css = Path(finders.find("diagnostic/carte.css")).read_text(encoding="utf-8")
    for kind, (colour, _letter) in POINT_STYLES.items():
        assert f".pvd-carte-badge--{kind} {{ background-color: {colour}; }}" in css, kind
