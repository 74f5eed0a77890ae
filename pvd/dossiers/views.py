from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from pvd.comptes import services as comptes_services
from pvd.comptes.forms import AcceptInvitationForm, PolitiqueSecuriteForm
from pvd.comptes.models import PolitiqueSecurite, User
from pvd.core.formatting import date_fr
from pvd.core.forms import apply_validation_error, report_validation_error, validation_message
from pvd.core.pagination import paginate
from pvd.territoires.forms import NationalOrganisationForm
from pvd.territoires.models import Departement
from pvd.territoires.selectors import national_organisations

from . import perms, selectors, services
from .forms import (
    ECHEANCE_CHOICES,
    ChefInvitationForm,
    DemandeDossierForm,
    DossierFilterForm,
    DossierOpenForm,
    DossierUpdateForm,
    InvitationForm,
    RefusForm,
    RoleForm,
)
from .models import DemandeDossier, Dossier, Invitation, Membre, Role
from .steps import optional_provider
from .views_utils import dossier_context, dossier_view


def dossier_list(request):
    form = DossierFilterForm(request.GET)
    if form.is_valid():
        filters = form.cleaned_data
        dossiers = selectors.dossier_list(user=request.user, filters=filters)
    else:
        # An unknown filter value is an error to show, not a reason to list everything.
        filters = {name: request.GET.get(name, "") for name in form.fields}
        dossiers = Dossier.objects.none()
    # National users see ~1,600 dossiers: the list is paginated.
    page, page_link = paginate(request, dossiers)
    return render(
        request,
        "dossiers/list.html",
        {
            "dossiers": page.object_list,
            "page_obj": page,
            "page_link": page_link,
            "filters": filters,
            "filter_form": form,
            "departements": Departement.objects.order_by("code"),
            "echeances": ECHEANCE_CHOICES,
            "can_open": perms.state_access(request.user).can("dossier.open"),
            "can_pilot": perms.state_access(request.user).can("pilotage.tableau_territorial"),
            "page_title": "Dossiers",
            "breadcrumb_data": {"links": [], "current": "Dossiers"},
        },
    )


def _crumbs(current: str, *links) -> dict:
    return {"links": [{"url": reverse("dossiers:list"), "title": "Dossiers"}, *links], "current": current}


def dossier_create(request):
    """ANCT or the préfecture opens a dossier and invites its chef de projet by e-mail."""
    perms.state_access(request.user).require("dossier.open")
    form = DossierOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.dossier_open(
                nom=form.cleaned_data["nom"],
                communes=form.cleaned_data["communes"],
                epci=form.cleaned_data["epci"],
                chef_email=form.cleaned_data["chef_email"],
                pvd_id=form.cleaned_data["pvd_id"],
                date_entree=form.cleaned_data["date_entree"],
                by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                f"Le dossier est ouvert. Une invitation à en être le chef de projet a été envoyée à "
                f"{form.cleaned_data['chef_email']}.",
            )
            return redirect("dossiers:detail", dossier_pk=dossier.pk)
    return render(
        request,
        "dossiers/create.html",
        {
            "form": form,
            "is_anct": perms.state_role_for(request.user) == perms.ANCT,
            "page_title": "Ouvrir un dossier",
            "breadcrumb_data": _crumbs("Ouvrir un dossier"),
        },
    )


def demandes(request):
    """The requests to open a dossier: those to decide (préfecture, ANCT), and the user's own."""
    decides = perms.state_access(request.user).can("demande.decide")
    return render(
        request,
        "dossiers/demandes.html",
        {
            "decides": decides,
            "a_traiter": selectors.demandes_a_traiter(user=request.user) if decides else [],
            "traitees": selectors.demandes_traitees(user=request.user) if decides else [],
            "mes_demandes": selectors.demandes_of(user=request.user),
            "page_title": "Demandes de dossier",
            "breadcrumb_data": _crumbs("Demandes de dossier"),
        },
    )


def demande_create(request):
    if perms.state_access(request.user).can("dossier.open"):
        messages.info(request, "Agent de l'État, vous ouvrez le dossier directement et invitez son chef de projet.")
        return redirect("dossiers:create")
    form = DemandeDossierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.demande_create(
                commune=form.cleaned_data["commune"],
                message=form.cleaned_data["message"],
                by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                f"Votre demande pour {form.cleaned_data['commune']} est envoyée à la préfecture : "
                "vous recevrez sa réponse par courriel.",
            )
            return redirect("dossiers:demandes")
    return render(
        request,
        "dossiers/demande_form.html",
        {
            "form": form,
            "page_title": "Demander un dossier",
            "breadcrumb_data": _crumbs("Demander un dossier"),
        },
    )


