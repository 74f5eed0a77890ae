"""The charts of the diagnostic's main themes, as data: drawn by Chart.js on the page (with a
table alternative), by the server as SVG in the PDF, and downloadable as CSV. One source of
truth for the three, so that they never disagree.

Contract shared by the page, the PDF and the CSV (filled by `charts_for`):
- `Chart.key` is stable (the CSV's file name, the canvas id);
- `labels` are the categories (x axis), `series` one list of values per territory or year,
  None where a value is missing;
- `sources` lists « source, millésime » of every value shown.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape

from pvd.core.csv_export import csv_cell
from pvd.core.formatting import nombre, nombre_tableur


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


# Categories of each theme's chart: (indicator code, label), in the order drawn.
AGE_GROUPS = [
    ("pop_0_14", "0 à 14 ans"),
    ("pop_15_29", "15 à 29 ans"),
    ("pop_30_44", "30 à 44 ans"),
    ("pop_45_59", "45 à 59 ans"),
    ("pop_60_74", "60 à 74 ans"),
    ("pop_75_plus", "75 ans ou plus"),
]
HOUSING = [
    ("log_residences_principales", "Résidences principales"),
    ("log_residences_secondaires", "Résidences secondaires"),
    ("log_vacants", "Logements vacants"),
]
EMPLOYMENT = [
    ("actifs_occupes_15_64", "Actifs occupés (15-64 ans)"),
    ("chomeurs_15_64", "Chômeurs (15-64 ans)"),
    ("emplois", "Emplois au lieu de travail"),
]
SECTORS = [
    ("etab_industrie", "Industrie"),
    ("etab_construction", "Construction"),
    ("etab_commerce_services", "Commerce, transports et services divers"),
    ("etab_administration", "Administration, enseignement, santé, action sociale"),
]
# (key, title, theme, unit, categories, share): with `share`, each territory's values are in
# % of the sum of its categories (territories of different sizes compare); without, counts,
# drawn for the commune and the EPCI only (the département's or France's bars would flatten them).
CATEGORY_CHARTS = [
    ("population_age", "Population par tranche d'âge", "population", "%", AGE_GROUPS, True),
    ("habitat", "Logements par catégorie", "habitat", "%", HOUSING, True),
    ("emploi", "Actifs, chômeurs et emplois", "emploi_economie", "personnes", EMPLOYMENT, False),
    ("commerce", "Établissements actifs par secteur", "commerce", "%", SECTORS, True),
]
# (key, title, theme, indicator): one rate per territory.
RATE_CHARTS = [
    ("taux_vacance", "Taux de vacance des logements", "habitat", "taux_vacance"),
    ("taux_chomage", "Taux de chômage des 15-64 ans", "emploi_economie", "taux_chomage"),
]
# The data each chart needs, said on the page when it is missing.
NEEDS = {
    "population_age": "la population par tranche d'âge (pop_0_14 … pop_75_plus)",
    "habitat": "les résidences principales, secondaires et les logements vacants",
    "taux_vacance": "le taux de vacance des logements",
    "emploi": "les actifs occupés, les chômeurs et les emplois",
    "taux_chomage": "le taux de chômage",
    "commerce": "les établissements actifs par secteur",
    "pvd_population": "la population des communes (données de référence)",
}
SCALE_ORDER = {"commune": 0, "epci": 1, "departement": 2, "region": 3, "france": 4, "pvd": 5}
LOCAL_SCALES = {"commune", "epci"}
ONE_HUNDRED = Decimal(100)


def _territories(donnees, codes) -> dict[tuple, dict]:
    """{(scale, code): {"name", "millesime", "values": {indicator: Donnee}}}: for each territory,
    the latest vintage among its figures of `codes`, and only the figures of that vintage (so that
    the bars of one territory are of one year)."""
    latest: dict[tuple, str] = {}
    for d in donnees:
        if d.indicateur in codes:
            key = (d.echelle, d.code_territoire)
            if d.millesime > latest.get(key, ""):
                latest[key] = d.millesime
    territories = {}
    for d in donnees:
        key = (d.echelle, d.code_territoire)
        if d.indicateur in codes and d.millesime == latest[key]:
            entry = territories.setdefault(key, {"name": d.territoire or d.get_echelle_display(), "values": {}})
            entry["values"][d.indicateur] = d
    return dict(sorted(territories.items(), key=lambda item: (SCALE_ORDER.get(item[0][0], 9), item[0][1])))


def _sources(donnees) -> list[str]:
    seen = []
    for d in donnees:
        # « INSEE, recensement de la population 2021 » already says its vintage.
        text = d.source if d.millesime in d.source else f"{d.source}, {d.millesime}"
        if text not in seen:
            seen.append(text)
    return seen


def _category_chart(donnees, key, title, theme, unit, categories, share) -> Chart:
    codes = [code for code, _label in categories]
    series, used = [], []
    for (scale, _code), entry in _territories(donnees, set(codes)).items():
        if not share and scale not in LOCAL_SCALES:
            continue
        values = [entry["values"][c].valeur if c in entry["values"] else None for c in codes]
        used.extend(entry["values"].values())
        if share:
            total = sum(v for v in values if v is not None)
            values = [
                None if v is None or not total else (v * ONE_HUNDRED / total).quantize(Decimal("0.1")) for v in values
            ]
        series.append(Serie(label=entry["name"], values=values))
    return Chart(key, title, theme, unit, [label for _code, label in categories], series, _sources(used))


def _rate_chart(donnees, key, title, theme, indicator) -> Chart:
    entries = list(_territories(donnees, {indicator}).values())
    figures = [entry["values"][indicator] for entry in entries]
    return Chart(
        key,
        title,
        theme,
        "%",
        [entry["name"] for entry in entries],
        [Serie(label=title, values=[d.valeur for d in figures])],
        _sources(figures),
    )


def _pvd_chart(positions) -> Chart:
    labels, values, sources = [], [], []
    for position in positions:
        labels.append(position.commune.nom)
        values.append(Decimal(position.commune.population) if position.commune.population is not None else None)
        text = f"{position.source}, {position.millesime}"
        if text not in sources:
            sources.append(text)
    groups = {}
    for position in positions:
        departement = position.commune.departement
        groups.setdefault(f"communes PVD {departement.de_nom}", position.departement)
    if positions:
        groups["communes PVD de France"] = positions[0].france
    for name, stats in groups.items():
        for label, value in (("1er quartile", stats.q1), ("médiane", stats.mediane), ("3e quartile", stats.q3)):
            labels.append(f"{label.capitalize()} des {name}")
            values.append(None if value is None else value.quantize(Decimal(1)))
    return Chart(
        "pvd_population",
        "Population comparée aux communes Petites villes de demain",
        "population",
        "habitants",
        labels,
        [Serie(label="Population municipale", values=values)],
        sources,
    )


def charts_for(dossier) -> list[Chart]:
    """The charts of the dossier's main themes, in the order shown (3 queries: the figures, and
    the comparison with the PVD communes). Each territory's values are those of its latest
    vintage; an empty chart is in the list too (`is_empty`): the page says what is missing."""
    from .models import Donnee
    from .selectors import pvd_positions

    codes = {code for *_rest, categories, _share in CATEGORY_CHARTS for code, _label in categories}
    codes |= {indicator for *_rest, indicator in RATE_CHARTS}
    donnees = list(Donnee.objects.filter(dossier=dossier, indicateur__in=codes))
    charts = {key: _category_chart(donnees, key, *rest) for key, *rest in CATEGORY_CHARTS}
    charts |= {key: _rate_chart(donnees, key, *rest) for key, *rest in RATE_CHARTS}
    charts["pvd_population"] = _pvd_chart(pvd_positions(dossier))
    order = ["population_age", "pvd_population", "habitat", "taux_vacance", "emploi", "taux_chomage", "commerce"]
    return [charts[key] for key in order]


def format_value(value, unit: str) -> str:
    """A value of a chart as the page, the SVG and the table write it: « 12,5 % », « 7 421 »."""
    if value is None:
        return "—"
    text = nombre(value, 1) if unit == "%" else nombre(value)
    return f"{text}\u00a0%" if unit == "%" else text


def label_header(chart: Chart) -> str:
    """The heading of the first column of the chart's table: what its labels are."""
    if chart.key in {key for key, *_rest in RATE_CHARTS}:
        return "Territoire"
    if chart.key == "pvd_population":
        return "Commune ou repère"
    return "Catégorie"


