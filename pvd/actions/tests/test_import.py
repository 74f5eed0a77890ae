import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import ALL_VIEWERS
from pvd.actions.columns import BUDGET_COLUMNS, FICHE_COLUMNS, FINANCEMENT_COLUMNS
from pvd.actions.importer import ImportRefused, import_plan, parse_amount, parse_workbook
from pvd.actions.models import FicheAction, LigneFinancement
from pvd.actions.tests.factories import AxeFactory, FicheFactory, LigneFactory, OrganisationFactory
from pvd.dossiers.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db
TEAM = {"chef_de_projet", "equipe"}


def url(name, dossier):
    return reverse(f"actions:{name}", kwargs={"dossier_pk": dossier.pk})


def workbook(fiches, financements=(), budgets=()) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in (
        ("Fiches", FICHE_COLUMNS, fiches),
        ("Financements", FINANCEMENT_COLUMNS, financements),
        ("Budgets", BUDGET_COLUMNS, budgets),
    ):
        sheet = book.create_sheet(title)
        sheet.append([label for _, label in columns])
        for row in rows:
            sheet.append([row.get(key) for key, _ in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD_FICHES = [
    {
        "numero": 1,
        "titre": "Rénovation de la halle",
        "axes": "1, 2",
        "statut": "En cours",
        "maturite": "étude",
        "date_debut": "01/03/2025",
        "date_fin": datetime.date(2026, 6, 30),
        "cout_ht": "1 200 000 €",
        "inscrite_crte": "oui",
        "maitre_ouvrage": "Commune de Test",
    },
    {"titre": "Maison France services", "axes": 2, "cout_ht": 350000.5, "statut": "a_venir"},
]
GOOD_FINANCEMENTS = [
    {
        "fiche": 1,
        "financeur": "État",
        "dispositif": "DETR",
        "montant": "300 000,00 €",
        "statut": "Accordé",
        "date": "15/01/2025",
    },
    {"fiche": 1, "financeur": "Région Grand Est", "dispositif": "Région", "montant": 200000, "statut": "sollicité"},
]
GOOD_BUDGETS = [{"fiche": 1, "annee": 2025, "investissement": "600 000", "fonctionnement": 0}]


@pytest.fixture
def axes(dossier):
    return [AxeFactory(dossier=dossier, numero=1), AxeFactory(dossier=dossier, numero=2)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 200 000 €", "1200000.00"),
        ("1\u202f200\u00a0000,50 €", "1200000.50"),
        ("1.200.000,5", "1200000.50"),
        (1200000, "1200000.00"),
        (12.5, "12.50"),
        ("-3", "-3.00"),
        ("350 000 EUR", "350000.00"),
    ],
)
def test_parse_amount(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["abc", "12 3a €", "", "1,2,3.4.5"])
def test_parse_amount_refuses(raw):
    with pytest.raises(ValueError):
        parse_amount(raw)


def test_import_good_file(dossier, axes):
    OrganisationFactory(nom="Commune de Test", type="commune")
    fiches = import_plan(dossier=dossier, content=workbook(GOOD_FICHES, GOOD_FINANCEMENTS, GOOD_BUDGETS), by=None)
    assert [f.numero for f in fiches] == [1, 2]
    halle = FicheAction.objects.get(dossier=dossier, numero=1)
    assert halle.cout_ht == Decimal("1200000") and halle.statut == "en_cours" and halle.maturite == "etude"
    assert halle.date_debut == datetime.date(2025, 3, 1) and halle.inscrite_crte
    assert halle.maitre_ouvrage.nom == "Commune de Test"
    assert sorted(a.numero for a in halle.axes.all()) == [1, 2]
    assert halle.financements.get(dispositif="detr").montant == Decimal("300000")
    assert halle.budgets.get().investissement == Decimal("600000")
    assert FicheAction.objects.get(dossier=dossier, numero=2).cout_ht == Decimal("350000.50")


def test_import_ten_faults_reported_nothing_saved(dossier, axes):
    FicheFactory(dossier=dossier, numero=7, titre="Existante")
    fiches = [
        {"numero": 1, "titre": "Bonne", "axes": "9"},  # 1 unknown axe
        {"numero": 2, "titre": "Date", "date_debut": "31/02/2025"},  # 2 bad date
        {"numero": 3, "titre": "Montant", "cout_ht": "abc"},  # 3 amount refused
        {"numero": 4, "titre": None, "cout_ht": "1 200 000 €"},  # 4 missing title (amount parsed)
        {"numero": 5, "titre": "Négatif", "cout_ttc": "-10"},  # 5 negative amount
        {"numero": 5, "titre": "Doublon"},  # 6 duplicate number
        {"numero": 7, "titre": "Déjà là"},  # 7 number used in the dossier
        {"numero": 8, "titre": "Statut", "statut": "fini"},  # 8 unknown status
        {"numero": 9, "titre": "Dates", "date_debut": "01/01/2026", "date_fin": "01/01/2025"},  # 9 end before start
    ]
    financements = [{"fiche": 1, "financeur": "État", "dispositif": "Loto", "montant": 5, "statut": "accordé"}]  # 10
    content = workbook(fiches, financements)
    parsed = parse_workbook(content, dossier)
    found = {(e.sheet, e.line, e.column) for e in parsed.errors}
    assert found == {
        ("Fiches", 2, "Axes (numéros)"),
        ("Fiches", 3, "Début prévu"),
        ("Fiches", 4, "Coût HT (€)"),
        ("Fiches", 5, "Titre"),
        ("Fiches", 6, "Coût TTC (€)"),
        ("Fiches", 7, "Numéro"),
        ("Fiches", 8, "Numéro"),
        ("Fiches", 9, "Statut"),
        ("Fiches", 10, "Fin prévue"),
        ("Financements", 2, "Dispositif"),
    }
    messages = " ".join(e.message for e in parsed.errors)
    assert "« 9 »" in messages and "« abc »" in messages and "en double" in messages
    with pytest.raises(ImportRefused):
        import_plan(dossier=dossier, content=content, by=None)
    assert list(FicheAction.objects.filter(dossier=dossier).values_list("numero", flat=True)) == [7]


def test_missing_sheet_or_garbage_file(dossier):
    assert "pas un classeur" in parse_workbook(b"not a zip", dossier).errors[0].message
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    assert "Fiches" in parse_workbook(buffer.getvalue(), dossier).errors[0].message


def test_round_trip_of_the_export(client_for, dossier, axes):
    halle = FicheFactory(
        dossier=dossier,
        numero=3,
        titre="Halle",
        cout_ht=Decimal("1000000.50"),
        inscrite_crte=True,
        located=True,
        pilote="Claire",
        description="Ligne 1\nLigne 2",
        statut="bloque",
    )
    halle.axes.set(axes)
    LigneFactory(
        fiche=halle,
        financeur=OrganisationFactory(nom="État"),
        dispositif="detr",
        montant=Decimal("1234.56"),
        statut="accorde",
        date=datetime.date(2025, 2, 3),
    )
    LigneFactory(
        fiche=halle,
        financeur=OrganisationFactory(nom="État"),
        dispositif="detr",
        montant=Decimal("99"),
        statut="refuse",
    )
    halle.budgets.create(annee=2025, investissement=Decimal("10.5"), fonctionnement=Decimal("2"))
    FicheFactory(dossier=dossier, numero=4, titre="Sans rien", cout_ht=None, date_debut=None, date_fin=None)
    content = client_for(dossier, "equipe").get(url("plan_xlsx", dossier)).content

    other = DossierFactory()
    AxeFactory(dossier=other, numero=1)
    AxeFactory(dossier=other, numero=2)
    import_plan(dossier=other, content=content, by=None)
    copy = FicheAction.objects.get(dossier=other, numero=3)
    for field in (
        "titre",
        "cout_ht",
        "inscrite_crte",
        "latitude",
        "longitude",
        "pilote",
        "description",
        "statut",
        "date_debut",
        "date_fin",
        "maturite",
        "priorite",
        "confidentielle",
    ):
        assert getattr(copy, field) == getattr(halle, field), field
    assert sorted(a.numero for a in copy.axes.all()) == [1, 2]
    lines = sorted((x.financeur.nom, x.dispositif, x.montant, x.statut, x.date) for x in copy.financements.all())
    assert lines == [
        ("État", "detr", Decimal("99"), "refuse", None),
        ("État", "detr", Decimal("1234.56"), "accorde", datetime.date(2025, 2, 3)),
    ]
    assert copy.budgets.get().investissement == Decimal("10.5")
    assert FicheAction.objects.get(dossier=other, numero=4).cout_ht is None


@pytest.mark.parametrize("kind", ALL_VIEWERS)
def test_import_views_per_viewer(client_for, dossier, axes, kind, main):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(dossier, kind)
    template = client.get(url("import_template", dossier))
    if kind not in TEAM:
        expected = {"anonymous": 302, "outsider": 404, "prefecture_autre": 404}.get(kind, 403)
        assert template.status_code == expected
        upload = SimpleUploadedFile("plan.xlsx", workbook(GOOD_FICHES))
        assert client.post(url("import", dossier), {"fichier": upload}).status_code == expected
        assert not FicheAction.objects.exists()
        return
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["Fiches", "Financements", "Budgets", "Aide"]
    bad = SimpleUploadedFile("plan.xlsx", workbook([{"numero": 1, "titre": "", "cout_ht": "abc"}]))
    response = client.post(url("import", dossier), {"fichier": bad})
    assert response.status_code == 400
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in main(response).select("#erreurs tbody tr")]
    assert ["Fiches", "2", "Titre", "Le titre est obligatoire."] in rows
    assert not FicheAction.objects.exists()
    good = SimpleUploadedFile("plan.xlsx", workbook(GOOD_FICHES, GOOD_FINANCEMENTS, GOOD_BUDGETS))
    response = client.post(url("import", dossier), {"fichier": good})
    assert response.status_code == 200
    assert len(main(response).select("#apercu tbody tr")) == 2
    assert not FicheAction.objects.exists()  # preview only
    response = client.post(url("import", dossier), {"confirm": "1"})
    assert response.status_code == 302
    assert FicheAction.objects.filter(dossier=dossier).count() == 2
    assert LigneFinancement.objects.filter(fiche__dossier=dossier).count() == 2


