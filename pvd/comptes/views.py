from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from pvd.dossiers import services as dossier_services
from pvd.dossiers.models import Invitation

from .forms import AcceptInvitationForm
from .models import User


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
            {"message": dossier_services.invitation_expired_message(invitation), "page_title": "Invitation expirée"},
            status=410,
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if request.user.is_authenticated and request.user.email.lower() != invitation.email.lower():
        messages.error(request, "Cette invitation a été envoyée à une autre adresse électronique.")
        return redirect("dossiers:list")
    if existing and not request.user.is_authenticated:
        messages.info(request, "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation.")
        return redirect(f"{reverse('comptes:login')}?{urlencode({'next': request.path})}")

    form = None if existing else AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            user = dossier_services.invitation_accept(
                invitation=invitation, user=existing, **(form.cleaned_data if form else {})
            )
        except ValidationError as error:
            # A double submit (the first request accepted the invitation in the meantime) or a
            # link that expired while the form was open.
            messages.info(request, " ".join(error.messages))
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
