from urllib.parse import urlsplit

from django import template

from pvd.core.text import plural

register = template.Library()


@register.filter
def pluriel(count, forms: str) -> str:
    """{{ n|pluriel:"fiche,fiches" }} → "0 fiche", "1 fiche", "2 fiches" (French: singular below 2)."""
    singular, plural_form = forms.split(",")
    return plural(int(count), singular, plural_form)


@register.filter
def lien_web(url) -> str:
    """`url` when it is a web address (http, https), else "": a link typed by a user never runs
    a script (`javascript:`) nor opens another scheme, even if one reached the database without
    the forms' validation (which already refuses them)."""
    url = (url or "").strip()
    return url if urlsplit(url).scheme.lower() in {"http", "https"} else ""
