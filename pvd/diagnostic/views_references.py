"""Documents de planification, études and initiatives structurantes of the diagnostic: their
page, forms, deletions, and the plans' files (downloaded only through an access check)."""

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from pvd.core.downloads import protected_download
from pvd.core.forms import apply_validation_error
from pvd.core.views import delete_view
from pvd.dossiers.views_utils import dossier_context, dossier_view

from . import selectors, services
from .forms import EtudeForm, InitiativeForm, PlanForm
from .models import DocumentPlanification, Etude, Initiative
from .views import crumbs

VIEW, EDIT = "dossier.view", "diagnostic.edit"


def references_url(dossier, anchor: str = "") -> str:
    url = reverse("diagnostic:references", kwargs={"dossier_pk": dossier.pk})
    return f"{url}#{anchor}" if anchor else url


def _crumbs(dossier) -> list[dict]:
    return [*crumbs(dossier), {"url": references_url(dossier), "title": "Planification, études, initiatives"}]


def _form_page(request, dossier, *, title, form, cancel_url, submit_label="Enregistrer"):
    context = dossier_context(
        request,
        dossier,
        page_title=title,
        crumbs=_crumbs(dossier),
        form=form,
        cancel_url=cancel_url,
        submit_label=submit_label,
    )
    return render(request, "diagnostic/references_form.html", context, status=400 if form.errors else 200)


def _confirm(request, dossier, *, title, consequence, anchor):
    return lambda: dossier_context(
        request,
        dossier,
        page_title=title,
        crumbs=_crumbs(dossier),
        consequence=consequence,
        cancel_url=references_url(dossier, anchor),
    )


@dossier_view(VIEW)
def references(request, dossier):
    context = dossier_context(
        request,
        dossier,
        page_title="Documents de planification, études et initiatives",
        crumbs=crumbs(dossier),
        **selectors.references(dossier, request.access),
    )
    return render(request, "diagnostic/references.html", context)


# --- Documents de planification ------------------------------------------------------------


def _plan(dossier, pk) -> DocumentPlanification:
    return get_object_or_404(DocumentPlanification.objects.filter(dossier=dossier), pk=pk)


def _save_form(request, dossier, form, *, save, done, message, title, cancel, submit_label="Enregistrer"):
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, message(saved))
            return redirect(done(saved))
    return _form_page(request, dossier, title=title, form=form, cancel_url=cancel, submit_label=submit_label)


@dossier_view(EDIT)
def plan_create(request, dossier):
    form = PlanForm(request.POST or None, request.FILES or None)
    return _save_form(
        request,
        dossier,
        form,
        save=lambda data: services.plan_create(dossier=dossier, by=request.user, **data),
        done=lambda plan: references_url(dossier, f"plan-{plan.pk}"),
        message=lambda plan: f"Le document de planification « {plan.nom} » est ajouté.",
        title="Ajouter un document de planification",
        cancel=references_url(dossier, "plans"),
        submit_label="Ajouter",
    )


@dossier_view(EDIT)
def plan_update(request, dossier, pk):
    plan = _plan(dossier, pk)
    form = PlanForm(request.POST or None, request.FILES or None, instance=plan)
    return _save_form(
        request,
        dossier,
        form,
        save=lambda data: services.plan_update(plan=plan, by=request.user, expected_version=form.read_version, **data),
        done=lambda plan: references_url(dossier, f"plan-{plan.pk}"),
        message=lambda plan: f"Le document de planification « {plan.nom} » est modifié.",
        title=f"Modifier « {plan.nom} »",
        cancel=references_url(dossier, f"plan-{plan.pk}"),
    )


@dossier_view(EDIT)
def plan_delete(request, dossier, pk):
    plan = _plan(dossier, pk)
    fichier = " et son fichier" if plan.file else ""
    return delete_view(
        request,
        delete=lambda: services.plan_delete(plan=plan, by=request.user),
        message=f"Le document de planification « {plan.nom} » est supprimé.",
        done=references_url(dossier, "plans"),
        confirm=_confirm(
            request,
            dossier,
            title="Supprimer un document de planification",
            consequence=f"Le document de planification « {plan.nom} »{fichier} sera supprimé définitivement.",
            anchor=f"plan-{plan.pk}",
        ),
    )


@dossier_view(VIEW)
def plan_download(request, dossier, pk):
    """A plan's file, streamed only to who may read the dossier (never a public media URL)."""
    plan = _plan(dossier, pk)
    if not plan.file:
        raise Http404("Ce document de planification n'a pas de fichier.")
    return protected_download(plan.file, filename=os.path.basename(plan.file.name))


