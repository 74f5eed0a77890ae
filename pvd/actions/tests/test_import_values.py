"""What the Excel import reads in a cell: never a wrong value stored without a word.

Amounts that read two ways, merged cells, formulas saved without their value, sheets the import
does not read, axes by number or by name, étapes in one cell. Workbooks are made here with openpyxl.
"""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from pvd.actions.columns import FICHE_COLUMNS, FINANCEMENT_COLUMNS
from pvd.actions.import_values import AmountError, parse_amount
from pvd.actions.importer import ImportRefused, import_plan, parse_workbook
from pvd.actions.models import BudgetAnnuel, Etape, FicheAction, LigneFinancement
from pvd.actions.tests.factories import AxeFactory, FicheFactory
from pvd.actions.tests.test_import import url, workbook

pytestmark = pytest.mark.django_db
LABEL = dict(FICHE_COLUMNS)


def column_letter(columns, key) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter([k for k, _ in columns].index(key) + 1)


def book_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fiches_book(rows):
    """A workbook with the Fiches sheet only, to be changed by the test before saving."""
    return load_workbook(io.BytesIO(workbook(rows)))


# --- Amounts: one reading or a refusal that says how to write it ----------------------------

ACCEPTED = [
    ("250000", "250000"),
    ("250 000", "250000"),
    ("250\u00a0000", "250000"),  # non-breaking space
    ("250\u202f000 €", "250000"),  # narrow non-breaking space (what a French locale prints)
    ("250 000,50", "250000.50"),
    ("250 000.5", "250000.50"),
    ("1 250,5", "1250.50"),
    ("1.250.000", "1250000"),  # several groups: thousands
    ("1,250,000", "1250000"),
    ("1.250.000,50", "1250000.50"),
    ("1,250,000.50", "1250000.50"),  # both separators: the last one marks the cents
    ("1250.50", "1250.50"),
    ("1250,5", "1250.50"),
    ("0,75", "0.75"),
    ("1200000 EUR", "1200000"),
    ("€ 12", "12"),
    ("1'200'000", "1200000"),
    (250000, "250000"),
    (250.0, "250"),  # a numeric cell is never ambiguous
    (1234.567, "1234.57"),  # a number computed by the spreadsheet is rounded to the cent
    (Decimal("12.5"), "12.50"),
]


@pytest.mark.parametrize(("raw", "expected"), ACCEPTED)
def test_amounts_with_one_reading_are_read(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


AMBIGUOUS = [
    ("250.000", ["250000 ou 250 000 pour 250 000 euros", "250,00 pour 250 euros"]),
    ("250,000", ["250000 ou 250 000 pour 250 000 euros", "250,00 pour 250 euros"]),
    ("1,250", ["1250 ou 1 250 pour 1 250 euros", "1,25 pour 1,25 euros"]),
    ("12.345 €", ["12345 ou 12 345 pour 12 345 euros"]),
    ("1250.000", ["1250000 ou 1 250 000 pour 1 250 000 euros"]),
]


@pytest.mark.parametrize(("raw", "words"), AMBIGUOUS)
def test_amounts_that_read_two_ways_are_refused_with_how_to_write_them(raw, words):
    with pytest.raises(AmountError) as refused:
        parse_amount(raw)
    message = refused.value.message.replace("\xa0", " ")  # the French writing: no-break spaces
    assert message.startswith(f"Montant ambigu « {raw} » : écrivez ")
    for text in words:
        assert text in message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("abc", "Montant illisible"),
        ("1 20 000", "Montant illisible"),  # spaces that do not group thousands
        ("1.25.000", "Montant illisible"),
        ("1.250,000.5", "Montant illisible"),
        ("1 250,505", "deux chiffres au plus"),  # a fraction of a cent in a text is not rounded away
        ("12,5055", "deux chiffres au plus"),
        (True, "Montant illisible"),
        (float("nan"), "Montant illisible"),
        ("9" * 40, "Montant illisible"),
    ],
)
def test_unreadable_amounts_are_refused(raw, words):
    with pytest.raises(AmountError) as refused:
        parse_amount(raw)
    assert words in refused.value.message


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_every_amount_written_the_french_way_reads_back(amount):
    french = f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")
    dotted = f"{amount:,.2f}".replace(",", " ")
    assert parse_amount(french) == amount
    assert parse_amount(dotted) == amount
    assert parse_amount(f"{amount:.2f} €") == amount


