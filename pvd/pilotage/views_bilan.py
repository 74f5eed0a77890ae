"""The évaluation pages of a dossier: the list of its bilans annuels, a year's bilan (its
figures, the chef's assessment, the quarterly progress, the downloads, the submission to the
comité de projet), the assessment's form. Every viewer reads and downloads the bilan; only the
chef de projet writes and submits it (`bilan.edit`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pvd.core.forms import apply_validation_error, report_validation_error
from pvd.diagnostic.charts import chart_data, table_rows
from pvd.dossiers.views_utils import dossier_context, dossier_view
from pvd.gouvernance.selectors import may_submit

from . import bilan as bilans
from . import bilan_documents, snapshots
from .forms_bilan import BilanForm
from .models_bilan import BilanAnnuel, InstantaneTrimestriel

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def list_url(dossier) -> str:
    return reverse("pilotage:bilans", kwargs={"dossier_pk": dossier.pk})


def detail_url(dossier, annee: int) -> str:
    return reverse("pilotage:bilan", kwargs={"dossier_pk": dossier.pk, "annee": annee})


def _annee(annee: int) -> int:
    if annee not in bilans.annees_possibles():
        raise Http404("Aucun bilan pour cette année.")
    return annee


def _bilan(dossier, annee: int) -> BilanAnnuel | None:
    return BilanAnnuel.objects.filter(dossier=dossier, annee=_annee(annee)).first()


@dossier_view()
def bilan_list(request, dossier):
    written = {b.annee: b for b in BilanAnnuel.objects.filter(dossier=dossier)}
    annees = [{"annee": annee, "bilan": written.get(annee)} for annee in bilans.annees_possibles()]
    rows = snapshots.instantanes_rows(InstantaneTrimestriel.objects.filter(dossier=dossier).order_by("trimestre"))
    context = dossier_context(request, dossier, page_title="Évaluation", crumbs=[], annees=annees, **_progress(rows))
    return render(request, "pilotage/bilan_list.html", context)


def _progress(rows) -> dict:
    """The quarterly snapshots as a table and two charts with their table alternative."""
    charts = (
        [
            {
                "chart": chart,
                "data": chart_data(chart),
                "script_id": f"donnees-{chart.key}",
                "rows": table_rows(chart),
                "label_header": "Trimestre",
            }
            for chart in snapshots.progress_charts(rows)
        ]
        if rows
        else []
    )
    return {"instantanes": rows, "charts": charts}


@dossier_view()
def bilan_detail(request, dossier, annee):
    bilan = _bilan(dossier, annee)
    content = bilans.bilan_content(dossier, annee, bilan)
    context = dossier_context(
        request,
        dossier,
        page_title=f"Bilan annuel {annee}",
        crumbs=[{"url": list_url(dossier), "title": "Évaluation"}],
        can_submit=bilan is not None and may_submit(request.access, bilan, content["validation"]),
    )
    context.update(content, **_progress(content["instantanes"]))
    return render(request, "pilotage/bilan.html", context)


@dossier_view("bilan.edit")
def bilan_edit(request, dossier, annee):
    # Not written yet: version 0, refused if someone writes it meanwhile (pvd.core.concurrency).
    unsaved = BilanAnnuel(dossier=dossier, annee=annee, version=0)
    bilan = _bilan(dossier, annee) or unsaved
    form = BilanForm(
        request.POST or None, instance=bilan, versioned=bilan, refetch=lambda: _bilan(dossier, annee) or unsaved
    )
    if request.method == "POST" and form.is_valid():
        try:
            bilans.bilan_save(
                dossier=dossier,
                annee=annee,
                appreciation=form.cleaned_data["appreciation"],
                by=request.user,
                expected_version=form.read_version,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"L'appréciation du bilan {annee} a été enregistrée.")
            return redirect(detail_url(dossier, annee))
    context = dossier_context(
        request,
        dossier,
        page_title=f"Appréciation du bilan annuel {annee}",
        crumbs=[
            {"url": list_url(dossier), "title": "Évaluation"},
            {"url": detail_url(dossier, annee), "title": f"Bilan annuel {annee}"},
        ],
        form=form,
        annee=annee,
        cancel_url=detail_url(dossier, annee),
    )
    return render(request, "pilotage/bilan_form.html", context)


@require_POST
@dossier_view("bilan.edit")
def bilan_submit(request, dossier, annee):
    bilan = _bilan(dossier, annee)
    try:
        if bilan is None:
            raise ValidationError("Rédigez l'appréciation du bilan avant de le soumettre au comité de projet.")
        bilans.bilan_submit(bilan=bilan, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, f"Le bilan {annee} est soumis au comité de projet : il sera inscrit à une séance.")
    return redirect(detail_url(dossier, annee))


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dossier_view()
def bilan_pdf(request, dossier, annee):
    content = bilans.bilan_content(dossier, annee, _bilan(dossier, annee))
    return _download(bilan_documents.bilan_pdf(content), f"bilan-{annee}-{dossier.pk}.pdf", "application/pdf")


@dossier_view()
def bilan_docx(request, dossier, annee):
    content = bilans.bilan_content(dossier, annee, _bilan(dossier, annee))
    return _download(bilan_documents.bilan_docx(content), f"bilan-{annee}-{dossier.pk}.docx", DOCX)