# --- Faults that only the model knew: found when parsing, by line and column --------------


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ({"latitude": 200, "longitude": 5}, "Latitude", "90"),
        ({"latitude": 47, "longitude": "-181"}, "Longitude", "-180"),
        ({"cout_ht": "123 456 789 012 345 €"}, "Coût HT (€)", "14 chiffres"),
        ({"pilote": "P" * 201}, "Pilote", "200 caractères"),
        ({"maitre_ouvrage": "M" * 201}, "Maître d'ouvrage", "200 caractères"),
        ({"localisation": "L" * 301}, "Localisation", "300 caractères"),
        ({"titre": "T" * 301}, "Titre", "300 caractères"),
        ({"numero": "1" + "0" * 20}, "Numéro", "inférieure ou égale"),  # beyond every backend's integer
        ({"cout_ht": 1000, "cout_ttc": 900}, "Coût TTC (€)", "inférieur au coût HT"),
    ],
)
def test_model_limits_reported_by_line_and_column(dossier, row, column, words):
    content = workbook([{"numero": 1, "titre": "Bonne"}, {"numero": 2, "titre": "Fautive", **row}])
    parsed = parse_workbook(content, dossier)
    assert [(e.sheet, e.line, e.column) for e in parsed.errors] == [("Fiches", 3, column)]
    assert words in parsed.errors[0].message
    with pytest.raises(ImportRefused) as refused:
        import_plan(dossier=dossier, content=content, by=None)
    assert all(e.line for e in refused.value.parsed.errors)  # never the line "0" of a save-time fault
    assert not FicheAction.objects.filter(dossier=dossier).exists()


