"""Each import format with good and broken files: what is read, what is refused (by line and
column, in French) and that a refused file saves nothing."""

from decimal import Decimal

import pytest

from pvd.diagnostic import importer, services
from pvd.diagnostic.importer import ImportRefused, parse_import, read_decimal
from pvd.diagnostic.models import Donnee, DonneeImport, DonneeOrigine, Echelle
from pvd.diagnostic.tests.factories_imports import (
    GENERIC_CSV_SAMPLE,
    GENERIC_HEADER,
    GENERIC_XLSX_SAMPLE,
    INSEE_SAMPLE,
    csv_bytes,
    generic_csv,
    insee_csv,
    langres_dossier,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(db):
    return langres_dossier()


def figure(parsed, indicateur, code, millesime="2021"):
    [found] = [
        f for f in parsed.figures if (f.indicateur, f.code_territoire, f.millesime) == (indicateur, code, millesime)
    ]
    return found


def faults(parsed):
    return [(e.line, e.column) for e in parsed.errors]


def refused(dossier, content, nom="fichier.csv"):
    """The service refuses the file and nothing is saved: the faults it gives."""
    before = (Donnee.objects.count(), DonneeImport.objects.count())
    with pytest.raises(ImportRefused) as raised:
        services.donnees_import(dossier=dossier, content=content, nom_fichier=nom, by=None)
    assert (Donnee.objects.count(), DonneeImport.objects.count()) == before
    return raised.value.parsed


# --- INSEE -----------------------------------------------------------------------------------


def test_the_insee_sample_gives_every_mapped_variable_for_each_territory(dossier):
    parsed = parse_import(INSEE_SAMPLE.read_bytes(), dossier=dossier)
    assert parsed.ok, parsed.errors
    assert parsed.kind == "insee"
    # 25 variables read, 2 rates computed; Joinville's poverty rate is secret.
    assert len(parsed.figures) == 6 * 27 - 1
    assert parsed.unknown_columns == ["SUPERF"]
    assert parsed.secrets == [(3, "TP6021", "s")]
    assert figure(parsed, "pop_totale", "52269").valeur == Decimal("7512")
    assert figure(parsed, "pop_totale", "52269", "2015").source == "INSEE, recensement de la population 2015"
    assert figure(parsed, "taux_pauvrete", "52269").valeur == Decimal("19.8")
    assert figure(parsed, "revenu_median", "200072999").source == "INSEE-DGFiP, Filosofi 2021"
    etab = figure(parsed, "etab_commerce_services", "52")
    assert (etab.echelle, etab.territoire, etab.unite) == (Echelle.DEPARTEMENT, "Haute-Marne", "établissements")
    assert etab.source == "INSEE, répertoire des entreprises et des établissements 2021"
    assert figure(parsed, "pop_totale", "44").echelle == Echelle.REGION
    assert figure(parsed, "pop_totale", "FR").territoire == "France"
    vacance = figure(parsed, "taux_vacance", "52269")
    assert (vacance.valeur, vacance.unite) == (Decimal("15.7"), "%")  # 742 / 4734
    assert "calcul : logements vacants / logements" in vacance.source
    assert figure(parsed, "taux_chomage", "52269").valeur == Decimal("14.6")  # 483 / 3305
    places = {t.code: t.comparaison for t in parsed.territoires}
    assert places == {"52269": False, "52250": True, "200072999": False, "52": False, "44": False, "FR": False}


def test_the_insee_sample_is_saved_in_one_import(dossier):
    donnee_import = services.donnees_import(
        dossier=dossier, content=INSEE_SAMPLE.read_bytes(), nom_fichier="insee.csv", by=None
    )
    assert (donnee_import.kind, donnee_import.nb_donnees) == ("insee", 161)
    saved = Donnee.objects.filter(dossier=dossier)
    assert saved.count() == 161
    assert set(saved.values_list("origine", "donnee_import")) == {(DonneeOrigine.IMPORT, donnee_import.pk)}
    langres = saved.get(indicateur="pop_0_14", code_territoire="52269", millesime="2021")
    assert (langres.valeur, langres.theme, langres.territoire) == (Decimal("1052"), "population", "Langres")


def test_a_comma_separated_insee_file_with_dots_title_lines_and_a_bom(dossier):
    content = "\ufeffComparateur de territoires\nINSEE\n".encode() + csv_bytes(
        ["CODGEO,LIBGEO,P21_POP,MED21", '"52269","Langres",7512.25,20480', "COM-52250,Joinville,3012,"]
    )
    parsed = parse_import(content, dossier=dossier)
    assert parsed.ok, parsed.errors
    assert parsed.title_lines == 2
    assert figure(parsed, "pop_totale", "52269").valeur == Decimal("7512.25")
    assert figure(parsed, "pop_totale", "52250").comparaison
    assert parsed.secrets == [(5, "MED21", "")]


def test_two_columns_of_one_indicator_keep_the_first(dossier):
    parsed = parse_import(insee_csv("52269;Langres;3796;3800", header="CODGEO;LIBGEO;P21_MEN;C21_MEN"), dossier=dossier)
    assert figure(parsed, "menages", "52269").valeur == 3796
    assert parsed.duplicate_columns == [("C21_MEN", "P21_MEN")]


def test_insee_codes_unknown_to_the_cog_are_listed_not_imported(dossier):
    parsed = parse_import(
        insee_csv("52269;Langres;7512;4734;742;20480", "99999;Nulle part;1;1;1;1", "METRO-1;France métro;1;1;1;1"),
        dossier=dossier,
    )
    assert parsed.ok
    assert parsed.unknown_codes == [(3, "99999"), (4, "METRO-1")]
    assert {f.code_territoire for f in parsed.figures} == {"52269"}


@pytest.mark.parametrize(
    ("content", "fault", "message"),
    [
        (
            insee_csv("52269;Langres;7512;4734;742;20480", "52250;Joinville;trois mille;1861;300;19620"),
            (3, "P21_POP"),
            "Valeur non numérique : « trois mille »",
        ),
        (insee_csv("52269;Langres;7512;4734;742;20480;12"), (2, "colonne 7"), "la ligne a 7 colonnes, l'en-tête 6"),
        (insee_csv("52269;Langres;7512;4734"), (2, "P21_LOGVAC"), "la ligne a 4 colonnes, l'en-tête 6"),
        (
            insee_csv("52269;Langres;7512;4734;742;20480", "COM-52269;Langres;1;1;1;1"),
            (3, "CODGEO"),
            "Territoire « COM-52269 » déjà présent ligne 2",
        ),
        (insee_csv(";Langres;7512;4734;742;20480"), (2, "CODGEO"), "Code du territoire absent"),
        (insee_csv("52269;Langres;1", header="CODGEO;LIBGEO;SUPERF"), (1, ""), "Aucune colonne INSEE reconnue"),
        (insee_csv("52269;Langres;s;nd;;nc"), (0, ""), "Aucun chiffre à importer"),
        (csv_bytes(["52269;Langres;7512", "52250;Joinville;3012"]), (1, ""), "En-tête introuvable"),
    ],
)
def test_a_broken_insee_file_is_refused_by_line_and_column(dossier, content, fault, message):
    parsed = refused(dossier, content)
    assert faults(parsed)[0] == fault
    assert message in parsed.errors[0].message


def test_a_file_not_in_utf8_is_refused_at_its_first_bad_character(dossier):
    content = insee_csv("52269;Langres;7512;4734;742;20480", "52250;Joinville-en-Champagne é;3012;1861;300;19620")
    parsed = refused(dossier, content.decode().encode("cp1252"))
    assert faults(parsed) == [(3, "LIBGEO")]
    assert "n'est pas encodé en UTF-8" in parsed.errors[0].message
    assert "CSV UTF-8" in parsed.errors[0].message


def test_a_binary_file_is_refused(dossier):
    parsed = refused(dossier, b"%PDF-1.7\x00\x01\x02", "rapport.csv")
    assert "n'est pas un fichier texte CSV" in parsed.errors[0].message
    parsed = refused(dossier, b"PK\x03\x04 pas un classeur", "donnees.xlsx")
    assert "n'est pas un classeur Excel (.xlsx) lisible" in parsed.errors[0].message


def test_every_fault_is_reported_and_the_good_lines_are_not_saved(dossier):
    parsed = refused(
        dossier,
        insee_csv(
            "52269;Langres;7512;4734;742;20480",
            "200072999;CC;x;11480;1300;21370",
            "DEP-52;Haute-Marne;170614;y;15290;21110",
        ),
    )
    assert faults(parsed) == [(3, "P21_POP"), (4, "P21_LOG")]


# --- Generic ---------------------------------------------------------------------------------


def generic_fields(parsed):
    return [
        (f.indicateur, f.code_territoire, f.millesime, f.valeur, f.unite, f.theme, f.source) for f in parsed.figures
    ]


def test_the_generic_samples_csv_and_xlsx_give_the_same_figures(dossier):
    from_csv = parse_import(GENERIC_CSV_SAMPLE.read_bytes(), dossier=dossier)
    from_xlsx = parse_import(GENERIC_XLSX_SAMPLE.read_bytes(), dossier=dossier)
    assert from_csv.ok and from_xlsx.ok, (from_csv.errors, from_xlsx.errors)
    assert (from_csv.kind, from_xlsx.kind) == ("generique", "generique")
    assert generic_fields(from_csv) == generic_fields(from_xlsx)
    assert len(from_csv.figures) == 9
    medecins = figure(from_csv, "medecins_generalistes", "52269", "2023")
    assert (medecins.libelle, medecins.theme, medecins.unite) == ("Médecins généralistes", "sante", "médecins")
    pauvrete = figure(from_csv, "taux_pauvrete", "52")
    assert (pauvrete.libelle, pauvrete.theme, pauvrete.echelle) == (
        "Taux de pauvreté",
        "emploi_economie",
        "departement",
    )
    assert figure(from_csv, "taux_de_vacance_commerciale", "52269", "2024").valeur == Decimal("17.5")


def test_generic_headers_without_accents_in_any_case_and_extra_columns(dossier):
    content = csv_bytes(
        [
            "CODE,Indicateur,VALEUR,Unite,Source,Annee,Commentaire",
            "52269,Commerces vacants,38,locaux,Relevé,2024,rue Diderot",
            '200072999,Population,"20 490",,INSEE,2021,',
        ]
    )
    parsed = parse_import(content, dossier=dossier)
    assert parsed.ok, parsed.errors
    assert parsed.unknown_columns == ["Commentaire"]
    vacants = figure(parsed, "commerces_vacants", "52269", "2024")
    assert (vacants.theme, vacants.unite) == ("autre", "locaux")
    population = figure(parsed, "pop_totale", "200072999")
    assert (population.valeur, population.unite, population.libelle) == (Decimal("20490"), "habitants", "Population")


def test_a_generic_xlsx_reads_numbers_codes_and_reports_other_sheets(dossier):
    content = xlsx_bytes(
        [
            ["Code", "Indicateur", "Valeur", "Unité", "Source", "Millésime", "Thème"],
            [52269, "Places de stationnement", 1250, "places", "Commune", 2024, "Mobilité"],
            ["52", "Taux de pauvreté", 16.2, None, "Filosofi", 2021.0],
        ],
        sheets=("Notes",),
    )
    parsed = parse_import(content, dossier=dossier, nom_fichier="x.xlsx")
    assert parsed.ok, parsed.errors
    assert parsed.unread_sheets == ["Notes"]
    assert figure(parsed, "places_de_stationnement", "52269", "2024").theme == "mobilite"
    assert figure(parsed, "taux_pauvrete", "52").unite == "%"


def test_a_formula_without_its_value_is_refused(dossier):
    content = xlsx_bytes([GENERIC_HEADER.split(";"), ["52269", "Habitants", "=1+1", "hab.", "INSEE", 2021]])
    parsed = refused(dossier, content, "x.xlsx")
    assert faults(parsed) == [(2, "colonne 3")]
    assert "Formule sans valeur calculée" in parsed.errors[0].message


@pytest.mark.parametrize(
    ("row", "fault", "message"),
    [
        ("99999;Population;12;habitants;INSEE;2021", (2, "code"), "Territoire inconnu : « 99999 »"),
        ("REG-99;Population;12;habitants;INSEE;2021", (2, "code"), "Territoire inconnu : « REG-99 »"),
        ("Langres;Population;12;habitants;INSEE;2021", (2, "code"), "Code de territoire illisible : « Langres »"),
        (";Population;12;habitants;INSEE;2021", (2, "code"), "Code du territoire absent"),
        ("52269;;12;habitants;INSEE;2021", (2, "indicateur"), "Indicateur absent"),
        ("52269;Population;douze;habitants;INSEE;2021", (2, "valeur"), "Valeur non numérique : « douze »"),
        ("52269;Population;7.512;habitants;INSEE;2021", (2, "valeur"), "Valeur ambiguë « 7.512 »"),
        ("52269;Population;12;habitants;;2021", (2, "source"), "Source absente"),
        ("52269;Population;12;habitants;INSEE;21", (2, "millésime"), "Millésime illisible : « 21 »"),
        ("52269;P21_POP;12;habitants;INSEE;2020", (2, "millésime"), "ne correspond pas à la variable INSEE"),
        ("52269;Population;12;habitants;INSEE;2021;extra", (2, "colonne 7"), "la ligne a 7 colonnes, l'en-tête 6"),
        ("52269;Population;12;habitants", (2, "source"), "la ligne a 4 colonnes, l'en-tête 6"),
        ("52269;Population;12;habitants;" + "x" * 301 + ";2021", (2, "source"), "au plus 300 caractères"),
        ("52269;Population;12;" + "u" * 41 + ";INSEE;2021", (2, "unité"), "au plus 40 caractères"),
    ],
)
def test_a_broken_generic_line_is_refused_by_line_and_column(dossier, row, fault, message):
    parsed = refused(dossier, generic_csv("52269;Logements;4734;logements;INSEE;2021", row))
    assert faults(parsed)[0] == (fault[0] + 1, fault[1])
    assert message in parsed.errors[0].message


def test_an_unknown_theme_is_refused_with_the_themes(dossier):
    parsed = refused(
        dossier, generic_csv("52269;Marchés;3;marchés;Commune;2024;Loisirs", header=GENERIC_HEADER + ";thème")
    )
    assert faults(parsed) == [(2, "thème")]
    assert "Thème inconnu : « Loisirs » (Habitat, Commerce" in parsed.errors[0].message


def test_a_figure_twice_in_a_generic_file_is_refused(dossier):
    parsed = refused(
        dossier,
        generic_csv("52269;Population;7512;habitants;INSEE;2021", "COM-52269;pop_totale;7513;habitants;INSEE;2021"),
    )
    assert faults(parsed) == [(3, "indicateur")]
    assert "que la ligne 2" in parsed.errors[0].message


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("code;indicateur;valeur;unité;millésime", ["source"]),
        ("code;indicateur;valeur", ["source", "millésime"]),
        ("territoire;indicateur;valeur;source;millésime", ["code"]),
    ],
)
def test_a_missing_required_column_is_refused(dossier, header, missing):
    parsed = refused(dossier, csv_bytes([header, "52269;x;1;INSEE;2021"]))
    assert faults(parsed) == [(1, label) for label in missing]
    assert parsed.errors[0].message == f"Colonne « {missing[0]} » absente de l'en-tête."


