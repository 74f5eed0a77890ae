"""The accessibility statement says what is true: « non conforme » without an audit, what is tested
(with the axe-core version actually used by the browser tests), how to get help and appeal."""

import re

import pytest
from django.urls import reverse

from tests.browser.helpers import AXE


def _main(client):
    html = client.get(reverse("core:accessibilite")).content.decode()
    return html, html[html.index("<main") : html.index("</main>")]


@pytest.mark.django_db
def test_statement_is_non_conforme_and_says_what_is_tested(client):
    html, main = _main(client)
    text = " ".join(re.sub(r"<[^>]+>", " ", main).split())
    assert "est non conforme avec le référentiel général d'amélioration de l'accessibilité" in text
    assert "partiellement conforme" not in html and "totalement conforme" not in html
    axe_version = re.search(r"axe v([\d.]+)", AXE.read_text()[:200]).group(1)
    assert f"axe-core, version {axe_version}, exécuté dans le navigateur Chromium" in text
    for section in ("Schéma pluriannuel", "Ce qui est vérifié aujourd'hui", "Contenus non accessibles connus"):
        assert f">{section}</h2>" in main
    assert "Aucun test n'a encore été mené avec des technologies d'assistance" in text
    assert 'id="contact"' in main and "mailto:" in main
    assert 'id="recours"' in main and "Défenseur des droits" in text


@pytest.mark.django_db
def test_footer_shows_the_same_state(client):
    html = client.get(reverse("core:mentions")).content.decode()
    footer = html[html.index('<footer class="fr-footer"') :]
    assert "Accessibilité : non conforme" in footer


def test_axe_core_is_not_a_static_file():
    """axe-core is a test tool: it is injected by the browser tests, never served by the platform."""
    from django.contrib.staticfiles import finders

    assert AXE.is_file()
    assert finders.find("vendor/axe-core/axe.min.js") is None
