"""The « Chiffres du territoire » pages: who may read and write, what the page shows next to each
number, the forms' French errors, the CSV of a chart, and query counts at two sizes."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.diagnostic import services
from pvd.diagnostic.models import Donnee, DonneeOrigine
from pvd.territoires.tests.factories import CommuneFactory
from tests.utils import assert_queries_do_not_grow, assert_refused, edit_fields, expected_status, main

from .factories_chiffres import DonneeFactory

pytestmark = pytest.mark.django_db

CAN_VIEW = {"chef_de_projet", "equipe", "elu", "partenaire", "lecteur", "prefecture", "anct"}
CAN_EDIT = {"chef_de_projet", "equipe"}


def _url(name, dossier, **kwargs):
    return reverse(f"diagnostic:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


def _age_figures(dossier, echelle="commune", code="52269", territoire="Langres", millesime="2021", base=100):
    for i, code_ind in enumerate(["pop_0_14", "pop_15_29", "pop_30_44", "pop_45_59", "pop_60_74", "pop_75_plus"]):
        DonneeFactory(
            dossier=dossier,
            indicateur=code_ind,
            echelle=echelle,
            code_territoire=code,
            territoire=territoire,
            valeur=Decimal(base * (i + 1)),
            millesime=millesime,
            origine=DonneeOrigine.IMPORT,
        )


FORM = {
    "theme": "habitat",
    "indicateur": "log_vacants",
    "libelle": "Logements vacants",
    "valeur": "1 234,5",
    "unite": "logements",
    "echelle": "commune",
    "territoire": "Langres",
    "code_territoire": "52269",
    "source": "INSEE, recensement de la population 2021",
    "millesime": "2021",
}


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_reading_pages(client_for, dossier, kind):
    _age_figures(dossier)
    client = client_for(dossier, kind)
    for url in (_url("chiffres", dossier), _url("chart_csv", dossier, key="population_age")):
        response = client.get(url)
        assert response.status_code == expected_status(kind, CAN_VIEW), (url, kind)


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_writing_pages(client_for, dossier, kind):
    donnee = DonneeFactory(dossier=dossier)
    client = client_for(dossier, kind)
    allowed = kind in CAN_EDIT
    for name, kwargs in (
        ("donnee_create", {}),
        ("donnee_edit", {"donnee_pk": donnee.pk}),
        ("donnee_delete", {"donnee_pk": donnee.pk}),
    ):
        response = client.get(_url(name, dossier, **kwargs))
        assert response.status_code == expected_status(kind, CAN_EDIT), (name, kind)
    response = client.post(_url("donnee_create", dossier), FORM)
    if allowed:
        assert response.status_code == 302
        assert Donnee.objects.get(indicateur="log_vacants").valeur == Decimal("1234.5")
    else:
        assert_refused(response, kind)
        assert not Donnee.objects.filter(indicateur="log_vacants").exists()
    response = client.post(_url("chiffres_sync", dossier))
    if allowed:
        assert response.status_code == 302
        assert Donnee.objects.filter(dossier=dossier, origine="reference").exists()
    else:
        assert_refused(response, kind)
        assert not Donnee.objects.filter(dossier=dossier, origine="reference").exists()
    response = client.post(_url("donnee_delete", dossier, donnee_pk=donnee.pk))
    assert Donnee.objects.filter(pk=donnee.pk).exists() != allowed


def test_page_shows_provenance_next_to_each_number(client_for, dossier):
    services.reference_figures_sync(dossier=dossier)
    DonneeFactory(
        dossier=dossier, theme="habitat", libelle="Logements vacants", valeur=Decimal("1234.5"), unite="logements"
    )
    page = main(client_for(dossier, "prefecture").get(_url("chiffres", dossier)))
    commune = dossier.communes.get()
    row = next(tr for tr in page.select("#theme-population tbody tr") if tr.th.get_text() == "Population municipale")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[1] == "5\u00a0000 habitants"
    assert cells[2].startswith("INSEE, populations municipales 2023 (COG 2026), millésime 2023")
    habitat = page.select_one("#theme-habitat tbody tr").get_text(" ", strip=True)
    assert "1\u00a0234,5 logements" in habitat and "millésime 2021" in habitat
    comparison = page.select_one("#comparaison-pvd").get_text(" ", strip=True)
    assert commune.nom in comparison and "millésime 2023" in comparison and "QUARTILE" in comparison
    # The préfecture reads: no write button
    assert page.select_one("#chiffres-actions") is None
    assert "Modifier" not in page.select_one("#liste").get_text()


def test_page_draws_charts_with_tables_and_says_what_is_missing(client_for, dossier):
    _age_figures(dossier)
    _age_figures(dossier, millesime="2015", base=1)  # an older vintage, not shown
    page = main(client_for(dossier, "lecteur").get(_url("chiffres", dossier)))
    figure = page.select_one("#graphique-population_age")
    assert figure.select_one("canvas[data-chart=donnees-population_age]")
    assert page.select_one("script#donnees-population_age")
    rows = [[c.get_text(strip=True) for c in tr.select("th, td")] for tr in figure.select("tbody tr")]
    # 100…600, total 2100: 100/2100 = 4,8 %; 600/2100 = 28,6 %
    assert rows[0] == ["0 à 14 ans", "4,8\u00a0%"] and rows[5] == ["75 ans ou plus", "28,6\u00a0%"]
    assert "INSEE, recensement de la population 2021" in figure.figcaption.get_text()
    assert figure.select_one("a[download]")["href"] == _url("chart_csv", dossier, key="population_age")
    missing = page.select_one("#graphiques-manquants").get_text(" ", strip=True)
    assert "taux de chômage" in missing and "INSEE" in missing
    assert page.select_one("#graphique-taux_chomage") is None


def test_chart_csv(client_for, dossier):
    _age_figures(dossier, territoire="=HYPERLINK(1)")
    response = client_for(dossier, "elu").get(_url("chart_csv", dossier, key="population_age"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="population_age.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Population par tranche d'âge", "'=HYPERLINK(1)"]
    assert rows[1] == ["0 à 14 ans", "4,8"]
    assert ["Source", "INSEE, recensement de la population 2021"] in rows
    assert client_for(dossier, "elu").get(_url("chart_csv", dossier, key="taux_chomage")).status_code == 404


def test_form_errors_in_french_and_unique_message(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    response = client.post(_url("donnee_create", dossier), FORM | {"valeur": "beaucoup", "millesime": "21"})
    page = main(response).get_text(" ", strip=True)
    assert "Saisissez un nombre" in page and "quatre chiffres" in page
    assert client.post(_url("donnee_create", dossier), FORM).status_code == 302
    response = client.post(_url("donnee_create", dossier), FORM)
    assert response.status_code == 200
    assert "Ce chiffre existe déjà pour ce territoire et ce millésime." in main(response).get_text()
    assert Donnee.objects.filter(indicateur="log_vacants").count() == 1


def test_edit_typed_figure_only(client_for, dossier):
    typed = DonneeFactory(dossier=dossier)
    imported = DonneeFactory(dossier=dossier, origine=DonneeOrigine.IMPORT)
    client = client_for(dossier, "equipe")
    update = _url("donnee_edit", dossier, donnee_pk=typed.pk)
    response = client.post(update, FORM | {"valeur": "12"} | edit_fields(client, update))
    assert response.status_code == 302
    typed.refresh_from_db()
    assert typed.valeur == 12 and typed.indicateur == "log_vacants"
    assert client.get(_url("donnee_edit", dossier, donnee_pk=imported.pk)).status_code == 404
    assert client.post(_url("donnee_delete", dossier, donnee_pk=imported.pk)).status_code == 404
    other = DonneeFactory()
    assert client.get(_url("donnee_edit", dossier, donnee_pk=other.pk)).status_code == 404


def test_sync_button(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    response = client.post(_url("chiffres_sync", dossier), follow=True)
    assert "Les chiffres de référence sont à jour" in response.content.decode()
    assert Donnee.objects.filter(dossier=dossier, origine="reference", indicateur="pop_totale").count() == 3
    assert "Actualiser les chiffres de référence" in main(client.get(_url("chiffres", dossier))).get_text()


def test_index_section_summary(client_for, dossier):
    services.reference_figures_sync(dossier=dossier)
    page = main(client_for(dossier, "anct").get(_url("index", dossier)))
    section = page.select_one("#chiffres").get_text(" ", strip=True)
    assert "5\u00a0000 habitants" in section and "millésime 2023" in section
    assert page.select_one("#chiffres a")["href"] == _url("chiffres", dossier)


def test_queries_do_not_grow(client_for, dossier):
    client = client_for(dossier, "chef_de_projet")
    services.reference_figures_sync(dossier=dossier)
    _age_figures(dossier)
    counter = iter(range(1000))

    def grow():
        n = next(counter)
        dossier.communes.add(CommuneFactory(code=f"52{n:03d}", epci=dossier.epci, population=3000 + n))
        services.reference_figures_sync(dossier=dossier)
        _age_figures(dossier, echelle="epci", code=dossier.epci_id, territoire="CC", millesime=str(2000 + n))
        for theme in ("habitat", "emploi_economie", "commerce", "sante"):
            DonneeFactory(dossier=dossier, theme=theme)
        DonneeFactory.create_batch(3, dossier=dossier, origine=DonneeOrigine.SAISIE)

    for url in (_url("chiffres", dossier), _url("chart_csv", dossier, key="population_age")):
        assert_queries_do_not_grow(lambda url=url: client.get(url), grow=grow)
