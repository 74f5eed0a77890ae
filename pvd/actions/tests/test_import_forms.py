"""The forms that validate each row of the import: every column read, the model's rules applied,
every fault said in French by sheet, line and column, no query per row."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pvd.actions.columns import BUDGET_COLUMNS, FICHE_COLUMNS, FINANCEMENT_COLUMNS
from pvd.actions.import_forms import BudgetRowForm, FicheRowForm, LigneRowForm
from pvd.actions.import_values import read_integer
from pvd.actions.importer import ImportRefused, import_plan, parse_workbook
from pvd.actions.models import FicheAction
from pvd.actions.tests.factories import AxeFactory, OrganisationFactory
from pvd.actions.tests.test_import import workbook
from pvd.strategie.tests.factories import SecteurFactory

pytestmark = pytest.mark.django_db


def faults(content, dossier):
    return [(e.sheet, e.line, e.column, e.message) for e in parse_workbook(content, dossier).errors]


@pytest.mark.parametrize(
    ("form", "columns"),
    [(FicheRowForm, FICHE_COLUMNS), (LigneRowForm, FINANCEMENT_COLUMNS), (BudgetRowForm, BUDGET_COLUMNS)],
)
def test_each_form_reads_every_column_of_its_sheet(form, columns):
    assert list(form.base_fields) == [key for key, _ in columns]


def test_a_financing_line_read_by_its_form_alone():
    cells = {"fiche": 1.0, "financeur": " État ", "dispositif": "detr", "montant": "1 000,5 €", "statut": "ACCORDÉ"}
    form = LigneRowForm({**cells, "date": "15/01/2025"}, fiches={1})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "fiche": 1,
        "financeur": "État",
        "dispositif": "detr",
        "montant": Decimal("1000.50"),
        "statut": "accorde",
        "date": datetime.date(2025, 1, 15),
    }
    refused = LigneRowForm({**cells, "fiche": 2, "montant": "-3"}, fiches={1})
    assert refused.errors == {
        "fiche": ["Fiche « 2 » absente de la feuille Fiches."],
        "montant": ["Montant négatif refusé : « -3 »."],
    }


def test_blank_required_cells_say_what_is_required(dossier):
    content = workbook(
        [{"numero": 1, "titre": "Halle"}],
        [{"financeur": "État", "montant": 10}],
        [{"investissement": 10}],
    )
    assert faults(content, dossier) == [
        ("Financements", 2, "Numéro de fiche", "Le numéro de fiche est obligatoire."),
        ("Financements", 2, "Dispositif", "Le dispositif est obligatoire."),
        ("Financements", 2, "Statut", "Le statut est obligatoire (sollicité, accordé, refusé)."),
        ("Budgets", 2, "Numéro de fiche", "Le numéro de fiche est obligatoire."),
        ("Budgets", 2, "Année", "L'année est obligatoire."),
    ]


def test_numbers_that_are_no_whole_number_are_refused_by_column(dossier):
    content = workbook(
        [{"numero": "Infinity", "titre": "Halle"}, {"numero": 2, "titre": "École"}],
        [{"fiche": "-Infinity", "financeur": "État", "dispositif": "DETR", "montant": 10, "statut": "accordé"}],
        [{"fiche": 2, "annee": "NaN"}],
    )
    with pytest.raises(ImportRefused) as refused:
        import_plan(dossier=dossier, content=content, by=None)
    assert [(e.sheet, e.line, e.column, e.message) for e in refused.value.parsed.errors] == [
        ("Fiches", 2, "Numéro", "Numéro invalide : « Infinity » (entier positif attendu)."),
        ("Financements", 2, "Numéro de fiche", "Fiche « -Infinity » absente de la feuille Fiches."),
        ("Budgets", 2, "Année", "Année invalide : « NaN »."),
    ]
    assert not FicheAction.objects.filter(dossier=dossier).exists()


@pytest.mark.parametrize("text", ["1e9999999", "1E+40", "inf", "nan", "12 3", ""])
def test_a_whole_number_too_long_for_a_plan_is_refused_at_once(text):
    with pytest.raises(ValueError):
        read_integer(text)


def test_a_ttc_cost_below_the_ht_cost_is_reported_with_the_other_faults_of_its_line(dossier):
    content = workbook([{"numero": 1, "titre": None, "cout_ht": 1000, "cout_ttc": 900}])
    assert faults(content, dossier) == [
        ("Fiches", 2, "Titre", "Le titre est obligatoire."),
        ("Fiches", 2, "Coût TTC (€)", "Le coût TTC ne peut pas être inférieur au coût HT."),
    ]


def test_a_rule_of_the_model_is_a_rule_of_the_import(dossier, monkeypatch):
    """FicheAction.clean is run on each row: a rule added there reaches the import by its column,
    a rule on no one field by the row's first column."""

    def clean(fiche):
        if fiche.pilote == "Personne":
            raise ValidationError({"pilote": "Nommez une personne."})
        if fiche.titre == "Interdit":
            raise ValidationError("Ce titre est réservé.")

    monkeypatch.setattr(FicheAction, "clean", clean)
    content = workbook([{"numero": 1, "titre": "Halle", "pilote": "Personne"}, {"numero": 2, "titre": "Interdit"}])
    assert faults(content, dossier) == [
        ("Fiches", 2, "Pilote", "Nommez une personne."),
        ("Fiches", 3, "Numéro", "Ce titre est réservé."),
    ]


def test_no_query_per_row(dossier):
    AxeFactory(dossier=dossier, numero=1, titre="Habitat")
    SecteurFactory(dossier=dossier, nom="Centre-bourg")
    OrganisationFactory(nom="CAUE 52")
    commune = dossier.communes.first().code

    def plan(size):
        fiches = [
            {
                "numero": n,
                "titre": f"Fiche {n}",
                "axes": "habitat",
                "maitre_ouvrage": "CAUE 52",
                "partenaires": f"CAUE 52; Club {n}",
                "commune": commune,
                "secteur": "centre-bourg",
                "latitude": 47.5,
                "longitude": 5.3,
                "date_debut": "01/01/2026",
                "cout_ht": 1000,
                "etapes": "01/03/2026 | Études | faite",
            }
            for n in range(1, size + 1)
        ]
        lignes = [
            {"fiche": n, "financeur": "État", "dispositif": "DETR", "montant": 10, "statut": "accordé"}
            for n in range(1, size + 1)
        ]
        return workbook(fiches, lignes, [{"fiche": n, "annee": 2026} for n in range(1, size + 1)])

    counts = []
    for size in (2, 12):
        content = plan(size)
        with CaptureQueriesContext(connection) as queries:
            parsed = parse_workbook(content, dossier)
        assert parsed.ok and len(parsed.fiches) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
