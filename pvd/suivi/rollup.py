"""Fiche indicators roll up to the axes' result indicators.

The rule (shown on the indicators' pages, `RULE_TEXT`):

- A fiche action's indicator may contribute (`Indicateur.contribue_a`) to one **result**
  indicator of an **axe of the same dossier**, in the **same unit** (compared without case or
  surrounding spaces: « logements » and « Logements » are one unit). Anything else is refused
  with a French message (`check_contribution`): an axe's indicator contributing, a fiche's
  indicator as the destination, a mise-en-œuvre indicator as the destination, another
  dossier's indicator, another unit. An axe's indicator with contributors keeps its unit and
  its « résultat » type until they are unlinked.
- The axe's indicator then shows a **computed value** (never stored, computed at each read
  from the contributors' latest values) by its `agregation`:
  - « somme » — the sum of each contributor's latest value (contributors without any value
    are left out, and the page says how many have one);
  - « dernière » — the latest value among the contributors (by date; on the same date, the
    one entered last).
  Its date is the most recent date among the values used. The axe indicator's own typed
  values are still kept and shown apart; its status (`pvd.suivi.status`) is computed on the
  computed value as soon as it has contributors.
- Only the contributors the reader may see count (`Indicateur.objects.visible_to(access)`):
  a confidential fiche's value never reaches a reader who may not see the fiche, even summed.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery

from .models import Agregation, IndicateurKind, Mesure

RULE_TEXT = {
    Agregation.SOMME: "somme des dernières valeurs des indicateurs des fiches qui y contribuent",
    Agregation.DERNIERE: "dernière valeur saisie parmi les indicateurs des fiches qui y contribuent",
}

RULE_SHORT = {Agregation.SOMME: "somme des fiches", Agregation.DERNIERE: "dernière valeur des fiches"}


@dataclass(frozen=True)
class Calcul:
    """The computed value of an axe's indicator from its contributors."""

    agregation: str
    valeur: Decimal | None
    date: datetime.date | None
    avec_valeur: int  # contributors with at least one value
    contributeurs: int

    @property
    def regle(self) -> str:
        return RULE_TEXT[self.agregation]

    @property
    def court(self) -> str:
        return RULE_SHORT[self.agregation]

    @property
    def latest(self) -> tuple[datetime.date, Decimal] | None:
        return None if self.valeur is None else (self.date, self.valeur)


def same_unit(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def compute(agregation: str, latests: list[tuple[datetime.date, Decimal, datetime.datetime] | None]) -> Calcul:
    """The computed value from each contributor's latest value (date, value, entered at), None
    for a contributor without any value."""
    present = [latest for latest in latests if latest is not None]
    if not present:
        return Calcul(agregation, None, None, 0, len(latests))
    if agregation == Agregation.DERNIERE:
        date, valeur, _at = max(present, key=lambda latest: (latest[0], latest[2]))
    else:
        valeur = sum((latest[1] for latest in present), Decimal(0))
        date = max(latest[0] for latest in present)
    return Calcul(agregation, valeur, date, len(present), len(latests))


def computed_series(agregation: str, series: list[list[tuple[datetime.date, Decimal, datetime.datetime]]]):
    """The computed value over time, one point per date on which a contributor has a value:
    [(date, value)]. `series` holds each contributor's values (date, value, entered at)."""
    dates = sorted({point[0] for serie in series for point in serie})
    points = []
    for day in dates:
        latests = []
        for serie in series:
            before = [point for point in serie if point[0] <= day]
            latests.append(max(before, key=lambda point: (point[0], point[2])) if before else None)
        points.append((day, compute(agregation, latests).valeur))
    return points


def check_contribution(indicateur) -> None:
    """Refuse, with French messages on the field concerned, a contribution that breaks the
    rule of this module (called by the services before saving an indicator)."""
    target = indicateur.contribue_a
    if target is not None:
        if indicateur.fiche_id is None:
            raise ValidationError(
                {"contribue_a": "Seul l'indicateur d'une fiche action contribue à un indicateur d'axe."}
            )
        if target.pk == indicateur.pk or target.axe_id is None:
            raise ValidationError({"contribue_a": "Choisissez un indicateur d'un axe stratégique."})
        if target.dossier_id != indicateur.dossier_id:
            raise ValidationError({"contribue_a": "Cet indicateur d'axe appartient à un autre dossier."})
        if target.kind != IndicateurKind.RESULTAT:
            raise ValidationError(
                {
                    "contribue_a": "Un indicateur de fiche contribue à un indicateur de résultat d'un axe, "
                    "pas à un indicateur de mise en œuvre."
                }
            )
        if not same_unit(target.unite, indicateur.unite):
            raise ValidationError(
                {
                    "contribue_a": f"L'indicateur d'axe « {target.nom} » est en « {target.unite} », celui-ci en "
                    f"« {indicateur.unite} » : seules des valeurs de même unité s'additionnent ou se comparent."
                }
            )
    if indicateur.pk and indicateur.axe_id is not None:
        contributeurs = list(indicateur.contributeurs.values_list("unite", flat=True))
        if contributeurs and indicateur.kind != IndicateurKind.RESULTAT:
            raise ValidationError(
                {
                    "kind": f"{len(contributeurs)} indicateur(s) de fiche y contribuent : il reste un indicateur "
                    "de résultat tant que leurs contributions ne sont pas retirées."
                }
            )
        if any(not same_unit(unite, indicateur.unite) for unite in contributeurs):
            raise ValidationError(
                {
                    "unite": f"Des indicateurs de fiches y contribuent en « {contributeurs[0]} » : gardez cette "
                    "unité ou retirez d'abord leurs contributions."
                }
            )


def contribution_targets(dossier):
    """The indicators a fiche's indicator of `dossier` may contribute to (the unit is checked
    by `check_contribution`)."""
    from .models import Indicateur

    return (
        Indicateur.objects.filter(dossier=dossier, axe__isnull=False, kind=IndicateurKind.RESULTAT)
        .select_related("axe")
        .order_by("axe__ordre", "axe__numero", "nom")
    )


def with_latest(queryset):
    """Indicators annotated with their latest value: `last_date`, `last_valeur`, `last_at`
    (subqueries: no extra query)."""
    latest = Mesure.objects.filter(indicateur=OuterRef("pk")).order_by("-date", "-created_at", "-pk")
    return queryset.annotate(
        last_date=Subquery(latest.values("date")[:1]),
        last_valeur=Subquery(latest.values("valeur")[:1]),
        last_at=Subquery(latest.values("created_at")[:1]),
    )


def latest_of(indicateur) -> tuple[datetime.date, Decimal, datetime.datetime] | None:
    """The (date, value, entered at) of an indicator annotated by `with_latest`."""
    if indicateur.last_date is None:
        return None
    return (indicateur.last_date, indicateur.last_valeur, indicateur.last_at)


def contributors_by_axe_indicator(axe_indicator_ids, access) -> dict[int, list]:
    """{axe indicator id: [its contributors the reader may see, annotated by `with_latest`,
    with their fiche]}: one query."""
    from .models import Indicateur

    found: dict[int, list] = {}
    if not axe_indicator_ids:
        return found
    contributors = with_latest(
        Indicateur.objects.visible_to(access).filter(contribue_a__in=axe_indicator_ids).select_related("fiche")
    ).order_by("fiche__numero", "nom", "pk")
    for contributor in contributors:
        found.setdefault(contributor.contribue_a_id, []).append(contributor)
    return found
