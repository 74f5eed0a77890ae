"""Reading and checking a file of figures before the import saves it (`services.donnees_import`).

Two formats, told apart by their header (see the README, « Importer des données du
diagnostic », and `catalogue`):
- INSEE « dossier complet » / « comparateur de territoires »: `CODGEO`, `LIBGEO`, then one
  column per INSEE variable (`P21_POP`, `MED21`…), one line per territory;
- generic: `code, indicateur, valeur, unité, source, millésime` (and optionally `thème`), one
  line per figure.

Either as CSV (UTF-8, « ; », « , » or tabulation) or XLSX (first sheet). `parse_import` reads
everything, reports every fault with its line and column, and says what the import would
create, update or leave aside; it writes nothing. Its queries do not depend on the number of
lines: the territories of the COG and the dossier's figures are looked up once for the file.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Count
from openpyxl import load_workbook

from pvd.core import limits
from pvd.core.formatting import nombre
from pvd.territoires.models import Commune, Departement, Epci, Region

from . import catalogue
from .models import Donnee, DonneeImport, DonneeOrigine, Echelle, ImportKind, Theme

MAX_SIZE = 2 * 1024 * 1024
MAX_SIZE_LABEL = "2 Mo"
MAX_ROWS = 5000
MAX_DONNEES = 20000
# The preview shows the first faults and figures; the counts are always whole.
MAX_SHOWN = 100
# What INSEE writes for a figure it does not give: secret (« s »), not available (« nd »)…
SECRETS = {"", "s", "nd", "n.d.", "nc", "n.c.", "secret"}
XLSX_MAGIC = b"PK\x03\x04"

FORMAT_HELP = [
    "Fichier INSEE (« dossier complet » ou « comparateur de territoires ») : la première colonne "
    "CODGEO donne le territoire, LIBGEO son nom ; chaque colonne reconnue (P21_POP, P21_LOGVAC, "
    "MED21, ETTOT21…) donne un chiffre dont le millésime vient du nom (21 → 2021). Les autres "
    "colonnes sont nommées dans l'aperçu et ne sont pas importées.",
    "Fichier générique : une ligne par chiffre, colonnes code, indicateur, valeur, unité, source, "
    "millésime (et thème, facultatif), accents et majuscules indifférents.",
    "Territoires : code INSEE de la commune (52269), SIREN de l'EPCI (200072999), département "
    "(52 ou DEP-52), région (REG-44), France (FRANCE). Un territoire hors du dossier est importé "
    "comme territoire de comparaison.",
    "Valeurs : la virgule ou le point sépare les décimales (7512,5 ou 7512.5), une espace peut "
    "séparer les milliers. Les valeurs secrètes ou absentes (« s », « nd », vide) sont ignorées.",
    f"CSV en UTF-8, séparateur « ; » ou « , » ; XLSX : la première feuille. Au plus {MAX_SIZE_LABEL} "
    f"et {nombre(MAX_ROWS)} lignes.",
    "Un chiffre déjà présent (même indicateur, territoire et millésime) est mis à jour. "
    "L'import enregistre tout ou rien ; le supprimer supprime ses chiffres.",
]


@dataclass
class ImportFault:
    line: int
    column: str
    message: str


# The fields of a Donnee that an import writes (besides its dossier, origine and import).
FIGURE_FIELDS = (
    "indicateur",
    "theme",
    "libelle",
    "echelle",
    "code_territoire",
    "territoire",
    "valeur",
    "unite",
    "source",
    "millesime",
)


@dataclass
class Figure:
    """A figure the import would save: the fields of a Donnee, where it comes from in the file,
    and what the dossier already has for it."""

    line: int
    column: str
    indicateur: str
    theme: str
    libelle: str
    echelle: str
    code_territoire: str
    territoire: str
    valeur: Decimal
    unite: str
    source: str
    millesime: str
    comparaison: bool = False
    existing_pk: int | None = None

    def fields(self) -> dict:
        return {name: getattr(self, name) for name in FIGURE_FIELDS}

    @property
    def key(self) -> tuple:
        return self.indicateur, self.echelle, self.code_territoire, self.millesime


@dataclass
class Territoire:
    echelle: str
    code: str
    nom: str
    comparaison: bool
    nb_donnees: int = 0

    @property
    def echelle_label(self) -> str:
        return Echelle(self.echelle).label


@dataclass
class ParsedImport:
    nom_fichier: str = ""
    kind: str = ""
    figures: list[Figure] = field(default_factory=list)
    errors: list[ImportFault] = field(default_factory=list)
    # Columns that the import does not read (with the reason for an INSEE variable read twice).
    unknown_columns: list[str] = field(default_factory=list)
    duplicate_columns: list[tuple[str, str]] = field(default_factory=list)
    # INSEE lines whose territory is not one of the COG: (line, code as written), not imported.
    unknown_codes: list[tuple[int, str]] = field(default_factory=list)
    # Values INSEE keeps secret or does not give: (line, column, value), not imported.
    secrets: list[tuple[int, str, str]] = field(default_factory=list)
    # Figures the platform computes itself (origine « reference »): the import leaves them.
    references_kept: list[Figure] = field(default_factory=list)
    territoires: list[Territoire] = field(default_factory=list)
    title_lines: int = 0
    unread_sheets: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def kind_label(self) -> str:
        return ImportKind(self.kind).label if self.kind else ""

    @property
    def to_create(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.existing_pk is None]

    @property
    def to_update(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.existing_pk is not None]

    @property
    def comparaisons(self) -> list[Territoire]:
        return [territoire for territoire in self.territoires if territoire.comparaison]

    @property
    def shown_errors(self) -> list[ImportFault]:
        return self.errors[:MAX_SHOWN]

    @property
    def shown_figures(self) -> list[Figure]:
        return self.figures[:MAX_SHOWN]

    @property
    def shown_secrets(self) -> list[tuple[int, str, str]]:
        return self.secrets[:MAX_SHOWN]

    def fault(self, line: int, column: str, message: str) -> None:
        self.errors.append(ImportFault(line, column, message))


class ImportRefused(Exception):
    def __init__(self, parsed: ParsedImport):
        super().__init__("Import refusé")
        self.parsed = parsed


# --- Reading the file into lines of cells ----------------------------------------------------


@dataclass
class Table:
    """The lines of the file that hold something: (line number as a spreadsheet shows it, cells)."""

    rows: list[tuple[int, list]]
    # CSV: every line has as many cells as the header. A spreadsheet drops the empty cells at
    # the end of a line: missing cells are empty there.
    fixed_width: bool = True


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _too_many_rows(parsed: ParsedImport, line: int) -> None:
    parsed.fault(
        line,
        "",
        f"Le fichier dépasse la limite de {nombre(MAX_ROWS)} lignes de données : découpez-le en plusieurs fichiers.",
    )


def _position(text: str, delimiter: str, header: list[str] | None) -> tuple[int, str]:
    """(line, column name or number) of the end of `text`, the part of a file read before a fault."""
    lines = text.split("\n")
    index = lines[-1].count(delimiter)
    if header and len(lines) > 1 and index < len(header):
        return len(lines), header[index]
    return len(lines), f"colonne {index + 1}"


def _delimiter(content: bytes) -> str:
    """The separator of the header (the first line, or a line naming CODGEO or indicateur
    after a few title lines): « ; », « , » or a tabulation, whichever it has most of."""
    lines = [line for line in content.lstrip(b"\xef\xbb\xbf").split(b"\n", 10)[:10] if line.strip()]
    header = next((line for line in lines if re.search(rb"(?i)codgeo|indicateur", line)), lines[0] if lines else b"")
    first_line = header.decode("utf-8", "replace")
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def _read_csv(content: bytes, parsed: ParsedImport) -> Table | None:
    if b"\x00" in content:
        parsed.fault(0, "", "Ce fichier n'est pas un fichier texte CSV ni un classeur XLSX lisible.")
        return None
    delimiter = _delimiter(content)
    first_line = content.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = content[: error.start].decode("utf-8-sig", "replace")
        header = next(csv.reader([first_line], delimiter=delimiter), None)
        line, column = _position(before, delimiter, header)
        parsed.fault(
            line,
            column,
            "Caractère illisible : le fichier n'est pas encodé en UTF-8. Dans votre tableur, enregistrez-le "
            "au format « CSV UTF-8 » puis déposez-le à nouveau.",
        )
        return None
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if all(_blank(cell) for cell in cells):
                continue
            if len(rows) > MAX_ROWS:
                _too_many_rows(parsed, reader.line_num)
                return None
            rows.append((reader.line_num, cells))
    except csv.Error as error:
        parsed.fault(reader.line_num, "", f"Ligne illisible en CSV ({error}) : vérifiez les guillemets.")
        return None
    return Table(rows)


def _read_xlsx(content: bytes, parsed: ParsedImport) -> Table | None:
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
    try:
        sheet, formula_sheet = values.worksheets[0], formulas.worksheets[0]
        parsed.unread_sheets = values.sheetnames[1:]
        rows = []
        pairs = zip(sheet.iter_rows(values_only=True), formula_sheet.iter_rows(values_only=True), strict=False)
        for line, (cells, written) in enumerate(pairs, start=1):
            cells = list(cells)
            for index, value in enumerate(cells):
                formula = written[index] if index < len(written) else None
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    parsed.fault(
                        line,
                        f"colonne {index + 1}",
                        "Formule sans valeur calculée : ouvrez et enregistrez le fichier dans un tableur, "
                        "ou saisissez la valeur.",
                    )
            if all(_blank(cell) for cell in cells):
                continue
            if len(rows) > MAX_ROWS:
                _too_many_rows(parsed, line)
                return None
            while cells and _blank(cells[-1]):
                cells.pop()
            rows.append((line, cells))
    finally:
        values.close()
        formulas.close()
    return Table(rows, fixed_width=False)


# --- Reading cells ---------------------------------------------------------------------------

_PLAIN = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")
LIMIT = Decimal(10) ** 16  # Donnee.valeur: 20 digits, 4 of them decimals
QUANTUM = Decimal("0.0001")


def is_secret(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip().casefold() in SECRETS)


_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$")


def read_decimal(value, *, typed: bool = False) -> Decimal:
    """A figure as a Decimal with at most 4 decimals (rounded half up); ValueError with the
    French reason otherwise. « 7512,5 », « 7512.5 », « 7 512,5 », « 19,5 % » are read.

    `typed`: text typed by a person (the generic format), where « 7.512 » or « 7,512 » may be
    a thousands separator as well as decimals: refused with the way to write it. INSEE's files
    never separate thousands."""
    if isinstance(value, bool):
        raise ValueError(f"Valeur non numérique : « {value} ».")
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation as error:
            raise ValueError(f"Valeur non numérique : « {value} ».") from error
    else:
        text = str(value).strip().replace("\u00a0", " ").replace("\u202f", " ")
        text = re.sub(r"\s*[%€]$", "", text)
        if typed and _AMBIGUOUS.match(text):
            raise ValueError(
                f"Valeur ambiguë « {value} » : séparateur de milliers ou décimales ? Écrivez {text[:-4]}"
                f"{text[-3:]} ou {text[:-4]} {text[-3:]} pour un nombre entier, {text[:-4]},{text[-3:]}0 "
                "pour des décimales."
            )
        if not (_PLAIN.match(text) or _GROUPED.match(text)):
            raise ValueError(
                f"Valeur non numérique : « {value} » (écrivez un nombre, la virgule ou le point séparant "
                "les décimales : 7512,5)."
            )
        number = Decimal(text.replace(" ", "").replace(",", "."))
    if not number.is_finite():
        raise ValueError(f"Valeur non numérique : « {value} ».")
    number = number.quantize(QUANTUM, rounding=ROUND_HALF_UP)
    if abs(number) >= LIMIT:
        raise ValueError(f"Valeur trop grande : « {value} ».")
    return number


def read_millesime(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not re.fullmatch(r"(19|20)\d{2}", text):
        raise ValueError(f"Millésime illisible : « {value} » (une année sur quatre chiffres, par exemple 2021).")
    return text


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


# --- Territories -----------------------------------------------------------------------------


def _cog_names(keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The names of the territories of the COG among `keys` ((scale, code)): one query per scale
    present in the file, whatever its number of lines."""
    names: dict[tuple[str, str], str] = {}
    models = {
        Echelle.COMMUNE: (Commune, "code"),
        Echelle.EPCI: (Epci, "siren"),
        Echelle.DEPARTEMENT: (Departement, "code"),
        Echelle.REGION: (Region, "code"),
    }
    for scale, (model, key) in models.items():
        codes = {code for echelle, code in keys if echelle == scale}
        if codes:
            for code, nom in model.objects.filter(**{f"{key}__in": codes}).values_list(key, "nom"):
                names[(scale, code)] = nom
    if (Echelle.FRANCE, catalogue.FRANCE_CODE) in keys:
        names[(Echelle.FRANCE, catalogue.FRANCE_CODE)] = catalogue.FRANCE_NAME
    return names


