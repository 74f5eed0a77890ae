from django import template

from pvd.suivi.formatting import nombre

register = template.Library()


@register.filter
def valeur(value):
    """An indicator's value or target in French: {{ indicateur.cible|valeur }} → "12", "18,5", "62 000"."""
    return nombre(value)
