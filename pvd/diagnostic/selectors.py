"""Reads of the diagnostic (what is not a plain `get`): each in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch

from pvd.documents.models import Document
from pvd.gouvernance.selectors import validation_state

from .models import (
    AfomCategorie,
    AfomItem,
    Diagnostic,
    DocumentPlanification,
    Donnee,
    Etude,
    Initiative,
    PlanKind,
    Theme,
)


def diagnostic_of(dossier) -> Diagnostic | None:
    return Diagnostic.objects.filter(dossier=dossier).first()


def overview(dossier, access=None) -> dict:
    """What the diagnostic's page shows before each part adds its own section."""
    diagnostic = diagnostic_of(dossier)
    return {
        "diagnostic": diagnostic,
        "validation": validation_state(diagnostic) if diagnostic is not None else None,
        **afom_overview(dossier),
        **references_overview(dossier, access),
    }


# --- Figures (chiffres du territoire) -------------------------------------------------------


# --- AFOM ------------------------------------------------------------------------------------


@dataclass
class AfomCategory:
    code: str
    label: str
    items: list


@dataclass
class AfomTheme:
    code: str
    label: str
    categories: list[AfomCategory]

    @property
    def count(self) -> int:
        return sum(len(category.items) for category in self.categories)


# The themes of the AFOM: every theme of the diagnostic. Population is offered too, first: the
# demographic findings (decline, ageing, smaller households) open most diagnostics and are
# linked to the population figures.
AFOM_THEMES = [Theme.POPULATION, *(theme for theme in Theme if theme != Theme.POPULATION)]


def afom_themes() -> list[tuple[str, str]]:
    """(code, label) of the AFOM's themes, in the order of the page."""
    return [(theme.value, theme.label) for theme in AFOM_THEMES]


def afom_summary(dossier) -> list[dict]:
    """The index's table: per theme that has items, the count of each category and the total (one query)."""
    counts = {
        (row["theme"], row["categorie"]): row["n"]
        for row in AfomItem.objects.filter(dossier=dossier).values("theme", "categorie").annotate(n=Count("pk"))
    }
    rows = []
    for code, label in afom_themes():
        by_category = [counts.get((code, categorie), 0) for categorie in AfomCategorie.values]
        if any(by_category):
            rows.append({"code": code, "label": label, "counts": by_category, "total": sum(by_category)})
    return rows


def afom_overview(dossier) -> dict:
    """What the AFOM's section of the diagnostic's page shows."""
    summary = afom_summary(dossier)
    return {"afom_summary": summary, "afom_total": sum(row["total"] for row in summary)}


def afom_board(dossier) -> dict:
    """The AFOM page: every theme with its four categories and their items in order, each item
    with its linked figures (`item.linked`), in two queries whatever the number of items."""
    items = (
        AfomItem.objects.filter(dossier=dossier)
        .order_by("theme", "categorie", "ordre", "pk")
        .prefetch_related(Prefetch("donnees", queryset=Donnee.objects.order_by("theme", "indicateur", "echelle")))
    )
    grouped: dict[tuple[str, str], list] = {}
    for item in items:
        item.linked = list(item.donnees.all())
        grouped.setdefault((item.theme, item.categorie), []).append(item)
    themes = [
        AfomTheme(
            code,
            label,
            [AfomCategory(value, label_c, grouped.get((code, value), [])) for value, label_c in AfomCategorie.choices],
        )
        for code, label in afom_themes()
    ]
    return {
        "afom_themes": [theme for theme in themes if theme.count],
        "afom_empty_themes": [theme for theme in themes if not theme.count],
    }


# --- Documents de planification, études, initiatives -----------------------------------------


def _etudes(dossier, access) -> list[Etude]:
    """The studies, each with `livrable_visible` (its deliverable if `access` may see it) and
    `livrable_cache` (a deliverable exists but is hidden from `access`), in two queries."""
    etudes = list(Etude.objects.filter(dossier=dossier).select_related("livrable"))
    livrables = {etude.livrable_id for etude in etudes if etude.livrable_id}
    visible = (
        set(Document.objects.filter(pk__in=livrables).visible_to(access).values_list("pk", flat=True))
        if livrables
        else set()
    )
    for etude in etudes:
        etude.livrable_visible = etude.livrable if etude.livrable_id in visible else None
        etude.livrable_cache = bool(etude.livrable_id) and etude.livrable_id not in visible
    return etudes


_PLAN_KINDS = {value: position for position, value in enumerate(PlanKind.values)}


def _plan_order(plan) -> tuple:
    """From the widest plan to the narrowest: SCoT, PLUi, PLU, SPR… (the order of PlanKind)."""
    return (_PLAN_KINDS.get(plan.kind, len(_PLAN_KINDS)), plan.nom.casefold(), plan.pk)


def references(dossier, access) -> dict:
    """The page of the documents de planification, studies and initiatives (four queries at most)."""
    return {
        "plans": sorted(DocumentPlanification.objects.filter(dossier=dossier), key=_plan_order),
        "etudes": _etudes(dossier, access),
        "initiatives": list(Initiative.objects.filter(dossier=dossier)),
    }


def references_overview(dossier, access) -> dict:
    """What the section of the diagnostic's page shows: the same lists, shorter in the template."""
    return {"references": references(dossier, access)}


def document_unlinks(document) -> str:
    """What deleting a document unlinks in the diagnostic, for the documents' confirmation page
    (declared there with `optional_provider`): the studies it is the deliverable of stay, without it."""
    objets = list(Etude.objects.filter(livrable=document).order_by("objet").values_list("objet", flat=True))
    if not objets:
        return ""
    names = ", ".join(f"« {objet} »" for objet in objets)
    etude = "de l'étude" if len(objets) == 1 else "des études"
    rester = "restera" if len(objets) == 1 else "resteront"
    return f"Il est le livrable {etude} {names} du diagnostic, qui {rester} sans livrable."


def livrables_for(dossier, access):
    """The documents that may become a study's deliverable: the dossier's, as `access` sees them."""
    return Document.objects.filter(dossier=dossier).visible_to(access).order_by("titre", "pk")


# --- Points d'intérêt (carte) ----------------------------------------------------------------
