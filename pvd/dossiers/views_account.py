"""« Fermer mon compte »: a page of comptes (comptes:fermer) that needs the memberships of
dossiers, so it lives here, a layer above (joined to the comptes namespace in config/urls.py)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from pvd.comptes.forms import AccountCloseForm
from pvd.core.forms import apply_validation_error

from .account_closure import account_close, sole_chef_dossiers, sole_chef_message


def account_close_view(request):
    form = AccountCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_close(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            logout(request)
            messages.success(
                request,
                "Votre compte est fermé. Ce que vous avez saisi reste dans les dossiers sous le nom « Compte fermé ».",
            )
            return redirect("core:home")
    blocking = sole_chef_dossiers(request.user)
    return render(
        request,
        "dossiers/account_close.html",
        {
            "form": form,
            "blocking": blocking,
            "blocking_message": sole_chef_message(blocking) if blocking else "",
            "page_title": "Fermer mon compte",
            "breadcrumb_data": {
                "links": [{"url": reverse("comptes:preferences"), "title": "Mes préférences"}],
                "current": "Fermer mon compte",
            },
        },
        status=400 if form.errors else 200,
    )
