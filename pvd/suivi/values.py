"""How a measured value, its date and its period are written by a person, in one place for the
forms, the saisie grid and the import.

A value stands for a day or for a period. A period is a year (« 2026 »), a quarter (« T2 2026 »,
« 2026-T2 ») or a month (« 03/2026 », « 2026-03 »): it is stored as its last day in
`Mesure.date` and named in `Mesure.periode` (« 2e trimestre 2026 »), so that the values of an
indicator stay ordered by date whatever their period, and one indicator has one value per date.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pvd.core.formatting import MOIS, nombre_saisie

# Mesure.valeur: 16 digits, 4 of them decimals.
LIMIT = Decimal(10) ** 12
PLACES = 4


class UnreadableValue(ValueError):
    """A value, date or period that cannot be read, with the French message saying how to write it."""


def read_valeur(value) -> Decimal:
    """A number as a French reader writes it: « 1 234,5 », « 1234,5 », « 1234.5 », « -3 », « 18,5 % ».

    Spaces (ordinary, no-break or narrow) group the thousands; one comma or one point marks the
    decimals. « 1.234 » or « 1,234 » (one separator before exactly three digits) reads as
    thousands in one habit and as decimals in another: refused, with the ways to write it.
    A number of a spreadsheet cell is taken as it is."""
    if isinstance(value, bool) or value is None:
        raise UnreadableValue("Valeur absente.")
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation as error:
            raise UnreadableValue(f"Valeur non numérique : « {value} ».") from error
    else:
        text = re.sub(r"[\s\u00a0\u202f]+", " ", str(value)).strip()
        text = re.sub(r"\s*%$", "", text)
        if not text:
            raise UnreadableValue("Valeur absente.")
        if re.fullmatch(r"[+-]?[1-9]\d{0,2}[.,]\d{3}", text):
            whole, decimals = re.split(r"[.,]", text)
            raise UnreadableValue(
                f"« {value} » se lit de deux façons : écrivez {whole}{decimals} ou {whole} {decimals} pour un "
                f"nombre entier, {whole},{decimals}0 pour des décimales."
            )
        if not re.fullmatch(r"[+-]?(?:\d{1,3}(?: \d{3})+|\d+)(?:[.,]\d+)?", text):
            raise UnreadableValue(
                f"Valeur non numérique : « {value} » (écrivez un nombre, une espace entre les milliers et une "
                "virgule avant les décimales : 1 234,5)."
            )
        number = Decimal(text.replace(" ", "").replace(",", "."))
    if not number.is_finite():
        raise UnreadableValue(f"Valeur non numérique : « {value} ».")
    if number.as_tuple().exponent < -PLACES and number != number.quantize(Decimal(1).scaleb(-PLACES)):
        raise UnreadableValue(f"« {value} » : {PLACES} chiffres au plus après la virgule.")
    if abs(number) >= LIMIT:
        raise UnreadableValue(f"Valeur trop grande : « {value} ».")
    return number


def valeur_input(value: Decimal | None) -> str:
    """What a value field shows back: 1234.5000 → « 1234,5 » (no grouping: typed again as it is)."""
    return nombre_saisie(value)


# --- Periods ---------------------------------------------------------------------------------

ANNEE, TRIMESTRE, MOIS_KIND = "annee", "trimestre", "mois"


@dataclass(frozen=True)
class Periode:
    kind: str
    annee: int
    numero: int = 0  # the quarter (1-4) or the month (1-12); 0 for a year

    @property
    def debut(self) -> datetime.date:
        if self.kind == ANNEE:
            return datetime.date(self.annee, 1, 1)
        month = 3 * self.numero - 2 if self.kind == TRIMESTRE else self.numero
        return datetime.date(self.annee, month, 1)

    @property
    def fin(self) -> datetime.date:
        if self.kind == ANNEE:
            return datetime.date(self.annee, 12, 31)
        month = 3 * self.numero if self.kind == TRIMESTRE else self.numero
        return datetime.date(self.annee, month, calendar.monthrange(self.annee, month)[1])

    @property
    def key(self) -> str:
        """« 2026 », « 2026-T2 », « 2026-03 »: the period in a URL and in a file."""
        if self.kind == ANNEE:
            return str(self.annee)
        if self.kind == TRIMESTRE:
            return f"{self.annee}-T{self.numero}"
        return f"{self.annee}-{self.numero:02d}"

    @property
    def label(self) -> str:
        """« année 2026 », « 2e trimestre 2026 », « mars 2026 »."""
        if self.kind == ANNEE:
            return f"année {self.annee}"
        if self.kind == TRIMESTRE:
            rang = "1er" if self.numero == 1 else f"{self.numero}e"
            return f"{rang} trimestre {self.annee}"
        return f"{MOIS[self.numero - 1]} {self.annee}"

    def __str__(self):
        return self.label


def current_quarter(today: datetime.date) -> Periode:
    return Periode(TRIMESTRE, today.year, (today.month - 1) // 3 + 1)


_YEAR = r"((?:19|20)\d{2})"
PERIOD_PATTERNS = [
    (re.compile(rf"^{_YEAR}$"), lambda m: Periode(ANNEE, int(m[1]))),
    (re.compile(rf"^{_YEAR}\s*-?\s*T([1-4])$", re.I), lambda m: Periode(TRIMESTRE, int(m[1]), int(m[2]))),
    (re.compile(rf"^T([1-4])\s*[-/ ]?\s*{_YEAR}$", re.I), lambda m: Periode(TRIMESTRE, int(m[2]), int(m[1]))),
    (re.compile(rf"^{_YEAR}-(0[1-9]|1[0-2])$"), lambda m: Periode(MOIS_KIND, int(m[1]), int(m[2]))),
    (re.compile(rf"^(0?[1-9]|1[0-2])/{_YEAR}$"), lambda m: Periode(MOIS_KIND, int(m[2]), int(m[1]))),
]
PERIOD_HELP = "une année (2026), un trimestre (T2 2026 ou 2026-T2) ou un mois (03/2026 ou 2026-03)"


def read_periode(text: str) -> Periode | None:
    """The period written as `text`, or None when it is not one (see PERIOD_HELP)."""
    text = str(text).strip()
    for pattern, build in PERIOD_PATTERNS:
        if match := pattern.match(text):
            return build(match)
    return None


def read_date(value) -> tuple[datetime.date, str]:
    """(date, période label) of a value's date cell: a date (JJ/MM/AAAA, AAAA-MM-JJ or a date
    cell of a spreadsheet) with an empty label, or a period (its last day and its label)."""
    if isinstance(value, datetime.datetime):
        return value.date(), ""
    if isinstance(value, datetime.date):
        return value, ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = str(int(value))
    text = "" if value is None else str(value).strip()
    if not text:
        raise UnreadableValue("Date absente.")
    periode = read_periode(text)
    if periode is not None:
        return periode.fin, periode.label
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date(), ""
        except ValueError:
            continue
    raise UnreadableValue(f"Date illisible : « {text} » (écrivez une date JJ/MM/AAAA, ou {PERIOD_HELP}).")
