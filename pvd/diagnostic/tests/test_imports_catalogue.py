"""The catalogue of the imports: INSEE variables → shared indicators, vintages, labels of a
generic file, territory codes; and the README documents the same tables."""

from decimal import Decimal
from pathlib import Path

import pytest

from pvd.diagnostic import catalogue
from pvd.diagnostic.models import Echelle, Theme

README = Path(__file__).resolve().parents[3] / "README.md"

# The shared indicator codes of issue 12, by theme: the imports give exactly these.
SHARED = {
    Theme.POPULATION: ["pop_totale", "pop_0_14", "pop_15_29", "pop_30_44", "pop_45_59", "pop_60_74", "pop_75_plus"]
    + ["menages"],
    Theme.HABITAT: ["log_total", "log_residences_principales", "log_residences_secondaires", "log_vacants"]
    + ["taux_vacance"],
    Theme.EMPLOI_ECONOMIE: ["emplois", "actifs_15_64", "actifs_occupes_15_64", "chomeurs_15_64", "taux_chomage"]
    + ["revenu_median", "taux_pauvrete"],
    Theme.COMMERCE: ["etablissements", "etab_industrie", "etab_construction", "etab_commerce_services"]
    + ["etab_administration"],
}


def test_the_shared_codes_have_their_theme():
    for theme, codes in SHARED.items():
        for code in codes:
            assert catalogue.INDICATEURS[code].theme == theme, code
    extra = set(catalogue.INDICATEURS) - {code for codes in SHARED.values() for code in codes}
    assert extra == {"etab_agriculture"}


@pytest.mark.parametrize(
    ("name", "indicateur", "millesime", "source"),
    [
        ("P21_POP", "pop_totale", "2021", "INSEE, recensement de la population 2021"),
        ("P15_POP", "pop_totale", "2015", "INSEE, recensement de la population 2015"),
        ("p21_pop75p", "pop_75_plus", "2021", "INSEE, recensement de la population 2021"),
        ("C21_MEN", "menages", "2021", "INSEE, recensement de la population 2021"),
        ("P20_MEN", "menages", "2020", "INSEE, recensement de la population 2020"),
        ("P21_LOGVAC", "log_vacants", "2021", "INSEE, recensement de la population 2021"),
        ("P21_ACTOCC1564", "actifs_occupes_15_64", "2021", "INSEE, recensement de la population 2021"),
        ("MED21", "revenu_median", "2021", "INSEE-DGFiP, Filosofi 2021"),
        ("TP6021", "taux_pauvrete", "2021", "INSEE-DGFiP, Filosofi 2021"),
        ("ETTOT22", "etablissements", "2022", "INSEE, répertoire des entreprises et des établissements 2022"),
        ("ETGU21", "etab_commerce_services", "2021", "INSEE, répertoire des entreprises et des établissements 2021"),
        ("ETOQ21", "etab_administration", "2021", "INSEE, répertoire des entreprises et des établissements 2021"),
    ],
)
def test_an_insee_variable_gives_its_indicator_vintage_and_source(name, indicateur, millesime, source):
    assert catalogue.insee_variable(name) == catalogue.Variable(indicateur, millesime, source)


@pytest.mark.parametrize("name", ["SUPERF", "P21_POPH", "P21_POP0019", "NAIS1520", "MED", "P2021_POP", "LIBGEO"])
def test_other_columns_are_no_indicator(name):
    assert catalogue.insee_variable(name) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("52269", (Echelle.COMMUNE, "52269")),
        ("COM-52269", (Echelle.COMMUNE, "52269")),
        ("2A004", (Echelle.COMMUNE, "2A004")),
        (1001, (Echelle.COMMUNE, "01001")),
        ("200072999", (Echelle.EPCI, "200072999")),
        ("EPCI-200072999", (Echelle.EPCI, "200072999")),
        ("52", (Echelle.DEPARTEMENT, "52")),
        ("DEP-52", (Echelle.DEPARTEMENT, "52")),
        ("dep-2a", (Echelle.DEPARTEMENT, "2A")),
        ("971", (Echelle.DEPARTEMENT, "971")),
        (1.0, (Echelle.DEPARTEMENT, "01")),
        ("REG-44", (Echelle.REGION, "44")),
        ("FRANCE", (Echelle.FRANCE, "FR")),
        ("fr", (Echelle.FRANCE, "FR")),
        ("FE-1", (Echelle.FRANCE, "FR")),
        ("METRO-1", None),
        ("REG-4", None),
        ("DEP-52269", None),
        ("EPCI-52", None),
        ("Langres", None),
        ("1234567", None),
        ("", None),
        (None, None),
    ],
)
def test_territory_codes_as_insee_writes_them(raw, expected):
    assert catalogue.territoire_code(raw) == expected


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("pop_totale", "pop_totale"),
        ("POPULATION", "pop_totale"),
        ("Population municipale", "pop_totale"),
        ("Taux de chômage", "taux_chomage"),
        ("taux de chomage", "taux_chomage"),
        ("Revenu médian", "revenu_median"),
        ("Logements vacants", "log_vacants"),
        ("Taux de vacance", "taux_vacance"),
        ("Logements sociaux", None),
        ("Taux de vacance commerciale", None),
    ],
)
def test_generic_labels_of_the_shared_indicators(label, code):
    assert catalogue.known_indicateur(label) == code


def test_an_insee_variable_as_generic_label():
    assert catalogue.known_indicateur("P21_LOGVAC") == catalogue.Variable(
        "log_vacants", "2021", "INSEE, recensement de la population 2021"
    )


def test_slug_is_a_stable_key():
    assert catalogue.slug("  Locaux commerciaux vacants (centre-ville) ") == "locaux_commerciaux_vacants_centre_ville"
    assert catalogue.slug("Médecins généralistes") == "medecins_generalistes"
    assert len(catalogue.slug("x" * 200)) == 80


def test_derived_rates_are_rounded_to_one_decimal():
    vacance = catalogue.DERIVES[0]
    assert catalogue.derive(vacance, Decimal(742), Decimal(4734)) == Decimal("15.7")
    assert catalogue.derive(vacance, Decimal(1), Decimal(0)) is None


def test_the_readme_documents_every_variable_indicator_and_derived_rate():
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Importer des données du diagnostic", 1)[1].split("\n## ", 1)[0]
    for pattern, code, _source in catalogue.INSEE_VARIABLES:
        assert f"`{pattern.replace('{YY}', 'YY')}`" in section, pattern
        assert f"`{code}`" in section, code
    for derive in catalogue.DERIVES:
        assert f"`{derive.code}`" in section
    for text in ("REG-44", "DEP-52", "200072999", "FRANCE", "2 Mo", "5 000 lignes", "`thème`", "`s`, `nd`"):
        assert text in section, text