def dossier_territoires(dossier) -> set[tuple[str, str]]:
    """(scale, code) of the dossier's own territories: its communes, its EPCI, their
    départements and régions, and France. Every other territory of a file is a comparison."""
    own = {(Echelle.EPCI, dossier.epci_id), (Echelle.FRANCE, catalogue.FRANCE_CODE)}
    for code, departement, region in dossier.communes.values_list("code", "departement_id", "departement__region_id"):
        own |= {(Echelle.COMMUNE, code), (Echelle.DEPARTEMENT, departement), (Echelle.REGION, region)}
    return own


# --- The two formats -------------------------------------------------------------------------

GENERIC_COLUMNS = {
    "code": ("code", "codgeo", "code_territoire", "code_du_territoire", "code_insee"),
    "indicateur": ("indicateur",),
    "valeur": ("valeur",),
    "unite": ("unite",),
    "source": ("source",),
    "millesime": ("millesime", "annee"),
    "theme": ("theme",),
    "territoire": ("territoire", "libgeo", "nom", "libelle_territoire"),
}
GENERIC_REQUIRED = ["code", "indicateur", "valeur", "source", "millesime"]
GENERIC_LABELS = {
    "code": "code",
    "indicateur": "indicateur",
    "valeur": "valeur",
    "unite": "unité",
    "source": "source",
    "millesime": "millésime",
    "theme": "thème",
    "territoire": "territoire",
}
_GENERIC_KEYS = {alias: key for key, aliases in GENERIC_COLUMNS.items() for alias in aliases}
# The model's fields checked on each line, and the column a fault of each is reported in.
_FIELD_COLUMNS = {
    "libelle": "indicateur",
    "indicateur": "indicateur",
    "valeur": "valeur",
    "unite": "unite",
    "source": "source",
    "millesime": "millesime",
    "theme": "theme",
    "territoire": "code",
    "code_territoire": "code",
}


