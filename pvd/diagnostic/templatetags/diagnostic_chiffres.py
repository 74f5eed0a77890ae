"""The « Chiffres du territoire » section of the diagnostic's home page: a short summary and a
link, read by its own selector so that the home page's view stays the same for every part."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("diagnostic/_chiffres_summary.html", takes_context=True)
def chiffres_summary(context):
    dossier = context["dossier"]
    return {"dossier": dossier, "perms": context.get("perms"), **selectors.chiffres_summary(dossier)}