@given(st.text(alphabet="0123456789 .,€-'\u00a0aE", max_size=14))
def test_any_text_is_an_amount_or_a_french_refusal(text):
    try:
        amount = parse_amount(text)
    except AmountError as refused:
        assert refused.message.startswith("Montant")
    else:
        assert amount == amount.quantize(Decimal("0.01"))
        # One reading only: never a lone separator followed by exactly three digits.
        stripped = re.sub(r"[\s'\u00a0€]", "", text)
        assert not re.fullmatch(r"-?\d+[.,]\d{3}", stripped)


def test_ambiguous_amounts_named_by_sheet_line_and_column_nothing_saved(dossier):
    content = workbook(
        [{"numero": 1, "titre": "Halle", "cout_ht": "250.000"}, {"numero": 2, "titre": "École", "cout_ht": 250000}],
        [{"fiche": 2, "financeur": "État", "dispositif": "DETR", "montant": "12,500", "statut": "accordé"}],
        [{"fiche": 2, "annee": 2026, "investissement": "1.000", "fonctionnement": 0}],
    )
    with pytest.raises(ImportRefused) as refused:
        import_plan(dossier=dossier, content=content, by=None)
    faults = [(e.sheet, e.line, e.column, e.message) for e in refused.value.parsed.errors]
    assert [f[:3] for f in faults] == [
        ("Fiches", 2, "Coût HT (€)"),
        ("Financements", 2, "Montant (€)"),
        ("Budgets", 2, "Investissement (€)"),
    ]
    assert faults[0][3].startswith("Montant ambigu « 250.000 » : écrivez 250000 ou 250\xa0000")
    assert not FicheAction.objects.filter(dossier=dossier).exists()


def test_empty_financing_amount_says_it_is_required(dossier):
    content = workbook(
        [{"numero": 1, "titre": "Halle"}],
        [{"fiche": 1, "financeur": "État", "dispositif": "DETR", "montant": None, "statut": "accordé"}],
    )
    [fault] = parse_workbook(content, dossier).errors
    assert (fault.sheet, fault.line, fault.column) == ("Financements", 2, "Montant (€)")
    assert "montant obligatoire" in fault.message.lower()


# --- Merged cells -------------------------------------------------------------------------


def test_a_vertically_merged_cell_gives_its_value_to_every_row(dossier):
    AxeFactory(dossier=dossier, numero=1)
    book = fiches_book(
        [
            {"numero": 1, "titre": "Halle", "statut": "En cours", "axes": "1", "pilote": "Claire"},
            {"numero": 2, "titre": "École"},
            {"numero": 3, "titre": "Parc"},
            {"numero": 4, "titre": "Gare", "pilote": "Paul"},
        ]
    )
    sheet = book["Fiches"]
    for key in ("statut", "axes", "pilote"):
        col = column_letter(FICHE_COLUMNS, key)
        sheet.merge_cells(f"{col}2:{col}4")
    import_plan(dossier=dossier, content=book_bytes(book), by=None)
    fiches = {f.numero: f for f in FicheAction.objects.filter(dossier=dossier).prefetch_related("axes")}
    assert [fiches[n].statut for n in (1, 2, 3, 4)] == ["en_cours", "en_cours", "en_cours", "a_venir"]
    assert [fiches[n].pilote for n in (1, 2, 3, 4)] == ["Claire", "Claire", "Claire", "Paul"]
    assert [[a.numero for a in fiches[n].axes.all()] for n in (1, 2, 3, 4)] == [[1], [1], [1], []]


