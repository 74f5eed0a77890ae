"""OpenID Connect login (mozilla-django-oidc), set up for ProConnect, the State's single sign-on.

Off unless the settings name the provider's endpoints and the client (PVD_OIDC_ENABLED). An
identity is matched by its e-mail address to an existing active account: accounts are created
by invitation, never by a first login.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils.crypto import get_random_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

UNKNOWN_ACCOUNT = (
    "Aucun compte actif de la plateforme n'est associé à l'adresse {email}. Les comptes sont créés sur "
    "invitation : demandez au chef de projet de votre dossier (ou à votre préfecture) de vous inviter."
)
FAILED = "La connexion avec ProConnect a échoué. Réessayez, ou connectez-vous avec votre mot de passe."


class ProConnectBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def get_userinfo(self, access_token, id_token, payload):
        userinfo = super().get_userinfo(access_token, id_token, payload)
        # Read by the callback view when no account matches (the reason shown on the login page).
        self.request.oidc_refus = UNKNOWN_ACCOUNT.format(email=userinfo.get("email") or "transmise")
        return userinfo

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            self.request.oidc_refus = None
        return user


def _enabled_only(view):
    def wrapped(request, *args, **kwargs):
        if not settings.PVD_OIDC_ENABLED:
            raise Http404("La connexion par ProConnect n'est pas activée.")
        return view(request, *args, **kwargs)

    return wrapped


class AuthenticateView(OIDCAuthenticationRequestView):
    pass


class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation:
            # A state that this session did not ask for, a nonce or signature that does not match.
            return self.login_failure()

    def login_failure(self):
        messages.error(self.request, getattr(self.request, "oidc_refus", None) or FAILED)
        return super().login_failure()


authenticate_view = _enabled_only(AuthenticateView.as_view())
callback_view = _enabled_only(CallbackView.as_view())


def logout_url(request) -> str:
    """ProConnect's end-session address (with the id_token of the login), or "" when there is none."""
    id_token = request.session.get("oidc_id_token")
    if not (settings.PVD_OIDC_ENABLED and settings.OIDC_OP_LOGOUT_ENDPOINT and id_token):
        return ""
    params = {
        "id_token_hint": id_token,
        "state": get_random_string(32),
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
    }
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(params)}"
