"""The diagnostic as a PDF (WeasyPrint, charts as inline SVG each followed by its table) and its
data as an XLSX workbook (openpyxl, one sheet per part). Both read `selectors_export.export_content`.

The charts are given by the caller (`charts.charts_for(dossier)`), so that this module only
draws them (`charts.chart_svg(chart)`) and never computes them."""

import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pvd.core.formatting import nombre
from pvd.core.rendered import html_to_pdf

from .selectors_export import export_content


def _svg(chart) -> str:
    from . import charts

    return charts.chart_svg(chart)


def _chart_rows(chart) -> list[dict]:
    """The table under a chart: one row per label, one cell per series."""
    return [
        {
            "label": label,
            "values": [nombre(serie.values[i]) if i < len(serie.values) else "—" for serie in chart.series],
        }
        for i, label in enumerate(chart.labels)
    ]


def diagnostic_pdf(dossier, *, charts, svg=None) -> bytes:
    """The whole diagnostic as a PDF. `charts`: the `charts.Chart`s to draw (empty ones are left
    out); `svg(chart)` draws one as SVG markup (by default `charts.chart_svg`)."""
    from pvd.core.context_processors import site

    draw = svg or _svg
    figures = [
        {"chart": chart, "svg": mark_safe(draw(chart)), "rows": _chart_rows(chart)}  # noqa: S308 - our own SVG
        for chart in charts
        if not chart.is_empty
    ]
    html = render_to_string("diagnostic/export_pdf.html", {**site(None), **export_content(dossier), "figures": figures})
    return html_to_pdf(html)


# --- XLSX ---------------------------------------------------------------------------------------

BOLD = Font(bold=True)


def _append(sheet, values) -> None:
    """A row whose text cells stay text: openpyxl would turn "=…" into a formula (a formula
    injection in a workbook opened by someone else)."""
    sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _sheet(workbook, title: str, headers: list[str], rows, widths: dict[int, int] | None = None):
    sheet = workbook.create_sheet(title)
    _append(sheet, headers)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        _append(sheet, row)
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(index, 18)
    sheet.freeze_panes = "A2"
    return sheet


def diagnostic_xlsx(dossier) -> bytes:
    content = export_content(dossier)
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        "Chiffres",
        [
            "Thème",
            "Code de l'indicateur",
            "Indicateur",
            "Valeur",
            "Unité",
            "Échelle",
            "Code du territoire",
            "Territoire",
            "Source",
            "Millésime",
            "Origine",
        ],
        (
            [
                d.get_theme_display(),
                d.indicateur,
                d.libelle,
                d.valeur,
                d.unite,
                d.get_echelle_display(),
                d.code_territoire,
                d.territoire,
                d.source,
                d.millesime,
                d.get_origine_display(),
            ]
            for d in content["donnees"]
        ),
        {3: 40, 9: 45},
    )
    _sheet(
        workbook,
        "AFOM",
        ["Thème", "Catégorie", "Ordre", "Constat"],
        ([i.get_theme_display(), i.get_categorie_display(), i.ordre, i.texte] for i in content["afom"]),
        {4: 80},
    )
    _sheet(
        workbook,
        "Planification",
        ["Type", "Nom", "État", "Porteur", "Prescrit le", "Approuvé le", "Échéance", "Lien", "Ce qu'il implique"],
        (
            [
                p.get_kind_display(),
                p.nom,
                p.get_statut_display(),
                p.porteur,
                p.date_prescription,
                p.date_approbation,
                p.date_echeance,
                p.lien,
                p.commentaire,
            ]
            for p in content["plans"]
        ),
        {2: 40, 9: 60},
    )
    _sheet(
        workbook,
        "Études",
        ["Objet", "Prestataire", "Coût (€ HT)", "Financement", "État", "Début", "Fin", "Livrable", "Description"],
        (
            [
                e.objet,
                e.prestataire,
                e.cout,
                e.financement,
                e.get_statut_display(),
                e.date_debut,
                e.date_fin,
                e.livrable.titre if e.livrable else "",
                e.description,
            ]
            for e in content["etudes"]
        ),
        {1: 40, 9: 60},
    )
    _sheet(
        workbook,
        "Initiatives",
        ["Nom", "Porteur", "Nature du porteur", "Description", "Lien"],
        ([i.nom, i.porteur, i.get_porteur_kind_display(), i.description, i.lien] for i in content["initiatives"]),
        {1: 40, 4: 60},
    )
    _sheet(
        workbook,
        "Points d'intérêt",
        ["Nom", "Type", "Description", "Longitude", "Latitude", "Géométrie (WKT, WGS 84)"],
        ([p.nom, p.get_kind_display(), p.description, p.longitude, p.latitude, p.wkt] for p in content["points"]),
        {1: 30, 3: 50, 6: 60},
    )
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.is_date:
                    cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
