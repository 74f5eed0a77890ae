"""Downloads of the diagnostic: the whole of it as a PDF, its data as an XLSX workbook. Readable
by every viewer of the dossier; what leaves the platform never holds a confidential title
(`selectors_export`)."""

from django.http import HttpResponse

from pvd.dossiers.views_utils import dossier_view

from . import charts, exports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dossier_view("dossier.view")
def diagnostic_pdf(request, dossier):
    content = exports.diagnostic_pdf(dossier, charts=charts.charts_for(dossier))
    return _download(content, f"diagnostic-{dossier.pk}.pdf", "application/pdf")


@dossier_view("dossier.view")
def diagnostic_xlsx(request, dossier):
    return _download(exports.diagnostic_xlsx(dossier), f"diagnostic-donnees-{dossier.pk}.xlsx", XLSX)
