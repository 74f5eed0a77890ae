"""Import of a whole plan d'action from the platform's XLSX template (or its own export).

`parse_workbook` reads every line and reports every fault with its sheet, line and column;
`import_plan` saves everything in one transaction, or nothing when a single fault remains.
"""

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pvd.strategie.models import AxeStrategique, SecteurIntervention
from pvd.territoires.models import Organisation, OrganisationType
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
from .models import (
    BudgetAnnuel,
    Dispositif,
    Etape,
    FicheAction,
    LigneFinancement,
    Maturite,
    Priorite,
    Statut,
    StatutFinancement,
)


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


def _norm(text) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


class AmountError(ValueError):
    """An amount the import refuses, with the French message that says how to write it."""

    def __init__(self, value, message=None):
        super().__init__(value)
        self.message = message or f"Montant illisible : « {value} » (exemple : 1 200 000 €)."


CENT = Decimal("0.01")
SPACES = "\u00a0\u202f\u2009 '\u2019"


def _euros_text(amount: Decimal) -> str:
    """250000 → « 250 000 », 1.25 → « 1,25 » (French writing, no cents when there are none)."""
    text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return text.removesuffix(",00")


def _thousands_ok(groups: list[str]) -> bool:
    """Groups of digits cut by a thousands separator: 1 to 3 digits, then 3 digits each."""
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _ambiguous(value, sign: str, whole: str, decimals: str) -> AmountError:
    thousands = Decimal(sign + whole + decimals)
    message = (
        f"Montant ambigu « {value} » : écrivez {sign}{whole}{decimals} ou {_euros_text(thousands)} "
        f"pour {_euros_text(thousands)} euros"
    )
    if decimals.endswith("0"):
        cents = Decimal(f"{sign}{whole}.{decimals}")
        message += f", {sign}{whole},{decimals[:2]} pour {_euros_text(cents)} euros"
    return AmountError(value, message + " (deux chiffres au plus après la virgule pour les centimes).")


def parse_amount(value) -> Decimal:
    """An amount in euros, to the cent, read only when it has one reading; else AmountError.

    Numbers of numeric cells are taken as they are (rounded to the cent). Text: « 1200000 »,
    « 1 200 000 € » (spaces, non-breaking or narrow ones, group thousands), « 1 200 000,50 »,
    « 1.200.000 » (several groups of three: thousands), « 1.200.000,50 », « 1,200,000.50 »
    (both separators: the last one marks the cents), « 1250.5 », « 1250,50 ». A single dot or
    comma followed by exactly three digits (« 250.000 », « 250,000 ») reads as thousands in
    one habit and as decimals in another: it is refused with a message saying how to write it.
    """
    if isinstance(value, bool):
        raise AmountError(value)
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise AmountError(value)
        try:
            return amount.quantize(CENT)
        except InvalidOperation as error:
            raise AmountError(value) from error
    text = str(value).strip()
    text = re.sub(r"(?i)^(€|eur|euros?)\s*", "", text)
    text = re.sub(r"(?i)\s*(€|eur|euros?)$", "", text)
    match = re.fullmatch(r"([-+]?)\s*(\d[\d" + SPACES + r".,]*)", text)
    if not match:
        raise AmountError(value)
    sign, body = match.group(1).replace("+", ""), match.group(2)
    grouped_by_spaces = bool(re.search("[" + SPACES + "]", body))
    if grouped_by_spaces:
        # Spaces group thousands (« 1 200 000 », « 1200 000,50 »): a dot or comma after them marks the cents.
        if not re.fullmatch(r"\d+(?:[" + SPACES + r"]+\d{3})+(?:[.,]\d+)?", body):
            raise AmountError(value)
        body = re.sub("[" + SPACES + "]", "", body)
    digits = body
    separators = [c for c in digits if c in ".,"]
    whole, decimals = digits, ""
    if len(set(separators)) == 2:
        # Both: the last one marks the cents, once; the other one groups thousands.
        mark = digits.rstrip("0123456789")[-1]
        whole, decimals = digits.rsplit(mark, 1)
        other = "," if mark == "." else "."
        if mark in whole or not _thousands_ok(whole.split(other)):
            raise AmountError(value)
        whole = whole.replace(other, "")
    elif len(separators) > 1:
        groups = re.split(r"[.,]", digits)
        if not _thousands_ok(groups):
            raise AmountError(value)
        whole = "".join(groups)
    elif separators:
        whole, decimals = re.split(r"[.,]", digits)
        if len(decimals) == 3 and not grouped_by_spaces:
            raise _ambiguous(value, sign, whole, decimals)
    if not whole.isdigit() or not (decimals == "" or decimals.isdigit()):
        raise AmountError(value)
    try:
        amount = Decimal(f"{sign}{whole}.{decimals or '0'}")
        rounded = amount.quantize(CENT)
    except InvalidOperation as error:
        raise AmountError(value) from error
    if rounded != amount:
        raise AmountError(
            value, f"Montant « {value} » : deux chiffres au plus après la virgule (les centimes), par exemple 1 250,50."
        )
    return rounded


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _choice(choices, value):
    wanted = _norm(value)
    for key, label in choices:
        if wanted in (_norm(key), _norm(label)):
            return key
    raise ValueError(value)


