"""The dossier's journal (who changed what, when) and its bin (corbeille)."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pvd.core import formatting
from pvd.core.csv_export import csv_cell
from pvd.core.forms import report_validation_error
from pvd.core.pagination import paginate, without_page
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import selectors, services
from .forms import JournalFilterForm

PAGE_SIZE = 50


def _journal_csv(entries) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Date", "Personne", "Action", "Type", "Élément", "Champ", "Avant", "Après", "Motif"])
    for entry in entries:
        who = str(entry.user) if entry.user else "—"
        base = [formatting.date_longue(entry.date, heure=True), who, entry.action, entry.kind, entry.label]
        for change in entry.changes or [None]:
            detail = [change.label, change.before, change.after] if change else ["", "", ""]
            writer.writerow([csv_cell(value) for value in [*base, *detail, entry.reason]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dossier_view("journal.view")
def journal(request, dossier):
    form = JournalFilterForm(request.GET or None, people=selectors.journal_people(dossier))
    valid = form.is_valid() if request.GET else True
    filters = form.cleaned_data if request.GET and valid else {}
    rows = selectors.journal_rows(dossier, filters) if valid else []
    if request.GET.get("format") == "csv" and valid:
        content = _journal_csv(selectors.journal_entries(list(rows)))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="journal-{dossier.pk}.csv"'
        return response
    page, page_link = paginate(request, rows, PAGE_SIZE)
    return render(
        request,
        "journal/journal.html",
        dossier_context(
            request,
            dossier,
            page_title="Journal",
            crumbs=[],
            form=form,
            entries=selectors.journal_entries(list(page.object_list)),
            page_obj=page,
            page_link=page_link,
            query_string=without_page(request),
        ),
    )


@dossier_view("corbeille.restore")
def corbeille(request, dossier):
    page, page_link = paginate(request, selectors.corbeille_entries(dossier), PAGE_SIZE)
    return render(
        request,
        "journal/corbeille.html",
        dossier_context(
            request,
            dossier,
            page_title="Corbeille",
            crumbs=[],
            entries=page.object_list,
            page_obj=page,
            page_link=page_link,
            retention=settings.PVD_CORBEILLE_JOURS,
        ),
    )


@require_POST
@dossier_view("corbeille.restore")
def corbeille_restore(request, dossier, pk):
    entry = get_object_or_404(selectors.corbeille_entries(dossier), pk=pk)
    try:
        services.corbeille_restore(entry=entry, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, f"« {entry.label} » a été restauré.")
    return redirect(reverse("journal:corbeille", kwargs={"dossier_pk": dossier.pk}))
