"""The Content-Security-Policy of every response (django-csp), completed with the hosts that
depend on other settings.

The fixed part of the policy is `CONTENT_SECURITY_POLICY` in `config/settings/base.py`. Two
hosts are added here, at each response, because the settings that name them are set after
`base.py` (dev and production choose the map tiles) or by another part of the platform:

- the map tiles' origin (`PVD_MAP_TILES_URL`) in `img-src`: Leaflet draws tiles as images;
- the single sign-on provider's origin (`OIDC_OP_AUTHORIZATION_ENDPOINT`) in `form-action`:
  a login form posted to the site may be redirected there, and browsers check the redirect
  against `form-action`.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def origin(url: str) -> str:
    """`https://data.geopf.fr` for `https://data.geopf.fr/wmts?…&TILEMATRIX={z}`; "" when `url` is
    not an absolute http(s) address (empty setting, relative path)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    # The {s} of tile URLs with subdomains ({s}.tile.example.org) becomes a wildcard host.
    netloc = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{netloc}"


def extra_sources() -> dict[str, list[str]]:
    """The sources that settings add to the fixed policy, by directive."""
    extra = {
        "img-src": [origin(settings.PVD_MAP_TILES_URL)],
        "form-action": [origin(getattr(settings, "OIDC_OP_AUTHORIZATION_ENDPOINT", ""))],
    }
    return {directive: [source for source in sources if source] for directive, sources in extra.items()}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the hosts of `extra_sources()` added to the policy (enforced
    or report-only, whichever the settings define)."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        extra = {directive: sources for directive, sources in extra_sources().items() if sources}
        if extra:
            update = dict(parts.update or {})
            for directive, sources in extra.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts
