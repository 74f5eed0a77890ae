import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pvd.dossiers import deadline

D = datetime.date


@pytest.mark.parametrize(
    "adhesion, due",
    [
        (D(2022, 8, 31), D(2024, 2, 29)),  # leap year: clamped to the 29th
        (D(2023, 8, 31), D(2025, 2, 28)),  # common year: clamped to the 28th
        (D(2021, 6, 18), D(2022, 12, 18)),
        (D(2022, 8, 29), D(2024, 2, 29)),
        (D(2022, 8, 30), D(2024, 2, 29)),
        (D(2022, 9, 1), D(2024, 3, 1)),
        (D(2021, 7, 31), D(2023, 1, 31)),
        (D(2022, 2, 28), D(2023, 8, 28)),
    ],
)
def test_due_date_is_18_calendar_months_later(adhesion, due):
    assert deadline.due_date(adhesion) == due


def test_warning_date_is_3_calendar_months_before_due():
    assert deadline.warning_date(D(2022, 8, 31)) == D(2023, 11, 29)  # due 29/02/2024
    assert deadline.warning_date(D(2023, 8, 31)) == D(2024, 11, 28)  # due 28/02/2025
    assert deadline.warning_date(D(2022, 11, 30)) == D(2024, 2, 29)  # due 31/05/2024 → 29/02 (leap)


def state(adhesion, today, cadre=None):
    return deadline.echeance(adhesion_signed_on=adhesion, cadre_signed_on=cadre, today=today).state


@pytest.mark.parametrize(
    "adhesion, due",
    [(D(2022, 8, 31), D(2024, 2, 29)), (D(2023, 8, 31), D(2025, 2, 28)), (D(2021, 6, 18), D(2022, 12, 18))],
)
def test_states_around_the_due_date(adhesion, due):
    one = datetime.timedelta(days=1)
    assert state(adhesion, due - one) == deadline.BIENTOT
    assert state(adhesion, due) == deadline.BIENTOT  # the due day itself is still in time
    assert state(adhesion, due + one) == deadline.DEPASSEE
    # Signed: never overdue, and whether it was in time is kept.
    assert state(adhesion, due + one, cadre=due) == deadline.RESPECTEE
    assert state(adhesion, due + 10 * one, cadre=due + one) == deadline.HORS_DELAI


@pytest.mark.parametrize(
    "adhesion, warn",
    [(D(2022, 8, 31), D(2023, 11, 29)), (D(2023, 8, 31), D(2024, 11, 28)), (D(2022, 11, 30), D(2024, 2, 29))],
)
def test_states_around_the_warning_date(adhesion, warn):
    one = datetime.timedelta(days=1)
    assert state(adhesion, warn - one) == deadline.DANS_LES_TEMPS
    assert state(adhesion, warn) == deadline.BIENTOT
    assert state(adhesion, warn + one) == deadline.BIENTOT


def test_no_adhesion_no_deadline():
    result = deadline.echeance(adhesion_signed_on=None, cadre_signed_on=None, today=D(2024, 1, 1))
    assert result.state == deadline.SANS_ADHESION and result.due is None and result.days_left is None


def test_days_left_and_flags():
    result = deadline.echeance(adhesion_signed_on=D(2022, 8, 31), cadre_signed_on=None, today=D(2024, 2, 19))
    assert result.days_left == 10 and result.is_warning and not result.is_overdue
    assert result.label == "Échéance proche"


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), st.integers(min_value=-240, max_value=240))
def test_add_months_properties(start, months):
    moved = deadline.add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    assert moved.day == start.day or (moved.day < start.day and (moved + datetime.timedelta(days=1)).day == 1)


def test_adhesion_signed_on_a_29_february():
    """Adhésion 29/02/2024: due 29/08/2025 (18 months, the 29th exists), warning from 29/05/2025."""
    adhesion = D(2024, 2, 29)
    assert deadline.due_date(adhesion) == D(2025, 8, 29)
    assert deadline.warning_date(adhesion) == D(2025, 5, 29)
    assert state(adhesion, D(2025, 5, 28)) == deadline.DANS_LES_TEMPS
    assert state(adhesion, D(2025, 5, 29)) == deadline.BIENTOT
    assert state(adhesion, D(2025, 5, 30)) == deadline.BIENTOT
    assert state(adhesion, D(2025, 8, 28)) == deadline.BIENTOT
    assert state(adhesion, D(2025, 8, 29)) == deadline.BIENTOT
    assert state(adhesion, D(2025, 8, 30)) == deadline.DEPASSEE
    assert state(adhesion, D(2025, 9, 1), cadre=D(2025, 8, 29)) == deadline.RESPECTEE
    assert state(adhesion, D(2025, 9, 1), cadre=D(2025, 8, 30)) == deadline.HORS_DELAI
