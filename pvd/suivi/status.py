"""The status of an indicator (« atteint », « en bonne voie », « en retard »…), by one rule.

The rule, as the indicators' pages show it (`RULE`, `TOLERANCE_TEXT`, `staleness_text`):

1. **Sans valeur** — no value has been measured yet.
2. **Pas de valeur récente** — the latest value is older than the indicator's frequency plus a
   grace period of one month (`GRACE_MONTHS`): a monthly indicator measured on 15 January is
   late from 16 March (15 February + 1 month), a yearly one measured on 31 December 2024 from
   1 February 2026. A « ponctuelle » indicator is never late.
3. **Sans cible** — the indicator has no target: there is nothing to compare with.
4. **Non évaluable** — a target but no baseline value (the direction is unknown), or a target
   equal to the baseline (no direction either).
5. **Atteint** — the latest value reached the target in the indicator's direction, which goes
   from the baseline to the target: up when the target is above the baseline (at or above the
   target), down otherwise (vacancy, energy use: at or below the target).
6. **En bonne voie / en retard** — the value expected on the latest value's date is read on the
   straight line from (date de référence, valeur de référence) to (échéance, cible), held at
   the baseline before the reference date and at the target after the échéance. The latest
   value is « en bonne voie » when it is on that line or beyond it in the indicator's direction,
   within a tolerance of 5 % of the planned change (|cible − référence|, `TOLERANCE`);
   « en retard » otherwise. A value measured on or after the échéance that has not reached the
   target is « en retard », without tolerance. Without a reference date or an échéance, no line can be drawn:
   « non évaluable ».

The functions here are pure (values in, status out); `etats_for` computes the status of many
indicators in a constant number of queries (the latest value of each, plus the roll-up of the
axes' indicators, `pvd.suivi.rollup`)."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from pvd.core.formatting import date_fr, nombre

from .models import Frequence

# Months between two expected values, per frequency (None: never expected again).
FREQUENCE_MOIS = {
    Frequence.MENSUELLE: 1,
    Frequence.TRIMESTRIELLE: 3,
    Frequence.SEMESTRIELLE: 6,
    Frequence.ANNUELLE: 12,
    Frequence.PONCTUELLE: None,
}
GRACE_MONTHS = 1
TOLERANCE = Decimal("0.05")
CENTIEME = Decimal("0.01")

ATTEINT = "atteint"
BONNE_VOIE = "bonne_voie"
RETARD = "retard"
PAS_RECENTE = "pas_recente"
SANS_CIBLE = "sans_cible"
NON_EVALUABLE = "non_evaluable"
SANS_VALEUR = "sans_valeur"

# code → (label, DSFR badge class), in the order the pages list and filter them.
STATUSES = {
    ATTEINT: ("Atteint", "fr-badge--success"),
    BONNE_VOIE: ("En bonne voie", "fr-badge--info"),
    RETARD: ("En retard", "fr-badge--error"),
    PAS_RECENTE: ("Pas de valeur récente", "fr-badge--warning"),
    SANS_CIBLE: ("Sans cible", "fr-badge--no-icon"),
    NON_EVALUABLE: ("Non évaluable", "fr-badge--no-icon"),
    SANS_VALEUR: ("Sans valeur", "fr-badge--no-icon"),
}
STATUS_CHOICES = [(code, label) for code, (label, _badge) in STATUSES.items()]

RULE = [
    ("Sans valeur", "aucune valeur n'a encore été mesurée."),
    (
        "Pas de valeur récente",
        "la dernière valeur est plus ancienne que la fréquence de l'indicateur plus un mois de délai "
        "(mensuelle : 2 mois, trimestrielle : 4 mois, semestrielle : 7 mois, annuelle : 13 mois ; "
        "une mesure ponctuelle n'est jamais en attente).",
    ),
    ("Sans cible", "l'indicateur n'a pas de valeur cible."),
    (
        "Non évaluable",
        "il manque la valeur de référence, la date de référence ou l'échéance, ou la cible est égale à la "
        "référence : le sens ou la trajectoire ne peuvent être établis.",
    ),
    (
        "Atteint",
        "la dernière valeur a atteint la cible dans le sens de l'indicateur, qui va de la référence à la cible "
        "(à la hausse ou à la baisse, par exemple la vacance des logements).",
    ),
    (
        "En bonne voie",
        "la dernière valeur est sur la trajectoire en ligne droite de la référence (à sa date) à la cible "
        "(à l'échéance), ou au-delà dans le sens de l'indicateur, à 5 % près de l'écart entre référence et cible.",
    ),
    (
        "En retard",
        "la dernière valeur est en deçà de cette trajectoire, au-delà de la tolérance, ou l'échéance est passée "
        "sans que la cible soit atteinte.",
    ),
]


@dataclass(frozen=True)
class Etat:
    code: str
    raison: str  # why, in French, for the page
    attendu: Decimal | None = None  # the value expected on the latest value's date, if computed

    @property
    def label(self) -> str:
        return STATUSES[self.code][0]

    @property
    def badge(self) -> str:
        return STATUSES[self.code][1]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` calendar months, on the month's last day when it is shorter
    (31 January + 1 month = 28 or 29 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def duedate_fr(latest: datetime.date, frequence: str) -> datetime.date | None:
    """The last day on which `latest` is still a recent value (None: always recent)."""
    months = FREQUENCE_MOIS.get(frequence)
    if months is None:
        return None
    return add_months(latest, months + GRACE_MONTHS)


def is_stale(latest: datetime.date, frequence: str, today: datetime.date) -> bool:
    due = duedate_fr(latest, frequence)
    return due is not None and today > due


def expected_value(*, valeur_initiale, date_initiale, cible, echeance, on: datetime.date) -> Decimal:
    """The value on the straight line from the baseline to the target on day `on`, held at the
    baseline before its date and at the target after the échéance."""
    if on <= date_initiale:
        return valeur_initiale
    if on >= echeance:
        return cible
    span = (echeance - date_initiale).days
    elapsed = (on - date_initiale).days
    value = valeur_initiale + (cible - valeur_initiale) * Decimal(elapsed) / Decimal(span)
    return value.quantize(Decimal("0.0001"))


def etat(
    *,
    valeur_initiale: Decimal | None,
    date_initiale: datetime.date | None,
    cible: Decimal | None,
    echeance: datetime.date | None,
    frequence: str,
    latest: tuple[datetime.date, Decimal] | None,
    today: datetime.date,
) -> Etat:
    """The status of one indicator from its baseline, target, frequency and latest value
    (date, value): the rule of this module's docstring, in its order."""
    if latest is None:
        return Etat(SANS_VALEUR, "Aucune valeur mesurée.")
    date, valeur = latest
    if is_stale(date, frequence, today):
        return Etat(PAS_RECENTE, f"Valeur attendue au plus tard le {date_fr(duedate_fr(date, frequence))}.")
    if cible is None:
        return Etat(SANS_CIBLE, "L'indicateur n'a pas de valeur cible.")
    if valeur_initiale is None:
        return Etat(NON_EVALUABLE, "Sans valeur de référence, le sens de l'indicateur est inconnu.")
    if cible == valeur_initiale:
        return Etat(NON_EVALUABLE, "La cible est égale à la valeur de référence : le sens de l'indicateur est inconnu.")
    sign = 1 if cible > valeur_initiale else -1
    if (valeur - cible) * sign >= 0:
        return Etat(ATTEINT, "La dernière valeur a atteint la cible.", cible)
    if date_initiale is None or echeance is None:
        missing = "la date de référence" if date_initiale is None else "l'échéance"
        return Etat(NON_EVALUABLE, f"Sans {missing}, la trajectoire vers la cible ne peut être tracée.")
    if date >= echeance:
        return Etat(RETARD, f"L'échéance du {date_fr(echeance)} est passée sans que la cible soit atteinte.", cible)
    attendu = expected_value(
        valeur_initiale=valeur_initiale, date_initiale=date_initiale, cible=cible, echeance=echeance, on=date
    )
    tolerance = abs(cible - valeur_initiale) * TOLERANCE
    raison = f"Valeur attendue sur la trajectoire au {date_fr(date)} : {nombre(attendu.quantize(CENTIEME))}."
    if (valeur - attendu) * sign >= -tolerance:
        return Etat(BONNE_VOIE, raison, attendu)
    return Etat(RETARD, raison, attendu)


