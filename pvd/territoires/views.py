from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pvd.dossiers.perms import national_access_for
from pvd.dossiers.views import apply_validation_error

from . import services
from .forms import NationalOrganisationForm
from .selectors import commune_search, epci_search, national_organisations

MIN_QUERY = 2


@require_GET
def commune_search_view(request):
    """HTML fragment of the communes matching ?q= (for the territory picker)."""
    query = request.GET.get("q", "").strip()
    searched = len(query) >= MIN_QUERY
    communes = commune_search(query) if searched else []
    return render(
        request, "territoires/commune_results.html", {"communes": communes, "query": query if searched else ""}
    )


@require_GET
def epci_search_view(request):
    """HTML fragment of the EPCI matching ?q= (for the territory picker)."""
    query = request.GET.get("q", "").strip()
    searched = len(query) >= MIN_QUERY
    epcis = epci_search(query) if searched else []
    return render(request, "territoires/epci_results.html", {"epcis": epcis, "query": query if searched else ""})


# --- The national list of organisations (ANCT) ------------------------------------------------


def organisations_view(request):
    """ANCT's list of national bodies, offered to every dossier, and the form to add one."""
    national_access_for(request.user).require("organisations.curate")
    form = NationalOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_national_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"« {organisation.nom} » est ajoutée à la liste nationale.")
            return redirect("territoires:organisations")
    context = {
        "page_title": "Organismes nationaux",
        "organisations": national_organisations().order_by("nom"),
        "form": form,
    }
    return render(request, "territoires/organisations.html", context)


def organisation_update_view(request, pk):
    national_access_for(request.user).require("organisations.curate")
    organisation = get_object_or_404(national_organisations(), pk=pk)
    initial = {"nom": organisation.nom, "type": organisation.type, "siren": organisation.siren}
    form = NationalOrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_national_update(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "L'organisation a été modifiée.")
            return redirect("territoires:organisations")
    context = {
        "page_title": f"Modifier « {organisation.nom} »",
        "form": form,
        "cancel_url": reverse("territoires:organisations"),
    }
    return render(request, "core/form_page.html", context)
