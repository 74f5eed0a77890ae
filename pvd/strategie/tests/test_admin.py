"""The admin does not bypass the services: no raw edit of what they check."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _inputs(admin_client, url):
    form = BeautifulSoup(admin_client.get(url).content, "html.parser").select_one("#content-main form")
    return {field["name"] for field in form.select("input[name], select[name], textarea[name]")}


def test_secteur_admin_keeps_dossier_commune_and_geometry_read_only(admin_client, strategie):
    secteur = strategie["secteur"]
    names = _inputs(admin_client, reverse("admin:strategie_secteurintervention_change", args=[secteur.pk]))
    assert "nom" in names
    assert not names & {"dossier", "commune", "geometry", "surface_m2"}
    assert admin_client.get(reverse("admin:strategie_secteurintervention_add")).status_code == 403


def test_axe_admin_keeps_dossier_and_numero_read_only(admin_client, strategie):
    axe = strategie["axe"]
    names = _inputs(admin_client, reverse("admin:strategie_axestrategique_change", args=[axe.pk]))
    assert "titre" in names
    assert not names & {"dossier", "numero"}
    assert admin_client.get(reverse("admin:strategie_axestrategique_add")).status_code == 403
