from django.conf import settings


def site(request):
    branding = settings.PVD_BRANDING
    match = getattr(request, "resolver_match", None)
    # Every page of a dossier belongs to "Mes dossiers" in the main menu, whatever its app.
    in_dossiers = match is not None and (match.app_name == "dossiers" or "dossier_pk" in match.kwargs)
    return {
        "nav_section": "dossiers" if in_dossiers else "",
        "BRANDING": branding,
        "SITE_CONFIG": {"site_title": branding["site_title"], "site_tagline": branding["site_tagline"]},
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#fr-navigation", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
