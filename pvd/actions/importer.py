"""Import of a whole plan d'action from the platform's XLSX template (or its own export).

Three layers: reading the workbook (cells, merged ranges, formulas, sheets) into rows of cells
keyed by column; a form per row (`import_forms`) that reads the cells and has the models
validate them; the rules across the rows of a sheet. `parse_workbook` reports every fault with
its sheet, line and column; `import_plan` saves everything in one transaction, or nothing when
a single fault remains.
"""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pvd.core import limits
from pvd.strategie.models import AxeStrategique, SecteurIntervention
from pvd.territoires.models import OrganisationType
from pvd.territoires.selectors import organisation_key, organisations_by_name
from pvd.territoires.services import organisation_get_or_create

from . import services
from .columns import (
    BUDGET_COLUMNS,
    ETAPE_DONE,
    ETAPE_SEPARATOR,
    ETAPE_TODO,
    FICHE_COLUMNS,
    FINANCEMENT_COLUMNS,
    FORMER_LABELS,
    NAMES_SEPARATOR,
    SHEET_BUDGETS,
    SHEET_FICHES,
    SHEET_FINANCEMENTS,
)
from .import_forms import BudgetRowForm, FicheLookups, FicheRowForm, LigneRowForm
from .import_values import is_blank, norm
from .models import Dispositif, FicheAction, FicheStatut, Maturite, Priorite, StatutFinancement


@dataclass
class ImportFault:
    sheet: str
    line: int
    column: str
    message: str


@dataclass
class ParsedPlan:
    fiches: list[dict] = field(default_factory=list)
    financements: list[dict] = field(default_factory=list)
    budgets: list[dict] = field(default_factory=list)
    errors: list[ImportFault] = field(default_factory=list)
    # The sheets of the file that the import does not read, named in the preview.
    unread_sheets: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def fault(self, sheet: str, line: int, column: str, message: str) -> None:
        self.errors.append(ImportFault(sheet, line, column, message))


# The sheets read, with their columns (keys and labels); the import reads no other sheet.
SHEETS = {SHEET_FICHES: FICHE_COLUMNS, SHEET_FINANCEMENTS: FINANCEMENT_COLUMNS, SHEET_BUDGETS: BUDGET_COLUMNS}
HELP_SHEET = "Aide"
# How to fill the template: on its help sheet and on the import page (one text for both).
FORMAT_HELP = [
    "Axes : par numéro (« 1 », « Axe 1 ») ou par nom, accents et majuscules indifférents, séparés par « ; » ou « , ».",
    "Montants en euros : 1200000, 1 200 000 €, 1 200 000,50 ou 1.200.000,50. Un seul point ou une seule virgule "
    "suivi de trois chiffres (« 250.000 ») se lit de deux façons et est refusé : écrivez 250000 ou 250 000, "
    "et 250,50 pour des centimes. Le montant d'une ligne de financement est obligatoire.",
    "Dates au format JJ/MM/AAAA.",
    f"Étapes : une par ligne dans la cellule, « JJ/MM/AAAA {ETAPE_SEPARATOR} nom {ETAPE_SEPARATOR} {ETAPE_DONE} » "
    f"(ou « {ETAPE_TODO} »).",
    f"Partenaires : noms d'organisations séparés par « {NAMES_SEPARATOR} » (un nom inconnu est ajouté).",
    "Une cellule fusionnée sur plusieurs lignes vaut pour chacune d'elles. Une formule doit avoir sa valeur "
    "calculée : enregistrez le fichier dans un tableur avant de l'importer.",
    f"Seules les feuilles {SHEET_FICHES}, {SHEET_FINANCEMENTS} et {SHEET_BUDGETS} sont lues ; "
    "l'aperçu nomme les autres.",
    "Laissez le numéro vide pour numéroter automatiquement.",
]
FORMULA_MESSAGE = (
    "Formule sans valeur calculée en ligne {line}, colonne {column} : ouvrez et enregistrez le fichier "
    "dans un tableur, ou saisissez la valeur."
)


