"""What the exports of the diagnostic say (PDF, XLSX) and what the convention-cadre quotes of
it, read in a fixed number of queries whatever the size of the diagnostic.

An export leaves the platform (it is forwarded, printed, attached to a mail): like the
generated convention, it holds only what anyone may read, so a confidential deliverable's
title never appears in it, whoever downloads it (`Document.objects.visible_to(None)`).
"""

from django.db.models import Prefetch

from pvd.core.formatting import nombre
from pvd.documents.models import Document

from .models import AfomCategorie, AfomItem, DocumentPlanification, Donnee, Etude, Initiative, PointInteret, Theme
from .selectors import afom_themes, diagnostic_status, plan_order, pvd_positions


def _donnees(dossier) -> list[Donnee]:
    return list(Donnee.objects.filter(dossier=dossier))


def valeur_label(donnee) -> str:
    """ "7 503 habitants", "12,4 %": the value in French with its unit."""
    text = nombre(donnee.valeur)
    if not donnee.unite:
        return text
    return f"{text}\u00a0%" if donnee.unite == "%" else f"{text} {donnee.unite}"


def point_coordinates(geometry) -> tuple[float | None, float | None, str]:
    """(longitude, latitude, WKT) of a GeoJSON geometry in WGS 84; the coordinates for a Point
    only; ("", "", "") parts for a geometry that cannot be read."""
    from shapely.geometry import shape

    try:
        geom = shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError):
        return None, None, ""
    if geom.geom_type == "Point":
        return round(geom.x, 6), round(geom.y, 6), geom.wkt
    return None, None, geom.wkt


def _afom_by_theme(items) -> list[dict]:
    """[{theme, label, categories: [{key, label, items}]}] in the themes' order, only themes with items."""
    themes = []
    for value, label in afom_themes():
        of_theme = [item for item in items if item.theme == value]
        if not of_theme:
            continue
        categories = [
            {"key": key, "label": cat_label, "items": [i for i in of_theme if i.categorie == key]}
            for key, cat_label in AfomCategorie.choices
        ]
        themes.append({"theme": value, "label": label, "categories": categories})
    return themes


def _donnees_by_theme(donnees) -> list[dict]:
    groups = []
    for value, label in Theme.choices:
        rows = [d for d in donnees if d.theme == value]
        if rows:
            groups.append({"theme": value, "label": label, "donnees": rows})
    return groups


def export_content(dossier) -> dict:
    """Everything the PDF and the XLSX show, in ten queries at most (three of them the status,
    one the studies' public deliverables)."""
    status = diagnostic_status(dossier)
    donnees = _donnees(dossier)
    afom = list(AfomItem.objects.filter(dossier=dossier).order_by("theme", "categorie", "ordre", "pk"))
    livrables = Prefetch("livrable", queryset=Document.objects.visible_to(None))
    etudes = list(Etude.objects.filter(dossier=dossier).prefetch_related(livrables))
    points = list(PointInteret.objects.filter(dossier=dossier))
    for point in points:
        point.longitude, point.latitude, point.wkt = point_coordinates(point.geometry)
    return {
        "dossier": dossier,
        "status": status,
        "diagnostic": status.diagnostic,
        "validation": status.validation,
        "donnees": donnees,
        "donnees_par_theme": _donnees_by_theme(donnees),
        "afom": afom,
        "afom_par_theme": _afom_by_theme(afom),
        "positions": pvd_positions(dossier),
        "plans": sorted(DocumentPlanification.objects.filter(dossier=dossier), key=plan_order),
        "etudes": etudes,
        "initiatives": list(Initiative.objects.filter(dossier=dossier)),
        "points": points,
    }


# --- What the convention-cadre quotes (its article « Diagnostic du territoire ») --------------

# Key figures: the populations, of the communes then of the EPCI.
CHIFFRES_CLES = ["pop_totale"]
AFOM_PAR_CATEGORIE = 3


def convention_summary(dossier) -> dict | None:
    """The diagnostic as the convention-cadre sums it up: its synthesis, its key figures (the
    populations with their source and vintage, the latest vintage of each territory) and a few
    items of each AFOM category (the first ones in the team's order, all themes mixed). None when
    the dossier has no diagnostic synthesis. Five queries (three without a synthesis)."""
    status = diagnostic_status(dossier)
    if not status.has_synthese:
        return None
    figures = Donnee.objects.filter(dossier=dossier, indicateur__in=CHIFFRES_CLES).order_by(
        "echelle", "code_territoire", "-millesime"
    )
    latest = {}
    for donnee in figures:
        if donnee.echelle in ("commune", "epci"):
            latest.setdefault((donnee.echelle, donnee.code_territoire), donnee)
    chiffres = sorted(latest.values(), key=lambda d: (d.echelle != "commune", d.territoire))
    items = AfomItem.objects.filter(dossier=dossier).order_by("ordre", "theme", "pk")
    afom = {key: [] for key in AfomCategorie.values}
    for item in items:
        if len(afom[item.categorie]) < AFOM_PAR_CATEGORIE:
            afom[item.categorie].append(item.texte)
    return {
        "synthese": status.diagnostic.synthese.strip(),
        "chiffres": [
            {
                "libelle": donnee.libelle,
                "territoire": donnee.territoire or donnee.get_echelle_display(),
                "valeur": valeur_label(donnee),
                "source": f"{donnee.source}, millésime {donnee.millesime}",
            }
            for donnee in chiffres
        ],
        "afom": [{"categorie": label, "constats": afom[key]} for key, label in AfomCategorie.choices if afom[key]],
        "validation": status.validation,
    }
