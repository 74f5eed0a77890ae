import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe
from django_otp import login as otp_login

from pvd.core.forms import apply_validation_error

from . import double_facteur, oidc, rgpd, services
from .forms import ChangePasswordForm, CodeForm, LoginForm, PreferencesForm


class LoginView(auth_views.LoginView):
    template_name = "comptes/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # The ProConnect button only when the settings name a provider.
        return super().get_context_data(**kwargs) | {
            "page_title": "Connexion",
            "oidc_enabled": settings.PVD_OIDC_ENABLED,
        }


def preferences(request):
    """« Mes préférences »: what the signed-in user receives by e-mail, the account's security, their
    data, their account."""
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
            "double_facteur_actif": double_facteur.has_device(request.user),
            "breadcrumb_data": {"links": [], "current": "Mes préférences"},
        },
    )


def double_facteur_view(request):
    """Set up the two-factor authentication (QR code, secret, a code to confirm), or remove it."""
    user = request.user
    breadcrumb = {
        "links": [{"url": reverse("comptes:preferences"), "title": "Mes préférences"}],
        "current": "Double authentification",
    }
    context = {"page_title": "Double authentification", "breadcrumb_data": breadcrumb}
    if double_facteur.has_device(user):
        form = CodeForm(request.POST or None)
        obligatoire = double_facteur.required_for(request.user)
        if request.method == "POST" and not obligatoire and form.is_valid():
            try:
                services.double_facteur_remove(user=user, code=form.cleaned_data["code"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                request.session[double_facteur.SESSION_KEY] = double_facteur.OK
                messages.success(request, "La double authentification est désactivée pour votre compte.")
                return redirect("comptes:preferences")
        return render(
            request, "comptes/double_facteur_actif.html", context | {"form": form, "obligatoire": obligatoire}
        )

    device = double_facteur.pending_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.double_facteur_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            request.session[double_facteur.SESSION_KEY] = double_facteur.OK
            return render(request, "comptes/double_facteur_codes.html", context | {"codes": codes})
    return render(
        request,
        "comptes/double_facteur_configurer.html",
        context
        | {
            "form": form,
            "qr_svg": double_facteur.qr_svg(device),
            "secret": double_facteur.secret_text(device),
            "obligatoire": double_facteur.required_for(request.user),
        },
    )


def double_facteur_verify(request):
    """The second step of the login: the code of the authenticator application."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    if request.user.is_verified() or not double_facteur.has_device(request.user):
        return redirect(next_url or "dossiers:list")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = double_facteur.matching_device(request.user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", services.WRONG_CODE)
        else:
            otp_login(request, device)
            request.session[double_facteur.SESSION_KEY] = double_facteur.OK
            return redirect(next_url or "dossiers:list")
    return render(
        request,
        "comptes/double_facteur_verifier.html",
        {"form": form, "next": next_url, "page_title": "Vérification en deux étapes"},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password (the validators know the user: PasswordChangeForm passes it)."""

    template_name = "core/form_page.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("comptes:preferences")
    extra_context = {
        "page_title": "Changer mon mot de passe",
        "submit_label": "Changer le mot de passe",
        "cancel_url": reverse_lazy("comptes:preferences"),
    }

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Votre mot de passe est changé.")
        return response


class LogoutView(auth_views.LogoutView):
    """Log out; after a ProConnect login, out of ProConnect too (its end-session address)."""

    def post(self, request, *args, **kwargs):
        provider_logout = oidc.logout_url(request)
        response = super().post(request, *args, **kwargs)
        return redirect(provider_logout) if provider_logout else response


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
