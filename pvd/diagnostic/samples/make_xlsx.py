"""Writes donnees_exemple.xlsx from donnees_exemple.csv (the same lines, numbers as numbers):

    .venv/bin/python pvd/diagnostic/samples/make_xlsx.py

The test `test_imports_samples.py` checks that the committed workbook holds these values.
"""

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
CSV = HERE / "donnees_exemple.csv"
XLSX = HERE / "donnees_exemple.xlsx"


def cell(value: str):
    """A number where the CSV has one (« 17,5 » → 17.5), the text otherwise (a code stays text)."""
    text = value.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return value or None
    return int(number) if number.is_integer() else number


def rows() -> list[list]:
    with CSV.open(encoding="utf-8", newline="") as source:
        lines = list(csv.reader(source, delimiter=";"))
    header, data = lines[0], lines[1:]
    # The territory code stays text (« 52 », « 200072999 »); the value and the vintage are numbers.
    numeric = {header.index("valeur"), header.index("millésime")}
    return [header] + [[cell(v) if i in numeric else (v or None) for i, v in enumerate(line)] for line in data]


def workbook_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Données"
    for line in rows():
        sheet.append(line)
    for header_cell in sheet[1]:
        header_cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (12, 44, 10, 12, 48, 10, 12), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


if __name__ == "__main__":
    XLSX.write_bytes(workbook_bytes())
    print(f"{XLSX} écrit.")
