from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pvd.conventions.deadline import FILTER_CHOICES
from pvd.territoires.models import Departement

from . import selectors, services
from .forms import DossierCreateForm, DossierUpdateForm, InvitationForm, RoleForm
from .models import Invitation, Membre
from .views_utils import dossier_context, dossier_view


def apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form that triggered it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def dossier_list(request):
    echeance = request.GET.get("echeance", "")
    filters = {
        "q": request.GET.get("q", "").strip(),
        "departement": request.GET.get("departement", ""),
        "echeance": echeance if echeance in dict(FILTER_CHOICES) else "",
    }
    # National users see ~1,600 dossiers: the list is paginated.
    page = Paginator(selectors.dossier_list(user=request.user, filters=filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dossiers/list.html",
        {
            "dossiers": page.object_list,
            "page_obj": page,
            "query_string": query.urlencode(),
            "filters": filters,
            "departements": Departement.objects.order_by("code"),
            "echeances": FILTER_CHOICES,
            "page_title": "Dossiers",
            "breadcrumb_data": {"links": [], "current": "Dossiers"},
        },
    )


def dossier_create(request):
    form = DossierCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.dossier_create(
                nom=form.cleaned_data["nom"],
                communes=form.cleaned_data["communes"],
                epci=form.cleaned_data["epci"],
                pvd_id=form.cleaned_data["pvd_id"],
                date_entree=form.cleaned_data["date_entree"],
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le dossier a été créé. Vous en êtes le chef de projet.")
            return redirect("dossiers:detail", dossier_pk=dossier.pk)
    return render(
        request,
        "dossiers/create.html",
        {
            "form": form,
            "page_title": "Nouveau dossier",
            "breadcrumb_data": {
                "links": [{"url": reverse("dossiers:list"), "title": "Dossiers"}],
                "current": "Nouveau dossier",
            },
        },
    )


@dossier_view("dossier.view")
def dossier_detail(request, dossier):
    overview = selectors.dossier_overview(dossier, request.access)
    communes = dossier.communes.select_related("departement").order_by("nom")
    return render(
        request,
        "dossiers/detail.html",
        dossier_context(request, dossier, page_title=dossier.nom, communes=communes, **overview),
    )


@dossier_view("dossier.edit")
def dossier_update(request, dossier):
    form = DossierUpdateForm(
        request.POST or None,
        initial={"nom": dossier.nom, "pvd_id": dossier.pvd_id, "date_entree": dossier.date_entree},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_update(dossier=dossier, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Le dossier a été modifié.")
            return redirect("dossiers:detail", dossier_pk=dossier.pk)
    context = dossier_context(request, dossier, page_title="Modifier le dossier", crumbs=[], form=form)
    context["cancel_url"] = reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})
    return render(request, "dossiers/form.html", context)


@dossier_view("dossier.view")
def membres(request, dossier):
    form = InvitationForm()
    if request.method == "POST":
        request.access.require("membres.manage")
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                services.invitation_create(
                    dossier=dossier,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Invitation envoyée à {form.cleaned_data['email']}.")
                return redirect("dossiers:membres", dossier_pk=dossier.pk)
    context = dossier_context(
        request,
        dossier,
        page_title="Membres",
        crumbs=[],
        membres=selectors.membres_of(dossier),
        invitations=dossier.invitations.filter(accepted_at__isnull=True),
        form=form,
        role_form=RoleForm(),
    )
    return render(request, "dossiers/membres.html", context)


@require_POST
@dossier_view("membres.manage")
def membre_role(request, dossier, membre_pk):
    membre = get_object_or_404(Membre.objects.select_related("user", "dossier"), pk=membre_pk, dossier=dossier)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membre_set_role(membre=membre, role=form.cleaned_data["role"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Rôle de {membre.user} : {membre.get_role_display()}.")
    else:
        messages.error(request, "Rôle inconnu.")
    return redirect("dossiers:membres", dossier_pk=dossier.pk)


@require_POST
@dossier_view("membres.manage")
def membre_remove(request, dossier, membre_pk):
    membre = get_object_or_404(Membre.objects.select_related("user", "dossier"), pk=membre_pk, dossier=dossier)
    try:
        services.membre_remove(membre=membre, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Membre retiré du dossier : {membre.user}.")
    return redirect("dossiers:membres", dossier_pk=dossier.pk)


@require_POST
@dossier_view("membres.manage")
def invitation_cancel(request, dossier, invitation_pk):
    invitation = get_object_or_404(Invitation, pk=invitation_pk, dossier=dossier, accepted_at__isnull=True)
    try:
        services.invitation_cancel(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"L'invitation de {invitation.email} est annulée : son lien ne fonctionne plus.")
    return redirect("dossiers:membres", dossier_pk=dossier.pk)
