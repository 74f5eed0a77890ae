"""Fixes from the audit of the governance: composition through the page, refusals, séance
changes, decisions' consistency, local times, documents."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.gouvernance.selectors import composition_check
from pvd.territoires.models import Organisation, OrganisationType

pytestmark = pytest.mark.django_db


def main(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


def _missing(client, url):
    return [li.get_text(" ", strip=True) for li in main(client.get(url)).select("#composition li")]


def test_composition_completed_through_the_member_form(client_for, dossier, comite):
    commune, epci = dossier.communes.get(), dossier.epci
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    page = main(client.get(url))
    options = {o["value"]: o.get_text() for o in page.select("#id_membre-organisation option")}
    assert options[f"commune:{commune.pk}"] == f"Commune de {commune.nom}"
    assert options[f"epci:{epci.pk}"] == epci.nom
    assert not Organisation.objects.exists()  # a GET creates nothing
    assert len(_missing(client, url)) == 4

    def add(nom, role, organisation=""):
        data = {"action": "membre", "membre-nom": nom, "membre-role": role, "membre-organisation": organisation}
        assert client.post(url, data).status_code == 302

    add("Maire", "president", f"commune:{commune.pk}")
    missing = _missing(client, url)
    assert not any(commune.nom in item for item in missing) and len(missing) == 3
    organisation = Organisation.objects.get(type=OrganisationType.COMMUNE)
    assert organisation.commune == commune and organisation.nom == f"Commune de {commune.nom}"

    add("Président de l'EPCI", "president", f"epci:{epci.pk}")
    assert not any(epci.nom in item for item in _missing(client, url))
    assert Organisation.objects.get(type=OrganisationType.EPCI).epci == epci

    add("Cheffe de projet", "chef_de_projet", f"commune:{commune.pk}")
    assert "Le chef de projet Petites villes de demain" not in _missing(client, url)
    add("Sous-préfet", "prefet")
    assert _missing(client, url) == []
    # The commune's organisation was reused, not duplicated.
    assert Organisation.objects.filter(type=OrganisationType.COMMUNE).count() == 1
    assert composition_check(comite) == []


def test_member_form_refuses_a_commune_of_another_dossier(client_for, dossier, comite):
    from pvd.territoires.tests.factories import CommuneFactory

    other = CommuneFactory()
    client = client_for(dossier, "chef_de_projet")
    url = reverse("gouvernance:instance", kwargs={"dossier_pk": dossier.pk, "pk": comite.pk})
    data = {"action": "membre", "membre-nom": "X", "membre-role": "president", "membre-organisation": f"commune:{other.pk}"}
    response = client.post(url, data)
    assert response.status_code == 200 and not comite.membres.exists() and not Organisation.objects.exists()
