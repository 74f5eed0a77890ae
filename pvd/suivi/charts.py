"""The chart of one indicator over time, as data: drawn by Chart.js on the indicator's page
(`static/suivi/indicateur.js`) and given as a table with the same values (`table_rows`).

Series (each a list of points (date, value), in date order):
- « Valeurs mesurées »: the indicator's own values;
- « Valeur calculée (…) »: for an axe indicator with contributors, the roll-up over time
  (`pvd.suivi.rollup.computed_series`);
- « Trajectoire »: the straight line from the baseline (at its date) to the target (at the
  échéance) when both dates are known (`pvd.suivi.status`);
- « Référence » and « Cible »: one point each, when their date is known.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from pvd.core.formatting import date_fr, nombre


@dataclass(frozen=True)
class Serie:
    key: str  # mesures, calcul, trajectoire, reference, cible
    label: str
    points: list[tuple[datetime.date, Decimal]]


def indicator_series(indicateur, mesures, calcul_points=None, calcul_label="") -> list[Serie]:
    series = []
    if indicateur.valeur_initiale is not None and indicateur.date_initiale:
        series.append(
            Serie("reference", "Valeur de référence", [(indicateur.date_initiale, indicateur.valeur_initiale)])
        )
    series.append(Serie("mesures", "Valeurs mesurées", [(m.date, m.valeur) for m in mesures]))
    if calcul_points:
        series.append(Serie("calcul", f"Valeur calculée ({calcul_label})", list(calcul_points)))
    if indicateur.cible is not None and indicateur.echeance:
        series.append(Serie("cible", "Valeur cible", [(indicateur.echeance, indicateur.cible)]))
        if indicateur.valeur_initiale is not None and indicateur.date_initiale:
            series.append(
                Serie(
                    "trajectoire",
                    "Trajectoire vers la cible",
                    [(indicateur.date_initiale, indicateur.valeur_initiale), (indicateur.echeance, indicateur.cible)],
                )
            )
    return series


def is_empty(series) -> bool:
    return not any(serie.points for serie in series)


def chart_data(series, unit: str) -> dict:
    """What Chart.js draws (through `json_script`): x in days since 1970-01-01 (a linear axis,
    no date adapter needed), the date written in French for ticks and tooltips."""
    epoch = datetime.date(1970, 1, 1)
    return {
        "unit": unit,
        "series": [
            {
                "key": serie.key,
                "label": serie.label,
                "points": [
                    {"x": (day - epoch).days, "y": float(value), "date": date_fr(day)} for day, value in serie.points
                ],
            }
            for serie in series
        ],
    }


def table_rows(series, unit: str) -> list[dict]:
    """Every point of the chart as a row (date, what it is, value), in date order: the table
    alternative of the chart holds exactly the same values."""
    rows = []
    order = {"reference": 0, "mesures": 1, "calcul": 2, "cible": 3}
    for serie in series:
        if serie.key == "trajectoire":
            continue  # its two ends are the reference and the target rows
        for day, value in serie.points:
            rows.append(
                {"date": day, "nature": serie.label, "valeur": f"{nombre(value)} {unit}", "order": order[serie.key]}
            )
    rows.sort(key=lambda row: (row["date"], row["order"]))
    return rows
