"""Lockout after repeated failed logins (django-axes): who is counted, and the page shown."""

from django.conf import settings
from django.shortcuts import render

from pvd.core import formatting


def username(request, credentials) -> str | None:
    """The account tried, lowercased: the login is case-insensitive, so must the count be."""
    value = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None and request is not None:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return value.strip().lower() if value else value


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page (429), on the site's and on the admin's login alike."""
    return render(
        request,
        "comptes/verrouillage.html",
        {
            "page_title": "Connexion temporairement bloquée",
            "failure_limit": formatting.nombre(settings.AXES_FAILURE_LIMIT),
            "minutes": formatting.nombre(cooloff_minutes()),
        },
        status=429,
    )
