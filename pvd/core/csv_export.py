"""CSV files the platform exports, safe to open in a spreadsheet."""

# A cell starting with one of these is read as a formula by spreadsheet software (tab and
# carriage return too: some strip them and read what follows).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """The value, with an apostrophe before a text a spreadsheet would run as a formula.

    Only text is touched: a number stays a number (a negative amount is not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
