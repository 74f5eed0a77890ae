"""Reads of the measured values: an indicator's values, the dossier's indicators with their last
value, the saisie grid of a period. Each in a constant number of queries."""

from django.db.models import F, OuterRef, Subquery

from .models import Indicateur, Mesure
from .rules import enterable
from .values import Periode


def _last(field: str):
    return Subquery(Mesure.objects.filter(indicateur=OuterRef("pk")).order_by("-date").values(field)[:1])


def indicateurs_for(dossier, access):
    """The dossier's indicators `access` sees (a confidential fiche's only for the équipe-projet),
    the axes' first (by axe), then the fiches' (by fiche), each with its last value
    (`derniere_valeur`, `derniere_date`, `derniere_periode`): one query."""
    return (
        Indicateur.objects.visible_to(access)
        .filter(dossier=dossier)
        .select_related("axe", "fiche")
        .annotate(
            derniere_valeur=_last("valeur"),
            derniere_date=_last("date"),
            derniere_periode=_last("periode"),
        )
        .order_by(F("axe__numero").asc(nulls_last=True), F("fiche__numero").asc(nulls_last=True), "nom", "pk")
    )


def indicateur_for(dossier, access, pk) -> Indicateur:
    """One indicator of the dossier that `access` sees (Indicateur.DoesNotExist otherwise)."""
    return Indicateur.objects.visible_to(access).select_related("axe", "fiche", "dossier").get(dossier=dossier, pk=pk)


def mesures_of(indicateur):
    """The values of an indicator, the latest first, with who entered and corrected them."""
    return indicateur.mesures.select_related("entered_by", "updated_by").order_by("-date")


def grid_rows(dossier, access, periode: Periode) -> list[Indicateur]:
    """The indicators of the saisie grid: those of the dossier `access` sees and may enter, each
    with its last value and `saisie_periode`, the value already entered at the period's end
    (None): two queries."""
    indicateurs = list(enterable(indicateurs_for(dossier, access), access))
    at_end = {
        mesure.indicateur_id: mesure
        for mesure in Mesure.objects.filter(indicateur__in=[i.pk for i in indicateurs], date=periode.fin)
    }
    for indicateur in indicateurs:
        indicateur.saisie_periode = at_end.get(indicateur.pk)
    return indicateurs


def dossier_has_values(dossier) -> bool:
    return Mesure.objects.filter(indicateur__dossier=dossier).exists()