def test_secret_values_of_a_generic_file_are_counted_and_skipped(dossier):
    parsed = parse_import(
        generic_csv("52269;Population;7512;habitants;INSEE;2021", "52250;Population;s;habitants;INSEE;2021"),
        dossier=dossier,
    )
    assert parsed.ok
    assert parsed.secrets == [(3, "valeur", "s")]
    assert [f.code_territoire for f in parsed.figures] == ["52269"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7512", "7512"),
        ("7512,5", "7512.5"),
        ("7512.5", "7512.5"),
        ("7 512,5", "7512.5"),
        ("7\u202f512", "7512"),
        ("19,5 %", "19.5"),
        ("-3,25", "-3.25"),
        ("0.123456", "0.1235"),
        (7512, "7512"),
        (16.2, "16.2"),
    ],
)
def test_values(value, expected):
    assert read_decimal(value) == Decimal(expected)


@pytest.mark.parametrize("value", ["abc", "1,2,3", "1.234,5", "75 12", "1e5", "NaN", True, "12345678901234567"])
def test_values_that_are_no_number(value):
    with pytest.raises(ValueError, match="Valeur"):
        read_decimal(value)


# --- Limits ----------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_with_the_limit(dossier):
    parsed = refused(dossier, insee_csv("52269;Langres;1;1;1;1") + b" " * importer.MAX_SIZE)
    assert "Le fichier dépasse 2 Mo" in parsed.errors[0].message


