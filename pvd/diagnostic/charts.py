"""The charts of the diagnostic's main themes, as data: drawn by Chart.js on the page (with a
table alternative), by the server as SVG in the PDF, and downloadable as CSV. One source of
truth for the three, so that they never disagree.

Contract shared by the page, the PDF and the CSV (filled by `charts_for`):
- `Chart.key` is stable (the CSV's file name, the canvas id);
- `labels` are the categories (x axis), `series` one list of values per territory or year,
  None where a value is missing;
- `sources` lists « source, millésime » of every value shown.
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Serie:
    label: str
    values: list[Decimal | None]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    theme: str  # a Theme value
    unit: str
    labels: list[str]
    series: list[Serie]
    sources: list[str] = field(default_factory=list)
    kind: str = "bar"  # "bar" or "line" (Chart.js type)

    @property
    def is_empty(self) -> bool:
        return not any(v is not None for serie in self.series for v in serie.values)