def table_rows(chart: Chart) -> list[tuple[str, list[str]]]:
    """The chart as the rows of its table alternative: (category, formatted value per series)."""
    return [
        (label, [format_value(serie.values[i], chart.unit) for serie in chart.series])
        for i, label in enumerate(chart.labels)
    ]


def chart_data(chart: Chart) -> dict:
    """What Chart.js draws (given to the page through `json_script`): numbers as floats."""
    return {
        "key": chart.key,
        "kind": chart.kind,
        "unit": chart.unit,
        "labels": chart.labels,
        "series": [
            {"label": s.label, "values": [None if v is None else float(v) for v in s.values]} for s in chart.series
        ],
    }


def chart_csv(chart: Chart) -> bytes:
    """The chart's values as CSV: UTF-8 with BOM, semicolons and decimal commas (what French
    spreadsheets open, like the project's other exports); text cells that a spreadsheet would
    run as a formula are neutralised (`csv_cell`). Then the unit and the sources."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([csv_cell(chart.title)] + [csv_cell(s.label) for s in chart.series])
    for i, label in enumerate(chart.labels):
        writer.writerow(
            [csv_cell(label)] + [nombre_tableur(s.values[i], 1 if chart.unit == "%" else 2) for s in chart.series]
        )
    writer.writerow([])
    writer.writerow(["Unité", csv_cell(chart.unit)])
    for source in chart.sources:
        writer.writerow(["Source", csv_cell(source)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Colours of the series, DSFR illustrative colours with contrast on white.
SVG_COLOURS = ["#000091", "#C9191E", "#18753C", "#716043", "#6E445A", "#006A6F"]


def chart_svg(chart: Chart) -> str:
    """The chart as a static SVG of horizontal bars (one group per category, one bar per series,
    the value written at the end of each bar), for the PDF where no JavaScript runs. Labels are
    escaped; `<title>` and `<desc>` name the chart for assistive technologies. An empty chart
    gives an empty string."""
    if chart.is_empty:
        return ""
    values = [v for s in chart.series for v in s.values if v is not None]
    top = max(max(values), Decimal(0))
    bottom = min(min(values), Decimal(0))
    span = (top - bottom) or Decimal(1)
    width, label_width, value_width, bar_height, gap = 760, 300, 80, 14, 10
    plot = width - label_width - value_width
    legend_height = 20 * len(chart.series) + 10 if len(chart.series) > 1 else 0
    group_height = bar_height * len(chart.series) + gap
    height = legend_height + group_height * len(chart.labels) + 10
    uid = escape(f"chart-{chart.key}")

    def x_of(value) -> float:
        return label_width + float((value - bottom) / span) * plot

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{uid}-title {uid}-desc" '
        'font-family="Marianne, Arial, sans-serif" font-size="11">',
        f'<title id="{uid}-title">{escape(chart.title)}</title>',
        f'<desc id="{uid}-desc">{escape(f"Unité : {chart.unit}. " + " ; ".join(chart.sources))}</desc>',
    ]
    for i, serie in enumerate(chart.series if legend_height else []):
        y = 10 + 20 * i
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="12" height="12" fill="{SVG_COLOURS[i % len(SVG_COLOURS)]}"/>'
        )
        parts.append(f'<text x="{label_width + 18}" y="{y + 10}">{escape(serie.label)}</text>')
    zero = x_of(Decimal(0))
    for row, label in enumerate(chart.labels):
        y0 = legend_height + row * group_height
        parts.append(
            f'<text x="{label_width - 6}" y="{y0 + group_height / 2}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(label)}</text>'
        )
        for i, serie in enumerate(chart.series):
            value = serie.values[row]
            y = y0 + i * bar_height
            if value is None:
                parts.append(f'<text x="{zero + 4:.1f}" y="{y + bar_height - 3}">{escape("non renseigné")}</text>')
                continue
            x1, x2 = sorted((zero, x_of(value)))
            colour = SVG_COLOURS[i % len(SVG_COLOURS)]
            parts.append(
                f'<rect class="bar" x="{x1:.1f}" y="{y + 1}" width="{max(x2 - x1, 0.5):.1f}" '
                f'height="{bar_height - 2}" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{x2 + 4:.1f}" y="{y + bar_height - 3}">{escape(format_value(value, chart.unit))}</text>'
            )
    parts.append(f'<line x1="{zero:.1f}" y1="{legend_height}" x2="{zero:.1f}" y2="{height - 10}" stroke="#666"/>')
    parts.append("</svg>")
    return "".join(parts)
