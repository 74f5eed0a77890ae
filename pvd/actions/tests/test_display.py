"""What a person reads on the plan, fiche and maquette pages and in the exports: counts as counts,
coordinates once and in French, precise coordinates in the exports, French labels and empty choices."""

import csv
import io
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from pvd.actions.models import FicheAction
from pvd.actions.tests.factories import FicheFactory, LigneFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def url(name, dossier, **kwargs):
    return reverse(f"actions:{name}", kwargs={"dossier_pk": dossier.pk, **kwargs})


@pytest.fixture
def located(dossier):
    return FicheFactory(
        dossier=dossier, numero=1, titre="Halle", latitude=Decimal("47.862512"), longitude=Decimal("5.333100")
    )


def test_maquette_counts_fiches_as_integers(client_for, dossier, main):
    for numero in range(1, 4):
        LigneFactory(fiche=FicheFactory(dossier=dossier, numero=numero, statut="en_cours"), montant=Decimal("1000"))
    table = main(client_for(dossier, "elu").get(url("maquette", dossier))).select_one("#maquette-statuts")
    row = [td.get_text(strip=True).replace("\xa0", " ") for td in table.select("tbody tr")[0].select("td")]
    total = [td.get_text(strip=True).replace("\xa0", " ") for td in table.select("tfoot td")]
    assert row[:3] == ["3", "300 000", "3 000"]
    assert total[:2] == ["3", "300 000"]


def test_maquette_amounts_keep_cents_only_when_not_whole(client_for, dossier, main):
    LigneFactory(fiche=FicheFactory(dossier=dossier, numero=1, statut="en_cours"), montant=Decimal("1234.50"))
    LigneFactory(fiche=FicheFactory(dossier=dossier, numero=2, statut="realise"), montant=Decimal("1000"))
    table = main(client_for(dossier, "elu").get(url("maquette", dossier))).select_one("#maquette-statuts")
    assert "pvd-maquette-table" in table["class"]
    accorde = {
        tr.th.get_text(strip=True): tr.select("td")[2].get_text(strip=True).replace("\xa0", " ")
        for tr in table.select("tbody tr")
    }
    assert accorde["En cours"] == "1 234,50" and accorde["Réalisé"] == "1 000"
    assert table.select("tfoot td")[2].get_text(strip=True).replace("\xa0", " ") == "2 234,50"


@pytest.mark.parametrize(
    ("lat", "lng", "label"),
    [
        ("47.862500", "5.333100", "47,8625° N, 5,3331° E"),
        ("-21.115141", "-55.536384", "21,115141° S, 55,536384° O"),
        ("45.000000", "0.000000", "45° N, 0° E"),
    ],
)
def test_coordinates_label_is_french(lat, lng, label):
    assert FicheAction(latitude=Decimal(lat), longitude=Decimal(lng)).coordonnees_label == label
    assert FicheAction().coordonnees_label == ""


def test_fiche_page_shows_coordinates_once_in_french(client_for, dossier, located, main):
    content = main(client_for(dossier, "lecteur").get(url("fiche", dossier, fiche_pk=located.pk)))
    assert content.select_one("#fiche-coordonnees").get_text(strip=True) == "47,862512° N, 5,3331° E"
    text = content.select_one("#description").get_text()
    assert text.count("47,862512") == 1 and "47.862512" not in text and "latitude" not in text


def test_fiche_pdf_and_docx_show_coordinates_once_in_french(client_for, dossier, located):
    client = client_for(dossier, "equipe")
    pdf = client.get(url("fiche_pdf", dossier, fiche_pk=located.pk)).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert text.count("47,862512° N, 5,3331° E") == 1
    assert "47.862512" not in text and "latitude" not in text
    docx = Document(io.BytesIO(client.get(url("fiche_docx", dossier, fiche_pk=located.pk)).content))
    cells = [c.text for t in docx.tables for row in t.rows for c in row.cells]
    assert "47,862512° N, 5,3331° E" in cells


def test_plan_exports_keep_six_decimals_of_coordinates(client_for, dossier, located):
    client = client_for(dossier, "lecteur")
    raw = client.get(url("plan_csv", dossier)).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(raw), delimiter=";"))
    row = dict(zip(lines[0], lines[1], strict=True))
    assert (row["Latitude"], row["Longitude"]) == ("47,862512", "5,333100")
    assert row["Coût HT (€)"] == "100000,00"  # amounts keep their 2 decimals
    fiches = load_workbook(io.BytesIO(client.get(url("plan_xlsx", dossier)).content))["Fiches"]
    xrow = dict(zip([c.value for c in fiches[1]], [c.value for c in fiches[2]], strict=True))
    assert (xrow["Latitude"], xrow["Longitude"]) == (47.862512, 5.3331)


