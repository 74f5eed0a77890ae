"""The map's section of the diagnostic's page (diagnostic/_section_carte.html): a compact map,
the count of points by type and the links to the full map, with its own data, so that the
diagnostic's index view does not have to know about the map."""

from django import template

from .. import selectors
from ..views_carte import map_settings

register = template.Library()


@register.inclusion_tag("diagnostic/carte_section.html", takes_context=True)
def carte_section(context):
    dossier = context["dossier"]
    return {
        "dossier": dossier,
        "perms": context["perms"],
        "map": map_settings(),
        **selectors.carte_overview(dossier),
    }
