from django.db.models import Case, Count, Value, When
from django.utils import timezone

from .models import Consultation, Contribution, Statut, Theme


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
        Contribution.objects.filter(dossier=dossier, statut=Statut.PUBLIEE)
        .select_related("axe", "fiche", "consultation")
        .order_by("-created_at", "-pk")
    )


def _published_projet(dossier):
    from pvd.strategie.models import ProjetTerritoire

    return ProjetTerritoire.objects.filter(dossier=dossier, publie=True).select_related("version_publiee").first()


def published_projet(dossier):
    """The projet de territoire of the dossier if it is published (its public page exists), else None."""
    projet = _published_projet(dossier)
    return projet if projet is not None and projet.version_publiee_id else None


def public_axes(dossier) -> list:
    """The axes residents may comment on: those of the published projet de territoire, as
    published (number and title of the published version), none while it is unpublished."""
    from pvd.strategie.models import AxeStrategique

    projet = _published_projet(dossier)
    if projet is None or projet.version_publiee is None:
        return []
    published = {axe["id"]: axe for axe in projet.version_publiee.snapshot.get("axes", [])}
    axes = list(AxeStrategique.objects.filter(dossier=dossier, pk__in=list(published)))
    for axe in axes:  # shown as published, never saved
        axe.numero, axe.titre = published[axe.pk]["numero"], published[axe.pk]["titre"]
    return sorted(axes, key=lambda axe: axe.numero)


def published_axe_titles(dossier, projet=None) -> dict[int, str]:
    """{axe pk: "Axe n — titre"} as published (the current draft's titles never reach the public)."""
    projet = projet or _published_projet(dossier)
    if projet is None or projet.version_publiee is None:
        return {}
    return {
        axe["id"]: f"Axe {axe['numero']} — {axe['titre']}" for axe in projet.version_publiee.snapshot.get("axes", [])
    }


def with_subjects(items, dossier, *, public: bool) -> list:
    """Set `sujet_axe` and `sujet_fiche` (the labels to show, or "") on contributions or consultations.

    For the public: the axe as published (nothing if it is not in the published projet de
    territoire) and the fiche unless it is confidential *now* (it may have become confidential
    after a contribution referred to it). For the équipe-projet: current titles.
    One query at most (the published projet), whatever the number of items; the axe and the
    fiche must be select_related.
    """
    items = list(items)
    if public:
        titles = published_axe_titles(dossier) if any(item.axe_id for item in items) else {}
    for item in items:
        if public:
            item.sujet_axe = titles.get(item.axe_id, "")
            item.sujet_fiche = str(item.fiche) if item.fiche_id and not item.fiche.confidentielle else ""
        else:
            item.sujet_axe = str(item.axe) if item.axe_id else ""
            item.sujet_fiche = str(item.fiche) if item.fiche_id else ""
    return items


def public_fiches(dossier) -> list:
    """Non-confidential fiches, once the projet de territoire is published."""
    from pvd.actions.models import FicheAction

    if _published_projet(dossier) is None:
        return []
    return list(FicheAction.objects.filter(dossier=dossier, confidentielle=False))


def moderation_list(dossier, *, statut: str = "", theme: str = ""):
    from django.db.models import Prefetch

    from .models import Moderation

    queryset = (
        Contribution.objects.filter(dossier=dossier)
        .select_related("axe", "fiche", "consultation", "moderee_par", "reponse_par")
        .prefetch_related(Prefetch("moderations", queryset=Moderation.objects.select_related("by")))
    )
    if statut in Statut.values:
        queryset = queryset.filter(statut=statut)
    if theme in Theme.values:
        queryset = queryset.filter(theme=theme)
    # What waits for a moderator first, then the published, then the refused.
    rank = Case(
        When(statut=Statut.EN_ATTENTE, then=Value(0)),
        When(statut=Statut.PUBLIEE, then=Value(1)),
        default=Value(2),
    )
    return queryset.order_by(rank, "-created_at", "-pk")


def counts_by_theme_and_status(dossier) -> dict:
    """{"rows": [(theme label, {statut: n}, total)], "totals": {statut: n}, "total": n} in one query."""
    raw = Contribution.objects.filter(dossier=dossier).values("theme", "statut").annotate(n=Count("pk"))
    table = {theme: dict.fromkeys(Statut.values, 0) for theme in Theme.values}
    for row in raw:
        table[row["theme"]][row["statut"]] = row["n"]
    rows = [
        {"label": label, "counts": [table[value][s] for s in Statut.values], "total": sum(table[value].values())}
        for value, label in Theme.choices
    ]
    totals = [sum(table[t][s] for t in Theme.values) for s in Statut.values]
    return {"statuts": Statut.labels, "rows": rows, "totals": totals, "total": sum(totals)}
