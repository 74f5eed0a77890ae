"""The State gives its opinion on a fiche action or a convention (pvd.pilotage.avis)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from pvd.actions.models import FicheAction
from pvd.conventions.models import Convention
from pvd.core.forms import apply_validation_error
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import avis as services
from .forms_avis import AvisForm


def _target(dossier, access, kind, pk):
    """The fiche (among those `access` sees: never a confidential one for the State) or the convention."""
    if kind == "fiche":
        return get_object_or_404(FicheAction.objects.visible_to(access).filter(dossier=dossier), pk=pk)
    if kind == "convention":
        return get_object_or_404(Convention.objects.filter(dossier=dossier), pk=pk)
    raise Http404


@dossier_view("avis.give")
def avis_create(request, dossier, kind, pk):
    target = _target(dossier, request.access, kind, pk)
    form = AvisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.avis_create(
                dossier=dossier,
                user=request.user,
                access=request.access,
                fiche=target if kind == "fiche" else None,
                convention=target if kind == "convention" else None,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "L'avis de l'État est enregistré.")
            return redirect(services.target_url(target))
    back = services.target_url(target)
    crumb = {"url": back.removesuffix("#avis"), "title": str(target)}
    context = dossier_context(
        request,
        dossier,
        page_title=f"Avis de l'État — {target}",
        crumbs=[crumb],
        form=form,
        submit_label="Enregistrer l'avis",
        cancel_url=back,
        target=target,
        emetteur=services.emetteur_label(request.user, request.access),
    )
    return render(request, "pilotage/avis_form.html", context, status=400 if form.is_bound else 200)
