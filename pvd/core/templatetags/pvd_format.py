"""The French formats of pvd.core.formatting in templates: {% load pvd_format %}.

{{ fiche.cout_ht|montant }}                   1 234,50 €  (cents only when there are some)
{{ ligne.montant|montant:"centimes" }}        1 234,00 €
{{ v|montant:"sans_symbole" }}                1 234       (a column headed "(€)")
{{ v|montant:"centimes,sans_symbole" }}       1 234,00
{{ row.cout_ht|kilo_euros }}                  15 485      (a column headed "k€")
{{ indicateur.cible|nombre }}                 62 000, 18,5
{{ secteur.surface_ha|nombre:2 }}             1 234,50
{{ share.taux|pourcentage }}                  25,00 %
{{ note.date|date_fr }}                       01/12/2026
{{ seance.date|date_longue }}                 1er décembre 2026
{{ seance.date|date_longue:"jour,heure" }}    mardi 1er décembre 2026 à 14:30
"""

from django import template

from pvd.core import formatting

register = template.Library()


def _flags(arg, allowed: set[str]) -> set[str]:
    flags = {flag.strip() for flag in (arg or "").split(",") if flag.strip()}
    if flags - allowed:
        raise template.TemplateSyntaxError(f"Unknown option(s) {sorted(flags - allowed)}; expected {sorted(allowed)}.")
    return flags


@register.filter
def montant(value, arg=""):
    flags = _flags(arg, {"centimes", "sans_centimes", "sans_symbole"})
    cents = True if "centimes" in flags else False if "sans_centimes" in flags else None
    return formatting.montant(value, cents, unit="sans_symbole" not in flags)


@register.filter
def kilo_euros(value):
    return formatting.kilo_euros(value)


@register.filter
def nombre(value, places=None):
    return formatting.nombre(value, None if places in (None, "") else int(places))


@register.filter
def pourcentage(value, places=2):
    return formatting.pourcentage(value, int(places))


@register.filter(expects_localtime=True)
def date_fr(value):
    return formatting.date_fr(value)


@register.filter(expects_localtime=True)
def mois_annee(value):
    return formatting.mois_annee(value)


@register.filter(expects_localtime=True)
def date_longue(value, arg=""):
    flags = _flags(arg, {"jour", "heure"})
    return formatting.date_longue(value, jour="jour" in flags, heure="heure" in flags)
