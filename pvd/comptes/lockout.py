"""Lockout after repeated failed logins (django-axes): who is counted, and the page shown."""

import ipaddress

from django.conf import settings
from django.shortcuts import render

from pvd.core import formatting
from pvd.core.client_ip import client_ip as core_client_ip


def client_ip(request) -> str | None:
    """The person's address as the participation rate limit reads it (behind PVD_TRUSTED_PROXIES),
    or None when the request has none (a login made by the code, not over HTTP)."""
    address = core_client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


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
