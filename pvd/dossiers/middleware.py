"""Two-factor authentication asked where it is due: here, above comptes, because ANCT's policy
names roles (State accounts, chefs de projet) that the permission table of this app knows."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from pvd.comptes import double_facteur
from pvd.comptes.models import PolitiqueSecurite

from .models import Membre, Role
from .perms import state_role_for


def double_facteur_required(user) -> bool:
    """Whether ANCT's policy makes two-factor authentication compulsory for this account."""
    politique = PolitiqueSecurite.load()
    if politique.double_facteur_etat and state_role_for(user) is not None:
        return True
    return politique.double_facteur_chefs and Membre.objects.filter(user=user, role=Role.CHEF_DE_PROJET).exists()


class DoubleFacteurMiddleware:
    """Asks the code of a user with a confirmed device before anything else, and sends a user for
    whom it is compulsory without a device to its set-up. The state is computed once per login
    (pvd.comptes.apps: a policy changed by ANCT applies from the next login) and kept in the
    session: no query here on an ordinary request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _exempt(self, path: str) -> bool:
        free = (
            reverse("comptes:logout"),
            reverse("comptes:double_facteur"),
            reverse("comptes:double_facteur_verifier"),
            reverse("admin:logout"),
            settings.STATIC_URL,
        )
        return path.startswith(free)

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if self._exempt(request.path) or user.is_verified():
            return self.get_response(request)
        state = request.session.get(double_facteur.SESSION_KEY)
        if state is None:  # a session opened before this middleware existed
            state = request.session[double_facteur.SESSION_KEY] = double_facteur.login_state(user)
        if state == double_facteur.VERIFY:
            target = f"{reverse('comptes:double_facteur_verifier')}?{urlencode({'next': request.get_full_path()})}"
        elif state == double_facteur.SETUP:
            messages.warning(
                request,
                "La double authentification est obligatoire pour votre compte : configurez-la pour continuer.",
            )
            target = reverse("comptes:double_facteur")
        else:
            return self.get_response(request)
        if request.headers.get("HX-Request"):
            return HttpResponse(headers={"HX-Redirect": target})
        return redirect(target)