@pytest.mark.parametrize(
    ("financement", "budget", "sheet", "column", "words"),
    [
        ({"financeur": "F" * 201}, None, "Financements", "Financeur", "200 caractères"),
        ({"montant": "1" * 15}, None, "Financements", "Montant (€)", "14 chiffres"),
        (None, {"investissement": "1" * 15}, "Budgets", "Investissement (€)", "14 chiffres"),
    ],
)
def test_financing_and_budget_limits_reported(dossier, financement, budget, sheet, column, words):
    base_fin = {"fiche": 1, "financeur": "État", "dispositif": "DETR", "montant": 10, "statut": "accordé"}
    base_budget = {"fiche": 1, "annee": 2025, "investissement": 0, "fonctionnement": 0}
    content = workbook(
        [{"numero": 1, "titre": "Bonne"}],
        [{**base_fin, **(financement or {})}],
        [{**base_budget, **(budget or {})}],
    )
    parsed = parse_workbook(content, dossier)
    assert [(e.sheet, e.line, e.column) for e in parsed.errors] == [(sheet, 2, column)]
    assert words in parsed.errors[0].message


def test_blank_number_allocated_when_parsing(dossier):
    """A blank number then a line asking for the number the blank one would have had at save time."""
    FicheFactory(dossier=dossier, numero=1)
    content = workbook([{"titre": "Sans numéro"}, {"numero": 2, "titre": "Numéro 2"}, {"titre": "Autre"}])
    parsed = parse_workbook(content, dossier)
    assert parsed.ok
    assert [f["numero"] for f in parsed.fiches] == [3, 2, 4]
    import_plan(dossier=dossier, content=content, by=None)
    saved = dict(FicheAction.objects.filter(dossier=dossier, numero__gt=1).values_list("numero", "titre"))
    assert saved == {2: "Numéro 2", 3: "Sans numéro", 4: "Autre"}


def test_funders_resolved_in_one_query_and_created_once(dossier):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pvd.territoires.models import Organisation

    etat = OrganisationFactory(nom="Prefecture", type="etat")
    lines = [
        {"fiche": n, "financeur": name, "dispositif": dispositif, "montant": 10, "statut": "sollicité"}
        for n in (1, 2, 3)
        for name, dispositif in (("PREFECTURE", "DETR"), ("Nouveau fonds", "Autre"))
    ]
    content = workbook([{"numero": n, "titre": f"Fiche {n}"} for n in (1, 2, 3)], lines)
    with CaptureQueriesContext(connection) as queries:
        import_plan(dossier=dossier, content=content, by=None)
    lookups = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "territoires_organisation"') and "JOIN" not in q["sql"] and "nom" in q["sql"]
    ]
    # One lookup of the known names, one get_or_create for the new name; not one per line.
    assert len(lookups) <= 2, lookups
    assert LigneFinancement.objects.filter(financeur=etat).count() == 3
    assert Organisation.objects.filter(nom="Nouveau fonds").count() == 1
    assert LigneFinancement.objects.filter(financeur__nom="Nouveau fonds").count() == 3