def _bool(value) -> bool:
    wanted = _norm(value)
    if wanted in ("oui", "o", "yes", "vrai", "true", "1", "x"):
        return True
    if wanted in ("non", "n", "no", "faux", "false", "0", ""):
        return False
    raise ValueError(value)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


READ_SHEETS = (SHEET_FICHES, SHEET_FINANCEMENTS, SHEET_BUDGETS)
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
        (_norm(c) if c is not None else "") for c in next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    ]
    positions = {}
    for key, label in columns:
        found = [_norm(name) for name in [label, *FORMER_LABELS.get(key, [])] if _norm(name) in header]
        if found:
            positions[key] = header.index(found[0])
        else:
            parsed.errors.append(ImportFault(sheet.title, 1, label, "Colonne absente de l'en-tête."))
    labels = dict(columns)
    read = {pos: key for key, pos in positions.items()}
    filled: dict[tuple[int, int], object] = {}
    for merged in sheet.merged_cells.ranges:
        covered = [read[pos] for pos in range(merged.min_col - 1, merged.max_col) if pos in read]
        if not covered or merged.max_row < 2:
            continue
        first = labels[covered[0]]
        if merged.min_row == 1:
            parsed.errors.append(
                ImportFault(
                    sheet.title,
                    2,
                    first,
                    f"Cellule d'en-tête fusionnée avec le tableau ({merged.coord}) : défusionnez-la.",
                )
            )
        elif len(covered) > 1 or read.get(merged.min_col - 1) != covered[0]:
            parsed.errors.append(
                ImportFault(
                    sheet.title,
                    merged.min_row,
                    first,
                    f"Cellules fusionnées sur plusieurs colonnes ({merged.coord}) : défusionnez-les, "
                    "chaque colonne a sa propre valeur.",
                )
            )
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
                parsed.errors.append(
                    ImportFault(sheet.title, line, labels[key], FORMULA_MESSAGE.format(line=line, column=labels[key]))
                )
            raw[key] = value
        if all(_blank(v) for v in raw.values()):
            continue
        yield line, raw


