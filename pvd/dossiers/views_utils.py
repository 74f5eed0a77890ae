"""What every dossier page starts with: a scoped lookup, then a permission check."""

from functools import wraps

from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import Dossier
from .perms import access_for

# The dossier's side menu: (label, url name, permission). An entry shows when its app
# has the page and the user holds the permission.
SECTIONS = [
    ("Tableau de bord", "dossiers:detail", "dossier.view"),
    ("Gouvernance", "gouvernance:index", "dossier.view"),
    ("Diagnostic", "diagnostic:index", "dossier.view"),
    ("Stratégie", "strategie:index", "dossier.view"),
    ("Plan d'action", "actions:plan", "dossier.view"),
    ("Maquette financière", "actions:maquette", "dossier.view"),
    ("Suivi", "suivi:indicateurs", "dossier.view"),
    ("Conventions", "conventions:index", "dossier.view"),
    ("Documents", "documents:list", "dossier.view"),
    ("Tableau de bord de suivi", "pilotage:tableau_de_bord", "dossier.view"),
    ("Évaluation", "pilotage:bilans", "dossier.view"),
    ("Participation", "participation:moderation", "participation.moderate"),
    ("Membres", "dossiers:membres", "dossier.view"),
    ("Journal", "journal:journal", "journal.view"),
    ("Corbeille", "journal:corbeille", "corbeille.restore"),
]


def dossier_sections(request, dossier, access):
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for label, url_name, perm in SECTIONS:
        if access.can(perm):
            link = reverse(url_name, kwargs={"dossier_pk": dossier.pk})
            items.append({"label": label, "link": link, "url_name": url_name, "active": current == url_name})
    if not any(item["active"] for item in items):
        # A page without its own entry (a fiche, a séance…) marks the first entry of its app.
        app = current.split(":")[0]
        for item in items:
            if app != "dossiers" and item["url_name"].split(":")[0] == app:
                item["active"] = True
                break
    return items


def dossier_view(perm: str = "dossier.view"):
    """Load the dossier from `dossier_pk` among those the user may see (404 otherwise), then
    require `perm` (403). The view receives the dossier; `request.access` holds the role."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, dossier_pk, *args, **kwargs):
            dossier = get_object_or_404(Dossier.objects.visible_to(request.user).select_related("epci"), pk=dossier_pk)
            access = access_for(request.user, dossier)
            access.require(perm)
            request.dossier = dossier
            request.access = access
            return view(request, dossier, *args, **kwargs)

        return wrapped

    return decorator


def dossier_context(request, dossier, *, page_title: str, crumbs: list | None = None, **extra) -> dict:
    """The context every dossier page gives its template."""
    links = [{"url": reverse("dossiers:list"), "title": "Dossiers"}]
    if crumbs is not None:
        links.append({"url": reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk}), "title": dossier.nom})
        links.extend(crumbs)
    return {
        "dossier": dossier,
        "access": request.access,
        "perms": request.access.perms,
        "sections": dossier_sections(request, dossier, request.access),
        "page_title": f"{page_title} — {dossier.nom}" if page_title != dossier.nom else dossier.nom,
        "heading": page_title,
        "breadcrumb_data": {"links": links, "current": page_title},
        **extra,
    }
