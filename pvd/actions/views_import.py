"""Import of a whole plan: upload → preview with every fault → confirm (all or nothing)."""

import base64

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pvd.core.text import plural
from pvd.dossiers.views_utils import dossier_context, dossier_view

from .forms import ImportForm
from .importer import FORMAT_HELP, ImportRefused, import_plan, parse_workbook, template_xlsx

SESSION_KEY = "actions_import_{}"


@dossier_view("plan.edit")
def import_template(request, dossier):
    response = HttpResponse(
        template_xlsx(dossier), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="modele-plan-action.xlsx"'
    return response


@dossier_view("plan.edit")
def plan_import(request, dossier):
    key = SESSION_KEY.format(dossier.pk)
    form = ImportForm()
    parsed = None
    status = 200
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(key)
        if not stored:
            messages.error(request, "Le fichier à importer n'est plus disponible : déposez-le à nouveau.")
            return redirect("actions:import", dossier_pk=dossier.pk)
        try:
            fiches = import_plan(dossier=dossier, content=base64.b64decode(stored), by=request.user)
        except ImportRefused as refused:
            parsed = refused.parsed
            status = 400
        else:
            del request.session[key]
            messages.success(request, f"{plural(len(fiches), 'fiche action importée', 'fiches action importées')}.")
            return redirect("actions:plan", dossier_pk=dossier.pk)
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            content = form.cleaned_data["fichier"].read()
            parsed = parse_workbook(content, dossier)
            if parsed.ok:
                request.session[key] = base64.b64encode(content).decode()
            else:
                request.session.pop(key, None)
                status = 400
        else:
            status = 400
    response = render(
        request,
        "actions/import.html",
        dossier_context(
            request,
            dossier,
            page_title="Importer un plan d'action",
            crumbs=[{"url": reverse("actions:plan", kwargs={"dossier_pk": dossier.pk}), "title": "Plan d'action"}],
            form=form,
            parsed=parsed,
            format_help=FORMAT_HELP,
        ),
    )
    response.status_code = status
    return response
