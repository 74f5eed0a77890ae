"""The status rule of an indicator (pvd.suivi.status) on known series, at its boundaries."""

import datetime
from decimal import Decimal

import pytest

from pvd.suivi import status
from pvd.suivi.models import Frequence

D = datetime.date
V = Decimal
# Vacancy from 12 % (1 January 2024) down to 8 % (1 January 2028): 1 point a year, 4 points
# of planned change, so a tolerance of 0.2 point.
DOWN = {"valeur_initiale": V(12), "date_initiale": D(2024, 1, 1), "cible": V(8), "echeance": D(2028, 1, 1)}
# Housing from 0 (1 January 2024) up to 100 (1 January 2026, 731 days): tolerance 5.
UP = {"valeur_initiale": V(0), "date_initiale": D(2024, 1, 1), "cible": V(100), "echeance": D(2026, 1, 1)}


TODAY = D(2025, 1, 1)


def etat(base, latest, today=TODAY, frequence=Frequence.PONCTUELLE):
    return status.etat(**base, frequence=frequence, latest=latest, today=today)


def test_without_value():
    assert etat(UP, None).code == status.SANS_VALEUR


def test_exactly_on_the_path_is_on_track():
    # 1 January 2025 is 366 days of 731 after the baseline: 50.0684 expected.
    result = etat(UP, (D(2025, 1, 1), V("50.0684")))
    assert (result.code, result.attendu) == (status.BONNE_VOIE, V("50.0684"))
    assert "50,07" in result.raison


def test_tolerance_boundary_up():
    # 5 % of 100 below the path is still on track; a hundredth more is late.
    assert etat(UP, (D(2025, 1, 1), V("45.0684"))).code == status.BONNE_VOIE
    assert etat(UP, (D(2025, 1, 1), V("45.0683"))).code == status.RETARD


def test_the_same_value_one_day_later_is_judged_on_that_day():
    # The path rises 100 / 731 = 0.1368 a day: the value expected on 1 January 2025 measured a
    # day later is 0.14 short, well within the tolerance of 5; 37 days later it is 5.06 short.
    half = status.expected_value(**UP, on=D(2025, 1, 1))
    assert etat(UP, (D(2025, 1, 2), half)).code == status.BONNE_VOIE
    assert etat(UP, (D(2025, 2, 6), half)).code == status.BONNE_VOIE  # 4.92 short
    assert etat(UP, (D(2025, 2, 7), half)).code == status.RETARD  # 5.06 short


def test_decreasing_target():
    # Two years in (731 of 1461 days): 12 - 4 × 731 / 1461 = 9.9986 expected; the tolerance is
    # 0.2, so 10.1986 is on track and 10.1987 late; 8 and 7.5 have reached the target.
    on = D(2026, 1, 1)
    assert status.expected_value(**DOWN, on=on) == V("9.9986")
    assert etat(DOWN, (on, V("10.1986"))).code == status.BONNE_VOIE
    assert etat(DOWN, (on, V("10.1987"))).code == status.RETARD
    assert etat(DOWN, (on, V("9"))).code == status.BONNE_VOIE
    assert etat(DOWN, (on, V("8"))).code == status.ATTEINT
    assert etat(DOWN, (on, V("7.5"))).code == status.ATTEINT
    # Going up is going the wrong way.
    assert etat(DOWN, (on, V("13"))).code == status.RETARD


def test_reached_exactly_and_past_the_echeance():
    assert etat(UP, (D(2025, 1, 1), V(100))).code == status.ATTEINT
    # On or after the échéance, a value short of the target is late, whatever the tolerance.
    assert etat(UP, (D(2025, 12, 31), V(99))).code == status.BONNE_VOIE
    late = etat(UP, (D(2026, 1, 1), V(99)), today=D(2026, 1, 2))
    assert (late.code, late.attendu) == (status.RETARD, V(100))
    assert "01/01/2026" in late.raison


def test_before_the_reference_date_the_path_holds_the_baseline():
    assert etat(UP, (D(2023, 6, 1), V(0))).code == status.BONNE_VOIE


def test_missing_target_baseline_or_dates():
    assert etat({**UP, "cible": None}, (D(2025, 1, 1), V(3))).code == status.SANS_CIBLE
    assert etat({**UP, "valeur_initiale": None}, (D(2025, 1, 1), V(3))).code == status.NON_EVALUABLE
    assert etat({**UP, "cible": V(0)}, (D(2025, 1, 1), V(3))).code == status.NON_EVALUABLE
    no_echeance = etat({**UP, "echeance": None}, (D(2025, 1, 1), V(3)))
    assert no_echeance.code == status.NON_EVALUABLE and "l'échéance" in no_echeance.raison
    no_date = etat({**UP, "date_initiale": None}, (D(2025, 1, 1), V(3)))
    assert no_date.code == status.NON_EVALUABLE and "la date de référence" in no_date.raison
    # Reached is still said without dates: the direction is known.
    assert etat({**UP, "echeance": None}, (D(2025, 1, 1), V(100))).code == status.ATTEINT


@pytest.mark.parametrize(
    "frequence,latest,last_recent_day",
    [
        (Frequence.MENSUELLE, D(2025, 1, 15), D(2025, 3, 15)),
        (Frequence.MENSUELLE, D(2024, 12, 31), D(2025, 2, 28)),
        (Frequence.TRIMESTRIELLE, D(2025, 1, 1), D(2025, 5, 1)),
        (Frequence.SEMESTRIELLE, D(2025, 1, 1), D(2025, 8, 1)),
        (Frequence.ANNUELLE, D(2024, 12, 31), D(2026, 1, 31)),
    ],
)
def test_no_recent_value_one_day_after_frequency_and_grace(frequence, latest, last_recent_day):
    on_time = etat(UP, (latest, V(100)), today=last_recent_day, frequence=frequence)
    assert on_time.code == status.ATTEINT
    one_day_late = etat(UP, (latest, V(100)), today=last_recent_day + datetime.timedelta(days=1), frequence=frequence)
    assert one_day_late.code == status.PAS_RECENTE
    assert status.date_fr(last_recent_day) in one_day_late.raison


def test_a_ponctuelle_indicator_is_never_late():
    assert etat(UP, (D(2000, 1, 1), V(100)), today=D(2030, 1, 1)).code == status.ATTEINT


def test_every_status_has_a_label_and_the_rule_is_written():
    assert [code for code, _label in status.STATUS_CHOICES] == list(status.STATUSES)
    assert len(status.RULE) == 7