def _rows(sheet, columns, parsed: ParsedPlan, formula_cells: set[tuple[int, int]]):
    """Yield (line number, {key: raw value}) of the non-empty lines; check the header row.

    A merged cell gives its value to every line it covers (a spreadsheet shows it on each);
    a formula whose computed value the file does not hold is refused, never read as empty."""
    header = [
        (norm(c) if c is not None else "") for c in next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    ]
    positions = {}
    for key, label in columns:
        found = [norm(name) for name in [label, *FORMER_LABELS.get(key, [])] if norm(name) in header]
        if found:
            positions[key] = header.index(found[0])
        else:
            parsed.fault(sheet.title, 1, label, "Colonne absente de l'en-tête.")
    labels = dict(columns)
    read = {pos: key for key, pos in positions.items()}
    filled: dict[tuple[int, int], object] = {}
    for merged in sheet.merged_cells.ranges:
        covered = [read[pos] for pos in range(merged.min_col - 1, merged.max_col) if pos in read]
        if not covered or merged.max_row < 2:
            continue
        first = labels[covered[0]]
        if merged.min_row == 1:
            message = f"Cellule d'en-tête fusionnée avec le tableau ({merged.coord}) : défusionnez-la."
            parsed.fault(sheet.title, 2, first, message)
        elif len(covered) > 1 or read.get(merged.min_col - 1) != covered[0]:
            message = (
                f"Cellules fusionnées sur plusieurs colonnes ({merged.coord}) : défusionnez-les, "
                "chaque colonne a sa propre valeur."
            )
            parsed.fault(sheet.title, merged.min_row, first, message)
        else:
            value = sheet.cell(row=merged.min_row, column=merged.min_col).value
            for row in range(merged.min_row, merged.max_row + 1):
                filled[(row, merged.min_col - 1)] = value
    for line, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        raw = {}
        for key, pos in positions.items():
            value = values[pos] if pos < len(values) else None
            if (line, pos) in filled:
                value = filled[(line, pos)]
            elif value is None and (line, pos) in formula_cells:
                parsed.fault(sheet.title, line, labels[key], FORMULA_MESSAGE.format(line=line, column=labels[key]))
            raw[key] = value
        if all(is_blank(v) for v in raw.values()):
            continue
        yield line, raw


