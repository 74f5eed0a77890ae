from django.contrib import messages
from django.shortcuts import redirect, render

from . import services
from .forms import PreferencesForm


def preferences(request):
    """« Mes préférences »: what the signed-in user receives by e-mail."""
    # An unticked box sends nothing: an empty POST is still a submitted form.
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, initial={"digest_hebdo": request.user.digest_hebdo})
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=request.user, digest_hebdo=form.cleaned_data["digest_hebdo"])
        if form.cleaned_data["digest_hebdo"]:
            messages.success(request, "Vous recevrez le récapitulatif hebdomadaire des alertes.")
        else:
            messages.success(request, "Vous ne recevrez plus le récapitulatif hebdomadaire des alertes.")
        return redirect("comptes:preferences")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "page_title": "Mes préférences",
            "intro": f"Compte {request.user.email}.",
            "breadcrumb_data": {"links": [], "current": "Mes préférences"},
        },
    )
