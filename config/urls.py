from django.contrib import admin
from django.urls import include, path

from pvd.comptes import urls as comptes_urls
from pvd.dossiers import urls as dossiers_urls
from pvd.territoires import urls as territoires_urls

admin.site.site_header = "Administration — Petites villes de demain"
admin.site.site_title = "Administration PVD"

urlpatterns = [
    path("", include("pvd.core.urls")),
    # Accepting an invitation (comptes:invitation) and ANCT's national list of organisations
    # (territoires:organisations…) are dossiers' pages: they need its invitations and its permission
    # table, a layer above comptes and territoires. Here, above every app, they join their namespace.
    path("comptes/", include((comptes_urls.urlpatterns + dossiers_urls.comptes_urlpatterns, "comptes"))),
    path("dossiers/", include("pvd.dossiers.urls")),
    path(
        "territoires/",
        include((territoires_urls.urlpatterns + dossiers_urls.territoires_urlpatterns, "territoires")),
    ),
    path("admin/", admin.site.urls),
]

# Each domain app adds its pages under /dossiers/<pk>/… through its own urls.py.
for app in (
    "journal",
    "gouvernance",
    "strategie",
    "diagnostic",
    "actions",
    "suivi",
    "conventions",
    "participation",
    "documents",
    "pilotage",
):
    try:
        urlpatterns.append(path("", include(f"pvd.{app}.urls")))
    except ModuleNotFoundError as error:
        if error.name != f"pvd.{app}.urls":
            raise

handler400 = "pvd.core.views.error_400"
handler403 = "pvd.core.views.error_403"
handler404 = "pvd.core.views.error_404"
handler500 = "pvd.core.views.error_500"
# MEDIA_ROOT is never served, not even with DEBUG: every file (documents, attachments,
# conventions) is downloaded through a view that checks the reader's access to its dossier.
