"""The 18-month rule of the convention-cadre, as pure functions of dates (no database).

The convention-cadre must be signed within 18 months of the convention d'adhésion
(programme's mode d'emploi, step 2). Precisely:

- due date = date of signature of the adhésion + 18 calendar months; when that month is
  shorter, the last day of the month (31 August 2022 → 29 February 2024);
- warning ("bientot") from the warning date, 3 calendar months before the due date (same
  clamping), up to and including the due date itself;
- overdue ("depassee") from the day after the due date, as long as the cadre is not signed;
- once the cadre is signed: "respectee" when signed on or before the due date,
  "hors_delai" when signed after it.

A rule of the dossier's calendar, below the apps that read it: the dossier list filters on it,
pvd.conventions applies it to the signature dates.
"""

import calendar
import datetime
from dataclasses import dataclass

DELAI_MOIS = 18
PREAVIS_MOIS = 3

SANS_ADHESION = "sans_adhesion"
DANS_LES_TEMPS = "dans_les_temps"
BIENTOT = "bientot"
DEPASSEE = "depassee"
RESPECTEE = "respectee"
HORS_DELAI = "hors_delai"

LABELS = {
    SANS_ADHESION: "Convention d'adhésion non signée",
    DANS_LES_TEMPS: "Dans les temps",
    BIENTOT: "Échéance proche",
    DEPASSEE: "Échéance dépassée",
    RESPECTEE: "Signée dans le délai",
    HORS_DELAI: "Signée après l'échéance",
}


def add_months(date: datetime.date, months: int) -> datetime.date:
    """`date` moved by `months` calendar months (negative allowed), clamped to the month's last day."""
    index = date.year * 12 + (date.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(date.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def due_date(adhesion_signed_on: datetime.date) -> datetime.date:
    return add_months(adhesion_signed_on, DELAI_MOIS)


def warning_date(adhesion_signed_on: datetime.date) -> datetime.date:
    return add_months(due_date(adhesion_signed_on), -PREAVIS_MOIS)


@dataclass(frozen=True)
class Echeance:
    state: str
    due: datetime.date | None = None
    warning_from: datetime.date | None = None
    cadre_signed_on: datetime.date | None = None
    today: datetime.date | None = None

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def is_warning(self) -> bool:
        return self.state == BIENTOT

    @property
    def is_overdue(self) -> bool:
        return self.state == DEPASSEE

    @property
    def days_left(self) -> int | None:
        if self.due is None or self.today is None:
            return None
        return (self.due - self.today).days


def echeance(
    *, adhesion_signed_on: datetime.date | None, cadre_signed_on: datetime.date | None, today: datetime.date
) -> Echeance:
    if adhesion_signed_on is None:
        return Echeance(SANS_ADHESION, cadre_signed_on=cadre_signed_on, today=today)
    due = due_date(adhesion_signed_on)
    warn = warning_date(adhesion_signed_on)
    if cadre_signed_on is not None:
        state = RESPECTEE if cadre_signed_on <= due else HORS_DELAI
    elif today > due:
        state = DEPASSEE
    elif today >= warn:
        state = BIENTOT
    else:
        state = DANS_LES_TEMPS
    return Echeance(state, due=due, warning_from=warn, cadre_signed_on=cadre_signed_on, today=today)
