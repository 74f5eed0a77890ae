from django import template

from pvd.core.text import plural

register = template.Library()


@register.filter
def pluriel(count, forms: str) -> str:
    """{{ n|pluriel:"fiche,fiches" }} → "0 fiche", "1 fiche", "2 fiches" (French: singular below 2)."""
    singular, plural_form = forms.split(",")
    return plural(int(count), singular, plural_form)
