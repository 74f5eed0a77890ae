"""The money of a fiche over time: marking a financing line paid (the team) and the State's
decision on a line it instructs (préfecture of the dossier's département, ANCT)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from pvd.core.forms import apply_validation_error
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import services
from .forms import DecisionEtatForm, VersementForm
from .models import LigneFinancement
from .views import _fiche, _fiche_url, _plan_crumb


def _ligne(request, dossier, fiche_pk, ligne_pk):
    fiche = _fiche(request, dossier, fiche_pk)
    ligne = get_object_or_404(
        LigneFinancement.objects.filter(fiche=fiche).select_related("financeur", "decision_etat_par"), pk=ligne_pk
    )
    return fiche, ligne


def _ligne_page(request, dossier, fiche, ligne, *, form, save, title, saved):
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, saved)
            return redirect(_fiche_url(fiche) + "#financement")
    return render(
        request,
        "actions/argent_ligne_form.html",
        dossier_context(
            request,
            dossier,
            page_title=title,
            crumbs=[_plan_crumb(dossier), {"url": _fiche_url(fiche), "title": f"Fiche n° {fiche.numero}"}],
            fiche=fiche,
            ligne=ligne,
            form=form,
            cancel_url=_fiche_url(fiche) + "#financement",
        ),
        status=400 if form.is_bound else 200,
    )


@dossier_view("plan.edit")
def ligne_verser(request, dossier, fiche_pk, ligne_pk):
    """Mark an accordé line paid: the amount received (at most the amount granted) and its date."""
    fiche, ligne = _ligne(request, dossier, fiche_pk, ligne_pk)
    initial = {"montant_verse": ligne.montant_verse or ligne.montant, "date_versement": ligne.date_versement}
    return _ligne_page(
        request,
        dossier,
        fiche,
        ligne,
        form=VersementForm(request.POST or None, initial=initial),
        save=lambda form: services.ligne_financement_verser(ligne=ligne, by=request.user, **form.cleaned_data),
        title=f"Versement d'une ligne de financement de la fiche n° {fiche.numero}",
        saved="Le versement a été enregistré.",
    )


@dossier_view("financement.decide")
def ligne_decision(request, dossier, fiche_pk, ligne_pk):
    """The State's decision (accordé or refusé, amount, date) on a DETR, DSIL or Fonds vert line."""
    fiche, ligne = _ligne(request, dossier, fiche_pk, ligne_pk)
    initial = {"statut": ligne.statut if ligne.statut != "sollicite" else "accorde", "montant": ligne.montant}
    initial["date_decision"] = ligne.date_decision
    return _ligne_page(
        request,
        dossier,
        fiche,
        ligne,
        form=DecisionEtatForm(request.POST or None, initial=initial),
        save=lambda form: services.ligne_financement_decider(
            ligne=ligne, by=request.user, access=request.access, **form.cleaned_data
        ),
        title=f"Décision de l'État sur une ligne de la fiche n° {fiche.numero}",
        saved="La décision de l'État a été enregistrée.",
    )