@pytest.mark.parametrize("name", ["fiche_create", "fiche_update", "fiche", "ligne_update"])
def test_fiche_forms_have_french_labels_and_empty_choices(client_for, dossier, located, name):
    ligne = LigneFactory(fiche=located)
    kwargs = {"fiche_pk": located.pk} if name != "fiche_create" else {}
    if name == "ligne_update":
        kwargs["ligne_pk"] = ligne.pk
    response = client_for(dossier, "chef_de_projet").get(url(name, dossier, **kwargs))
    html = response.content.decode()
    assert "---------" not in html
    assert "— Choisir —" in html
    labels = {" ".join(label.get_text().split()) for label in BeautifulSoup(html, "html.parser").select("label")}
    if name in ("fiche", "ligne_update"):  # the financing line form (and, on the fiche page, indicator, budget)
        assert {"Nouveau financeur", "Type du nouveau financeur"} <= {label.split(" S'il")[0] for label in labels}
    assert not [label for label in labels if label[:1].islower()]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "—"), (Decimal("15485000"), "15 485"), (Decimal("8500"), "8,5"), (Decimal("350499"), "350")],
)
def test_kilo_euros(value, shown):
    from pvd.core.formatting import kilo_euros

    assert kilo_euros(value).replace("\xa0", " ") == shown


def test_plan_table_fits_its_columns(client_for, dossier, main):
    fiche = FicheFactory(dossier=dossier, numero=1, titre="Halle", maturite="etude", cout_ht=Decimal("1234567"))
    LigneFactory(fiche=fiche, montant=Decimal("600000"), statut="accorde")
    table = main(client_for(dossier, "lecteur").get(url("plan", dossier))).select_one("#plan-table table")
    headers = [" ".join(th.get_text(" ", strip=True).split()) for th in table.select("thead th")]
    assert headers == [
        "N°",
        "Titre Maître d'ouvrage",
        "Axes",
        "Statut Maturité",
        "Début – Fin",
        "Coût HT (k€)",
        "Accordé (k€)",
        "Avancement",
        "Validation",
    ]
    assert all(th["scope"] == "col" for th in table.select("thead th")) and table.caption
    cells = [" ".join(td.get_text(" ", strip=True).split()) for td in table.select("tbody tr td")]
    assert cells[3] == "À venir Étude"
    assert cells[4] == "01/2025 – 06/2026"
    assert cells[5:7] == ["1 235", "600"]


@pytest.mark.parametrize(
    ("with_commune", "place", "expected"),
    [
        (True, "Centre ancien", "{commune} — Centre ancien"),
        (True, "", "{commune}"),
        (False, "Centre ancien", "Centre ancien"),
        (False, "", "—"),
    ],
)
def test_fiche_localisation_separates_commune_and_place(client_for, dossier, main, with_commune, place, expected):
    commune = dossier.communes.first()
    fiche = FicheFactory(dossier=dossier, commune=commune if with_commune else None, localisation=place)
    page = main(client_for(dossier, "elu").get(url("fiche", dossier, fiche_pk=fiche.pk)))
    dd = next(dt.find_next_sibling("dd") for dt in page.select("dt") if dt.get_text(strip=True) == "Localisation")
    assert dd.get_text(strip=True) == expected.format(commune=f"{commune.nom} ({commune.code})")


def test_fiche_empty_sections_are_paragraphs_not_bullets(client_for, dossier, main):
    fiche = FicheFactory(dossier=dossier)
    page = main(client_for(dossier, "chef_de_projet").get(url("fiche", dossier, fiche_pk=fiche.pk)))
    for message in ("Aucune étape.", "Aucun indicateur.", "Aucune note.", "Aucune pièce jointe."):
        node = page.find(string=message)
        assert node is not None and node.parent.name == "p", message
    assert not page.select("#liste-notes, #indicateurs-liste, #pieces-liste")


def test_history_amounts_in_french(client_for, dossier, main):

    fiche = FicheFactory(dossier=dossier, cout_ht=Decimal("1000"))
    client = client_for(dossier, "chef_de_projet")
    org = OrganisationFactory(nom="État", kind="etat")
    client.post(
        url("ligne_add", dossier, fiche_pk=fiche.pk),
        {"financeur": org.pk, "dispositif": "detr", "montant": "1234.56", "statut": "sollicite"},
    )
    client.post(
        url("budget_add", dossier, fiche_pk=fiche.pk),
        {"annee": "2025", "investissement": "12345", "fonctionnement": "0.5"},
    )
    from pvd.actions import services

    services.fiche_update(fiche=fiche, by=None, cout_ht=Decimal("2500000"))
    history = main(client.get(url("fiche", dossier, fiche_pk=fiche.pk))).select_one("#historique + div").get_text()
    history = history.replace("\xa0", " ")  # the French separators are no-break spaces
    assert "1 234,56 €" in history and "1234.56" not in history
    assert "12 345,00 € inv. / 0,50 € fonct." in history
    assert "1 000,00 €" in history and "2 500 000,00 €" in history
