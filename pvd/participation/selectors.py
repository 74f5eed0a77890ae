from django.db.models import Case, Count, Value, When
from django.utils import timezone

from pvd.core.text import plural
from pvd.strategie.selectors import Unlinked

from .models import Consultation, Contribution, ContributionStatut, Theme


def published_page(dossier_pk: int):
    from .models import PageParticipation

    return PageParticipation.objects.select_related("dossier").filter(dossier_id=dossier_pk, publiee=True).first()


def open_consultations(dossier):
    today = timezone.localdate()
    return Consultation.objects.filter(dossier=dossier, ouverture__lte=today, cloture__gte=today).select_related(
        "axe", "fiche"
    )


def published_contributions(dossier):
    return (
        Contribution.objects.filter(dossier=dossier, statut=ContributionStatut.PUBLIEE)
        .select_related("axe", "fiche", "consultation")
        .order_by("-created_at", "-pk")
    )


def public_projet(dossier):
    """The projet de territoire the public may see (published), its published version selected;
    None otherwise. One query: a public page fetches it once and passes it to the functions
    below, which run no query of their own for it."""
    from pvd.strategie.models import ProjetTerritoire

    return ProjetTerritoire.objects.filter(dossier=dossier, publie=True).select_related("version_publiee").first()


def has_public_version(projet) -> bool:
    """Whether `projet` (from `public_projet`) has a published version, i.e. a public page."""
    return projet is not None and projet.version_publiee_id is not None


def public_axes(dossier, *, projet) -> list:
    """The axes residents may comment on: those of the published projet de territoire (`projet`,
    from `public_projet`), as published (number and title of the published version), none while
    it is unpublished."""
    from pvd.strategie.models import AxeStrategique

    if not has_public_version(projet):
        return []
    published = {axe["id"]: axe for axe in projet.version_publiee.snapshot.get("axes", [])}
    axes = list(AxeStrategique.objects.filter(dossier=dossier, pk__in=list(published)))
    for axe in axes:  # shown as published, never saved
        axe.numero, axe.titre = published[axe.pk]["numero"], published[axe.pk]["titre"]
    return sorted(axes, key=lambda axe: axe.numero)


def published_axe_titles(projet) -> dict[int, str]:
    """{axe pk: "Axe n — titre"} as published (the current draft's titles never reach the public)."""
    if not has_public_version(projet):
        return {}
    return {
        axe["id"]: f"Axe {axe['numero']} — {axe['titre']}" for axe in projet.version_publiee.snapshot.get("axes", [])
    }


def with_subjects(items, *, public: bool, projet=None) -> list:
    """Set `sujet_axe` and `sujet_fiche` (the labels to show, or "") on contributions or consultations.

    For the public: the axe as published (nothing if it is not in the published projet de
    territoire) and the fiche unless it is confidential *now* (it may have become confidential
    after a contribution referred to it). For the équipe-projet: current titles.
    No query, whatever the number of items: for the public, `projet` is the `public_projet` of
    the page (without it no axe is named); the axe and the fiche must be select_related.
    """
    items = list(items)
    if public:
        titles = published_axe_titles(projet)
    for item in items:
        if public:
            item.sujet_axe = titles.get(item.axe_id, "")
            item.sujet_fiche = str(item.fiche) if item.fiche_id and item.fiche.is_visible_to(None) else ""
        else:
            item.sujet_axe = str(item.axe) if item.axe_id else ""
            item.sujet_fiche = str(item.fiche) if item.fiche_id else ""
    return items


def public_fiches(dossier, *, projet) -> list:
    """Non-confidential fiches, once the projet de territoire is published (`projet`, from
    `public_projet`)."""
    from pvd.actions.models import FicheAction

    if projet is None:
        return []
    return list(FicheAction.objects.filter(dossier=dossier).visible_to(None))


def moderation_list(dossier, *, statut: str = "", theme: str = ""):
    from django.db.models import Prefetch

    from .models import Moderation

    queryset = (
        Contribution.objects.filter(dossier=dossier)
        .select_related("axe", "fiche", "consultation", "moderated_by", "answered_by")
        .prefetch_related(Prefetch("moderations", queryset=Moderation.objects.select_related("by")))
    )
    if statut in ContributionStatut.values:
        queryset = queryset.filter(statut=statut)
    if theme in Theme.values:
        queryset = queryset.filter(theme=theme)
    # What waits for a moderator first, then the published, then the refused.
    rank = Case(
        When(statut=ContributionStatut.EN_ATTENTE, then=Value(0)),
        When(statut=ContributionStatut.PUBLIEE, then=Value(1)),
        default=Value(2),
    )
    return queryset.order_by(rank, "-created_at", "-pk")


def counts_by_theme_and_status(dossier) -> dict:
    """{"rows": [(theme label, {statut: n}, total)], "totals": {statut: n}, "total": n} in one query."""
    raw = Contribution.objects.filter(dossier=dossier).values("theme", "statut").annotate(n=Count("pk"))
    table = {theme: dict.fromkeys(ContributionStatut.values, 0) for theme in Theme.values}
    for row in raw:
        table[row["theme"]][row["statut"]] = row["n"]
    rows = [
        {
            "label": label,
            "counts": [table[value][s] for s in ContributionStatut.values],
            "total": sum(table[value].values()),
        }
        for value, label in Theme.choices
    ]
    totals = [sum(table[t][s] for t in Theme.values) for s in ContributionStatut.values]
    return {"statuts": ContributionStatut.labels, "rows": rows, "totals": totals, "total": sum(totals)}


def axe_unlinks(axe) -> list:
    """What deleting a strategy axe leaves without its axe here: consultations and contributions
    (one query each). The strategy's deletion page asks it (pvd.strategie.selectors.axe_unlinks)."""
    result = []
    questions = list(Consultation.objects.filter(axe=axe).order_by("ouverture").values_list("question", flat=True))
    if questions:
        result.append(Unlinked("Consultations (elles ne seront plus rattachées à un axe)", questions))
    contributions = Contribution.objects.filter(axe=axe).count()
    if contributions:
        # Residents' texts are not quoted here: their number is enough to decide.
        result.append(
            Unlinked(
                "Contributions des habitants (elles ne seront plus rattachées à un axe)",
                [plural(contributions, "contribution", "contributions")],
            )
        )
    return result
