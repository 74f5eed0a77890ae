"""The open data of the published fiches: the publication (never a confidential fiche), the
public page and its figures, the CSV and GeoJSON files (their content, the licence, and that
they follow every save), with a constant number of queries."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from conftest import ALL_VIEWERS
from pvd.actions import services as actions_services
from pvd.actions.models import FicheAction
from pvd.actions.tests.factories import AxeFactory, FicheFactory, LigneFactory, OrganisationFactory
from pvd.dossiers.tests.factories import DossierFactory
from pvd.pilotage import opendata
from pvd.pilotage.views_opendata import PER_PAGE
from tests.utils import assert_queries_do_not_grow, assert_refused, main

PAGE = reverse("pilotage:opendata")
CSV = reverse("pilotage:opendata_csv")
GEOJSON = reverse("pilotage:opendata_geojson")


def _text(node, separator=" "):
    """The text of a node with ordinary spaces (amounts are written with no-break spaces)."""
    return node.get_text(separator, strip=True).replace("\u00a0", " ")


def _csv_rows(client):
    response = client.get(CSV)
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _geojson(client):
    response = client.get(GEOJSON)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    return json.loads(response.content)


@pytest.fixture
def published(dossier):
    """Two published fiches (one located, with two financing lines and a themed axe), one not
    published, one confidential."""
    axe = AxeFactory(dossier=dossier, titre="Habitat", orientations_crte=["habitat", "transition_ecologique"])
    located = FicheFactory(
        dossier=dossier,
        numero=1,
        titre="Réhabilitation de la halle",
        located=True,
        statut="en_cours",
        cout_ht=Decimal("1200000.50"),
        cout_ttc=Decimal("1440000.60"),
        publiee=True,
    )
    located.axes.set([axe])
    LigneFactory(fiche=located, financeur=OrganisationFactory(nom="Préfecture de la Haute-Marne"), dispositif="dsil")
    LigneFactory(fiche=located, financeur=OrganisationFactory(nom="=Région Grand Est"), dispositif="region")
    other = FicheFactory(
        dossier=dossier, numero=2, titre="Manager de commerce", statut="realise", cout_ht=Decimal("60000"), publiee=True
    )
    FicheFactory(dossier=dossier, numero=3, titre="Brouillon non publié", publiee=False)
    FicheFactory(dossier=dossier, numero=4, confidential=True)
    return located, other


def test_the_page_is_public_and_lists_only_the_published_fiches(client, published):
    response = client.get(PAGE)
    assert response.status_code == 200
    table = main(response).select_one("#tableau-fiches")
    titles = [cell.get_text(strip=True) for cell in table.select("tbody td:first-child strong")]
    assert titles == ["Réhabilitation de la halle", "Manager de commerce"]
    text = main(response).get_text()
    assert "Brouillon non publié" not in text and "Acquisition foncière secrète" not in text
    first = [_text(cell) for cell in table.select("tbody tr")[0].select("td")]
    assert first[2] == "Habitat Habitat et cadre de vie, Transition écologique"
    assert first[3] == "En cours"
    assert first[4] == "1 200 000,50 €"
    assert first[5] == "Préfecture de la Haute-Marne (DSIL); =Région Grand Est (Région)"
    assert first[6] == "01/01/2025 → 30/06/2026"
    licence = main(response).select_one("#licence")
    assert "Licence Ouverte 2.0" in licence.get_text()
    assert licence.select_one("a[rel=license]")["href"] == opendata.LICENCE_URL


def test_the_figures_are_computed_on_the_published_fiches(client, published):
    figures = opendata.figures()
    # Hand-checked: 1 200 000,50 + 60 000; the confidential and the unpublished fiches count nowhere.
    assert (figures["nombre"], figures["cout_ht"], figures["localisees"]) == (2, Decimal("1260000.50"), 1)
    assert [(f.label, f.nombre, f.cout_ht) for f in figures["statuts"]] == [
        ("En cours", 1, Decimal("1200000.50")),
        ("Réalisé", 1, Decimal("60000.00")),
    ]
    # Only the halle has a themed axe: it counts under both its themes.
    assert [(f.label, f.nombre, f.cout_ht) for f in figures["themes"]] == [
        ("Transition écologique", 1, Decimal("1200000.50")),
        ("Habitat et cadre de vie", 1, Decimal("1200000.50")),
    ]
    page = main(client.get(PAGE))
    assert page.select_one("#chiffres-total").get_text(" ", strip=True).startswith("2 fiches publiées")
    assert "1 260 000,50 €" in _text(page.select_one("#chiffres-total"))
    assert [_text(row, "|") for row in page.select("#chiffres-statut tbody tr")] == [
        "En cours|1|1 200 000,50 €",
        "Réalisé|1|60 000 €",
    ]
    assert "1 fiche sur 2 a un point" in page.select_one("#carte-regle").get_text()


def test_the_csv_file(client, published):
    located, other = published
    response = client.get(CSV)
    assert response["Content-Disposition"] == 'attachment; filename="fiches-action-publiees.csv"'
    assert 'rel="license"' in response["Link"] and opendata.LICENCE_URL in response["Link"]
    rows = _csv_rows(client)
    assert list(rows[0]) == [label for _key, label in opendata.COLUMNS]
    assert [row["titre"] for row in rows] == ["Réhabilitation de la halle", "Manager de commerce"]
    first = rows[0]
    commune = located.dossier.communes.first()
    assert first["identifiant"] == str(located.pk)
    assert (first["communes"], first["codes INSEE"]) == (commune.nom, commune.code)
    assert first["coût HT (€)"] == "1200000,50" and first["coût TTC (€)"] == "1440000,60"
    assert first["statut"] == "En cours"
    assert first["thèmes (orientations du CRTE)"] == "Habitat et cadre de vie, Transition écologique"
    # "=Région…" does not start the cell here: it stays as typed (a cell that starts with "=" is
    # neutralised, see the next test).
    assert first["financeurs"] == "Préfecture de la Haute-Marne (DSIL); =Région Grand Est (Région)"
    assert (first["début prévu"], first["fin prévue"]) == ("2025-01-01", "2026-06-30")
    assert (first["latitude"], first["longitude"]) == ("47,862000", "5,333000")
    assert rows[1]["latitude"] == "" and rows[1]["financeurs"] == ""


def test_a_csv_cell_starting_like_a_formula_is_neutralised(client, dossier):
    FicheFactory(dossier=dossier, titre='=HYPERLINK("http://x")', publiee=True)
    assert _csv_rows(client)[0]["titre"] == '\'=HYPERLINK("http://x")'


def test_the_geojson_file(client, published):
    located, other = published
    data = _geojson(client)
    assert data["type"] == "FeatureCollection"
    assert (data["licence"], data["licence_url"]) == ("Licence Ouverte 2.0", opendata.LICENCE_URL)
    assert data["source"] == "http://testserver" + PAGE
    features = {f["id"]: f for f in data["features"]}
    assert set(features) == {located.pk, other.pk}
    # RFC 7946: longitude first.
    assert features[located.pk]["geometry"] == {"type": "Point", "coordinates": [5.333, 47.862]}
    assert features[other.pk]["geometry"] is None
    properties = features[located.pk]["properties"]
    assert properties["titre"] == "Réhabilitation de la halle"
    assert properties["cout_ht"] == 1200000.5
    assert properties["date_debut"] == "2025-01-01"
    assert properties["statut"] == "En cours"
    assert "latitude" not in properties


def test_the_files_follow_every_save(client, published, make_viewer, dossier):
    located, other = published
    chef = make_viewer(dossier, "chef_de_projet")
    assert _csv_rows(client)[1]["statut"] == "Réalisé"
    actions_services.fiche_update(fiche=other, by=chef, titre="Manager de commerce et artisanat", statut="en_pause")
    assert [row["titre"] for row in _csv_rows(client)][1] == "Manager de commerce et artisanat"
    assert _csv_rows(client)[1]["statut"] == "En pause"
    assert _geojson(client)["features"][1]["properties"]["statut"] == "En pause"
    actions_services.fiche_publication(fiche=located, by=chef, publiee=False)
    assert [row["titre"] for row in _csv_rows(client)] == ["Manager de commerce et artisanat"]
    assert [f["id"] for f in _geojson(client)["features"]] == [other.pk]
    assert "Réhabilitation de la halle" not in main(client.get(PAGE)).get_text()
    assert opendata.figures()["nombre"] == 1


def test_a_confidential_fiche_is_never_published(dossier, make_viewer):
    chef = make_viewer(dossier, "chef_de_projet")
    secret = FicheFactory(dossier=dossier, confidential=True)
    with pytest.raises(ValidationError, match="confidentielle ne peut pas être publiée"):
        actions_services.fiche_publication(fiche=secret, by=chef, publiee=True)
    # Nor made confidential while published: refused with the same rule.
    fiche = FicheFactory(dossier=dossier, publiee=True)
    with pytest.raises(ValidationError, match="confidentielle ne peut pas être publiée"):
        actions_services.fiche_update(fiche=fiche, by=chef, confidentielle=True)
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        FicheAction.objects.filter(pk=secret.pk).update(publiee=True)
    assert not FicheAction.objects.filter(confidentielle=True, publiee=True).exists()


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_the_team_publishes_a_fiche(client_for, dossier, kind):
    fiche = FicheFactory(dossier=dossier)
    client = client_for(dossier, kind)
    url = reverse("actions:fiche_publication", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk})
    response = client.post(url, {"publiee": "1"})
    fiche.refresh_from_db()
    if kind in ("chef_de_projet", "equipe"):
        assert response.status_code == 302
        assert fiche.publiee
        assert fiche.historique.filter(champ="publication en données ouvertes", nouveau="oui").exists()
        client.post(url, {"publiee": "0"})
        fiche.refresh_from_db()
        assert not fiche.publiee
    else:
        assert_refused(response, kind)
        assert not fiche.publiee


def test_the_fiche_page_offers_publication_to_the_team_only(client_for, dossier):
    fiche = FicheFactory(dossier=dossier)
    url = reverse("actions:fiche", kwargs={"dossier_pk": dossier.pk, "fiche_pk": fiche.pk})
    assert main(client_for(dossier, "equipe").get(url)).select_one("#publication")
    assert main(client_for(dossier, "elu").get(url)).select_one("#publication") is None
    secret = FicheFactory(dossier=dossier, confidential=True)
    url = reverse("actions:fiche", kwargs={"dossier_pk": dossier.pk, "fiche_pk": secret.pk})
    assert main(client_for(dossier, "chef_de_projet").get(url)).select_one("#publication") is None


def test_the_footer_links_to_the_open_data(client):
    response = client.get(reverse("core:home"))
    assert PAGE in [a["href"] for a in BeautifulSoup(response.content, "html.parser").select("footer a")]


def _grow(count):
    def grow():
        organisation = OrganisationFactory(nom="Banque des Territoires")
        for _ in range(count):
            dossier = DossierFactory()
            axe = AxeFactory(dossier=dossier, orientations_crte=["mobilites"])
            fiche = FicheFactory(dossier=dossier, publiee=True, located=True)
            fiche.axes.set([axe])
            LigneFactory(fiche=fiche, financeur=organisation)
            FicheFactory(dossier=dossier, confidential=True)

    return grow


@pytest.mark.parametrize("url", [PAGE, CSV, GEOJSON])
def test_queries_do_not_grow_with_the_published_fiches(client, db, url):
    _grow(3)()
    small, large = assert_queries_do_not_grow(lambda: client.get(url), grow=_grow(27))
    if url == CSV:
        assert len(large.content.decode("utf-8-sig").splitlines()) == 31  # header + 30 fiches


def test_the_table_is_paginated(client, db):
    _grow(PER_PAGE + 2)()
    first = main(client.get(PAGE))
    assert len(first.select("#tableau-fiches tbody tr")) == PER_PAGE
    second = main(client.get(PAGE + "?page=2"))
    assert len(second.select("#tableau-fiches tbody tr")) == 2
    assert "page 2 sur 2" in second.select_one("#tableau-fiches caption").get_text()


def test_the_mise_a_jour_is_the_fiche_s_last_save(client, dossier):
    FicheFactory(dossier=dossier, publiee=True)
    assert _csv_rows(client)[0]["mise à jour"] == datetime.date.today().isoformat()