def _demande_to_decide(request, demande_pk):
    """A request of the user's scope (404 otherwise: it does not exist for anybody else)."""
    perms.state_access(request.user).require("demande.decide")
    return get_object_or_404(
        DemandeDossier.objects.decidable_by(request.user).select_related("commune", "demandeur"), pk=demande_pk
    )


@require_POST
def demande_accept(request, demande_pk):
    demande = _demande_to_decide(request, demande_pk)
    try:
        dossier = services.demande_accept(demande=demande, by=request.user, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(
            request,
            f"Demande acceptée : le dossier « {dossier.nom} » est ouvert et {demande.demandeur} en est "
            "le chef de projet.",
        )
    return redirect("dossiers:demandes")


def demande_refuse(request, demande_pk):
    demande = _demande_to_decide(request, demande_pk)
    form = RefusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.demande_refuse(demande=demande, motif=form.cleaned_data["motif_refus"], by=request.user)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Demande refusée : {demande.demandeur} en est informé par courriel.")
            return redirect("dossiers:demandes")
    return render(
        request,
        "dossiers/demande_refuse.html",
        {
            "form": form,
            "demande": demande,
            "page_title": "Refuser la demande",
            "breadcrumb_data": _crumbs(
                "Refuser la demande", {"url": reverse("dossiers:demandes"), "title": "Demandes de dossier"}
            ),
        },
    )


@dossier_view("dossier.view")
def dossier_detail(request, dossier):
    overview = selectors.dossier_overview(dossier, request.access)
    communes = dossier.communes.select_related("departement").order_by("nom")
    # The alerts are computed by the pilotage app, a layer above (`optional_provider`).
    alerts = optional_provider("pvd.pilotage.alerts.home_alerts")
    return render(
        request,
        "dossiers/detail.html",
        dossier_context(
            request,
            dossier,
            page_title=dossier.nom,
            communes=communes,
            chef_designation=selectors.chef_designation(dossier=dossier, user=request.user),
            alertes=alerts(dossier, request.access) if alerts else None,
            **overview,
        ),
    )


@dossier_view("dossier.edit")
def dossier_update(request, dossier):
    form = DossierUpdateForm(
        request.POST or None,
        versioned=dossier,
        initial_for=lambda dossier: {"nom": dossier.nom, "pvd_id": dossier.pvd_id, "date_entree": dossier.date_entree},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_update(dossier=dossier, expected_version=form.read_version, **form.cleaned_data)
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
    return _membres_page(request, dossier, form=form)


def _membres_page(request, dossier, *, form=None, chef_form=None):
    context = dossier_context(
        request,
        dossier,
        page_title="Membres",
        crumbs=[],
        membres=selectors.membres_of(dossier),
        invitations=dossier.invitations.filter(accepted_at__isnull=True),
        form=form or InvitationForm(),
        role_form=RoleForm(),
        chef_designation=selectors.chef_designation(dossier=dossier, user=request.user),
        chef_form=chef_form or ChefInvitationForm(),
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
            report_validation_error(request, error)
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
        report_validation_error(request, error)
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
        report_validation_error(request, error)
    else:
        messages.success(request, f"L'invitation de {invitation.email} est annulée : son lien ne fonctionne plus.")
    return redirect("dossiers:membres", dossier_pk=dossier.pk)


# --- The State designates the chef de projet of a dossier that has none ---------------------


def _require_designate_chef(request, dossier) -> None:
    perms.dossier_state_access(request.user, dossier).require("dossier.designate_chef")


def _chef_invitation(dossier, invitation_pk) -> Invitation:
    """A pending chef de projet invitation of this dossier (404 for any other, a forged one included)."""
    return get_object_or_404(
        Invitation, pk=invitation_pk, dossier=dossier, role=Role.CHEF_DE_PROJET, accepted_at__isnull=True
    )


@require_POST
@dossier_view("dossier.view")
def chef_invite(request, dossier):
    _require_designate_chef(request, dossier)
    form = ChefInvitationForm(request.POST)
    if form.is_valid():
        try:
            services.chef_invitation_create(
                dossier=dossier,
                email=form.cleaned_data["email"],
                by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_validation_error(form, error)
            else:  # a chef has joined meanwhile, or the mail failed: said above the page, the address kept
                report_validation_error(request, error)
        else:
            messages.success(request, f"Invitation à être chef de projet envoyée à {form.cleaned_data['email']}.")
            return redirect(reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk}) + "#chef-de-projet")
    return _membres_page(request, dossier, chef_form=form)


@require_POST
@dossier_view("dossier.view")
def chef_invitation_cancel(request, dossier, invitation_pk):
    _require_designate_chef(request, dossier)
    invitation = _chef_invitation(dossier, invitation_pk)
    try:
        services.chef_invitation_cancel(invitation=invitation, by=request.user)
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(request, f"L'invitation de {invitation.email} est annulée : son lien ne fonctionne plus.")
    return redirect(reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk}) + "#chef-de-projet")


