"""Numbers and dates as a French reader expects them: "18,5", "62 000", "01/01/2020"."""

import datetime
from decimal import Decimal, InvalidOperation

# Narrow no-break space: the French thousands separator, which never breaks a number in two.
THOUSANDS = "\u202f"


def nombre(value, places: int | None = None) -> str:
    """A Decimal, int, float or numeric string in French: decimal comma, narrow-space thousands.

    Without `places`, trailing zeros go ("18.5000" → "18,5", "62000.0000" → "62 000");
    with it, exactly that many decimals ("235.9", 2 → "235,90"). None → "—"."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if places is None:
        # normalize() turns 62000 into 6.2E+4: quantize back to an integer when it is one.
        number = number.normalize()
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        text = format(number, "f")
    else:
        text = format(number, f".{places}f")
    sign = "-" if text.startswith("-") else ""
    integer, _, decimals = text.lstrip("-").partition(".")
    grouped = f"{int(integer):,}".replace(",", THOUSANDS)
    return f"{sign}{grouped},{decimals}" if decimals else f"{sign}{grouped}"


def date_courte(value) -> str:
    """A date (or an ISO string, as snapshots store them) as dd/mm/yyyy. None → ""."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")