def _formula_cells(content: bytes) -> dict[str, set[tuple[int, int]]]:
    """(line, column index from 0) of every formula, per read sheet: only a workbook loaded
    without data_only tells a formula from an empty cell."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    cells: dict[str, set[tuple[int, int]]] = {}
    for title in READ_SHEETS:
        if title in workbook.sheetnames:
            cells[title] = {
                (line, index)
                for line, row in enumerate(workbook[title].iter_rows(min_row=2), start=2)
                for index, cell in enumerate(row)
                if getattr(cell, "data_type", None) == "f"
            }
    workbook.close()
    return cells


LABELS = dict(FICHE_COLUMNS + FINANCEMENT_COLUMNS + BUDGET_COLUMNS)
# The column of a model field whose name is not the column's key.
FIELD_COLUMNS = {"maitre_ouvrage_texte": "maitre_ouvrage"}


def _field_errors(model, values: dict, skip=()) -> list[tuple[str, str]]:
    """(field name, message) for each value the model field refuses: lengths, digit counts and
    ranges come from the model (max_length, max_digits, validators), never from a copy here,
    so that every such fault is reported by line and column before anything is saved."""
    errors = []
    for name, value in values.items():
        if name in skip or value is None:
            continue
        field = model._meta.get_field(name)
        if field.is_relation:
            continue
        try:
            field.clean(value, None)
        except ValidationError as error:
            errors.append((name, " ".join(error.messages)))
    return errors


def _norm_name(name: str) -> str:
    return str(name).strip().casefold()


def _names(value) -> list[str]:
    """The organisation names of a cell: separated by « ; », blanks dropped."""
    if _blank(value):
        return []
    return [name.strip() for name in str(value).split(NAMES_SEPARATOR) if name.strip()]


AXE_NUMBER = re.compile(r"(?:axe)?\s*(?:n|no|num|numero)?\s*(\d+)")


def _axes(value, axes: dict) -> list:
    """The axes of a cell, each given by its number (« 1 », « Axe 1 », « axe n° 1 ») or by its
    title whatever the accents and case, separated by « ; » or « , »: axes, or a message per
    part that names none (or several)."""
    if _blank(value):
        return []
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    by_title: dict[str, list] = {}
    for axe in axes.values():
        by_title.setdefault(_norm(axe.titre), []).append(axe)

    def one(part):
        if number := AXE_NUMBER.fullmatch(_norm(part)):
            return axes.get(int(number.group(1)))
        found = by_title.get(_norm(part), [])
        if len(found) > 1:
            return f"Plusieurs axes s'intitulent « {part.strip()} » : donnez leur numéro."
        return found[0] if found else None

    def split(text, separators):
        found = []
        for part in (p.strip() for p in re.split(separators, text)):
            if not part:
                continue
            axe = one(part)
            if axe is None and re.fullmatch(r"[\d\s/]+", part):  # « 1 2 », « 1/2 »
                numbers = [axes.get(int(n)) for n in re.split(r"[\s/]+", part) if n]
                if None not in numbers:
                    found += numbers
                    continue
            if axe is None:
                known = ", ".join(f"{a.numero} ({a.titre})" for a in sorted(axes.values(), key=lambda a: a.numero))
                axe = f"Axe inconnu : « {part} » (axes du dossier, par numéro ou par nom : {known or 'aucun'})."
            found.append(axe)
        return found

    text = str(value).strip()
    # A title may hold a comma: the whole cell, then its « ; » parts, before every « , » or « ; ».
    for separators in (r"(?!)", r";", r"[,;]"):
        found = split(text, separators)
        if not any(isinstance(item, str) for item in found) or separators == r"[,;]":
            return found
    return found


ETAPE_STATES = {_norm(ETAPE_DONE): True, "fait": True, "realisee": True, "oui": True, "x": True}
ETAPE_STATES |= {_norm(ETAPE_TODO): False, "a venir": False, "non": False, "": False}


def _etapes(value) -> list:
    """The étapes of a cell, one a line: « JJ/MM/AAAA | nom | faite » (or « à faire », or
    nothing: to do). A dict per étape, or a message per line that is not one."""
    if _blank(value):
        return []
    results = []
    for number, text in enumerate(str(value).replace("_x000D_", "").splitlines(), start=1):
        if not text.strip():
            continue
        parts = [part.strip() for part in text.split(ETAPE_SEPARATOR)]
        where = f"Étape {number} (« {text.strip()} »)"
        if len(parts) < 2:
            example = f"date {ETAPE_SEPARATOR} nom {ETAPE_SEPARATOR} {ETAPE_DONE}"
            results.append(f"{where} : écrivez « {example} », une étape par ligne.")
            continue
        faite = False
        if len(parts) >= 3:
            state = _norm(parts[-1])
            if state not in ETAPE_STATES:
                results.append(f"{where} : état « {parts[-1]} » inconnu ({ETAPE_DONE} ou {ETAPE_TODO}).")
                continue
            faite, parts = ETAPE_STATES[state], parts[:-1]
        nom = f" {ETAPE_SEPARATOR} ".join(parts[1:])
        try:
            date = parse_date(parts[0])
        except ValueError:
            results.append(f"{where} : date illisible « {parts[0]} » (format attendu JJ/MM/AAAA).")
            continue
        if not nom:
            results.append(f"{where} : le nom de l'étape est obligatoire.")
            continue
        refused = _field_errors(Etape, {"nom": nom})
        if refused:
            results.append(f"{where} : {refused[0][1]}")
            continue
        results.append({"date": date, "nom": nom, "faite": faite})
    return results


def parse_workbook(content: bytes, dossier) -> ParsedPlan:
    parsed = ParsedPlan()
    try:
        # Not read_only: the merged cells are only known to a fully loaded sheet.
        workbook = load_workbook(io.BytesIO(content), data_only=True)
        formula_cells = _formula_cells(content)
    except Exception:  # noqa: BLE001 - any unreadable file is reported the same way
        parsed.errors.append(ImportFault("", 0, "", "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."))
        return parsed
    parsed.unread_sheets = [title for title in workbook.sheetnames if title not in READ_SHEETS]
    if SHEET_FICHES not in workbook.sheetnames:
        found = ", ".join(f"« {title} »" for title in workbook.sheetnames)
        parsed.errors.append(
            ImportFault(
                SHEET_FICHES,
                0,
                "",
                f"La feuille « Fiches » est absente (feuilles du fichier : {found}) : utilisez le modèle.",
            )
        )
        return parsed
    axes = {axe.numero: axe for axe in AxeStrategique.objects.filter(dossier=dossier)}
    communes = {c.code: c for c in dossier.communes.all()}
    existing = set(FicheAction.objects.filter(dossier=dossier).values_list("numero", flat=True))
    seen_numbers: dict[int, int] = {}
    sheet = workbook[SHEET_FICHES]
    fiche_rows = list(_rows(sheet, FICHE_COLUMNS, parsed, formula_cells[SHEET_FICHES]))
    maitres_ouvrage = organisations_by_name(
        [str(raw["maitre_ouvrage"]) for _, raw in fiche_rows if not _blank(raw.get("maitre_ouvrage"))],
        dossier=dossier,
    )
    partner_names = {line: _names(raw.get("partenaires")) for line, raw in fiche_rows}
    # Existing partners in one query; an unknown name is created by the fiche service on save,
    # as the fiche form's « autres partenaires » are.
    partners = organisations_by_name([name for names in partner_names.values() for name in names], dossier=dossier)
    secteurs: dict[str, list] = {}
    for secteur in SecteurIntervention.objects.filter(dossier=dossier).order_by("nom"):
        secteurs.setdefault(_norm_name(secteur.nom), []).append(secteur)

    for line, raw in fiche_rows:

        def fault(key, message, line=line):
            parsed.errors.append(ImportFault(SHEET_FICHES, line, LABELS[key], message))

        fiche: dict = {"line": line, "axes": [], "partenaires": [], "nouveaux_partenaires": [], "fields": {}}
        values = fiche["fields"]
        numero = raw.get("numero")
        if _blank(numero):
            fiche["numero"] = None
        else:
            try:
                fiche["numero"] = int(Decimal(str(numero).strip()))
                if fiche["numero"] <= 0:
                    raise ValueError
            except (ValueError, InvalidOperation):
                fault("numero", f"Numéro invalide : « {numero} » (entier positif attendu).")
                fiche["numero"] = None
            else:
                if fiche["numero"] in seen_numbers:
                    fault("numero", f"Numéro {fiche['numero']} en double (déjà ligne {seen_numbers[fiche['numero']]}).")
                elif fiche["numero"] in existing:
                    fault("numero", f"Le numéro {fiche['numero']} est déjà utilisé par une fiche du dossier.")
                seen_numbers.setdefault(fiche["numero"], line)
        titre = raw.get("titre")
        if _blank(titre):
            fault("titre", "Le titre est obligatoire.")
        else:
            values["titre"] = str(titre).strip()
        for axe_or_fault in _axes(raw.get("axes"), axes):
            if isinstance(axe_or_fault, str):
                fault("axes", axe_or_fault)
            elif axe_or_fault not in fiche["axes"]:
                fiche["axes"].append(axe_or_fault)
        fiche["etapes"] = []
        for etape_or_fault in _etapes(raw.get("etapes")):
            if isinstance(etape_or_fault, str):
                fault("etapes", etape_or_fault)
            else:
                fiche["etapes"].append(etape_or_fault)
        for key, choices, default in (
            ("statut", Statut.choices, Statut.A_VENIR),
            ("maturite", Maturite.choices, Maturite.IDEE),
            ("priorite", Priorite.choices, Priorite.MOYENNE),
        ):
            value = raw.get(key)
            if _blank(value):
                values[key] = default
                continue
            try:
                values[key] = _choice(choices, value)
            except ValueError:
                fault(key, f"Valeur inconnue : « {value} » ({', '.join(label for _, label in choices)}).")
        mo = raw.get("maitre_ouvrage")
        if not _blank(mo):
            organisation = maitres_ouvrage.get(organisation_key(mo))
            if organisation:
                values["maitre_ouvrage"] = organisation
            else:
                values["maitre_ouvrage_texte"] = str(mo).strip()
        for name in partner_names[line]:
            refused = _field_errors(Organisation, {"nom": name})
            if refused:
                fault("partenaires", f"Partenaire « {name} » : {refused[0][1]}")
            elif name_found := partners.get(organisation_key(name)):
                if name_found not in fiche["partenaires"]:
                    fiche["partenaires"].append(name_found)
            elif organisation_key(name) not in map(organisation_key, fiche["nouveaux_partenaires"]):
                fiche["nouveaux_partenaires"].append(name)
        secteur = raw.get("secteur")
        if not _blank(secteur):
            found = secteurs.get(_norm_name(secteur), [])
            if len(found) == 1:
                values["secteur"] = found[0]
            elif found:
                fault("secteur", f"Plusieurs secteurs du dossier s'appellent « {secteur} » : renommez-les.")
            else:
                known_names = ", ".join(s[0].nom for s in secteurs.values()) or "aucun"
                fault("secteur", f"Secteur inconnu : « {secteur} » (secteurs du dossier : {known_names}).")
        for key in ("pilote", "localisation", "contexte", "description", "objectifs"):
            if not _blank(raw.get(key)):
                values[key] = str(raw[key]).strip()
        commune = raw.get("commune")
        if not _blank(commune):
            code = str(commune).strip().zfill(5)
            if code in communes:
                values["commune"] = communes[code]
            else:
                fault("commune", f"Commune « {commune} » hors du dossier (codes : {', '.join(communes)}).")
        for key in ("latitude", "longitude"):
            value = raw.get(key)
            if _blank(value):
                continue
            try:
                values[key] = Decimal(str(value).replace(",", ".")).quantize(Decimal("0.000001"))
            except InvalidOperation:
                fault(key, f"Coordonnée illisible : « {value} ».")
        if ("latitude" in values) != ("longitude" in values):
            fault("latitude", "Un point demande une latitude et une longitude.")
        for key in ("date_debut", "date_fin"):
            value = raw.get(key)
            if _blank(value):
                continue
            try:
                values[key] = parse_date(value)
            except ValueError:
                fault(key, f"Date illisible : « {value} » (format attendu JJ/MM/AAAA).")
        if values.get("date_debut") and values.get("date_fin") and values["date_fin"] < values["date_debut"]:
            fault("date_fin", "La fin prévue précède le début prévu.")
        for key in ("cout_ht", "cout_ttc"):
            value = raw.get(key)
            if _blank(value):
                continue
            try:
                amount = parse_amount(value)
            except AmountError as error:
                fault(key, error.message)
                continue
            if amount < 0:
                fault(key, f"Montant négatif refusé : « {value} ».")
            else:
                values[key] = amount
        for key in ("inscrite_crte", "confidentielle"):
            try:
                values[key] = _bool(raw.get(key) or "")
            except ValueError:
                fault(key, f"Valeur « {raw[key]} » : répondez oui ou non.")
        faulty = {e.column for e in parsed.errors if e.sheet == SHEET_FICHES and e.line == line}
        checked = {**values, "numero": fiche["numero"]}
        for name, message in _field_errors(FicheAction, checked):
            label = LABELS[FIELD_COLUMNS.get(name, name)]
            if label not in faulty:  # one message per cell
                fault(FIELD_COLUMNS.get(name, name), message)
        if not any(e.sheet == SHEET_FICHES and e.line == line for e in parsed.errors):
            # The model's own cross-field rules (FicheAction.clean), on the scalar values.
            scalars = {k: v for k, v in values.items() if not FicheAction._meta.get_field(k).is_relation}
            try:
                FicheAction(dossier=dossier, **scalars).clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = FIELD_COLUMNS.get(name, name)
                    fault(column if column in LABELS else "numero", " ".join(messages))
        fiche["titre"], fiche["cout_ht"] = values.get("titre", ""), values.get("cout_ht")
        parsed.fiches.append(fiche)

    known = {f["numero"] for f in parsed.fiches if f["numero"]}
    # Blank numbers are given here, not at save time: in line order, the next numbers after the
    # dossier's that no line of the file asks for, so that a later line never collides with them.
    candidate = max(existing, default=0) + 1
    for fiche in parsed.fiches:
        if fiche["numero"] is None and not any(
            e.sheet == SHEET_FICHES and e.line == fiche["line"] and e.column == LABELS["numero"] for e in parsed.errors
        ):
            while candidate in known:
                candidate += 1
            fiche["numero"] = candidate
            candidate += 1
    if SHEET_FINANCEMENTS in workbook.sheetnames:
        seen_lines = {}
        for line, raw in _rows(
            workbook[SHEET_FINANCEMENTS], FINANCEMENT_COLUMNS, parsed, formula_cells[SHEET_FINANCEMENTS]
        ):

            def fault(key, message, line=line):
                parsed.errors.append(ImportFault(SHEET_FINANCEMENTS, line, LABELS[key], message))

            item = {"line": line}
            try:
                item["fiche"] = int(Decimal(str(raw.get("fiche")).strip()))
                if item["fiche"] not in known:
                    raise ValueError
            except (ValueError, InvalidOperation):
                fault("fiche", f"Fiche « {raw.get('fiche')} » absente de la feuille Fiches.")
            if _blank(raw.get("financeur")):
                fault("financeur", "Le financeur est obligatoire.")
            else:
                item["financeur"] = str(raw["financeur"]).strip()
                for _name, message in _field_errors(Organisation, {"nom": item["financeur"]}):
                    fault("financeur", message)
            try:
                item["dispositif"] = _choice(Dispositif.choices, raw.get("dispositif") or "")
            except ValueError:
                fault("dispositif", f"Dispositif inconnu : « {raw.get('dispositif')} ».")
            try:
                item["statut"] = _choice(StatutFinancement.choices, raw.get("statut") or "")
            except ValueError:
                fault("statut", f"Statut inconnu : « {raw.get('statut')} » (sollicité, accordé, refusé).")
            if _blank(raw.get("montant")):
                fault("montant", "Montant obligatoire : indiquez-le en euros (exemple : 1 200 000 €).")
            else:
                try:
                    item["montant"] = parse_amount(raw.get("montant"))
                    if item["montant"] < 0:
                        fault("montant", f"Montant négatif refusé : « {raw.get('montant')} ».")
                except AmountError as error:
                    fault("montant", error.message)
            if not _blank(raw.get("date")):
                try:
                    item["date"] = parse_date(raw["date"])
                except ValueError:
                    fault("date", f"Date illisible : « {raw['date']} » (format attendu JJ/MM/AAAA).")
            if "montant" in item and item["montant"] >= 0:
                for _name, message in _field_errors(LigneFinancement, {"montant": item["montant"]}):
                    fault("montant", message)
            key = (item.get("fiche"), _norm(item.get("financeur", "")), item.get("dispositif"))
            if item.get("statut") and item["statut"] != "refuse" and None not in key:
                if key in seen_lines:
                    fault("financeur", f"Même financeur et même dispositif que la ligne {seen_lines[key]}.")
                seen_lines.setdefault(key, line)
            parsed.financements.append(item)
    if SHEET_BUDGETS in workbook.sheetnames:
        seen_years = {}
        for line, raw in _rows(workbook[SHEET_BUDGETS], BUDGET_COLUMNS, parsed, formula_cells[SHEET_BUDGETS]):

            def fault(key, message, line=line):
                parsed.errors.append(ImportFault(SHEET_BUDGETS, line, LABELS[key], message))

            item = {"line": line}
            try:
                item["fiche"] = int(Decimal(str(raw.get("fiche")).strip()))
                if item["fiche"] not in known:
                    raise ValueError
            except (ValueError, InvalidOperation):
                fault("fiche", f"Fiche « {raw.get('fiche')} » absente de la feuille Fiches.")
            try:
                item["annee"] = int(Decimal(str(raw.get("annee")).strip()))
                if not 2000 <= item["annee"] <= 2100:
                    raise ValueError
            except (ValueError, InvalidOperation):
                fault("annee", f"Année invalide : « {raw.get('annee')} ».")
            for key in ("investissement", "fonctionnement"):
                try:
                    item[key] = parse_amount(raw.get(key) if not _blank(raw.get(key)) else 0)
                    if item[key] < 0:
                        fault(key, f"Montant négatif refusé : « {raw.get(key)} ».")
                except AmountError as error:
                    fault(key, error.message)
                else:
                    if item[key] >= 0:
                        for _name, message in _field_errors(BudgetAnnuel, {key: item[key]}):
                            fault(key, message)
            pair = (item.get("fiche"), item.get("annee"))
            if None not in pair:
                if pair in seen_years:
                    fault("annee", f"Cette année est déjà budgétée ligne {seen_years[pair]}.")
                seen_years.setdefault(pair, line)
            parsed.budgets.append(item)
    workbook.close()
    # One message per cell: the first one says why (a formula without value, say), not its consequence.
    seen_cells = set()
    kept = []
    for error in parsed.errors:
        cell = (error.sheet, error.line, error.column)
        if error.line and cell in seen_cells:
            continue
        seen_cells.add(cell)
        kept.append(error)
    parsed.errors = kept
    parsed.errors.sort(
        key=lambda e: (
            [SHEET_FICHES, SHEET_FINANCEMENTS, SHEET_BUDGETS, ""].index(e.sheet)
            if e.sheet in (SHEET_FICHES, SHEET_FINANCEMENTS, SHEET_BUDGETS, "")
            else 9,
            e.line,
        )
    )
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
                    nom=item["financeur"], type=OrganisationType.AUTRE, dossier=dossier
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

    dropdown(SHEET_FICHES, FICHE_COLUMNS, "statut", Statut.labels)
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
