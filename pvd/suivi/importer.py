"""Import of measured values from a CSV or XLSX file: read every line, report every fault with
its line and column, say what would be created or corrected; then save all or nothing
(`services_mesures.mesures_save`, the saisie grid's service).

One line per value, a header naming the columns (accents and case ignored; the order is free):
see COLUMNS and FORMAT_HELP, shown on the import page and in the README. The queries do not
depend on the number of lines: the dossier's indicators are read once for the file.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from pvd.core import limits
from pvd.core.formatting import nombre

from .rules import may_enter
from .selectors_mesures import indicateurs_for
from .services_mesures import Saisie, check, compare, mesures_save
from .values import PERIOD_HELP, UnreadableValue, read_date, read_valeur

MAX_SIZE = 1024 * 1024
MAX_SIZE_LABEL = "1 Mo"
MAX_ROWS = 2000
MAX_SHOWN = 200
XLSX_MAGIC = b"PK\x03\x04"

# (key, label as written in the header, required, other names accepted)
COLUMNS = [
    ("indicateur", "indicateur", True, ["indicateur id", "id", "nom"]),
    ("date", "date", True, ["période", "date ou période"]),
    ("valeur", "valeur", True, []),
    ("source", "source", False, []),
    ("commentaire", "commentaire", False, ["commentaires"]),
]
FORMAT_HELP = [
    "Une ligne par valeur, la première ligne nommant les colonnes : indicateur, date, valeur, et si besoin "
    "source et commentaire (accents, majuscules et ordre indifférents ; une autre colonne est signalée et ignorée).",
    "indicateur : son numéro (la colonne « n° » de la grille de saisie et de la liste des valeurs) ou son nom "
    "exact ; deux indicateurs du même nom se désignent par leur numéro.",
    f"date : une date JJ/MM/AAAA ou AAAA-MM-JJ, ou une période : {PERIOD_HELP} ; une période est datée de son "
    "dernier jour.",
    "valeur : un nombre, une espace entre les milliers et une virgule ou un point avant les décimales "
    "(1 234,5 ou 1234.5) ; « 1.234 » ou « 1,234 » se lit de deux façons et est refusé.",
    "Une valeur du même indicateur à la même date est corrigée (l'auteur et la date de la correction sont gardés).",
    f"CSV en UTF-8, séparateur « ; » ou « , » ; XLSX : la première feuille. Au plus {MAX_SIZE_LABEL} et "
    f"{nombre(MAX_ROWS)} lignes. L'import enregistre tout ou rien.",
]


def norm(text) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_HEADER = {norm(name): key for key, label, _req, others in COLUMNS for name in [label, *others]}
LABELS = {key: label for key, label, _req, _others in COLUMNS}


@dataclass
class ImportFault:
    line: int
    column: str
    message: str


@dataclass
class ParsedValeurs:
    nom_fichier: str = ""
    saisies: list[Saisie] = field(default_factory=list)
    errors: list[ImportFault] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    # (line, as written) of the indicators the dossier has not (or the viewer does not see).
    unknown_indicateurs: list[tuple[int, str]] = field(default_factory=list)
    to_create: list[Saisie] = field(default_factory=list)
    to_update: list[Saisie] = field(default_factory=list)
    unchanged: list[Saisie] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown_errors(self):
        return self.errors[:MAX_SHOWN]

    @property
    def shown_saisies(self):
        return [s for s in self.saisies if s in self.to_create or s in self.to_update][:MAX_SHOWN]

    def fault(self, line: int, column: str, message: str) -> None:
        self.errors.append(ImportFault(line, column, message))


class ImportRefused(Exception):
    def __init__(self, parsed: ParsedValeurs):
        super().__init__("Import refusé")
        self.parsed = parsed


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _too_many(parsed: ParsedValeurs, line: int) -> None:
    parsed.fault(line, "", f"Le fichier dépasse {nombre(MAX_ROWS)} lignes de valeurs : découpez-le.")


def _read_csv(content: bytes, parsed: ParsedValeurs) -> list | None:
    if b"\x00" in content:
        parsed.fault(0, "", "Ce fichier n'est ni un fichier CSV ni un classeur XLSX lisible.")
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        parsed.fault(
            line,
            "",
            "Caractère illisible : le fichier n'est pas encodé en UTF-8. Dans votre tableur, enregistrez-le au "
            "format « CSV UTF-8 » puis déposez-le à nouveau.",
        )
        return None
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count) if any(d in first for d in ";,\t") else ";"
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if all(_blank(cell) for cell in cells):
                continue
            if len(rows) > MAX_ROWS:
                _too_many(parsed, reader.line_num)
                return None
            rows.append((reader.line_num, cells))
    except csv.Error as error:
        parsed.fault(reader.line_num, "", f"Ligne illisible en CSV ({error}) : vérifiez les guillemets.")
        return None
    return rows


def _read_xlsx(content: bytes, parsed: ParsedValeurs) -> list | None:
    try:
        # Checked first (a genuine workbook that unpacks within PVD_XLSX_MAX_UNCOMPRESSED, which
        # also bounds the blank rows read below), then read in read-only mode, row by row.
        values = limits.open_xlsx(content, data_only=True)
        formulas = load_workbook(io.BytesIO(content), read_only=True)
    except ValidationError as error:
        parsed.fault(0, "", " ".join(error.messages))
        return None
    except Exception:  # noqa: BLE001 - any unreadable workbook is reported the same way
        parsed.fault(0, "", "Ce fichier n'est pas un classeur Excel (.xlsx) lisible.")
        return None
    rows = []
    try:
        pairs = zip(
            values.worksheets[0].iter_rows(values_only=True),
            formulas.worksheets[0].iter_rows(values_only=True),
            strict=False,
        )
        for line, (cells, written) in enumerate(pairs, start=1):
            cells = list(cells)
            for index, value in enumerate(cells):
                formula = written[index] if index < len(written) else None
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    parsed.fault(
                        line,
                        f"colonne {index + 1}",
                        "Formule sans valeur calculée : ouvrez et enregistrez le fichier dans un tableur.",
                    )
            if all(_blank(cell) for cell in cells):
                continue
            if len(rows) > MAX_ROWS:
                _too_many(parsed, line)
                return None
            rows.append((line, cells))
    finally:
        values.close()
        formulas.close()
    return rows


def _lookup(dossier, access):
    """id → indicator and normalised name → [indicators], among those `access` sees (one query)."""
    by_pk, by_name = {}, {}
    for indicateur in indicateurs_for(dossier, access):
        by_pk[indicateur.pk] = indicateur
        by_name.setdefault(norm(indicateur.nom), []).append(indicateur)
    return by_pk, by_name


def parse_valeurs(content: bytes, *, dossier, access, nom_fichier: str = "") -> ParsedValeurs:
    """Everything the import of this file would do, or every fault that refuses it; writes nothing."""
    parsed = ParsedValeurs(nom_fichier=nom_fichier)
    if len(content) > MAX_SIZE:
        parsed.fault(0, "", f"Le fichier dépasse {MAX_SIZE_LABEL}.")
        return parsed
    if not content.strip():
        parsed.fault(0, "", "Le fichier est vide.")
        return parsed
    rows = _read_xlsx(content, parsed) if content.startswith(XLSX_MAGIC) else _read_csv(content, parsed)
    if rows is None or not parsed.ok:
        return parsed
    if not rows:
        parsed.fault(0, "", "Le fichier est vide.")
        return parsed
    header_line, header_cells = rows[0]
    header = [_text(cell) for cell in header_cells]
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _HEADER.get(norm(name))
        if key is None:
            parsed.unknown_columns.append(name or f"colonne {index + 1} (sans nom)")
        elif key in positions:
            parsed.fault(header_line, name, f"Colonne en double (déjà colonne {positions[key] + 1}).")
        else:
            positions[key] = index
    for key, label, required, _others in COLUMNS:
        if required and key not in positions:
            parsed.fault(header_line, label, f"Colonne « {label} » absente de l'en-tête.")
    if not parsed.ok:
        return parsed
    columns = {key: header[index] for key, index in positions.items()}
    if len(rows) == 1:
        parsed.fault(0, "", "Le fichier n'a aucune ligne de valeurs sous son en-tête.")
        return parsed
    by_pk, by_name = _lookup(dossier, access)

    def cell(cells, key):
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    for line, cells in rows[1:]:
        faults = len(parsed.errors)
        written = _text(cell(cells, "indicateur"))
        indicateur = None
        if not written:
            parsed.fault(line, columns["indicateur"], "Indicateur absent.")
        elif written.isdigit() and int(written) in by_pk:
            indicateur = by_pk[int(written)]
        elif len(found := by_name.get(norm(written), [])) == 1:
            indicateur = found[0]
        elif found:
            numbers = ", ".join(str(i.pk) for i in found)
            parsed.fault(
                line,
                columns["indicateur"],
                f"Plusieurs indicateurs s'appellent « {written} » : désignez-le par son numéro ({numbers}).",
            )
        else:
            parsed.unknown_indicateurs.append((line, written))
            parsed.fault(line, columns["indicateur"], f"Indicateur inconnu dans ce dossier : « {written} ».")
        if indicateur is not None and not may_enter(access, indicateur):
            parsed.fault(line, columns["indicateur"], f"Vous ne pouvez pas saisir les valeurs de « {indicateur.nom} ».")
        try:
            date, periode = read_date(cell(cells, "date"))
        except UnreadableValue as error:
            parsed.fault(line, columns["date"], str(error))
        try:
            valeur = read_valeur(cell(cells, "valeur"))
        except UnreadableValue as error:
            parsed.fault(line, columns["valeur"], str(error))
        if len(parsed.errors) > faults:
            continue
        parsed.saisies.append(
            Saisie(
                key=line,
                indicateur=indicateur,
                date=date,
                periode=periode,
                valeur=valeur,
                source=_text(cell(cells, "source")),
                commentaire=_text(cell(cells, "commentaire")),
            )
        )
    _check(parsed, dossier, access, columns)
    parsed.errors.sort(key=lambda fault: fault.line)
    if parsed.ok:
        result = compare(parsed.saisies)
        parsed.to_create, parsed.to_update, parsed.unchanged = result.created, result.updated, result.unchanged
    return parsed


def _check(parsed: ParsedValeurs, dossier, access, columns) -> None:
    """The service's own checks on every line read (same indicator and date twice, lengths)."""
    for line, faults in check(parsed.saisies, dossier=dossier, access=access).items():
        for name, message in faults:
            parsed.fault(line, columns.get(name, columns["valeur"]), message)


def import_valeurs(*, dossier, content: bytes, access, by, nom_fichier: str = ""):
    """Parse again and save every value, or raise ImportRefused with every fault."""
    parsed = parse_valeurs(content, dossier=dossier, access=access, nom_fichier=nom_fichier)
    if not parsed.ok:
        raise ImportRefused(parsed)
    if access is None or not access.can("suivi.enter"):
        raise PermissionDenied("Vous n'avez pas les droits nécessaires pour cette action.")
    return mesures_save(dossier=dossier, saisies=parsed.saisies, access=access, by=by)
