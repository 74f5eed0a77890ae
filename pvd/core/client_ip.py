"""The address of the person behind a request, for rate limits and login lockouts."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """Without a proxy (PVD_TRUSTED_PROXIES = 0), REMOTE_ADDR. Behind N trusted reverse proxies,
    each appends the address it received the request from to X-Forwarded-For: the person is
    the N-th address from the right, the right-most one our proxies did not write. Addresses
    further left were sent by the client and can be forged, so they are never used.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "inconnue"
    trusted = settings.PVD_TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if not forwarded:
        return remote
    candidate = forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