def test_merged_financing_lines_each_take_the_fiche_number(dossier):
    content = workbook(
        [{"numero": 1, "titre": "Halle"}],
        [
            {"fiche": 1, "financeur": "État", "dispositif": "DETR", "montant": 10, "statut": "accordé"},
            {"financeur": "Région", "dispositif": "Région", "montant": 20, "statut": "sollicité"},
        ],
    )
    book = load_workbook(io.BytesIO(content))
    col = column_letter(FINANCEMENT_COLUMNS, "fiche")
    book["Financements"].merge_cells(f"{col}2:{col}3")
    import_plan(dossier=dossier, content=book_bytes(book), by=None)
    assert LigneFinancement.objects.filter(fiche__dossier=dossier, fiche__numero=1).count() == 2


def test_a_merge_over_two_read_columns_is_refused(dossier):
    book = fiches_book([{"numero": 1, "titre": "Halle", "pilote": "Claire"}])
    sheet = book["Fiches"]
    sheet.merge_cells(f"{column_letter(FICHE_COLUMNS, 'maitre_ouvrage')}2:{column_letter(FICHE_COLUMNS, 'pilote')}2")
    with pytest.raises(ImportRefused) as refused:
        import_plan(dossier=dossier, content=book_bytes(book), by=None)
    [fault] = refused.value.parsed.errors
    assert (fault.sheet, fault.line, fault.column) == ("Fiches", 2, "Maître d'ouvrage")
    assert "plusieurs colonnes" in fault.message
    assert not FicheAction.objects.filter(dossier=dossier).exists()


# --- Formulas -----------------------------------------------------------------------------


