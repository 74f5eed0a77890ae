"""The diagnostic's home page, its texts and its submission to the comité de projet. Each part
(figures, imports, AFOM, références, map, exports) has its own views module."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pvd.core.forms import apply_validation_error, report_validation_error
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import selectors, services
from .forms import DiagnosticForm


def index_url(dossier) -> str:
    return reverse("diagnostic:index", kwargs={"dossier_pk": dossier.pk})


def crumbs(dossier) -> list[dict]:
    return [{"url": index_url(dossier), "title": "Diagnostic"}]


@dossier_view()
def index(request, dossier):
    context = dossier_context(request, dossier, page_title="Diagnostic du territoire", **selectors.overview(dossier))
    return render(request, "diagnostic/index.html", context)


@dossier_view("diagnostic.edit")
def diagnostic_edit(request, dossier):
    diagnostic = selectors.diagnostic_of(dossier)
    form = DiagnosticForm(request.POST or None, instance=diagnostic)
    if request.method == "POST" and form.is_valid():
        try:
            services.diagnostic_update(
                dossier=dossier, by=request.user, expected_version=form.read_version, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le texte du diagnostic a été enregistré.")
            return redirect(index_url(dossier))
    context = dossier_context(
        request,
        dossier,
        page_title="Texte du diagnostic",
        crumbs=crumbs(dossier),
        form=form,
        cancel_url=index_url(dossier),
        submit_label="Enregistrer",
    )
    return render(request, "diagnostic/form.html", context)


@require_POST
@dossier_view("diagnostic.edit")
def diagnostic_submit(request, dossier):
    try:
        services.diagnostic_submit(dossier=dossier, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, "Le diagnostic est soumis au comité de projet : il sera inscrit à une séance.")
    return redirect(index_url(dossier))
