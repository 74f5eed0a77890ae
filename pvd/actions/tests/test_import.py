import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import ALL_VIEWERS
from pvd.actions.columns import BUDGET_COLUMNS, FICHE_COLUMNS, FINANCEMENT_COLUMNS
from pvd.actions.import_values import parse_amount
from pvd.actions.importer import ImportRefused, import_plan, parse_workbook
from pvd.actions.models import FicheAction, LigneFinancement
from pvd.actions.services import FICHE_FIELDS, FICHE_M2M
from pvd.actions.tests.factories import AxeFactory, FicheFactory, LigneFactory, OrganisationFactory
from pvd.dossiers.tests.factories import DossierFactory
from pvd.strategie.tests.factories import SecteurFactory
from pvd.territoires.models import Organisation

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
    OrganisationFactory(nom="Commune de Test", kind="commune", dossier=dossier)  # typed in the dossier before
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
        ("Fiches", 2, "Axes (numéros ou noms)"),
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


def model_value(obj, key):
    """What a column of the export stands for, read on the model: the round trip compares these
    for every column of FICHE_COLUMNS, FINANCEMENT_COLUMNS and BUDGET_COLUMNS, so a new column
    is compared too (or fails here until it is given a reading)."""
    relations = {
        "axes": lambda o: sorted(a.numero for a in o.axes.all()),
        "partenaires": lambda o: sorted(p.nom for p in o.partenaires.all()),
        "maitre_ouvrage": lambda o: o.maitre_ouvrage_label,
        "commune": lambda o: o.commune_id,
        "secteur": lambda o: o.secteur.nom if o.secteur_id else None,
        "financeur": lambda o: o.financeur.nom,
        "fiche": lambda o: o.fiche.numero,
        "etapes": lambda o: sorted((e.date, e.nom, e.faite) for e in o.etapes.all()),
    }
    return relations[key](obj) if key in relations else getattr(obj, key)


def test_round_trip_of_the_export(client_for, dossier, axes):
    centre = SecteurFactory(dossier=dossier, nom="Centre-bourg")
    mairie = OrganisationFactory(nom="Commune de Test")
    caue, epf = OrganisationFactory(nom="CAUE 52"), OrganisationFactory(nom="EPF Grand Est")
    halle = FicheFactory(
        dossier=dossier,
        numero=3,
        titre="Halle",
        contexte="Une halle fermée depuis 2010.",
        description="Ligne 1\nLigne 2",
        objectifs="Rouvrir un marché couvert.",
        maitre_ouvrage=mairie,
        pilote="Claire",
        commune=dossier.communes.first(),
        secteur=centre,
        localisation="Place du marché",
        statut="bloque",
        maturite="operationnel",
        priorite="haute",
        date_debut=datetime.date(2025, 3, 1),
        date_fin=datetime.date(2026, 6, 30),
        cout_ht=Decimal("1000000.50"),
        cout_ttc=Decimal("1200000.60"),
        inscrite_crte=True,
        confidentielle=True,
        located=True,
    )
    halle.axes.set(axes)
    halle.partenaires.set([caue, epf])
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
        dispositif="dsil",
        montant=Decimal("99"),
        statut="refuse",
        date=datetime.date(2025, 4, 5),
    )
    halle.budgets.create(annee=2025, investissement=Decimal("10.5"), fonctionnement=Decimal("2"))
    halle.budgets.create(annee=2026, investissement=Decimal("7"), fonctionnement=Decimal("3.25"))
    halle.etapes.create(nom="Études préalables", date=datetime.date(2025, 3, 1), faite=True)
    halle.etapes.create(nom="Travaux | phase 1", date=datetime.date(2025, 9, 15))
    halle.etapes.create(nom="Réception", date=datetime.date(2026, 6, 30))
    FicheFactory(dossier=dossier, numero=4, titre="Sans rien", cout_ht=None, date_debut=None, date_fin=None)
    fiche_keys = [key for key, _ in FICHE_COLUMNS]
    # Every field a user edits on a fiche has its column (the free-text maître d'ouvrage shares one).
    assert set(FICHE_FIELDS + FICHE_M2M) - {"maitre_ouvrage_texte"} <= set(fiche_keys)
    # Fully filled: every column of the export carries a value for this fiche.
    assert all(model_value(halle, key) not in (None, "", [], False) for key in fiche_keys)
    content = client_for(dossier, "equipe").get(url("plan_xlsx", dossier)).content

    # Into another dossier of the same communes, with a sector of the same name.
    other = DossierFactory(epci=dossier.epci, communes=list(dossier.communes.all()))
    AxeFactory(dossier=other, numero=1)
    AxeFactory(dossier=other, numero=2)
    SecteurFactory(dossier=other, nom="Centre-bourg")
    organisations = Organisation.objects.count()
    import_plan(dossier=other, content=content, by=None)
    assert Organisation.objects.count() == organisations  # partners found, none created again
    copy = FicheAction.objects.get(dossier=other, numero=3)
    for key in fiche_keys:
        assert model_value(copy, key) == model_value(halle, key), key
    assert "etapes" in fiche_keys and len(model_value(copy, "etapes")) == 3
    assert copy.secteur.dossier == other and copy.maitre_ouvrage == mairie

    def lines(fiche, model_columns, related):
        keys = [key for key, _ in model_columns]
        return sorted(tuple(str(model_value(x, key)) for key in keys) for x in getattr(fiche, related).all())

    assert lines(copy, FINANCEMENT_COLUMNS, "financements") == lines(halle, FINANCEMENT_COLUMNS, "financements")
    assert lines(copy, BUDGET_COLUMNS, "budgets") == lines(halle, BUDGET_COLUMNS, "budgets")
    assert len(lines(copy, BUDGET_COLUMNS, "budgets")) == 2
    empty = FicheAction.objects.get(dossier=other, numero=4)
    assert empty.cout_ht is None and empty.secteur is None and not empty.partenaires.exists()
    assert not empty.etapes.exists()


