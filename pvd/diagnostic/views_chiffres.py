"""The figures of the territory (« Chiffres du territoire »): the list by theme with the
provenance of every number, the comparison with the PVD communes, the charts with their table
alternatives and CSV downloads, and the figures the team types."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pvd.core.forms import apply_validation_error
from pvd.core.views import delete_view
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import charts as charts_module
from . import selectors, services
from .forms import DonneeForm
from .models import Donnee, DonneeOrigine
from .views import crumbs as diagnostic_crumbs


def chiffres_url(dossier) -> str:
    return reverse("diagnostic:chiffres", kwargs={"dossier_pk": dossier.pk})


def _crumbs(dossier) -> list[dict]:
    return [*diagnostic_crumbs(dossier), {"url": chiffres_url(dossier), "title": "Chiffres du territoire"}]


@dossier_view()
def chiffres(request, dossier):
    all_charts = charts_module.charts_for(dossier)
    drawn = [
        {
            "chart": chart,
            "data": charts_module.chart_data(chart),
            "script_id": f"donnees-{chart.key}",
            "rows": charts_module.table_rows(chart),
            "label_header": charts_module.label_header(chart),
            "csv_url": reverse("diagnostic:chart_csv", kwargs={"dossier_pk": dossier.pk, "key": chart.key}),
        }
        for chart in all_charts
        if not chart.is_empty
    ]
    missing = [
        {"title": chart.title, "needs": charts_module.NEEDS.get(chart.key, "")}
        for chart in all_charts
        if chart.is_empty
    ]
    context = dossier_context(
        request,
        dossier,
        page_title="Chiffres du territoire",
        crumbs=diagnostic_crumbs(dossier),
        themes=selectors.donnees_by_theme(dossier),
        positions=selectors.pvd_positions(dossier),
        quartile_method=selectors.QUARTILE_METHOD,
        charts=drawn,
        missing=missing,
        saisie=DonneeOrigine.SAISIE,
    )
    return render(request, "diagnostic/chiffres.html", context)


@dossier_view()
def chart_csv(request, dossier, key):
    chart = next((c for c in charts_module.charts_for(dossier) if c.key == key), None)
    if chart is None or chart.is_empty:
        raise Http404("Aucun graphique de ce nom pour ce dossier.")
    response = HttpResponse(charts_module.chart_csv(chart), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chart.key}.csv"'
    return response


@require_POST
@dossier_view("diagnostic.edit")
def chiffres_sync(request, dossier):
    count = services.reference_figures_sync(dossier=dossier)
    messages.success(request, f"Les chiffres de référence sont à jour ({count} chiffres).")
    return redirect(chiffres_url(dossier))


def _donnee(dossier, pk) -> Donnee:
    return get_object_or_404(Donnee, dossier=dossier, pk=pk, origine=DonneeOrigine.SAISIE)


def _form_page(request, dossier, form, *, title, submit_label):
    context = dossier_context(
        request,
        dossier,
        page_title=title,
        crumbs=_crumbs(dossier),
        form=form,
        cancel_url=chiffres_url(dossier),
        submit_label=submit_label,
    )
    return render(request, "diagnostic/form.html", context)


@dossier_view("diagnostic.edit")
def donnee_create(request, dossier):
    form = DonneeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.donnee_create(dossier=dossier, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le chiffre a été ajouté.")
            return redirect(chiffres_url(dossier))
    return _form_page(request, dossier, form, title="Ajouter un chiffre", submit_label="Ajouter")


@dossier_view("diagnostic.edit")
def donnee_edit(request, dossier, donnee_pk):
    donnee = _donnee(dossier, donnee_pk)
    form = DonneeForm(request.POST or None, instance=donnee)
    if request.method == "POST" and form.is_valid():
        try:
            services.donnee_update(
                donnee=Donnee.objects.get(pk=donnee.pk),
                by=request.user,
                expected_version=form.read_version,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le chiffre a été modifié.")
            return redirect(chiffres_url(dossier))
    return _form_page(request, dossier, form, title="Modifier un chiffre", submit_label="Enregistrer")


@dossier_view("diagnostic.edit")
def donnee_delete(request, dossier, donnee_pk):
    donnee = _donnee(dossier, donnee_pk)
    confirm = lambda: dossier_context(  # noqa: E731 - the page only a GET builds
        request,
        dossier,
        page_title="Supprimer un chiffre",
        crumbs=_crumbs(dossier),
        objet=str(donnee),
        consequence=f"Le chiffre « {donnee} » sera supprimé, ainsi que ses liens avec l'AFOM.",
        cancel_url=chiffres_url(dossier),
    )
    return delete_view(
        request,
        delete=lambda: services.donnee_delete(donnee=donnee, by=request.user),
        message="Le chiffre a été supprimé.",
        done=chiffres_url(dossier),
        confirm=confirm,
    )