# --- Études ----------------------------------------------------------------------------------


def _etude(dossier, pk) -> Etude:
    return get_object_or_404(Etude.objects.filter(dossier=dossier), pk=pk)


@dossier_view(EDIT)
def etude_create(request, dossier):
    form = EtudeForm(
        request.POST or None, request.FILES or None, livrables=selectors.livrables_for(dossier, request.access)
    )
    return _save_form(
        request,
        dossier,
        form,
        save=lambda data: services.etude_create(dossier=dossier, by=request.user, **data),
        done=lambda etude: references_url(dossier, f"etude-{etude.pk}"),
        message=lambda etude: f"L'étude « {etude.objet} » est ajoutée.",
        title="Ajouter une étude",
        cancel=references_url(dossier, "etudes"),
        submit_label="Ajouter",
    )


@dossier_view(EDIT)
def etude_update(request, dossier, pk):
    etude = _etude(dossier, pk)
    form = EtudeForm(
        request.POST or None,
        request.FILES or None,
        instance=etude,
        livrables=selectors.livrables_for(dossier, request.access),
    )
    return _save_form(
        request,
        dossier,
        form,
        save=lambda data: services.etude_update(
            etude=etude, by=request.user, expected_version=form.read_version, **data
        ),
        done=lambda etude: references_url(dossier, f"etude-{etude.pk}"),
        message=lambda etude: f"L'étude « {etude.objet} » est modifiée.",
        title=f"Modifier l'étude « {etude.objet} »",
        cancel=references_url(dossier, f"etude-{etude.pk}"),
    )


@dossier_view(EDIT)
def etude_delete(request, dossier, pk):
    etude = _etude(dossier, pk)
    livrable = " Son livrable reste dans les documents du dossier." if etude.livrable_id else ""
    return delete_view(
        request,
        delete=lambda: services.etude_delete(etude=etude, by=request.user),
        message=f"L'étude « {etude.objet} » est supprimée.",
        done=references_url(dossier, "etudes"),
        confirm=_confirm(
            request,
            dossier,
            title="Supprimer une étude",
            consequence=f"L'étude « {etude.objet} » sera supprimée définitivement.{livrable}",
            anchor=f"etude-{etude.pk}",
        ),
    )


# --- Initiatives structurantes ---------------------------------------------------------------


def _initiative(dossier, pk) -> Initiative:
    return get_object_or_404(Initiative.objects.filter(dossier=dossier), pk=pk)


@dossier_view(EDIT)
def initiative_create(request, dossier):
    form = InitiativeForm(request.POST or None)
    return _save_form(
        request,
        dossier,
        form,
        save=lambda data: services.initiative_create(dossier=dossier, by=request.user, **data),
        done=lambda initiative: references_url(dossier, f"initiative-{initiative.pk}"),
        message=lambda initiative: f"L'initiative « {initiative.nom} » est ajoutée.",
        title="Ajouter une initiative structurante",
        cancel=references_url(dossier, "initiatives"),
        submit_label="Ajouter",
    )


@dossier_view(EDIT)
def initiative_update(request, dossier, pk):
    initiative = _initiative(dossier, pk)
    form = InitiativeForm(request.POST or None, instance=initiative)
    return _save_form(
        request,
        dossier,
        form,
        save=lambda data: services.initiative_update(
            initiative=initiative, by=request.user, expected_version=form.read_version, **data
        ),
        done=lambda initiative: references_url(dossier, f"initiative-{initiative.pk}"),
        message=lambda initiative: f"L'initiative « {initiative.nom} » est modifiée.",
        title=f"Modifier l'initiative « {initiative.nom} »",
        cancel=references_url(dossier, f"initiative-{initiative.pk}"),
    )


@dossier_view(EDIT)
def initiative_delete(request, dossier, pk):
    initiative = _initiative(dossier, pk)
    return delete_view(
        request,
        delete=lambda: services.initiative_delete(initiative=initiative, by=request.user),
        message=f"L'initiative « {initiative.nom} » est supprimée.",
        done=references_url(dossier, "initiatives"),
        confirm=_confirm(
            request,
            dossier,
            title="Supprimer une initiative structurante",
            consequence=f"L'initiative « {initiative.nom} » sera supprimée définitivement.",
            anchor=f"initiative-{initiative.pk}",
        ),
    )
