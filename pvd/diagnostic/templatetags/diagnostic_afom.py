"""The AFOM's and the références' sections of the diagnostic's page (diagnostic/_section_afom.html,
_section_references.html), with their own data, so that the index view does not have to know them."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("diagnostic/afom_section.html", takes_context=True)
def afom_section(context):
    dossier = context["dossier"]
    return {"dossier": dossier, "perms": context["perms"], **selectors.afom_overview(dossier)}


@register.inclusion_tag("diagnostic/references_section.html", takes_context=True)
def references_section(context):
    dossier = context["dossier"]
    return {"dossier": dossier, "perms": context["perms"], **selectors.references_overview(dossier, context["access"])}