def _header_kind(header: list) -> str | None:
    keys = {_GENERIC_KEYS.get(catalogue.slug(_text(cell))) for cell in header} - {None}
    if {"indicateur", "valeur"} <= keys or len(keys & set(GENERIC_REQUIRED)) >= 3:
        return ImportKind.GENERIQUE
    if header and _text(header[0]).upper() == "CODGEO":
        return ImportKind.INSEE
    return None


def _find_header(table: Table, parsed: ParsedImport) -> int | None:
    """The index in `table.rows` of the header; INSEE exports may start with a few title lines."""
    for index, (_line, cells) in enumerate(table.rows[:10]):
        if kind := _header_kind(cells):
            parsed.kind = kind
            parsed.title_lines = index
            return index
    line = table.rows[0][0] if table.rows else 1
    parsed.fault(
        line,
        "",
        "En-tête introuvable : la première ligne doit nommer les colonnes (CODGEO, LIBGEO, P21_POP… pour un "
        "fichier INSEE ; code, indicateur, valeur, unité, source, millésime pour le format générique).",
    )
    return None


def _check_width(parsed: ParsedImport, line: int, cells: list, header: list[str]) -> bool:
    """A line has the header's columns: extra empty cells are allowed, missing cells are not
    (in CSV; a spreadsheet drops the empty cells at the end of a line)."""
    extra = [i for i in range(len(header), len(cells)) if not _blank(cells[i])]
    if extra:
        parsed.fault(
            line,
            f"colonne {extra[0] + 1}",
            f"Valeur hors des colonnes de l'en-tête : la ligne a {len(cells)} colonnes, l'en-tête {len(header)}. "
            "Une virgule décimale dans un fichier séparé par des virgules ? Utilisez « ; » comme séparateur.",
        )
        return False
    return True


