from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import sessions


class SessionExpiryMiddleware:
    """Logs out a session idle for too long or too old (PVD_SESSION_INACTIVITE_MINUTES,
    PVD_SESSION_DUREE_MAX_HEURES) and sends the person to the login page with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            message = sessions.expiry_message(request.session)
            if message:
                logout(request)
                messages.warning(request, message)
                login = reverse("comptes:login")
                if request.headers.get("HX-Request"):
                    return HttpResponse(headers={"HX-Redirect": login})
                if request.method == "GET":
                    return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
                return redirect(login)
        return self.get_response(request)
