from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, ValidationError
from django.db import connection
from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .forms import report_validation_error
from .middleware import too_large_response


@login_not_required
def home(request):
    if request.user.is_authenticated:
        return redirect("dossiers:list")
    return render(request, "core/home.html", {"page_title": "Accueil"})


@login_not_required
@require_safe
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception as error:  # noqa: BLE001 - the health check reports any failure
        database = f"erreur : {error.__class__.__name__}"
    ok = database == "ok"
    return JsonResponse(
        {"status": "ok" if ok else "erreur", "database": database, "vendor": connection.vendor},
        status=200 if ok else 503,
    )


@login_not_required
def accessibilite(request):
    return render(request, "core/accessibilite.html", {"page_title": "Déclaration d'accessibilité"})


@login_not_required
def mentions(request):
    return render(request, "core/mentions.html", {"page_title": "Mentions légales et données"})


@login_not_required
def error_403(request, exception=None):
    return render(request, "403.html", {"page_title": "Accès refusé"}, status=403)


@login_not_required
def error_404(request, exception=None):
    return render(request, "404.html", {"page_title": "Page introuvable"}, status=404)


def _standalone(template: str) -> str:
    # No request context: no context processor, session or database query can fail the page.
    return loader.render_to_string(template, {"site_title": settings.PVD_BRANDING["site_title"]})


@login_not_required
def error_400(request, exception=None):
    """A malformed request; a body too big for DATA_UPLOAD_MAX_MEMORY_SIZE (413) or with too many
    fields or files (DATA_UPLOAD_MAX_NUMBER_FIELDS/FILES) is told as such."""
    if isinstance(exception, RequestDataTooBig):
        return too_large_response()
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return HttpResponseBadRequest(_standalone("400_too_many.html"))
    return HttpResponseBadRequest(_standalone("400.html"))


@login_not_required
def error_500(request):
    return HttpResponseServerError(_standalone("500.html"))


@login_not_required
def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a French page instead of Django's English one."""
    return HttpResponseForbidden(_standalone("403_csrf.html"))


def delete_view(
    request,
    *,
    delete,
    message: str,
    done: str,
    error_url: str = "",
    confirm=None,
    template: str = "dossiers/confirm_delete.html",
):
    """The one way a view deletes something.

    GET shows the confirmation page (`template` with the context `confirm()` returns; without
    `confirm` the view takes only POST). POST calls `delete()` and redirects to `done` with the
    French `message`; a ValidationError of the service is shown as an error message and
    redirects to `error_url` (`done` by default). The caller has checked the permission."""
    if request.method != "POST":
        if confirm is None:
            return HttpResponseNotAllowed(["POST"])
        return render(request, template, confirm())
    try:
        delete()
    except ValidationError as error:
        report_validation_error(request, error)
        return redirect(error_url or done)
    messages.success(request, message)
    return redirect(done)
