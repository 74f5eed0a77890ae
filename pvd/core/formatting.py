"""Numbers, amounts, percentages and dates as a French reader expects them, in one place.

Every page, export (CSV text), DOCX and PDF writes its figures with these functions (templates
through `{% load pvd_format %}`), so that one amount reads the same everywhere:

    montant(Decimal("1234.5"))        → "1 234,50 €"     montant(1234)              → "1 234 €"
    nombre(Decimal("62000.0000"))     → "62 000"          nombre(235.9, 2)          → "235,90"
    pourcentage(Decimal("25"))        → "25,00 %"         date_fr(date(2026, 12, 1)) → "01/12/2026"
    date_longue(date(2026, 12, 1))    → "1er décembre 2026"

One separator: the no-break space U+00A0 groups the thousands and sits before a unit (€, %, ha,
km²), so that a figure never breaks across two lines. Not the narrow no-break space U+202F of
the typographers: Marianne, the DSFR font of the pages and of the PDFs, has no glyph for it,
while U+00A0 is in every font and is what Django's French locale writes too.

Rounding is half-up, as a person rounds: 0,125 € → 0,13 €. An XLSX keeps its figures numeric
(cell formats) and a CSV writes plain numbers (`nombre_tableur`, "1234,50"): a spreadsheet must
read them as numbers.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

NBSP = "\u00a0"
THOUSANDS = NBSP
EMPTY = "—"

MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
MOIS_COURTS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def to_decimal(value) -> Decimal | None:
    """A Decimal, int, float or numeric string ("235.9", as snapshots store them) as a Decimal;
    None for None, "" or text that is no number. A float goes through its shortest repr
    (2.675 → Decimal("2.675"), not 2.67499999…)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _round(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _digits(number: Decimal, places: int | None) -> str:
    """The French writing of a Decimal: grouped thousands, a decimal comma.

    places=None: as many decimals as the number has, trailing zeros dropped."""
    if places is None:
        number = number.normalize()
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        text = format(number, "f")
    else:
        text = format(_round(number, places), "f")
    negative = text.startswith("-")
    integer, _, decimals = text.lstrip("-").partition(".")
    grouped = f"{int(integer):,}".replace(",", THOUSANDS)
    if negative and (int(integer) or decimals.strip("0")):  # no "-0" once rounded
        grouped = "-" + grouped
    return f"{grouped},{decimals}" if decimals else grouped


def nombre(value, places: int | None = None, *, empty: str = EMPTY) -> str:
    """A number in French: "62 000", "18,5", "-1 500,5". Without `places` trailing zeros go
    ("18.5000" → "18,5"); with it, exactly that many decimals, rounded half-up ("235.9", 2 →
    "235,90"). None or "" → `empty` ("—"); text that is no number is returned as it is."""
    number = to_decimal(value)
    if number is None:
        return empty if value is None or value == "" else str(value)
    return _digits(number, places)


def nombre_saisie(value) -> str:
    """A number as a form shows it back for editing: a decimal comma, no thousands separator, no
    trailing zeros ("1234.5000" → "1234,5"). None → ""."""
    number = to_decimal(value)
    if number is None:
        return ""
    return format(number.normalize(), "f").replace(".", ",")


def nombre_tableur(value, places: int = 2) -> str:
    """A number for a CSV opened by a French spreadsheet: a decimal comma and no thousands
    separator, so that it is read as a number ("1234,50", "-0,5"). None → ""."""
    number = to_decimal(value)
    if number is None:
        return ""
    return format(_round(number, places), "f").replace(".", ",")


def montant(value, cents: bool | None = None, *, unit: bool = True, empty: str = EMPTY) -> str:
    """An amount in euros: "1 234,50 €".

    cents=None: the cents only when there are some ("1 234 €", "1 234,50 €"); True: always
    ("1 234,00 €"); False: rounded to the euro. unit=False leaves out the "€" (a column headed
    "(€)"). None or "" → `empty` ("—")."""
    number = to_decimal(value)
    if number is None:
        return empty
    if cents is None:
        cents = _round(number, 2) != _round(number, 2).to_integral_value()
    text = _digits(number, 2 if cents else 0)
    return f"{text}{NBSP}€" if unit else text


def kilo_euros(value, *, empty: str = EMPTY) -> str:
    """An amount in thousands of euros for a narrow column headed "k€": "15 485", "8,5" under 10 k€."""
    number = to_decimal(value)
    if number is None:
        return empty
    thousands = number / 1000
    return _digits(thousands, 1 if abs(thousands) < 10 else 0)


def pourcentage(value, places: int = 2, *, empty: str = EMPTY) -> str:
    """A rate already in percent: Decimal("25") → "25,00 %" (places=0 → "25 %"). None → "—"."""
    number = to_decimal(value)
    if number is None:
        return empty
    return f"{_digits(number, places)}{NBSP}%"


def degres(value, positive: str, negative: str, places: int | None = None) -> str:
    """A latitude or longitude: degres(Decimal("47.862000"), "N", "S") → "47,862° N",
    degres(-5.3, "E", "O", 5) → "5,30000° O" (the sign read as the side)."""
    number = to_decimal(value)
    if number is None:
        return ""
    return f"{_digits(abs(number), places)}° {positive if number >= 0 else negative}"


def _as_date(value) -> datetime.date | datetime.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value) if len(value) > 10 else datetime.date.fromisoformat(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value


def date_fr(value, *, empty: str = "") -> str:
    """A date (a datetime in local time, an ISO string as snapshots store them) as "01/12/2026".
    None → `empty` ("")."""
    day = _as_date(value)
    if day is None:
        return empty
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def mois_annee(value, *, empty: str = "") -> str:
    """ "décembre 2026" (a period given to the month). None → `empty` ("")."""
    day = _as_date(value)
    if day is None:
        return empty
    return f"{MOIS[day.month - 1]} {day.year}"


def date_longue(value, *, jour: bool = False, heure: bool = False, empty: str = "") -> str:
    """ "1er décembre 2026", "15 mars 2027"; jour=True: "mardi 1er décembre 2026"; heure=True (a
    datetime, in local time): "1er décembre 2026 à 14:30". None → `empty` ("")."""
    day = _as_date(value)
    if day is None:
        return empty
    text = f"{'1er' if day.day == 1 else day.day} {MOIS[day.month - 1]} {day.year}"
    if jour:
        text = f"{JOURS[day.weekday()]} {text}"
    if heure and isinstance(day, datetime.datetime):
        text = f"{text} à {day.hour:02d}:{day.minute:02d}"
    return text
