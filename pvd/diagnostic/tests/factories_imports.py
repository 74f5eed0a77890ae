"""Data of the import tests: the territories of the sample files (Langres, its EPCI, the
Haute-Marne, the Grand Est, Joinville for a comparison), a dossier of Langres, files."""

import io
from pathlib import Path

from openpyxl import Workbook

from pvd.dossiers.tests.factories import DossierFactory
from pvd.territoires.tests.factories import CommuneFactory, DepartementFactory, EpciFactory, RegionFactory

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
INSEE_SAMPLE = SAMPLES / "insee_comparateur_exemple.csv"
GENERIC_CSV_SAMPLE = SAMPLES / "donnees_exemple.csv"
GENERIC_XLSX_SAMPLE = SAMPLES / "donnees_exemple.xlsx"


def langres_dossier():
    """The dossier of Langres (52269) and the CC du Grand Langres, with the territories the
    sample files name; Joinville (52250) is a commune of the COG outside the dossier."""
    region = RegionFactory(code="44", nom="Grand Est")
    departement = DepartementFactory(code="52", nom="Haute-Marne", region=region)
    epci = EpciFactory(siren="200072999", nom="CC du Grand Langres")
    langres = CommuneFactory(code="52269", nom="Langres", departement=departement, epci=epci)
    joinville_epci = EpciFactory(siren="200044253", nom="CC du Bassin de Joinville en Champagne")
    CommuneFactory(code="52250", nom="Joinville", departement=departement, epci=joinville_epci)
    return DossierFactory(nom="Langres", epci=epci, communes=[langres])


def csv_bytes(lines: list[str], *, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(rows: list[list], *, sheets: tuple[str, ...] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Données"
    for row in rows:
        sheet.append(row)
    for title in sheets:
        book.create_sheet(title)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GENERIC_HEADER = "code;indicateur;valeur;unité;source;millésime"


def generic_csv(*rows: str, header: str = GENERIC_HEADER) -> bytes:
    return csv_bytes([header, *rows])


INSEE_HEADER = "CODGEO;LIBGEO;P21_POP;P21_LOG;P21_LOGVAC;MED21"


def insee_csv(*rows: str, header: str = INSEE_HEADER) -> bytes:
    return csv_bytes([header, *rows])
