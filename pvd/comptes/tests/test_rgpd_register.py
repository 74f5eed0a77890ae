"""The register of personal data: one source (pvd.comptes.rgpd), a public page and a file of the
repository that must say the same."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from pvd.comptes import rgpd
from tests.utils import main

REGISTER_FILE = Path(__file__).resolve().parents[3] / "docs" / "registre-rgpd.md"


def test_the_register_file_is_the_one_the_code_generates():
    assert REGISTER_FILE.read_text(encoding="utf-8") == rgpd.register_markdown(), (
        "docs/registre-rgpd.md n'est plus à jour : regénérez-le avec "
        "`python manage.py registre_rgpd > docs/registre-rgpd.md`."
    )


def test_the_command_prints_the_register(capsys):
    call_command("registre_rgpd")
    assert capsys.readouterr().out == rgpd.register_markdown()


def test_the_register_covers_every_kind_of_personal_data():
    names = [t.nom for t in rgpd.TRAITEMENTS]
    for expected in (
        "Comptes des utilisateurs",
        "Membres des dossiers et invitations",
        "Contributions des habitants",
        "Journal des modifications",
        "Sessions et tentatives de connexion",
        "Courriels envoyés",
    ):
        assert expected in names
    for entry in rgpd.register():
        assert all(entry[key] for key in ("personnes", "donnees", "finalite", "base_legale", "destinataires"))
        assert entry["conservation"] and entry["lieu"]


def test_the_retention_of_contributions_is_read_from_the_settings(settings):
    settings.PVD_CONSERVATION_CONTRIBUTIONS_JOURS = 730
    entry = next(e for e in rgpd.register() if e["nom"] == "Contributions des habitants")
    assert "730 jours (2 ans) après le dépôt" in entry["conservation"]
    settings.PVD_CONSERVATION_CONTRIBUTIONS_JOURS = 400
    entry = next(e for e in rgpd.register() if e["nom"] == "Contributions des habitants")
    assert "400 jours après le dépôt" in entry["conservation"]


@pytest.mark.django_db
def test_the_public_page_shows_the_register_and_the_footer_links_to_it(client, settings):
    settings.PVD_CONSERVATION_CONTRIBUTIONS_JOURS = 1095
    response = client.get(reverse("comptes:donnees_personnelles"))
    assert response.status_code == 200
    content = main(response)
    headings = [h.get_text(strip=True) for h in content.select("h2")]
    assert headings[1:] == [t.nom for t in rgpd.TRAITEMENTS]
    assert "1095 jours (3 ans) après le dépôt" in content.get_text()
    assert "jamais les élus, les partenaires" in content.get_text()
    footer = response.content.decode()
    assert f'href="{reverse("comptes:donnees_personnelles")}"' in footer


@pytest.mark.django_db
def test_the_legal_notice_links_to_the_register(client):
    response = client.get(reverse("core:mentions"))
    assert response.content.decode().count(f'href="{reverse("comptes:donnees_personnelles")}"') == 2
