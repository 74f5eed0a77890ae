"""What the Excel import reads in a cell: amounts, dates, coded values, oui/non, axes, étapes.

Plain functions, shared by the row forms of `import_forms`; each refuses a value it cannot read
with one reading only, with a French message that says how to write it.
"""

import datetime
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from pvd.core.formatting import montant

from .columns import ETAPE_DONE, ETAPE_SEPARATOR, ETAPE_TODO, NAMES_SEPARATOR
from .models import Etape


def norm(text) -> str:
    """How labels compare: without accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


class AmountError(ValueError):
    """An amount the import refuses, with the French message that says how to write it."""

    def __init__(self, value, message=None):
        super().__init__(value)
        self.message = message or f"Montant illisible : « {value} » (exemple : 1 200 000 €)."


CENT = Decimal("0.01")
SPACES = "\u00a0\u202f\u2009 '\u2019"


def _thousands_ok(groups: list[str]) -> bool:
    """Groups of digits cut by a thousands separator: 1 to 3 digits, then 3 digits each."""
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _ambiguous(value, sign: str, whole: str, decimals: str) -> AmountError:
    thousands = Decimal(sign + whole + decimals)
    message = (
        f"Montant ambigu « {value} » : écrivez {sign}{whole}{decimals} ou {montant(thousands, unit=False)} "
        f"pour {montant(thousands, unit=False)} euros"
    )
    if decimals.endswith("0"):
        cents = Decimal(f"{sign}{whole}.{decimals}")
        message += f", {sign}{whole},{decimals[:2]} pour {montant(cents, unit=False)} euros"
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


def read_euros(value) -> Decimal:
    """An amount that cannot be negative: a cost, a financing, a budget."""
    amount = parse_amount(value)
    if amount < 0:
        raise AmountError(value, f"Montant négatif refusé : « {value} ».")
    return amount


def read_integer(value, minimum: int | None = None) -> int:
    """A whole number (« 12 », 12.0); ValueError for text, infinities and numbers too long to be
    one of a plan (read as a whole, « 1e9999999 » would hold the server for minutes)."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise ValueError(value) from error
    if not number.is_finite() or number.adjusted() > 30 or int(number) < (minimum or -math.inf):
        raise ValueError(value)
    return int(number)


def read_coordinate(value) -> Decimal:
    """Degrees to the millionth, with a decimal point or comma."""
    try:
        return Decimal(str(value).replace(",", ".")).quantize(Decimal("0.000001"))
    except InvalidOperation as error:
        raise ValueError(value) from error


def read_choice(choices, value):
    wanted = norm(value)
    for key, label in choices:
        if wanted in (norm(key), norm(label)):
            return key
    raise ValueError(value)


def read_bool(value) -> bool:
    wanted = norm(value)
    if wanted in ("oui", "o", "yes", "vrai", "true", "1", "x"):
        return True
    if wanted in ("non", "n", "no", "faux", "false", "0", ""):
        return False
    raise ValueError(value)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_names(value) -> list[str]:
    """The organisation names of a cell: separated by « ; », blanks dropped."""
    if is_blank(value):
        return []
    return [name.strip() for name in str(value).split(NAMES_SEPARATOR) if name.strip()]


AXE_NUMBER = re.compile(r"(?:axe)?\s*(?:n|no|num|numero)?\s*(\d+)")


def read_axes(value, axes: dict) -> list:
    """The axes of a cell, each given by its number (« 1 », « Axe 1 », « axe n° 1 ») or by its
    title whatever the accents and case, separated by « ; » or « , »: axes, or a message per
    part that names none (or several)."""
    if is_blank(value):
        return []
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    by_title: dict[str, list] = {}
    for axe in axes.values():
        by_title.setdefault(norm(axe.titre), []).append(axe)

    def one(part):
        if number := AXE_NUMBER.fullmatch(norm(part)):
            return axes.get(int(number.group(1)))
        found = by_title.get(norm(part), [])
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


ETAPE_STATES = {norm(ETAPE_DONE): True, "fait": True, "realisee": True, "oui": True, "x": True}
ETAPE_STATES |= {norm(ETAPE_TODO): False, "a venir": False, "non": False, "": False}


def read_etapes(value) -> list:
    """The étapes of a cell, one a line: « JJ/MM/AAAA | nom | faite » (or « à faire », or
    nothing: to do). A dict per étape, or a message per line that is not one."""
    if is_blank(value):
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
            state = norm(parts[-1])
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
        try:
            Etape._meta.get_field("nom").clean(nom, None)  # the model's length limit
        except ValidationError as error:
            results.append(f"{where} : {' '.join(error.messages)}")
            continue
        results.append({"date": date, "nom": nom, "faite": faite})
    return results
