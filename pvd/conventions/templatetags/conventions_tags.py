from django import template

from pvd.conventions.selectors import echeance_for

register = template.Library()


@register.inclusion_tag("conventions/_echeance_alert.html")
def echeance_alert(dossier):
    """The 18-month deadline of the convention-cadre, as an alert on the dossier home."""
    return {"echeance": echeance_for(dossier), "dossier": dossier}