def test_a_file_over_the_row_limit_is_refused_with_the_limit(dossier):
    rows = [f"52269;Indicateur {n};{n};;INSEE;2021" for n in range(importer.MAX_ROWS + 1)]
    parsed = refused(dossier, generic_csv(*rows))
    assert faults(parsed) == [(importer.MAX_ROWS + 2, "")]
    assert "la limite de 5\u00a0000 lignes de données" in parsed.errors[0].message


def test_the_row_limit_itself_is_accepted(dossier, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    rows = [f"52269;Indicateur {n};{n};;INSEE;2021" for n in range(3)]
    assert parse_import(generic_csv(*rows), dossier=dossier).ok
    assert not parse_import(generic_csv(*rows, "52269;Indicateur 4;4;;INSEE;2021"), dossier=dossier).ok


def test_a_file_over_the_figure_limit_is_refused(dossier, monkeypatch):
    monkeypatch.setattr(importer, "MAX_DONNEES", 100)
    parsed = refused(dossier, INSEE_SAMPLE.read_bytes())
    assert "Le fichier donnerait 161 chiffres, au-delà de la limite de 100" in parsed.errors[0].message


# --- Create or update ------------------------------------------------------------------------


def test_a_figure_of_the_same_indicator_territory_and_vintage_is_updated(dossier):
    first = services.donnees_import(
        dossier=dossier,
        content=generic_csv("52269;Population;7500;habitants;INSEE;2021", "52269;Logements;4700;;INSEE;2021"),
        nom_fichier="a.csv",
        by=None,
    )
    content = generic_csv(
        "52269;pop_totale;7512;habitants;INSEE, RP 2021;2021", "200072999;Population;20490;;INSEE;2021"
    )
    parsed = parse_import(content, dossier=dossier)
    assert (len(parsed.to_create), len(parsed.to_update)) == (1, 1)
    second = services.donnees_import(dossier=dossier, content=content, nom_fichier="b.csv", by=None)
    assert Donnee.objects.filter(dossier=dossier).count() == 3
    updated = Donnee.objects.get(dossier=dossier, indicateur="pop_totale", code_territoire="52269")
    assert (updated.valeur, updated.source, updated.donnee_import) == (Decimal("7512"), "INSEE, RP 2021", second)
    assert list(first.donnees.values_list("indicateur", flat=True)) == ["log_total"]


def test_the_same_file_twice_updates_every_figure(dossier):
    services.donnees_import(dossier=dossier, content=INSEE_SAMPLE.read_bytes(), nom_fichier="a.csv", by=None)
    parsed = parse_import(INSEE_SAMPLE.read_bytes(), dossier=dossier)
    assert (len(parsed.to_create), len(parsed.to_update)) == (0, 161)


def test_a_reference_figure_of_the_platform_is_kept(dossier):
    Donnee.objects.create(
        dossier=dossier,
        indicateur="pop_totale",
        libelle="Population",
        echelle=Echelle.COMMUNE,
        code_territoire="52269",
        valeur=7421,
        source="INSEE, populations légales 2023 (COG 2026)",
        millesime="2023",
        origine=DonneeOrigine.REFERENCE,
    )
    content = generic_csv("52269;Population;9999;habitants;Autre;2023", "52269;Logements;4734;;INSEE;2021")
    parsed = parse_import(content, dossier=dossier)
    assert [f.indicateur for f in parsed.references_kept] == ["pop_totale"]
    services.donnees_import(dossier=dossier, content=content, nom_fichier="a.csv", by=None)
    assert Donnee.objects.get(indicateur="pop_totale").valeur == 7421


def test_a_database_failure_after_the_first_writes_saves_nothing(dossier, monkeypatch):
    services.donnees_import(
        dossier=dossier, content=generic_csv("52269;Population;1;;INSEE;2021"), nom_fichier="a", by=None
    )

    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(Donnee.objects, "bulk_update", broken)
    content = generic_csv("52269;Population;2;;INSEE;2021", "52269;Logements;3;;INSEE;2021")
    with pytest.raises(RuntimeError):
        services.donnees_import(dossier=dossier, content=content, nom_fichier="b", by=None)
    assert DonneeImport.objects.count() == 1
    assert list(Donnee.objects.values_list("indicateur", "valeur")) == [("pop_totale", Decimal("1"))]


def test_deleting_an_import_deletes_its_figures_only(dossier):
    first = services.donnees_import(dossier=dossier, content=INSEE_SAMPLE.read_bytes(), nom_fichier="a", by=None)
    second = services.donnees_import(dossier=dossier, content=GENERIC_CSV_SAMPLE.read_bytes(), nom_fichier="b", by=None)
    # The generic sample updated two figures of the first import (poverty rates of 52 and France).
    assert services.donnee_import_delete(donnee_import=first, by=None) == 159
    assert not DonneeImport.objects.filter(pk=first.pk).exists()
    assert Donnee.objects.filter(dossier=dossier).count() == 9
    assert set(Donnee.objects.values_list("donnee_import", flat=True)) == {second.pk}


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_windows_line_endings_and_each_separator(dossier, separator):
    lines = [GENERIC_HEADER, "52269;Commerces vacants;38;locaux;Relevé;2024", "52;Population;170614;;INSEE;2021"]
    content = "\r\n".join(line.replace(";", separator) for line in lines).encode()
    parsed = parse_import(content, dossier=dossier)
    assert parsed.ok, parsed.errors
    assert [(f.indicateur, f.code_territoire, f.valeur) for f in parsed.figures] == [
        ("commerces_vacants", "52269", Decimal("38")),
        ("pop_totale", "52", Decimal("170614")),
    ]


def test_a_generic_label_of_a_figure_the_dossier_has_takes_its_code(dossier):
    Donnee.objects.create(
        dossier=dossier,
        theme="commerce",
        indicateur="locaux_commerciaux_vacants",
        libelle="Locaux commerciaux vacants en centre-ville",
        echelle=Echelle.COMMUNE,
        code_territoire="52269",
        valeur=23,
        source="Relevé",
        millesime="2025",
    )
    parsed = parse_import(GENERIC_CSV_SAMPLE.read_bytes(), dossier=dossier)
    vacants = figure(parsed, "locaux_commerciaux_vacants", "52269", "2024")
    assert (vacants.theme, vacants.libelle, vacants.existing_pk) == (
        "commerce",
        "Locaux commerciaux vacants en centre-ville",
        None,
    )
    content = generic_csv("52269;locaux_commerciaux_vacants;25;locaux;Relevé;2025")
    assert len(parse_import(content, dossier=dossier).to_update) == 1


def test_a_workbook_that_unpacks_too_big_is_refused_before_reading(dossier, settings):
    content = xlsx_bytes([["CODGEO", "P21_POP"], ["52269", 7500]])
    settings.PVD_XLSX_MAX_UNCOMPRESSED = 2048
    parsed = refused(dossier, content, "chiffres.xlsx")
    assert [e.message for e in parsed.errors] == [
        "Le fichier décompressé dépasserait 2 ko : il est refusé. Enregistrez-le de nouveau dans un tableur, "
        "ou découpez-le."
    ]
