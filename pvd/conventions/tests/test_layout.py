"""The signatories table stays narrow enough to show the signature and the actions at 1280 px."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from pvd.conventions import services
from pvd.conventions.models import ConventionType
from pvd.conventions.tests.factories import SignataireFactory
from tests.utils import main

pytestmark = pytest.mark.django_db


def test_signatories_table_has_four_columns_and_commitments_below_each_row(client_for, dossier):
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    # After the commune, the EPCI and the préfet, added with the convention (ordre 1 to 3).
    signed = SignataireFactory(convention=convention, engagements="Cofinancer le poste de chef de projet.", ordre=4)
    SignataireFactory(convention=convention, engagements="", ordre=5)
    services.signature_record(signataire=signed, signe_le=datetime.date(2021, 6, 18))
    url = reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": convention.pk})
    response = client_for(dossier, "chef_de_projet").get(url)
    assert "{#" not in response.content.decode()  # a template comment left in the page
    table = BeautifulSoup(response.content, "html.parser").select_one("#signataires-table")
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers == ["Signataire", "Délibération", "Signature", "Actions"]
    rows = table.select("tbody tr")
    # Each signatory row is followed by its commitments on a full-width row.
    assert [("data-signataire" in row.attrs, "pvd-engagements" in row.get("class", [])) for row in rows] == [
        (True, False),
        (False, True),
        (True, False),
        (False, True),
        (True, False),
        (False, True),
        (True, False),
        (False, True),
        (True, False),
        (False, True),
    ]  # the commune, the EPCI and the préfet, added with the convention, first
    assert "Cofinancer le poste de chef de projet." in rows[7].get_text()
    assert rows[7].select_one("td")["colspan"] == "4"
    signed_row = table.select_one(f'tr[data-signataire="{signed.pk}"]')
    assert "Signé le 18/06/2021" in signed_row.select_one(".pvd-signe-le").get_text()
    # The signature form is folded: no date field stands open in the row.
    assert signed_row.select_one("details form input[type=date]") is not None
    assert all(field.find_parent("details") for field in table.select("input[type=date]"))


def test_signatories_table_without_actions_for_a_reader(client_for, dossier):
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    SignataireFactory(convention=convention, engagements="Mobiliser les services.")
    url = reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": convention.pk})
    table = BeautifulSoup(client_for(dossier, "lecteur").get(url).content, "html.parser").select_one(
        "#signataires-table"
    )
    assert [th.get_text(strip=True) for th in table.select("thead th")] == ["Signataire", "Délibération", "Signature"]
    assert table.select_one("tr.pvd-engagements td")["colspan"] == "3"
    assert not table.select("form")


def test_convention_validation_label_agrees_in_the_feminine(client_for, dossier):
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    url = reverse("conventions:detail", kwargs={"dossier_pk": dossier.pk, "pk": convention.pk})
    page = BeautifulSoup(client_for(dossier, "chef_de_projet").get(url).content, "html.parser")
    assert page.select_one("#validation [data-etat]").get_text(strip=True) == "Non soumise"


def test_index_has_three_wrapping_columns(client_for, dossier, sign_convention):
    sign_convention(dossier, ConventionType.ADHESION, datetime.date(2022, 8, 31))
    page = main(client_for(dossier, "lecteur").get(reverse("conventions:index", kwargs={"dossier_pk": dossier.pk})))
    table = page.select_one("#conventions-table")
    assert "fr-table--multiline" in table["class"]
    assert [th.get_text(strip=True) for th in table.select("thead th")] == ["Convention", "État", "Signatures"]
    assert "signée le 31/08/2022" in table.select_one("tbody tr").get_text(" ", strip=True)


def test_no_django_empty_choice_on_convention_pages(client_for, dossier, sign_convention):
    adhesion = sign_convention(dossier, ConventionType.ADHESION, datetime.date(2022, 8, 31))
    cadre = services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
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
