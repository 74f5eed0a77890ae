"""XLSX export of the dashboards' table of dossiers (the same filters and order as the page)."""

import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from pvd.dossiers.selectors import PHASES

from .national import ECHEANCE_LABELS, INACTIVITE_JOURS

MONEY_FORMAT = '#,##0.00 "€"'
HEADERS = [
    "Dossier",
    "Identifiant PVD",
    "Département",
    "EPCI",
    "Phase",
    "Convention d'adhésion signée le",
    "Convention-cadre",
    "Convention-cadre signée le",
    "Fiches action",
    "Financements demandés (€)",
    "Financements accordés (€)",
    "Dernière activité",
    f"Sans activité depuis {INACTIVITE_JOURS} jours",
]


def _text(cell):
    # Text stays text: openpyxl would turn a name starting with "=" into a formula.
    if isinstance(cell.value, str):
        cell.data_type = "s"


def dossiers_xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dossiers"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for dossier in rows:
        sheet.append(
            [
                dossier.nom,
                dossier.pvd_id,
                dossier.departement_code or "",
                dossier.epci.nom,
                PHASES[dossier.phase],
                dossier.adhesion_signee_le,
                ECHEANCE_LABELS[dossier.echeance],
                dossier.cadre_signee_le,
                dossier.nb_fiches,
                float(dossier.montant_demande or Decimal(0)),
                float(dossier.montant_accorde or Decimal(0)),
                timezone.localtime(dossier.derniere_activite).date(),
                "oui" if dossier.sans_activite else "non",
            ]
        )
        for cell in sheet[sheet.max_row]:
            _text(cell)
        for index in (6, 8, 12):
            sheet.cell(row=sheet.max_row, column=index).number_format = "DD/MM/YYYY"
        for index in (10, 11):
            sheet.cell(row=sheet.max_row, column=index).number_format = MONEY_FORMAT
    for column, width in zip("ABCDEFGHIJKLM", (40, 16, 12, 40, 32, 16, 26, 16, 12, 18, 18, 16, 14), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
