"""The national open-data page of the published fiches action and its files (no login)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from . import opendata

PER_PAGE = 50


def _licence_headers(response):
    # Nothing cached: the files follow every save (see pvd.pilotage.opendata).
    response["Link"] = f'<{opendata.LICENCE_URL}>; rel="license"; title="{opendata.LICENCE}"'
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
def opendata_page(request):
    page = Paginator(opendata.published_fiches(), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_title": "Données ouvertes — fiches action publiées",
        "heading": "Fiches action publiées",
        "breadcrumb_data": {"links": [], "current": "Données ouvertes"},
        "page": page,
        "rows": [opendata.row(fiche) for fiche in page.object_list],
        "figures": opendata.figures(),
        "licence": opendata.LICENCE,
        "licence_url": opendata.LICENCE_URL,
        "geojson_url": reverse("pilotage:opendata_geojson"),
        "tiles": {"url": settings.PVD_MAP_TILES_URL, "attribution": settings.PVD_MAP_TILES_ATTRIBUTION},
    }
    return render(request, "pilotage/opendata.html", context)


@login_not_required
def opendata_csv(request):
    response = HttpResponse(opendata.fiches_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{opendata.CSV_NAME}"'
    return _licence_headers(response)


@login_not_required
def opendata_geojson(request):
    source = request.build_absolute_uri(reverse("pilotage:opendata"))
    response = HttpResponse(opendata.geojson_bytes(source), content_type="application/geo+json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{opendata.GEOJSON_NAME}"'
    return _licence_headers(response)