def etat_of(indicateur, latest, today) -> Etat:
    """`etat` with the baseline, target and frequency of an Indicateur."""
    return etat(
        valeur_initiale=indicateur.valeur_initiale,
        date_initiale=indicateur.date_initiale,
        cible=indicateur.cible,
        echeance=indicateur.echeance,
        frequence=indicateur.frequence,
        latest=latest,
        today=today,
    )


def staleness_text(frequence: str) -> str:
    months = FREQUENCE_MOIS.get(frequence)
    if months is None:
        return "Mesure ponctuelle : jamais en attente d'une nouvelle valeur."
    return f"Une nouvelle valeur est attendue au plus tard {months + GRACE_MONTHS} mois après la précédente."


def with_etats(queryset, *, access, today: datetime.date | None = None) -> list:
    """The indicators of `queryset` (already scoped by the caller: `visible_to(access)`), each
    with its latest value `derniere` (date, value) or None, its contributors `contributeurs_visibles`
    (those `access` may see), its computed value `calcul` (`pvd.suivi.rollup.Calcul`, None
    without contributors), the value its status is computed on `courante`, and `etat`.
    Two queries whatever the number of indicators and values."""
    from django.utils import timezone

    from . import rollup

    today = today or timezone.localdate()
    indicateurs = list(rollup.with_latest(queryset))
    contributors = rollup.contributors_by_axe_indicator(
        [indicateur.pk for indicateur in indicateurs if indicateur.axe_id is not None], access
    )
    for indicateur in indicateurs:
        own = rollup.latest_of(indicateur)
        indicateur.derniere = own[:2] if own else None
        indicateur.contributeurs_visibles = contributors.get(indicateur.pk, [])
        indicateur.calcul = None
        if indicateur.contributeurs_visibles:
            indicateur.calcul = rollup.compute(
                indicateur.agregation, [rollup.latest_of(c) for c in indicateur.contributeurs_visibles]
            )
            indicateur.courante = indicateur.calcul.latest
        else:
            indicateur.courante = indicateur.derniere
        indicateur.etat = etat_of(indicateur, indicateur.courante, today)
    return indicateurs
