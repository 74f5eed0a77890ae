"""The département's and the nation's dashboards (préfecture, ANCT): page and XLSX export."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from pvd.core.forms import BaseForm

from . import exports_national, national


class NationalFilterForm(BaseForm):
    """Région, département, EPCI, phase: the choices are limited to the user's scope, so a
    préfecture cannot ask for another département (an unknown value is an error shown)."""

    region = forms.ModelChoiceField(label="Région", queryset=None, required=False, empty_label="Toutes")
    departement = forms.ModelChoiceField(label="Département", queryset=None, required=False, empty_label="Tous")
    epci = forms.ModelChoiceField(label="EPCI", queryset=None, required=False, empty_label="Tous")
    phase = forms.ChoiceField(label="Phase", required=False)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        message = "Valeur inconnue : choisissez une valeur de la liste."
        for name in ("region", "departement", "epci"):
            self.fields[name].queryset = choices[name + "s"]
            self.fields[name].error_messages["invalid_choice"] = message
        self.fields["departement"].label_from_instance = lambda d: f"{d.code} — {d.nom}"
        self.fields["phase"].choices = [("", "Toutes"), *choices["phases"].items()]
        self.fields["phase"].error_messages["invalid_choice"] = message


def _filtered(request):
    scope = national.scope_for(request.user)
    form = NationalFilterForm(request.GET or None, choices=national.filter_choices(scope))
    if form.is_bound and not form.is_valid():
        # An unknown filter value is an error to show, not a reason to count everything.
        return scope, form, national.dossiers(scope, {}).none()
    return scope, form, national.dossiers(scope, form.cleaned_data if form.is_bound else {})


def tableau(request):
    scope, form, qs = _filtered(request)
    rows, sort = national.table(qs, request.GET.get("tri"))
    page = Paginator(rows, national.PAGE_SIZE).get_page(request.GET.get("page"))
    for dossier in page.object_list:  # the page's rows only (50 at most): labels of their codes
        dossier.phase_label = national.PHASES[dossier.phase]
        dossier.echeance_label = national.ECHEANCE_LABELS[dossier.echeance]
    query = request.GET.copy()
    for name in ("page", "tri"):
        query.pop(name, None)
    title = "Tableau de bord national" if scope.is_national else f"Tableau de bord — {scope.departement.nom}"
    return render(
        request,
        "pilotage/national.html",
        {
            "scope": scope,
            "filter_form": form,
            "figures": national.figures(qs),
            "page_obj": page,
            "dossiers": page.object_list,
            "sort": sort,
            "columns": _columns(query.urlencode(), sort),
            "filter_query": query.urlencode(),
            "inactivite_jours": national.INACTIVITE_JOURS,
            "page_title": title,
            "breadcrumb_data": {"links": [], "current": title},
        },
    )


def tableau_xlsx(request):
    _scope, _form, qs = _filtered(request)
    rows, _sort = national.table(qs, request.GET.get("tri"))
    response = HttpResponse(
        exports_national.dossiers_xlsx(rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="tableau-de-bord-dossiers.xlsx"'
    return response


def _columns(filter_query: str, sort: str) -> list[dict]:
    """Headers of the table with their sort link (ascending first, then descending) and aria-sort."""
    prefix = f"?{filter_query}&tri=" if filter_query else "?tri="
    columns = []
    for key, label in COLUMNS:
        current = sort.lstrip("-") == key
        descending = current and sort.startswith("-")
        columns.append(
            {
                "key": key,
                "label": label,
                "href": prefix + (key if descending or not current else f"-{key}"),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return columns


# (sort key, header) of the table, in order.
COLUMNS = [
    ("nom", "Dossier"),
    ("departement", "Département"),
    ("epci", "EPCI"),
    ("phase", "Phase"),
    ("adhesion", "Adhésion signée le"),
    ("echeance", "Convention-cadre"),
    ("fiches", "Fiches action"),
    ("demande", "Financements demandés"),
    ("accorde", "Financements accordés"),
    ("activite", "Dernière activité"),
]
