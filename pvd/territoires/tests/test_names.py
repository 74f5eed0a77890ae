"""French names with their article (« du Moule », « de la Haute-Marne »)."""

import csv

import pytest

from pvd.territoires import names
from pvd.territoires.services import read_cog_extract


@pytest.mark.parametrize(
    ("nom", "expected"),
    [
        ("Langres", "de Langres"),
        ("Le Moule", "du Moule"),
        ("Le Havre", "du Havre"),
        ("Les Anses-d'Arlet", "des Anses-d'Arlet"),
        ("Les Sables-d'Olonne", "des Sables-d'Olonne"),
        ("La Trinité", "de La Trinité"),
        ("La Rochelle", "de La Rochelle"),
        ("L'Isle-Adam", "de L'Isle-Adam"),
        ("L’Haÿ-les-Roses", "de L’Haÿ-les-Roses"),
        ("Arles", "d'Arles"),
        ("Ur", "d'Ur"),
        ("Évreux", "d'Évreux"),
        ("Yvetot", "d'Yvetot"),
        ("Oloron-Sainte-Marie", "d'Oloron-Sainte-Marie"),
        ("Hyères", "d'Hyères"),  # mute h
        ("Hendaye", "d'Hendaye"),
        ("Haguenau", "de Haguenau"),  # aspirated h
        ("Honfleur", "de Honfleur"),
        ("Hautmont", "de Hautmont"),
        ("Haute-Goulaine", "de Haute-Goulaine"),
        ("Lesparre-Médoc", "de Lesparre-Médoc"),  # « Les… » is not always an article
        ("Lens", "de Lens"),
        ("Laon", "de Laon"),
        ("Saint-Dié-des-Vosges", "de Saint-Dié-des-Vosges"),
    ],
)
def test_de_commune(nom, expected):
    assert names.de_commune(nom) == expected


def test_commune_de_names_the_commune_organisation():
    assert names.commune_de("Le Moule") == "Commune du Moule"
    assert names.commune_de("Les Anses-d'Arlet") == "Commune des Anses-d'Arlet"
    assert names.commune_de("Arles") == "Commune d'Arles"


@pytest.mark.parametrize(
    ("code", "nom", "de", "le"),
    [
        ("52", "Haute-Marne", "de la Haute-Marne", "la Haute-Marne"),
        ("01", "Ain", "de l'Ain", "l'Ain"),
        ("34", "Hérault", "de l'Hérault", "l'Hérault"),
        ("13", "Bouches-du-Rhône", "des Bouches-du-Rhône", "les Bouches-du-Rhône"),
        ("05", "Hautes-Alpes", "des Hautes-Alpes", "les Hautes-Alpes"),
        ("14", "Calvados", "du Calvados", "le Calvados"),
        ("90", "Territoire de Belfort", "du Territoire de Belfort", "le Territoire de Belfort"),
        ("75", "Paris", "de Paris", "Paris"),
        ("28", "Eure-et-Loir", "d'Eure-et-Loir", "Eure-et-Loir"),
        ("71", "Saône-et-Loire", "de Saône-et-Loire", "Saône-et-Loire"),
        ("976", "Mayotte", "de Mayotte", "Mayotte"),
        ("974", "La Réunion", "de La Réunion", "La Réunion"),
        ("972", "Martinique", "de la Martinique", "la Martinique"),
        ("975", "Saint-Pierre-et-Miquelon", "de Saint-Pierre-et-Miquelon", "Saint-Pierre-et-Miquelon"),
    ],
)
def test_departement_article(code, nom, de, le):
    assert names.de_departement((code, nom)) == de
    assert names.le_departement((code, nom)) == le


def test_prefet_and_prefecture():
    assert names.prefet_de(("52", "Haute-Marne")) == "préfet de la Haute-Marne"
    assert names.prefecture_de(("01", "Ain")) == "Préfecture de l'Ain"


def test_tncc_table_covers_the_101_departements_of_the_cog():
    """The shipped table has one valid TNCC for each département of the COG extract, same names."""
    with names.TNCC_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cog = {code: nom for code, nom, _region in read_cog_extract()["departements"]}
    departements = {
        code: nom for code, nom in cog.items() if len(code) == 2 or code in {"971", "972", "973", "974", "976"}
    }
    assert len(departements) == 101
    assert {row["code"]: row["nom"] for row in rows} == departements
    assert all(row["tncc"] in {"0", "1", "2", "3", "4", "5"} for row in rows)
    # TNCC 1 and 5 are for names beginning with a vowel (or a mute h), 0 for the others.
    for row in rows:
        if row["tncc"] in {"1", "5"}:
            assert names.elides(row["nom"]), row
        if row["tncc"] == "0" and row["code"] != "974":
            assert not names.elides(row["nom"]), row


@pytest.mark.django_db
def test_model_helpers():
    from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory

    assert CommuneFactory(nom="Le Moule").de_nom == "du Moule"
    departement = DepartementFactory(code="52", nom="Haute-Marne")
    assert departement.de_nom == "de la Haute-Marne"
    assert departement.prefet_de == "préfet de la Haute-Marne"
