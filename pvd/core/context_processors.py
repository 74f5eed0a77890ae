from django.conf import settings

from pvd.dossiers.perms import national_access_for


def site(request):
    branding = settings.PVD_BRANDING
    match = getattr(request, "resolver_match", None)
    # Every page of a dossier belongs to "Mes dossiers" in the main menu, whatever its app.
    in_dossiers = match is not None and (match.app_name == "dossiers" or "dossier_pk" in match.kwargs)
    return {
        "nav_section": "dossiers" if in_dossiers else "",
        "BRANDING": branding,
        "SITE_CONFIG": {"site_title": branding["site_title"], "site_tagline": branding["site_tagline"]},
        # The permissions outside any dossier (`{% if national_perms.organisations_curate %}`),
        # computed only when a template reads them (the template calls the function).
        "national_perms": lambda: national_access_for(getattr(request, "user", None)).perms,
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#fr-navigation", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
