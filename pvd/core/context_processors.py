from django.conf import settings


def site(request):
    branding = settings.PVD_BRANDING
    return {
        "BRANDING": branding,
        "SITE_CONFIG": {"site_title": branding["site_title"], "site_tagline": branding["site_tagline"]},
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#fr-navigation", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
