"""XLSX, CSV, PDF and DOCX exports of the plan d'action, of the maquette and of one fiche."""

import csv
import io
from decimal import Decimal

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pvd.core import formatting
from pvd.core.csv_export import csv_cell
from pvd.core.rendered import built_docx, html_to_pdf

from .columns import (
    BUDGET_COLUMNS,
    ETAPE_DONE,
    ETAPE_SEPARATOR,
    ETAPE_TODO,
    FICHE_COLUMNS,
    FINANCEMENT_COLUMNS,
    NAMES_SEPARATOR,
    SHEET_BUDGETS,
    SHEET_FICHES,
    SHEET_FINANCEMENTS,
)
from .finance import plan_financement
from .models import StatutFinancement

MONEY_FORMAT = '#,##0.00 "€"'
BOLD = Font(bold=True)


def _num(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _append_text(sheet, values) -> None:
    """Append a row whose text cells stay text: openpyxl would turn "=…" into a formula
    (a formula injection in a workbook opened by someone else)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put_row(sheet, row: int, values, *, bold: bool = False) -> int:
    """Write `values` on `row` from column A; text stays text (see `_append_text`), a value
    starting with "=SUM(" passed as a `Formula` is a formula. Returns `row`."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, Formula):
            cell.value = str(value)
        else:
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
        if bold:
            cell.font = BOLD
    return row


class Formula(str):
    """A formula the workbook computes (only SUMs of the maquette's own cells, never user text)."""


def _write_table(sheet, table, top: int) -> int:
    """Write `table` from row `top` (headers, rows, a Total row of SUM formulas; the last
    column of a `row_total` table a SUM of its row); returns the Total row's number."""
    _put_row(sheet, top, [table.label, *table.headers], bold=True)
    width = len(table.headers)
    first = top + 1
    for row, (label, values) in enumerate(table.rows, start=first):
        cells = [_num(v) if money else int(v) for v, money in zip(values, table.money, strict=True)]
        if table.row_total:
            cells[-1] = Formula(f"=SUM(B{row}:{get_column_letter(width)}{row})")
        _put_row(sheet, row, [label, *cells])
    last = first + len(table.rows) - 1
    total = last + 1
    sums = [
        Formula(f"=SUM({get_column_letter(i + 2)}{first}:{get_column_letter(i + 2)}{last})") if table.rows else 0
        for i in range(width)
    ]
    _put_row(sheet, total, ["Total", *sums], bold=True)
    for cells in sheet.iter_rows(min_row=first, max_row=total, min_col=2, max_col=width + 1):
        for cell in cells:
            if table.money[cell.column - 2]:
                cell.number_format = MONEY_FORMAT
    return total


def _write_ventilation(sheet, maquette, years_total: int) -> int:
    """Under the yearly table: the fiches without a yearly budget and their total, then the
    reconciliation with the coût HT of the plan (SUMs of the cells above). Returns the last row."""
    total = _write_table(sheet, maquette.sans_ventilation, years_total + 2)
    row = total + 2
    _put_row(sheet, row, ["Budgets annuels (total par année)", Formula(f"=SUM(D{years_total}:D{years_total})")])
    _put_row(sheet, row + 1, ["Coût HT des fiches sans ventilation annuelle", Formula(f"=SUM(B{total}:B{total})")])
    _put_row(sheet, row + 2, ["Ensemble", Formula(f"=SUM(B{row}:B{row + 1})")], bold=True)
    _put_row(sheet, row + 3, ["Coût HT des fiches comptées", _num(maquette.cout_total)])
    for cells in sheet.iter_rows(min_row=row, max_row=row + 3, min_col=2, max_col=2):
        cells[0].number_format = MONEY_FORMAT
    last = row + 3
    if maquette.ecarts:
        details = " ; ".join(
            # As on the page: the cents only when there are some.
            f"{label} (coût HT {formatting.montant(cout)}, budgets {formatting.montant(budgets)})"
            for label, cout, budgets in maquette.ecarts
        )
        last += 1
        _put_row(
            sheet,
            last,
            [
                f"Écart de {formatting.montant(maquette.ecart)} : le budget annuel saisi de ces fiches "
                f"ne correspond pas à leur coût HT : {details}."
            ],
        )
    return last


def maquette_xlsx(maquette, dossier) -> bytes:
    """One sheet per view; numbers as numbers (counts as integers), every total a SUM formula:
    the total row, and the total column of a table whose last column adds up its row. Each
    sheet says what its totals leave out: the yearly one lists the fiches without a yearly
    budget, the one by status the abandoned fiches (counted nowhere)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in maquette.tables:
        sheet = workbook.create_sheet(table.title[:31])
        last = _write_table(sheet, table, 1)
        if table.key == "annees":
            last = _write_ventilation(sheet, maquette, last)
        if table.key == "statuts" and maquette.abandonnees.rows:
            last = _write_table(sheet, maquette.abandonnees, last + 2)
        for row, note in enumerate([*table.notes, *maquette.notes], start=last + 2):
            _put_row(sheet, row, [note])
        sheet.column_dimensions["A"].width = 45
        for i in range(max(len(table.headers), len(maquette.abandonnees.headers))):
            sheet.column_dimensions[get_column_letter(i + 2)].width = 18
    return _save(workbook)


def _yes(value: bool) -> str:
    return "oui" if value else "non"


def etapes_text(fiche) -> str:
    """The étapes in one cell, one a line, as the import reads them: « 01/03/2026 | nom | faite »."""
    return "\n".join(
        f" {ETAPE_SEPARATOR} ".join([f"{formatting.date_fr(e.date)}", e.nom, ETAPE_DONE if e.faite else ETAPE_TODO])
        for e in fiche.etapes.all()
    )


def fiche_values(fiche) -> dict:
    return {
        "numero": fiche.numero,
        "titre": fiche.titre,
        "axes": ", ".join(str(axe.numero) for axe in fiche.axes.all()),
        "statut": fiche.get_statut_display(),
        "maturite": fiche.get_maturite_display(),
        "priorite": fiche.get_priorite_display(),
        "maitre_ouvrage": fiche.maitre_ouvrage_label,
        "pilote": fiche.pilote,
        "partenaires": f"{NAMES_SEPARATOR} ".join(p.nom for p in fiche.partenaires.all()),
        "commune": fiche.commune_id or "",
        "secteur": fiche.secteur.nom if fiche.secteur_id else "",
        "localisation": fiche.localisation,
        "latitude": _num(fiche.latitude),
        "longitude": _num(fiche.longitude),
        "date_debut": fiche.date_debut,
        "date_fin": fiche.date_fin,
        "cout_ht": _num(fiche.cout_ht),
        "cout_ttc": _num(fiche.cout_ttc),
        "inscrite_crte": _yes(fiche.inscrite_crte),
        "confidentielle": _yes(fiche.confidentielle),
        "contexte": fiche.contexte,
        "description": fiche.description,
        "objectifs": fiche.objectifs,
        "etapes": etapes_text(fiche),
    }


def _financement_values(fiche, ligne) -> dict:
    return {
        "fiche": fiche.numero,
        "financeur": ligne.financeur.nom,
        "dispositif": ligne.get_dispositif_display(),
        "montant": _num(ligne.montant),
        "statut": ligne.get_statut_display(),
        "date": ligne.date,
    }


def _budget_values(fiche, budget) -> dict:
    return {
        "fiche": fiche.numero,
        "annee": budget.annee,
        "investissement": _num(budget.investissement),
        "fonctionnement": _num(budget.fonctionnement),
    }


CRTE_EXTRA = [
    ("accorde", "Financements accordés (€)"),
    ("sollicite", "Financements sollicités (€)"),
    ("orientations_crte", "Orientations du CRTE (par les axes)"),
]


def _orientations_crte(fiche) -> str:
    """The CRTE orientations of the fiche's axes, each once, in the axes' order."""
    labels = []
    for axe in fiche.axes.all():
        labels += [label for label in axe.orientations_crte_labels if label not in labels]
    return " ; ".join(labels)


def _sheet(workbook, title, columns, rows):
    sheet = workbook.create_sheet(title)
    _append_text(sheet, [label for _, label in columns])
    for cell in sheet[1]:
        cell.font = BOLD
    for values in rows:
        _append_text(sheet, [values.get(key) for key, _ in columns])
    for i, (key, label) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 40 if key in ("titre", "description", "etapes") else 16
        for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
            if key.startswith("date"):
                cell.number_format = "DD/MM/YYYY"
            elif "(€)" in label:
                cell.number_format = MONEY_FORMAT
            elif key == "etapes":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return sheet


def plan_xlsx(fiches, *, crte: bool = False) -> bytes:
    """The plan as a workbook of three sheets, in the import template's format (re-importable)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    columns = FICHE_COLUMNS + (CRTE_EXTRA if crte else [])
    rows = []
    for fiche in fiches:
        values = fiche_values(fiche)
        if crte:
            plan = plan_financement(fiche.cout_ht, fiche.financements.all())
            values |= {
                "accorde": _num(plan.accorde),
                "sollicite": _num(plan.sollicite),
                "orientations_crte": _orientations_crte(fiche),
            }
        rows.append(values)
    _sheet(workbook, SHEET_FICHES, columns, rows)
    _sheet(
        workbook,
        SHEET_FINANCEMENTS,
        FINANCEMENT_COLUMNS,
        [_financement_values(f, ligne) for f in fiches for ligne in f.financements.all()],
    )
    _sheet(workbook, SHEET_BUDGETS, BUDGET_COLUMNS, [_budget_values(f, b) for f in fiches for b in f.budgets.all()])
    return _save(workbook)


# Coordinates keep the 6 decimals they are stored with (2 decimals would move a point by up to 1 km).
CSV_DECIMALS = {"latitude": 6, "longitude": 6}


def _csv_value(value, key=""):
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return formatting.date_fr(value)
    if isinstance(value, float):
        return formatting.nombre_tableur(value, CSV_DECIMALS.get(key, 2))
    return csv_cell(value)


def plan_csv(fiches, *, crte: bool = False) -> bytes:
    """One line per fiche, UTF-8 with BOM and semicolons (what French spreadsheets open)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    columns = FICHE_COLUMNS + (CRTE_EXTRA if crte else CRTE_EXTRA[:2])
    writer.writerow([label for _, label in columns])
    for fiche in fiches:
        plan = plan_financement(fiche.cout_ht, fiche.financements.all())
        values = fiche_values(fiche) | {"accorde": _num(plan.accorde), "sollicite": _num(plan.sollicite)}
        if crte:
            values["orientations_crte"] = _orientations_crte(fiche)
        writer.writerow([_csv_value(values[key], key) for key, _ in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def fiche_pdf(fiche, detail: dict) -> bytes:
    from pvd.core.context_processors import site

    # The site's branding context, as on the pages: no State block when PVD_STATE_BRANDING=0.
    html = render_to_string(
        "actions/fiche_print.html",
        {**site(None), "fiche": fiche, "confidential_text": CONFIDENTIAL_TEXT, **detail},
    )
    return html_to_pdf(html)


# The model's wording (FicheAction.confidentielle), capitalised for a document.
CONFIDENTIAL_TEXT = "Confidentielle (visible de l'équipe-projet seulement)"


# Bump when `_build_fiche_docx` changes what it writes from the same content: the cached
# documents of the former builder are then no longer served.
FICHE_DOCX_VERSION = "1"


def fiche_docx_content(fiche, detail: dict) -> dict:
    """Everything the fiche's DOCX shows, as plain strings: the builder reads nothing else, so
    this content is the whole of the document and its cache key (a change gives a new DOCX)."""
    from .finance import rate

    finance = detail["finance"]
    return {
        "title": f"Fiche action n° {fiche.numero} — {fiche.titre}",
        "rows": [
            ("Axes", ", ".join(str(a) for a in detail["axes"]) or "—"),
            ("Statut", fiche.get_statut_display()),
            ("Maturité", fiche.get_maturite_display()),
            ("Priorité", fiche.get_priorite_display()),
            ("Maître d'ouvrage", fiche.maitre_ouvrage_label or "—"),
            ("Pilote", fiche.pilote or "—"),
            ("Partenaires", ", ".join(p.nom for p in detail["partenaires"]) or "—"),
            ("Commune", str(fiche.commune) if fiche.commune_id else "—"),
            ("Localisation", fiche.localisation or "—"),
            ("Secteur d'intervention", str(fiche.secteur) if fiche.secteur_id else "—"),
            ("Coordonnées du point", fiche.coordonnees_label or "—"),
            ("Confidentialité", CONFIDENTIAL_TEXT if fiche.confidentielle else "Non confidentielle"),
            ("Début prévu", formatting.date_fr(fiche.date_debut, empty="—")),
            ("Fin prévue", formatting.date_fr(fiche.date_fin, empty="—")),
            ("Coût HT", formatting.montant(fiche.cout_ht, True, empty="non renseigné")),
            ("Coût TTC", formatting.montant(fiche.cout_ttc, True, empty="non renseigné")),
            ("Inscrite au CRTE", _yes(fiche.inscrite_crte)),
            ("Validation", str(detail["validation"].label)),
        ],
        "texts": [
            ("Contexte", fiche.contexte or "—"),
            ("Description", fiche.description or "—"),
            ("Objectifs", fiche.objectifs or "—"),
        ],
        "lignes": [
            [
                ligne.financeur.nom,
                ligne.get_dispositif_display(),
                formatting.montant(ligne.montant, True),
                ligne.get_statut_display(),
                # A refused line counts in nothing (finance.py): it has no rate of the cost.
                formatting.pourcentage(
                    None if ligne.statut == StatutFinancement.REFUSE else rate(ligne.montant, fiche.cout_ht)
                ),
            ]
            for ligne in detail["lignes"]
        ],
        "totals": (
            f"Total accordé : {formatting.montant(finance.accorde, True)} — "
            f"sollicité : {formatting.montant(finance.sollicite, True)} — "
            f"reste à financer : {formatting.montant(finance.reste_a_financer, True)}"
        ),
        "warnings": [str(warning) for warning in finance.warnings],
        "budgets": [
            [
                str(budget.annee),
                formatting.montant(budget.investissement, True),
                formatting.montant(budget.fonctionnement, True),
            ]
            for budget in detail["budgets"]
        ],
        "etapes": [
            f"{formatting.date_fr(etape.date)} — {etape.nom} ({'réalisée' if etape.faite else 'à venir'})"
            for etape in detail["etapes"]
        ],
        "indicateurs": [f"{indicateur.nom} ({indicateur.unite})" for indicateur in detail["indicateurs"]],
        "notes": [
            f"{formatting.date_fr(note.date)}"
            f"{f' — {note.auteur.get_full_name()}' if note.auteur_id else ''} : {note.texte}"
            for note in detail["notes"]
        ],
        "pieces": [f"{piece.titre} ({formatting.date_fr(piece.created_at)})" for piece in detail["pieces"]],
    }


def _table(document, header: list[str] | None, rows, cols: int):
    table = document.add_table(rows=0, cols=cols)
    table.style = "Table Grid"
    for values in ([header] if header else []) + list(rows):
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = str(text)


def _build_fiche_docx(content: dict) -> bytes:
    """The DOCX (python-docx) of `fiche_docx_content`, from that content alone."""
    from docx import Document

    document = Document()
    document.add_heading(content["title"], level=0)
    _table(document, None, content["rows"], 2)
    for title, text in content["texts"]:
        document.add_heading(title, level=1)
        document.add_paragraph(text)
    document.add_heading("Plan de financement", level=1)
    _table(document, ["Financeur", "Dispositif", "Montant", "Statut", "Taux"], content["lignes"], 5)
    document.add_paragraph(content["totals"])
    for warning in content["warnings"]:
        document.add_paragraph(warning)
    if content["budgets"]:
        document.add_heading("Budget par année", level=1)
        _table(document, ["Année", "Investissement", "Fonctionnement"], content["budgets"], 3)
    for title, key in (("Étapes", "etapes"), ("Indicateurs", "indicateurs")):
        if content[key]:
            document.add_heading(title, level=1)
            for text in content[key]:
                document.add_paragraph(text, style="List Bullet")
    for title, key, empty in (
        ("Notes de suivi", "notes", "Aucune note."),
        ("Pièces jointes", "pieces", "Aucune pièce jointe."),
    ):
        document.add_heading(title, level=1)
        for text in content[key]:
            document.add_paragraph(text, style="List Bullet")
        if not content[key]:
            document.add_paragraph(empty)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def fiche_docx(fiche, detail: dict) -> bytes:
    """The fiche's DOCX, built once per distinct content (and builder version)."""
    content = fiche_docx_content(fiche, detail)
    return built_docx("fiche-docx", FICHE_DOCX_VERSION, content, lambda: _build_fiche_docx(content))
