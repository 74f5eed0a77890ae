"""The diagnostic's map: the communes' and the EPCI's outlines and the points and areas of
interest that the team adds (form with latitude/longitude or GeoJSON, map drawing, import),
their table, and their GeoJSON export. Reading: `dossier.view`; writing: `diagnostic.edit`."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from pvd.core.formatting import nombre
from pvd.core.forms import apply_validation_error
from pvd.core.views import delete_view
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import carte, selectors, services
from .forms import PointInteretForm, PointsInteretImportForm
from .models import PointInteret
from .views import crumbs


def carte_url(dossier) -> str:
    return reverse("diagnostic:carte", kwargs={"dossier_pk": dossier.pk})


def map_settings() -> dict:
    return {"tiles_url": settings.PVD_MAP_TILES_URL, "tiles_attribution": settings.PVD_MAP_TILES_ATTRIBUTION}


def _crumbs(dossier) -> list[dict]:
    return [*crumbs(dossier), {"url": carte_url(dossier), "title": "Carte"}]


def _point(dossier, pk) -> PointInteret:
    return get_object_or_404(selectors.points_interet_of(dossier), pk=pk)


@dossier_view()
def carte_page(request, dossier):
    overview = selectors.carte_overview(dossier)
    context = dossier_context(
        request, dossier, page_title="Carte du diagnostic", crumbs=crumbs(dossier), map=map_settings(), **overview
    )
    return render(request, "diagnostic/carte.html", context)


def _form_page(request, dossier, *, title, form, point=None):
    overview = selectors.carte_overview(dossier)
    if point is not None:
        # The point being edited is drawn by the editor, not among the others.
        others = [other for other in overview["points"] if other.pk != point.pk]
        overview["layers"]["points"] = selectors.points_interet_geojson(others)
    context = dossier_context(
        request,
        dossier,
        page_title=title,
        crumbs=_crumbs(dossier),
        form=form,
        cancel_url=carte_url(dossier) + "#points",
        submit_label="Enregistrer",
        map=map_settings(),
        layers=overview["layers"],
        legend=selectors.carte_legend(overview["points"]),
    )
    return render(request, "diagnostic/carte_point_form.html", context)


@dossier_view("diagnostic.edit")
def point_create(request, dossier):
    form = PointInteretForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.point_interet_create(dossier=dossier, by=request.user, **form.point_interet_data())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Le point d'intérêt « {point.nom} » a été ajouté à la carte.")
            return redirect(carte_url(dossier) + "#points")
    return _form_page(request, dossier, title="Nouveau point d'intérêt", form=form)


@dossier_view("diagnostic.edit")
def point_update(request, dossier, pk):
    point = _point(dossier, pk)
    form = PointInteretForm(request.POST or None, versioned=point, initial_for=PointInteretForm.initial_for)
    if request.method == "POST" and form.is_valid():
        try:
            services.point_interet_update(
                point=point, by=request.user, expected_version=form.read_version, **form.point_interet_data()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Le point d'intérêt « {point.nom} » a été modifié.")
            return redirect(carte_url(dossier) + "#points")
    return _form_page(request, dossier, title="Modifier un point d'intérêt", form=form, point=point)


@dossier_view("diagnostic.edit")
def point_delete(request, dossier, pk):
    point = _point(dossier, pk)
    confirm = lambda: dossier_context(  # noqa: E731 - the page only a GET builds
        request,
        dossier,
        page_title="Supprimer un point d'intérêt",
        crumbs=_crumbs(dossier),
        consequence=f"Le point d'intérêt « {point.nom} » ({point.get_kind_display().lower()}) sera retiré de la "
        "carte du diagnostic.",
        cancel_url=carte_url(dossier) + "#points",
    )
    return delete_view(
        request,
        delete=lambda: services.point_interet_delete(point=point, by=request.user),
        message=f"Le point d'intérêt « {point.nom} » a été supprimé.",
        done=carte_url(dossier) + "#points",
        confirm=confirm,
    )


@dossier_view("diagnostic.edit")
def points_import(request, dossier):
    form = PointsInteretImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.points_interet_import(
                dossier=dossier, data=form.cleaned_data["data"], kind=form.cleaned_data["kind"], by=request.user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            count = len(created)
            messages.success(
                request,
                f"{nombre(count)} point{'s' if count > 1 else ''} d'intérêt importé{'s' if count > 1 else ''}.",
            )
            return redirect(carte_url(dossier) + "#points")
    context = dossier_context(
        request,
        dossier,
        page_title="Importer des points d'intérêt",
        crumbs=_crumbs(dossier),
        form=form,
        cancel_url=carte_url(dossier) + "#points",
        submit_label="Importer",
        max_features=carte.IMPORT_MAX_FEATURES,
    )
    return render(request, "diagnostic/carte_import.html", context)


def _geojson_response(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dossier_view()
def points_export(request, dossier):
    data = selectors.points_interet_geojson(selectors.points_interet_of(dossier))
    return _geojson_response(data, f"points-interet-dossier-{dossier.pk}.geojson")


@dossier_view()
def communes_export(request, dossier):
    data = selectors.communes_geojson(dossier.communes.order_by("nom"))
    return _geojson_response(data, f"communes-dossier-{dossier.pk}.geojson")
