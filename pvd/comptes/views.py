import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import rgpd, services
from .forms import PreferencesForm


def preferences(request):
    """« Mes préférences »: what the signed-in user receives by e-mail, their data, their account."""
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
        "comptes/preferences.html",
        {
            "form": form,
            "page_title": "Mes préférences",
            "breadcrumb_data": {"links": [], "current": "Mes préférences"},
        },
    )


@login_not_required
@require_safe
def donnees_personnelles(request):
    """The public register of personal data (pvd.comptes.rgpd)."""
    return render(
        request,
        "comptes/registre.html",
        {"page_title": "Données personnelles", "traitements": rgpd.register()},
    )


@require_safe
def mes_donnees(request):
    """« Télécharger mes données »: everything that points to the signed-in user, as JSON."""
    content = json.dumps(rgpd.personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    filename = f"mes-donnees-pvd-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