def _missing_cells(parsed: ParsedImport, table: Table, line: int, cells: list, header: list[str]) -> bool:
    """A CSV line with fewer cells than the header is refused (a spreadsheet's line is padded)."""
    if not table.fixed_width:
        cells.extend([None] * (len(header) - len(cells)))
    elif len(cells) < len(header):
        parsed.fault(
            line,
            header[len(cells)],
            f"Colonnes manquantes : la ligne a {len(cells)} colonnes, l'en-tête {len(header)}.",
        )
        return True
    return False


def _validate(parsed: ParsedImport, figure: Figure, line: int, columns: dict[str, str]) -> bool:
    """The model checks the figure's fields (lengths, choices, digits), without the database."""
    try:
        Donnee(**figure.fields()).full_clean(
            exclude=["dossier", "donnee_import", "origine"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = columns.get(_FIELD_COLUMNS.get(name, ""), figure.column)
            parsed.fault(line, column, " ".join(messages))
        return False
    return True


def _parse_insee(table: Table, start: int, parsed: ParsedImport, names_for, dossier) -> list[Figure]:
    header_line, header_cells = table.rows[start]
    header = [_text(cell) for cell in header_cells]
    variables: dict[int, catalogue.Variable] = {}
    seen: dict[tuple[str, str], str] = {}
    for index, name in enumerate(header[1:], start=1):
        if name.upper() == "LIBGEO":
            continue
        variable = catalogue.insee_variable(name)
        if variable is None:
            parsed.unknown_columns.append(name or f"colonne {index + 1} (sans nom)")
        elif (variable.indicateur, variable.millesime) in seen:
            parsed.duplicate_columns.append((name, seen[(variable.indicateur, variable.millesime)]))
        else:
            seen[(variable.indicateur, variable.millesime)] = name
            variables[index] = variable
    if not variables:
        parsed.fault(
            header_line,
            "",
            "Aucune colonne INSEE reconnue (P21_POP, P21_LOG, MED21, ETTOT21…) : voyez la liste des "
            "variables importées dans l'aide.",
        )
        return []
    lines: list[tuple[int, list, tuple[str, str]]] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, cells in table.rows[start + 1 :]:
        if not _check_width(parsed, line, cells, header) or _missing_cells(parsed, table, line, cells, header):
            continue
        raw = _text(cells[0])
        if not raw:
            parsed.fault(line, header[0], "Code du territoire absent.")
            continue
        key = catalogue.territoire_code(raw)
        if key is None:
            parsed.unknown_codes.append((line, raw))
            continue
        if key in first_line:
            parsed.fault(line, header[0], f"Territoire « {raw} » déjà présent ligne {first_line[key]}.")
            continue
        first_line[key] = line
        lines.append((line, cells, key))
    names, own = names_for({key for _, _, key in lines})
    figures = []
    for line, cells, key in lines:
        if key not in names:
            parsed.unknown_codes.append((line, _text(cells[0])))
            continue
        found: dict[tuple[str, str], Figure] = {}
        for index, variable in variables.items():
            value = cells[index]
            if is_secret(value):
                parsed.secrets.append((line, header[index], _text(value)))
                continue
            try:
                valeur = read_decimal(value)
            except ValueError as error:
                parsed.fault(line, header[index], str(error))
                continue
            indicateur = catalogue.INDICATEURS[variable.indicateur]
            figure = Figure(
                line=line,
                column=header[index],
                indicateur=indicateur.code,
                theme=indicateur.theme,
                libelle=indicateur.libelle,
                echelle=key[0],
                code_territoire=key[1],
                territoire=names[key],
                valeur=valeur,
                unite=indicateur.unite,
                source=variable.source,
                millesime=variable.millesime,
                comparaison=key not in own,
            )
            found[(variable.indicateur, variable.millesime)] = figure
            figures.append(figure)
        for derive in catalogue.DERIVES:
            for (code, annee), numerateur in list(found.items()):
                denominateur = found.get((derive.denominateur, annee))
                if code != derive.numerateur or denominateur is None or (derive.code, annee) in found:
                    continue
                valeur = catalogue.derive(derive, numerateur.valeur, denominateur.valeur)
                if valeur is None:
                    continue
                indicateur = catalogue.INDICATEURS[derive.code]
                figures.append(
                    Figure(
                        line=line,
                        column=f"{numerateur.column} / {denominateur.column}",
                        indicateur=indicateur.code,
                        theme=indicateur.theme,
                        libelle=indicateur.libelle,
                        echelle=key[0],
                        code_territoire=key[1],
                        territoire=names[key],
                        valeur=valeur,
                        unite=indicateur.unite,
                        source=catalogue.derive_source(numerateur.source, derive),
                        millesime=annee,
                        comparaison=key not in own,
                    )
                )
    return figures


def _own_labels(dossier) -> dict[str, tuple[str, str, str]]:
    """slug of a label or code → (code, label, theme) of the indicators the dossier already has,
    so that a generic file names a figure typed by the team by its label (one query)."""
    labels: dict[str, tuple[str, str, str]] = {}
    for code, libelle, theme in (
        Donnee.objects.filter(dossier=dossier).order_by("pk").values_list("indicateur", "libelle", "theme")
    ):
        for key in (catalogue.slug(libelle), code):
            labels.setdefault(key, (code, libelle, theme))
    return labels


def _parse_generic(table: Table, start: int, parsed: ParsedImport, names_for, dossier) -> list[Figure]:
    header_line, header_cells = table.rows[start]
    header = [_text(cell) for cell in header_cells]
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _GENERIC_KEYS.get(catalogue.slug(name))
        if key is None:
            parsed.unknown_columns.append(name or f"colonne {index + 1} (sans nom)")
        elif key in positions:
            parsed.fault(header_line, name, f"Colonne en double (déjà colonne {positions[key] + 1}).")
        else:
            positions[key] = index
    missing = [GENERIC_LABELS[key] for key in GENERIC_REQUIRED if key not in positions]
    for label in missing:
        parsed.fault(header_line, label, f"Colonne « {label} » absente de l'en-tête.")
    if missing or not parsed.ok:
        return []
    columns = {key: header[index] for key, index in positions.items()}

    def cell(cells, key):
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    own_labels = _own_labels(dossier)
    lines = []
    for line, cells in table.rows[start + 1 :]:
        if not _check_width(parsed, line, cells, header) or _missing_cells(parsed, table, line, cells, header):
            continue
        raw = _text(cell(cells, "code"))
        key = catalogue.territoire_code(raw) if raw else None
        if not raw:
            parsed.fault(line, columns["code"], "Code du territoire absent.")
        elif key is None:
            parsed.fault(
                line,
                columns["code"],
                f"Code de territoire illisible : « {raw} » (commune 52269, EPCI 200072999, département 52, "
                "région REG-44, France FRANCE).",
            )
        lines.append((line, cells, raw, key))
    names, own = names_for({key for *_, key in lines if key})
    figures = []
    first_line: dict[tuple, int] = {}
    for line, cells, raw, key in lines:
        if key is not None and key not in names:
            parsed.fault(
                line,
                columns["code"],
                f"Territoire inconnu : « {raw} » n'est ni une commune, ni un EPCI, ni un département, ni une "
                "région du code officiel géographique.",
            )
        label = _text(cell(cells, "indicateur"))
        value = cell(cells, "valeur")
        faults = len(parsed.errors)
        if not label:
            parsed.fault(line, columns["indicateur"], "Indicateur absent.")
        elif not catalogue.slug(label):
            parsed.fault(line, columns["indicateur"], f"Indicateur illisible : « {label} » (écrivez son nom).")
        try:
            annee = read_millesime(cell(cells, "millesime"))
        except ValueError as error:
            parsed.fault(line, columns["millesime"], str(error))
            annee = ""
        source = _text(cell(cells, "source"))
        if not source:
            parsed.fault(line, columns["source"], "Source absente : indiquez d'où vient le chiffre.")
        theme = None
        if "theme" in positions and (written := _text(cell(cells, "theme"))):
            theme = catalogue.theme_of(written)
            if theme is None:
                labels = ", ".join(label for _, label in Theme.choices)
                parsed.fault(line, columns["theme"], f"Thème inconnu : « {written} » ({labels}).")
        valeur = None
        if is_secret(value):
            parsed.secrets.append((line, columns["valeur"], _text(value)))
        else:
            try:
                valeur = read_decimal(value, typed=True)
            except ValueError as error:
                parsed.fault(line, columns["valeur"], str(error))
        if len(parsed.errors) > faults or key is None or key not in names or valeur is None:
            continue
        known = catalogue.known_indicateur(label)
        if isinstance(known, catalogue.Variable):
            if known.millesime != annee:
                parsed.fault(
                    line,
                    columns["millesime"],
                    f"Le millésime {annee} ne correspond pas à la variable INSEE « {label} » ({known.millesime}).",
                )
                continue
            known = known.indicateur
        if known:
            indicateur = catalogue.INDICATEURS[known]
            code, libelle, theme = known, indicateur.libelle, indicateur.theme
            unite = _text(cell(cells, "unite")) or indicateur.unite
        elif found := own_labels.get(catalogue.slug(label)):
            # A figure the dossier already has (typed by the team, or imported): its code.
            code, libelle, theme = found[0], found[1], theme or found[2]
            unite = _text(cell(cells, "unite"))
        else:
            code, libelle, theme = catalogue.slug(label), label, theme or Theme.AUTRE
            unite = _text(cell(cells, "unite"))
        figure = Figure(
            line=line,
            column=columns["valeur"],
            indicateur=code,
            theme=theme,
            libelle=libelle,
            echelle=key[0],
            code_territoire=key[1],
            territoire=names[key],
            valeur=valeur,
            unite=unite,
            source=source,
            millesime=annee,
            comparaison=key not in own,
        )
        if not _validate(parsed, figure, line, columns):
            continue
        if figure.key in first_line:
            parsed.fault(
                line,
                columns["indicateur"],
                f"Même indicateur, territoire et millésime que la ligne {first_line[figure.key]}.",
            )
            continue
        first_line[figure.key] = line
        figures.append(figure)
    return figures


# --- The whole file ----------------------------------------------------------------------------


def parse_import(content: bytes, *, dossier, nom_fichier: str = "") -> ParsedImport:
    """Everything the import of this file would do, or every fault that refuses it."""
    parsed = ParsedImport(nom_fichier=nom_fichier)
    if len(content) > MAX_SIZE:
        parsed.fault(0, "", f"Le fichier dépasse {MAX_SIZE_LABEL} : ne gardez que les lignes de vos territoires.")
        return parsed
    if not content.strip():
        parsed.fault(0, "", "Le fichier est vide.")
        return parsed
    table = _read_xlsx(content, parsed) if content.startswith(XLSX_MAGIC) else _read_csv(content, parsed)
    if table is None or not parsed.ok:
        return parsed
    if not table.rows:
        parsed.fault(0, "", "Le fichier est vide.")
        return parsed
    start = _find_header(table, parsed)
    if start is None:
        return parsed
    own = dossier_territoires(dossier)

    def names_for(keys):
        return _cog_names(keys), own

    parse = _parse_insee if parsed.kind == ImportKind.INSEE else _parse_generic
    figures = parse(table, start, parsed, names_for, dossier)
    parsed.errors.sort(key=lambda error: error.line)
    parsed.unknown_codes.sort()
    if not parsed.ok:
        return parsed
    _compare(figures, parsed, dossier)
    if not parsed.figures:
        parsed.fault(
            0,
            "",
            "Aucun chiffre à importer : toutes les valeurs sont secrètes ou absentes, ou aucun territoire n'est connu.",
        )
    elif len(parsed.figures) > MAX_DONNEES:
        parsed.fault(
            0,
            "",
            f"Le fichier donnerait {nombre(len(parsed.figures))} chiffres, au-delà de la limite de "
            f"{nombre(MAX_DONNEES)} : découpez-le en plusieurs fichiers.",
        )
    return parsed


def _compare(figures: list[Figure], parsed: ParsedImport, dossier) -> None:
    """What the dossier already has: a figure of the same indicator, territory and vintage is
    updated, unless the platform computes it itself (a reference figure: left as it is)."""
    existing = {
        (indicateur, echelle, code, millesime): (pk, origine)
        for pk, indicateur, echelle, code, millesime, origine in Donnee.objects.filter(
            dossier=dossier, indicateur__in={figure.indicateur for figure in figures}
        ).values_list("pk", "indicateur", "echelle", "code_territoire", "millesime", "origine")
    }
    territoires: dict[tuple[str, str], Territoire] = {}
    for figure in figures:
        territoire = territoires.setdefault(
            (figure.echelle, figure.code_territoire),
            Territoire(figure.echelle, figure.code_territoire, figure.territoire, figure.comparaison),
        )
        pk, origine = existing.get(figure.key, (None, None))
        if origine == DonneeOrigine.REFERENCE:
            parsed.references_kept.append(figure)
            continue
        figure.existing_pk = pk
        territoire.nb_donnees += 1
        parsed.figures.append(figure)
    parsed.territoires = list(territoires.values())


# --- Reads of the import page ----------------------------------------------------------------


def imports_of(dossier):
    """The dossier's imports, newest first, with the number of figures each still holds."""
    return (
        DonneeImport.objects.filter(dossier=dossier)
        .select_related("created_by")
        .annotate(nb_actuelles=Count("donnees"))
        .order_by("-created_at", "-pk")
    )