def test_partners_and_sector_read_from_their_columns(dossier, axes):
    SecteurFactory(dossier=dossier, nom="Centre-bourg")
    caue = OrganisationFactory(nom="CAUE 52")
    fiches = [
        {"numero": 1, "titre": "A", "partenaires": "caue 52 ; Club de foot;Club de foot", "secteur": "centre-bourg"},
        {"numero": 2, "titre": "B", "partenaires": "Club de foot"},
    ]
    import_plan(dossier=dossier, content=workbook(fiches), by=None)
    a, b = FicheAction.objects.filter(dossier=dossier).order_by("numero")
    club = Organisation.objects.get(nom="Club de foot")  # created once, for both fiches
    assert set(a.partenaires.all()) == {caue, club} and list(b.partenaires.all()) == [club]
    assert a.secteur.nom == "Centre-bourg" and b.secteur is None


def test_unknown_sector_reported_by_line_and_column(dossier, axes):
    SecteurFactory(dossier=dossier, nom="Centre-bourg")
    SecteurFactory(dossier=DossierFactory(), nom="Faubourg")  # another dossier's sector
    fiches = [
        {"numero": 1, "titre": "A", "secteur": "Centre-bourg"},
        {"numero": 2, "titre": "B", "secteur": "Faubourg"},
    ]
    with pytest.raises(ImportRefused) as refused:
        import_plan(dossier=dossier, content=workbook(fiches), by=None)
    [fault] = refused.value.parsed.errors
    assert (fault.sheet, fault.line, fault.column) == ("Fiches", 3, "Secteur d'intervention")
    assert "Faubourg" in fault.message and "Centre-bourg" in fault.message
    assert not FicheAction.objects.filter(dossier=dossier).exists()


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
    summary = main(response).select_one(".fr-alert--success").get_text(" ", strip=True)
    assert summary == "Le fichier est valide : 2 fiches, 2 lignes de financement, 1 budget annuel."
    assert not FicheAction.objects.exists()  # preview only
    response = client.post(url("import", dossier), {"confirm": "1"})
    assert response.status_code == 302
    assert [m.message for m in get_messages(response.wsgi_request)] == ["2 fiches action importées."]
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

    etat = OrganisationFactory(nom="Prefecture", kind="etat")
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