@require_POST
@dossier_view("dossier.view")
def chef_invitation_resend(request, dossier, invitation_pk):
    _require_designate_chef(request, dossier)
    invitation = _chef_invitation(dossier, invitation_pk)
    try:
        new = services.chef_invitation_resend(
            invitation=invitation, by=request.user, base_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        report_validation_error(request, error)
    else:
        messages.success(
            request,
            f"Nouvelle invitation envoyée à {new.email}, valable jusqu'au "
            f"{date_fr(new.expires_at)} ; l'ancien lien ne fonctionne plus.",
        )
    return redirect(reverse("dossiers:membres", kwargs={"dossier_pk": dossier.pk}) + "#chef-de-projet")


# --- Accepting an invitation, in the comptes namespace ----------------------------------------
# The link of the invitation e-mails is /comptes/invitation/<token>/ (« comptes:invitation »); the
# page accepts a dossier's invitation, so it lives here: config/urls.py mounts it there
# (dossiers.urls.comptes_urlpatterns).


@login_not_required
def accept_invitation(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("dossier", "invited_by"), token=token)
    if invitation.accepted_at:
        messages.info(request, "Cette invitation a déjà été acceptée. Connectez-vous pour accéder au dossier.")
        return redirect("comptes:login")
    if invitation.is_expired:
        return render(
            request,
            "comptes/invitation_expired.html",
            {"message": services.invitation_expired_message(invitation), "page_title": "Invitation expirée"},
            status=410,
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if request.user.is_authenticated and request.user.email.lower() != invitation.email.lower():
        messages.error(request, "Cette invitation a été envoyée à une autre adresse électronique.")
        return redirect("dossiers:list")
    if existing and not request.user.is_authenticated:
        messages.info(request, "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation.")
        return redirect(f"{reverse('comptes:login')}?{urlencode({'next': request.path})}")

    form = None if existing else AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            user = services.invitation_accept(
                invitation=invitation, user=existing, **(form.cleaned_data if form else {})
            )
        except ValidationError as error:
            # A double submit (the first request accepted the invitation in the meantime) or a
            # link that expired while the form was open.
            messages.info(request, validation_message(error))
            if request.user.is_authenticated:
                return redirect("dossiers:detail", dossier_pk=invitation.dossier_id)
            return redirect("comptes:login")
        if not request.user.is_authenticated:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Vous avez rejoint le dossier {invitation.dossier}.")
        return redirect("dossiers:detail", dossier_pk=invitation.dossier_id)
    return render(
        request,
        "comptes/invitation.html",
        {"invitation": invitation, "form": form, "page_title": "Invitation"},
    )


# --- The national list of organisations (ANCT), in the territoires namespace ----------------
# These pages ask the permission table (a layer above territoires): config/urls.py mounts them
# at /territoires/organisations/ as « territoires:organisations » (dossiers.urls.territoires_urlpatterns).


def organisations_view(request):
    """ANCT's list of national bodies, offered to every dossier, and the form to add one."""
    perms.national_access_for(request.user).require("organisations.curate")
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
    perms.national_access_for(request.user).require("organisations.curate")
    organisation = get_object_or_404(national_organisations(), pk=pk)
    form = NationalOrganisationForm(
        request.POST or None,
        versioned=organisation,
        initial_for=lambda organisation: {
            "nom": organisation.nom,
            "kind": organisation.kind,
            "siren": organisation.siren,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_national_update(
                organisation=organisation, by=request.user, expected_version=form.read_version, **form.cleaned_data
            )
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


# --- The accounts' security policy (ANCT), in the comptes namespace ---------------------------


def politique_securite_view(request):
    """ANCT makes two-factor authentication compulsory for the State's accounts and for chefs de projet."""
    perms.national_access_for(request.user).require("securite.politique")
    politique = PolitiqueSecurite.load()
    initial = {
        "double_facteur_etat": politique.double_facteur_etat,
        "double_facteur_chefs": politique.double_facteur_chefs,
    }
    # An unticked box sends nothing: an empty POST is still a submitted form.
    form = PolitiqueSecuriteForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        comptes_services.politique_securite_update(by=request.user, **form.cleaned_data)
        messages.success(
            request, "La politique de sécurité est enregistrée : elle s'applique à la prochaine connexion de chacun."
        )
        return redirect("comptes:politique_securite")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "page_title": "Sécurité des comptes",
            "intro": "La double authentification (code à usage unique d'une application d'authentification) "
            "peut être rendue obligatoire : les comptes concernés devront la configurer à leur prochaine connexion.",
            "breadcrumb_data": {"links": [], "current": "Sécurité des comptes"},
        },
    )