def _formula_cells(content: bytes) -> dict[str, set[tuple[int, int]]]:
    """(line, column index from 0) of every formula, per read sheet: only a workbook loaded
    without data_only tells a formula from an empty cell."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    cells: dict[str, set[tuple[int, int]]] = {}
    for title in SHEETS:
        if title in workbook.sheetnames:
            cells[title] = {
                (line, index)
                for line, row in enumerate(workbook[title].iter_rows(min_row=2), start=2)
                for index, cell in enumerate(row)
                if getattr(cell, "data_type", None) == "f"
            }
    workbook.close()
    return cells


def _read_rows(content: bytes, parsed: ParsedPlan) -> dict[str, list] | None:
    """The non-empty rows of each read sheet, as (line, {column key: cell value}); None, the
    fault reported, when the file is not a workbook or has no Fiches sheet."""
    # Bounded first, before the full load below: a genuine workbook that unpacks within the limit,
    # whose read sheets hold at most PVD_IMPORT_MAX_ROWS rows each, counted in read-only mode
    # (constant memory) and no further than one row over the limit.
    if len(content) > settings.PVD_IMPORT_MAX_BYTES:
        limit = limits.size_label(settings.PVD_IMPORT_MAX_BYTES)
        parsed.fault("", 0, "", f"Le fichier dépasse la taille maximale de {limit}.")
        return None
    try:
        bounds = limits.open_xlsx(content)
    except ValidationError as error:
        parsed.fault("", 0, "", " ".join(error.messages))
        return None
    try:
        for title in SHEETS:
            if title in bounds.sheetnames:
                rows = bounds[title].iter_rows(min_row=2, values_only=True)
                limits.check_rows(rows, settings.PVD_IMPORT_MAX_ROWS, what=f"lignes dans la feuille « {title} »")
    except ValidationError as error:
        parsed.fault(title, 0, "", " ".join(error.messages))
        return None
    finally:
        bounds.close()
    try:
        # Not read_only: the merged cells are only known to a fully loaded sheet.
        workbook = load_workbook(io.BytesIO(content), data_only=True)
        formula_cells = _formula_cells(content)
    except Exception:  # noqa: BLE001 - any unreadable file is reported the same way
        parsed.fault("", 0, "", "Ce fichier n'est pas un classeur Excel (.xlsx) lisible.")
        return None
    parsed.unread_sheets = [title for title in workbook.sheetnames if title not in SHEETS]
    if SHEET_FICHES not in workbook.sheetnames:
        found = ", ".join(f"« {title} »" for title in workbook.sheetnames)
        message = f"La feuille « Fiches » est absente (feuilles du fichier : {found}) : utilisez le modèle."
        parsed.fault(SHEET_FICHES, 0, "", message)
        return None
    rows = {
        title: list(_rows(workbook[title], columns, parsed, formula_cells[title]))
        if title in workbook.sheetnames
        else []
        for title, columns in SHEETS.items()
    }
    workbook.close()
    return rows


def _validate(parsed: ParsedPlan, sheet: str, rows: list, form_class, **context) -> list:
    """(line, form) of each row, its faults reported by column (a fault of the whole row, that
    is no one field's, on the row's first column)."""
    columns = SHEETS[sheet]
    labels, order = dict(columns), {key: i for i, (key, _) in enumerate(columns)}
    checked = []
    for line, raw in rows:
        form = form_class(raw, **context)
        for name, messages in sorted(form.errors.items(), key=lambda item: order.get(item[0], -1)):
            parsed.fault(sheet, line, labels.get(name, columns[0][1]), " ".join(messages))
        checked.append((line, form))
    return checked


def _once(parsed: ParsedPlan, sheet: str, checked: list, column: str, key, message: str) -> None:
    """A fault on each row whose key (None: nothing to compare) an earlier row already has."""
    first: dict = {}
    for line, form in checked:
        value = key(form.cleaned_data)
        if value is not None and first.setdefault(value, line) != line:
            parsed.fault(sheet, line, dict(SHEETS[sheet])[column], message.format(key=value, line=first[value]))


def _funder_key(ligne: dict):
    """Two lines not refused of one funder and one dispositif, on one fiche, are one too many."""
    if ligne.get("statut") in (None, "refuse") or not {"fiche", "financeur", "dispositif"} <= ligne.keys():
        return None
    return ligne["fiche"], norm(ligne["financeur"]), ligne["dispositif"]


def _year_key(budget: dict):
    return (budget["fiche"], budget["annee"]) if {"fiche", "annee"} <= budget.keys() else None


def parse_workbook(content: bytes, dossier) -> ParsedPlan:
    parsed = ParsedPlan()
    rows = _read_rows(content, parsed)
    if rows is None:
        return parsed
    lookups = FicheLookups.load(dossier, [raw for _, raw in rows[SHEET_FICHES]])
    fiches = _validate(parsed, SHEET_FICHES, rows[SHEET_FICHES], FicheRowForm, lookups=lookups)
    _once(
        parsed, SHEET_FICHES, fiches, "numero", lambda f: f.get("numero"), "Numéro {key} en double (déjà ligne {line})."
    )
    existing = set(FicheAction.objects.filter(dossier=dossier).values_list("numero", flat=True))
    for line, form in fiches:
        if (numero := form.cleaned_data.get("numero")) in existing:
            message = f"Le numéro {numero} est déjà utilisé par une fiche du dossier."
            parsed.fault(SHEET_FICHES, line, dict(FICHE_COLUMNS)["numero"], message)
    # The numbers the other sheets may name: those the Fiches sheet gives.
    numbers = {form.cleaned_data["numero"] for _, form in fiches if form.cleaned_data.get("numero")}
    lignes = _validate(parsed, SHEET_FINANCEMENTS, rows[SHEET_FINANCEMENTS], LigneRowForm, fiches=numbers)
    same_funder = "Même financeur et même dispositif que la ligne {line}."
    _once(parsed, SHEET_FINANCEMENTS, lignes, "financeur", _funder_key, same_funder)
    budgets = _validate(parsed, SHEET_BUDGETS, rows[SHEET_BUDGETS], BudgetRowForm, fiches=numbers)
    _once(parsed, SHEET_BUDGETS, budgets, "annee", _year_key, "Cette année est déjà budgétée ligne {line}.")

    parsed.fiches = [{"line": line, **form.fiche()} for line, form in fiches if form.is_valid()]
    parsed.financements = [{"line": line, **form.cleaned_data} for line, form in lignes if form.is_valid()]
    parsed.budgets = [{"line": line, **form.cleaned_data} for line, form in budgets if form.is_valid()]
    # Blank numbers are given here, not at save time: in line order, the next numbers after the
    # dossier's that no line of the file asks for, so that a later line never collides with them.
    candidate = max(existing, default=0) + 1
    for fiche in parsed.fiches:
        if fiche["numero"] is None:
            while candidate in numbers:
                candidate += 1
            fiche["numero"], candidate = candidate, candidate + 1
    # One message per cell: the first one says why (a formula without value, say), not its consequence.
    cells, kept = set(), []
    for error in parsed.errors:
        if not error.line or (error.sheet, error.line, error.column) not in cells:
            cells.add((error.sheet, error.line, error.column))
            kept.append(error)
    order = list(SHEETS)
    parsed.errors = sorted(kept, key=lambda e: (order.index(e.sheet) if e.sheet in order else len(order), e.line))
    return parsed


class ImportRefused(Exception):
    def __init__(self, parsed: ParsedPlan):
        super().__init__("Import refusé")
        self.parsed = parsed


@transaction.atomic
def import_plan(*, dossier, content: bytes, by) -> list[FicheAction]:
    """All or nothing: every fiche, financing line and budget, or none when one fault remains."""
    parsed = parse_workbook(content, dossier)
    if not parsed.ok:
        raise ImportRefused(parsed)
    created: dict[int, FicheAction] = {}
    fiches = []
    try:
        for item in parsed.fiches:
            fiche = services.fiche_create(
                dossier=dossier,
                by=by,
                numero=item["numero"],
                axes=item["axes"],
                partenaires=item["partenaires"],
                nouveaux_partenaires=item["nouveaux_partenaires"],
                **item["fields"],
            )
            created[fiche.numero] = fiche
            fiches.append(fiche)
            for etape in item["etapes"]:
                services.etape_create(fiche=fiche, by=by, **etape)
        # The funders: the existing ones in one query, each unknown name created once.
        funders = organisations_by_name([item["financeur"] for item in parsed.financements], dossier=dossier)
        for item in parsed.financements:
            financeur = funders.get(organisation_key(item["financeur"]))
            if financeur is None:
                financeur = organisation_get_or_create(
                    nom=item["financeur"], kind=OrganisationType.AUTRE, dossier=dossier
                )
                funders[organisation_key(item["financeur"])] = financeur
            services.ligne_financement_create(
                fiche=created[item["fiche"]],
                by=by,
                financeur=financeur,
                dispositif=item["dispositif"],
                montant=item["montant"],
                statut=item["statut"],
                date=item.get("date"),
            )
        for item in parsed.budgets:
            services.budget_set(
                fiche=created[item["fiche"]],
                by=by,
                annee=item["annee"],
                investissement=item["investissement"],
                fonctionnement=item["fonctionnement"],
            )
    except ValidationError as error:
        parsed.errors.append(ImportFault("", 0, "", " ".join(error.messages)))
        transaction.set_rollback(True)
        raise ImportRefused(parsed) from error
    return fiches


def template_xlsx(dossier) -> bytes:
    """The empty template, with one example line and drop-down lists for the coded columns."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {}
    for title, columns in (
        (SHEET_FICHES, FICHE_COLUMNS),
        (SHEET_FINANCEMENTS, FINANCEMENT_COLUMNS),
        (SHEET_BUDGETS, BUDGET_COLUMNS),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append([label for _, label in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for i in range(len(columns)):
            sheet.column_dimensions[sheet.cell(row=1, column=i + 1).column_letter].width = 20
        sheets[title] = sheet

    def dropdown(title, columns, key, labels):
        # The column's letter from its place in the column list, which may change.
        col = get_column_letter([k for k, _ in columns].index(key) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
        sheets[title].add_data_validation(validation)
        validation.add(f"{col}2:{col}1000")

    dropdown(SHEET_FICHES, FICHE_COLUMNS, "statut", FicheStatut.labels)
    dropdown(SHEET_FICHES, FICHE_COLUMNS, "maturite", Maturite.labels)
    dropdown(SHEET_FICHES, FICHE_COLUMNS, "priorite", Priorite.labels)
    dropdown(SHEET_FICHES, FICHE_COLUMNS, "inscrite_crte", ["oui", "non"])
    dropdown(SHEET_FICHES, FICHE_COLUMNS, "confidentielle", ["oui", "non"])
    dropdown(SHEET_FINANCEMENTS, FINANCEMENT_COLUMNS, "dispositif", Dispositif.labels)
    dropdown(SHEET_FINANCEMENTS, FINANCEMENT_COLUMNS, "statut", StatutFinancement.labels)
    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.append(["Axes du dossier (colonne « Axes » : numéros ou noms, séparés par « ; » ou « , »)"])
    for axe in AxeStrategique.objects.filter(dossier=dossier):
        help_sheet.append([axe.numero, axe.titre])
        help_sheet.cell(row=help_sheet.max_row, column=2).data_type = "s"  # a title is never a formula
    help_sheet.append([])
    help_sheet.append([])
    help_sheet.append(["Secteurs d'intervention du dossier (colonne « Secteur d'intervention » : le nom)"])
    for nom in SecteurIntervention.objects.filter(dossier=dossier).order_by("nom").values_list("nom", flat=True):
        help_sheet.append([nom])
        help_sheet.cell(row=help_sheet.max_row, column=1).data_type = "s"  # a name is never a formula
    help_sheet.append([])
    help_sheet.append(["Comment remplir le modèle"])
    for rule in FORMAT_HELP:
        help_sheet.append([rule])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