def with_cached_value(content: bytes, formula: str, value: str) -> bytes:
    """The workbook as a spreadsheet saves it: the formula with its computed value."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{value}</v>".encode())
                assert f"<v>{value}</v>".encode() in data
            target.writestr(item, data)
    return buffer.getvalue()


def test_a_formula_without_its_value_is_refused(dossier):
    book = fiches_book([{"numero": 1, "titre": "Halle"}, {"numero": 2, "titre": "École", "pilote": "Paul"}])
    cout = column_letter(FICHE_COLUMNS, "cout_ht")
    book["Fiches"][f"{cout}3"] = "=1000*12"
    with pytest.raises(ImportRefused) as refused:
        import_plan(dossier=dossier, content=book_bytes(book), by=None)
    [fault] = refused.value.parsed.errors
    assert (fault.sheet, fault.line, fault.column) == ("Fiches", 3, "Coût HT (€)")
    assert fault.message == (
        "Formule sans valeur calculée en ligne 3, colonne Coût HT (€) : ouvrez et enregistrez le fichier "
        "dans un tableur, ou saisissez la valeur."
    )
    assert not FicheAction.objects.filter(dossier=dossier).exists()


def test_a_formula_alone_on_its_line_is_refused_not_skipped(dossier):
    book = fiches_book([{"numero": 1, "titre": "Halle"}])
    book["Fiches"][f"{column_letter(FICHE_COLUMNS, 'titre')}3"] = '=UPPER("parc")'
    faults = parse_workbook(book_bytes(book), dossier).errors
    assert [(e.line, e.column) for e in faults] == [(3, "Titre")]  # one message for the cell
    assert faults[0].message.startswith("Formule sans valeur calculée")


def test_a_formula_saved_with_its_value_is_read(dossier):
    book = fiches_book([{"numero": 1, "titre": "Halle"}])
    book["Fiches"][f"{column_letter(FICHE_COLUMNS, 'cout_ht')}2"] = "=1000*12"
    content = with_cached_value(book_bytes(book), "1000*12", "12000")
    import_plan(dossier=dossier, content=content, by=None)
    assert FicheAction.objects.get(dossier=dossier, numero=1).cout_ht == Decimal("12000")


# --- Sheets -------------------------------------------------------------------------------


def test_sheets_not_read_are_named_in_the_preview(client_for, dossier, main):
    book = fiches_book([{"numero": 1, "titre": "Halle"}])
    other = book.create_sheet("Fiches 2026")
    other.append([label for _, label in FICHE_COLUMNS])
    other.append([2, "Oubliée"])
    book.create_sheet("Notes")
    assert parse_workbook(book_bytes(book), dossier).unread_sheets == ["Fiches 2026", "Notes"]
    client = client_for(dossier, "chef_de_projet")
    response = client.post(url("import", dossier), {"fichier": SimpleUploadedFile("plan.xlsx", book_bytes(book))})
    assert response.status_code == 200
    notice = main(response).select_one("#feuilles-non-lues").get_text(" ", strip=True)
    assert notice.startswith("Feuilles non lues : « Fiches 2026 », « Notes ». Seules les feuilles")
    assert "Fiches, Financements et Budgets sont importées" in notice


def test_no_sheet_named_fiches_names_the_sheets_found(dossier):
    book = Workbook()
    book.active.title = "Plan 2026"
    [fault] = parse_workbook(book_bytes(book), dossier).errors
    assert "« Plan 2026 »" in fault.message and "« Fiches » est absente" in fault.message


# --- Axes ---------------------------------------------------------------------------------


def test_axes_by_number_or_by_name_whatever_accents_and_case(dossier):
    AxeFactory(dossier=dossier, numero=1, titre="Habitat et logement")
    AxeFactory(dossier=dossier, numero=2, titre="Commerce, artisanat")
    AxeFactory(dossier=dossier, numero=3, titre="Mobilités douces")
    cells = {
        1: "1",
        2: "Axe 2",
        3: "axe n° 3",
        4: "HABITAT ET LOGEMENT",
        5: "mobilites douces; Commerce, artisanat",
        6: "commerce, artisanat",
        7: "1, 3",
        8: 2.0,
    }
    import_plan(
        dossier=dossier,
        content=workbook([{"numero": n, "titre": f"Fiche {n}", "axes": cell} for n, cell in cells.items()]),
        by=None,
    )
    found = {
        f.numero: sorted(a.numero for a in f.axes.all())
        for f in FicheAction.objects.filter(dossier=dossier).prefetch_related("axes")
    }
    assert found == {1: [1], 2: [2], 3: [3], 4: [1], 5: [2, 3], 6: [2], 7: [1, 3], 8: [2]}


def test_unknown_or_ambiguous_axis_refused_with_the_dossier_axes(dossier):
    AxeFactory(dossier=dossier, numero=1, titre="Habitat")
    AxeFactory(dossier=dossier, numero=2, titre="habitat")
    rows = [{"numero": 1, "titre": "A", "axes": "Axe 9"}, {"numero": 2, "titre": "B", "axes": "Habitat"}]
    faults = parse_workbook(workbook(rows), dossier).errors
    assert [(e.line, e.column) for e in faults] == [(2, LABEL["axes"]), (3, LABEL["axes"])]
    assert "« Axe 9 »" in faults[0].message and "1 (Habitat), 2 (habitat)" in faults[0].message
    assert "Plusieurs axes" in faults[1].message


def test_an_older_export_with_the_former_axes_label_still_imports(dossier):
    AxeFactory(dossier=dossier, numero=1)
    book = fiches_book([{"numero": 1, "titre": "Halle", "axes": "1"}])
    book["Fiches"][f"{column_letter(FICHE_COLUMNS, 'axes')}1"] = "Axes (numéros)"
    import_plan(dossier=dossier, content=book_bytes(book), by=None)
    assert [a.numero for a in FicheAction.objects.get(dossier=dossier).axes.all()] == [1]


# --- Étapes -------------------------------------------------------------------------------


def test_etapes_read_one_a_line(dossier):
    cell = "01/03/2026 | Études préalables | faite\n\n2026-09-15|Travaux\r\n15/12/2026 | Réception | À FAIRE"
    import_plan(dossier=dossier, content=workbook([{"numero": 1, "titre": "Halle", "etapes": cell}]), by=None)
    etapes = list(Etape.objects.filter(fiche__dossier=dossier).values_list("date", "nom", "faite"))
    assert etapes == [
        (datetime.date(2026, 3, 1), "Études préalables", True),
        (datetime.date(2026, 9, 15), "Travaux", False),
        (datetime.date(2026, 12, 15), "Réception", False),
    ]


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("31/02/2026 | Études", "date illisible « 31/02/2026 »"),
        ("01/03/2026 | Études | peut-être", "état « peut-être » inconnu"),
        ("Études préalables", "une étape par ligne"),
        ("01/03/2026 |  | faite", "le nom de l'étape est obligatoire"),
        ("01/03/2026 | " + "N" * 201, "200 caractères"),
    ],
)
def test_etape_faults_named_by_line_and_column(dossier, cell, words):
    content = workbook([{"numero": 1, "titre": "Halle", "etapes": f"01/01/2026 | Bonne | faite\n{cell}"}])
    with pytest.raises(ImportRefused) as refused:
        import_plan(dossier=dossier, content=content, by=None)
    [fault] = refused.value.parsed.errors
    assert (fault.sheet, fault.line, fault.column) == ("Fiches", 2, LABEL["etapes"])
    assert fault.message.startswith("Étape 2 (") and words in fault.message
    assert not FicheAction.objects.filter(dossier=dossier).exists()


def test_export_writes_etapes_as_the_import_reads_them(client_for, dossier):
    fiche = FicheFactory(dossier=dossier, numero=1)
    fiche.etapes.create(nom="Réception", date=datetime.date(2026, 6, 30))
    fiche.etapes.create(nom="Études", date=datetime.date(2025, 3, 1), faite=True)
    content = client_for(dossier, "equipe").get(url("plan_xlsx", dossier)).content
    sheet = load_workbook(io.BytesIO(content))["Fiches"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index(LABEL["etapes"]) + 1)
    assert cell.value == "01/03/2025 | Études | faite\n30/06/2026 | Réception | à faire"
    assert cell.alignment.wrap_text


# --- Never a 500, never half saved ---------------------------------------------------------

CELL_TEXT = st.one_of(
    st.none(),
    st.integers(min_value=-10, max_value=10**15),
    st.text(alphabet="0123456789 .,€-aX|=\n/", max_size=12),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cout=CELL_TEXT,
    montant=CELL_TEXT,
    investissement=CELL_TEXT,
    axes=CELL_TEXT,
    etapes=CELL_TEXT,
    date=CELL_TEXT,
)
def test_any_cells_save_everything_or_nothing(dossier, cout, montant, investissement, axes, etapes, date):
    if not dossier.axes.exists():
        AxeFactory(dossier=dossier, numero=1)
    content = workbook(
        [
            {"numero": 1, "titre": "Bonne", "cout_ht": 1000},
            {"numero": 2, "titre": "Au hasard", "cout_ht": cout, "axes": axes, "etapes": etapes, "date_debut": date},
        ],
        [{"fiche": 2, "financeur": "État", "dispositif": "DETR", "montant": montant, "statut": "sollicité"}],
        [{"fiche": 1, "annee": 2026, "investissement": investissement, "fonctionnement": 0}],
    )
    with transaction.atomic():
        try:
            import_plan(dossier=dossier, content=content, by=None)
        except ImportRefused as refused:
            assert refused.parsed.errors
            assert all(e.line >= 2 and e.column and e.message for e in refused.parsed.errors)
            assert not FicheAction.objects.filter(dossier=dossier).exists()
            assert not BudgetAnnuel.objects.filter(fiche__dossier=dossier).exists()
        else:
            assert FicheAction.objects.filter(dossier=dossier).count() == 2
            assert LigneFinancement.objects.filter(fiche__dossier=dossier).count() == 1
            assert BudgetAnnuel.objects.filter(fiche__dossier=dossier).count() == 1
        transaction.set_rollback(True)
