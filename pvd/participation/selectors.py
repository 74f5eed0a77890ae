from django.db.models import Count
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


def public_axes(dossier):
    from pvd.strategie.models import AxeStrategique

    return AxeStrategique.objects.filter(dossier=dossier)


def public_fiches(dossier):
    from pvd.actions.models import FicheAction

    return FicheAction.objects.filter(dossier=dossier, confidentielle=False)


def moderation_list(dossier, *, statut: str = "", theme: str = ""):
    queryset = Contribution.objects.filter(dossier=dossier).select_related(
        "axe", "fiche", "consultation", "moderee_par", "reponse_par"
    )
    if statut in Statut.values:
        queryset = queryset.filter(statut=statut)
    if theme in Theme.values:
        queryset = queryset.filter(theme=theme)
    return queryset


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
