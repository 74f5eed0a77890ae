"""What a reader of the demo found on the conventions pages: a list too wide for its column, a
link from the deadline alert to the page it sits on, Django's "---------" in the selects."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.conventions import services
from pvd.conventions.models import ConventionType

pytestmark = pytest.mark.django_db


def main(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#content")


def test_index_has_three_wrapping_columns(client_for, dossier, sign_convention):
    sign_convention(dossier, ConventionType.ADHESION, datetime.date(2022, 8, 31))
    page = main(client_for(dossier, "lecteur").get(reverse("conventions:index", kwargs={"dossier_pk": dossier.pk})))
    table = page.select_one("#conventions-table")
    assert "fr-table--multiline" in table["class"]
    assert [th.get_text(strip=True) for th in table.select("thead th")] == ["Convention", "État", "Signatures"]
    assert "signée le 31/08/2022" in table.select_one("tbody tr").get_text(" ", strip=True)


def test_deadline_alert_links_to_the_conventions_except_on_their_page(client_for, dossier, sign_convention):
    sign_convention(dossier, ConventionType.ADHESION, datetime.date(2022, 8, 31))
    client = client_for(dossier, "lecteur")
    index_url = reverse("conventions:index", kwargs={"dossier_pk": dossier.pk})
    home = main(client.get(reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})))
    assert home.select_one(f'#echeance-cadre a[href="{index_url}"]')
    alert = main(client.get(index_url)).select_one("#echeance-cadre")
    assert alert is not None and "Voir les conventions" not in alert.get_text()


def test_no_django_empty_choice_on_convention_pages(client_for, dossier, sign_convention):
    adhesion = sign_convention(dossier, ConventionType.ADHESION, datetime.date(2022, 8, 31))
    cadre = services.convention_create(dossier=dossier, type=ConventionType.CADRE)
    client = client_for(dossier, "chef_de_projet")
    kw = {"dossier_pk": dossier.pk}
    signataire = adhesion.signataires.first()
    urls = [
        reverse("conventions:index", kwargs=kw),
        reverse("conventions:create", kwargs=kw),
        reverse("conventions:detail", kwargs=kw | {"pk": cadre.pk}),
        reverse("conventions:detail", kwargs=kw | {"pk": adhesion.pk}),
        reverse("conventions:update", kwargs=kw | {"pk": cadre.pk}),
        reverse("conventions:signataire_create", kwargs=kw | {"pk": cadre.pk}),
        reverse("conventions:signataire_update", kwargs=kw | {"pk": adhesion.pk, "signataire_pk": signataire.pk}),
    ]
    selects = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "---------" not in html, url
        selects += html.count("— Choisir —")
    assert selects >= 2
