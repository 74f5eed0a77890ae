"""A request body above PVD_REQUEST_MAX_BYTES is refused before it is read, with a French page.

The reverse proxy should refuse it first (nginx `client_max_body_size`, README « Entrées bornées »);
this is the same limit for a server reached without one (`make run`, tests)."""

from django.conf import settings
from django.http import HttpResponse
from django.template import loader

from .limits import size_label


def too_large_response() -> HttpResponse:
    body = loader.render_to_string(
        "413.html",
        {"site_title": settings.PVD_BRANDING["site_title"], "max_size": size_label(settings.PVD_REQUEST_MAX_BYTES)},
    )
    return HttpResponse(body, status=413)


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.PVD_REQUEST_MAX_BYTES:
            return too_large_response()
        return self.get_response(request)
