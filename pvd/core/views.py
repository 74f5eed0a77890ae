from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
def home(request):
    if request.user.is_authenticated:
        return redirect("dossiers:list")
    return render(request, "core/home.html", {"page_title": "Accueil"})


@login_not_required
@require_GET
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


@login_not_required
def error_500(request):
    return render(request, "500.html", status=500)
