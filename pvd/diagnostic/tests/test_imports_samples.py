"""The sample files stay what their README says: the XLSX holds the CSV's lines, and every file
says nowhere that its figures are real."""

import importlib.util
import io

from openpyxl import load_workbook

from pvd.diagnostic.tests.factories_imports import GENERIC_XLSX_SAMPLE, SAMPLES


def _values(content: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    values = [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return values


def test_the_committed_xlsx_holds_the_lines_of_the_csv():
    spec = importlib.util.spec_from_file_location("make_xlsx", SAMPLES / "make_xlsx.py")
    make_xlsx = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_xlsx)
    assert _values(GENERIC_XLSX_SAMPLE.read_bytes()) == _values(make_xlsx.workbook_bytes())
    assert _values(GENERIC_XLSX_SAMPLE.read_bytes())[1][:3] == (
        "52269",
        "Locaux commerciaux vacants en centre-ville",
        38,
    )


def test_the_samples_are_said_to_be_illustrative():
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert "**illustratives**" in readme
    for name in ("insee_comparateur_exemple.csv", "donnees_exemple.csv", "donnees_exemple.xlsx"):
        assert (SAMPLES / name).exists()
        assert f"`{name}`" in readme
