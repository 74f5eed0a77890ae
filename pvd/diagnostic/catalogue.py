"""What the imports of the diagnostic know: the shared indicators (code, theme, label, unit),
the INSEE variables that give them (the vintage read from the variable's name), the figures
derived from two others, the labels a generic file may use, and how a territory is written.

The README (« Importer des données du diagnostic ») documents these tables for users;
`pvd/diagnostic/tests/test_imports_catalogue.py` holds the two together.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Echelle, Theme


@dataclass(frozen=True)
class Indicateur:
    code: str
    theme: str
    libelle: str
    unite: str


def _indicateurs(theme: str, *rows: tuple[str, str, str]) -> dict[str, Indicateur]:
    return {code: Indicateur(code, theme, libelle, unite) for code, libelle, unite in rows}


# The shared indicator codes of the diagnostic (Donnee.indicateur), with the theme, label and
# unit an import gives them. `etab_agriculture` is the one code the imports add to the list.
INDICATEURS: dict[str, Indicateur] = {
    **_indicateurs(
        Theme.POPULATION,
        ("pop_totale", "Population", "habitants"),
        ("pop_0_14", "Population de 0 à 14 ans", "habitants"),
        ("pop_15_29", "Population de 15 à 29 ans", "habitants"),
        ("pop_30_44", "Population de 30 à 44 ans", "habitants"),
        ("pop_45_59", "Population de 45 à 59 ans", "habitants"),
        ("pop_60_74", "Population de 60 à 74 ans", "habitants"),
        ("pop_75_plus", "Population de 75 ans ou plus", "habitants"),
        ("menages", "Ménages", "ménages"),
    ),
    **_indicateurs(
        Theme.HABITAT,
        ("log_total", "Logements", "logements"),
        ("log_residences_principales", "Résidences principales", "logements"),
        ("log_residences_secondaires", "Résidences secondaires et logements occasionnels", "logements"),
        ("log_vacants", "Logements vacants", "logements"),
        ("taux_vacance", "Taux de vacance des logements", "%"),
    ),
    **_indicateurs(
        Theme.EMPLOI_ECONOMIE,
        ("emplois", "Emplois au lieu de travail", "emplois"),
        ("actifs_15_64", "Actifs de 15 à 64 ans", "personnes"),
        ("actifs_occupes_15_64", "Actifs occupés de 15 à 64 ans", "personnes"),
        ("chomeurs_15_64", "Chômeurs de 15 à 64 ans", "personnes"),
        ("taux_chomage", "Taux de chômage des 15 à 64 ans", "%"),
        ("revenu_median", "Médiane du revenu disponible par unité de consommation", "€"),
        ("taux_pauvrete", "Taux de pauvreté", "%"),
    ),
    **_indicateurs(
        Theme.COMMERCE,
        ("etablissements", "Établissements actifs", "établissements"),
        ("etab_agriculture", "Établissements actifs de l'agriculture, sylviculture et pêche", "établissements"),
        ("etab_industrie", "Établissements actifs de l'industrie", "établissements"),
        ("etab_construction", "Établissements actifs de la construction", "établissements"),
        (
            "etab_commerce_services",
            "Établissements actifs du commerce, des transports et des services divers",
            "établissements",
        ),
        (
            "etab_administration",
            "Établissements actifs de l'administration, l'enseignement, la santé et l'action sociale",
            "établissements",
        ),
    ),
}

RP = "INSEE, recensement de la population {annee}"
FILOSOFI = "INSEE-DGFiP, Filosofi {annee}"
REE = "INSEE, répertoire des entreprises et des établissements {annee}"

# INSEE variable (the two digits of the vintage as YY) → indicator code and source. The
# variables of the « dossier complet » and of the « comparateur de territoires » use the same
# names; `C` (exploitation complémentaire) and `P` (principale) give the same households.
INSEE_VARIABLES: list[tuple[str, str, str]] = [
    ("P{YY}_POP", "pop_totale", RP),
    ("P{YY}_POP0014", "pop_0_14", RP),
    ("P{YY}_POP1529", "pop_15_29", RP),
    ("P{YY}_POP3044", "pop_30_44", RP),
    ("P{YY}_POP4559", "pop_45_59", RP),
    ("P{YY}_POP6074", "pop_60_74", RP),
    ("P{YY}_POP75P", "pop_75_plus", RP),
    ("P{YY}_MEN", "menages", RP),
    ("C{YY}_MEN", "menages", RP),
    ("P{YY}_LOG", "log_total", RP),
    ("P{YY}_RP", "log_residences_principales", RP),
    ("P{YY}_RSECOCC", "log_residences_secondaires", RP),
    ("P{YY}_LOGVAC", "log_vacants", RP),
    ("P{YY}_EMPLT", "emplois", RP),
    ("P{YY}_ACT1564", "actifs_15_64", RP),
    ("P{YY}_ACTOCC1564", "actifs_occupes_15_64", RP),
    ("P{YY}_CHOM1564", "chomeurs_15_64", RP),
    ("MED{YY}", "revenu_median", FILOSOFI),
    ("TP60{YY}", "taux_pauvrete", FILOSOFI),
    ("ETTOT{YY}", "etablissements", REE),
    ("ETAZ{YY}", "etab_agriculture", REE),
    ("ETBE{YY}", "etab_industrie", REE),
    ("ETFZ{YY}", "etab_construction", REE),
    ("ETGU{YY}", "etab_commerce_services", REE),
    ("ETOQ{YY}", "etab_administration", REE),
]
_INSEE_PATTERNS = [
    (re.compile("^" + pattern.replace("{YY}", r"(\d{2})") + "$"), code, source)
    for pattern, code, source in INSEE_VARIABLES
]


@dataclass(frozen=True)
class Derive:
    """A rate computed from two figures of one territory and vintage, as a percentage."""

    code: str
    numerateur: str
    denominateur: str
    formule: str


# Rounded to one decimal, like INSEE's published rates; the source says how it was computed.
DERIVES = [
    Derive("taux_vacance", "log_vacants", "log_total", "logements vacants / logements × 100"),
    Derive("taux_chomage", "chomeurs_15_64", "actifs_15_64", "chômeurs de 15 à 64 ans / actifs de 15 à 64 ans × 100"),
]


def millesime(yy: str) -> str:
    """ "21" → "2021": INSEE's two-digit vintages of these variables are all after 2000."""
    return f"20{yy}"


@dataclass(frozen=True)
class Variable:
    indicateur: str
    millesime: str
    source: str


def insee_variable(name: str) -> Variable | None:
    """The indicator, vintage and source of an INSEE variable (« P21_POP »), None if unknown."""
    name = name.strip().upper()
    for pattern, code, source in _INSEE_PATTERNS:
        if match := pattern.match(name):
            annee = millesime(match.group(1))
            return Variable(code, annee, source.format(annee=annee))
    return None


def derive(derive: Derive, numerateur: Decimal, denominateur: Decimal) -> Decimal | None:
    if not denominateur:
        return None
    return (numerateur * 100 / denominateur).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def derive_source(source: str, derive: Derive) -> str:
    return f"{source} (calcul : {derive.formule})"


# --- Labels of a generic file ---------------------------------------------------------------


def slug(text: str) -> str:
    """A stable key of a label: no accents, lower case, words joined by « _ » (« Taux de
    chômage » → « taux_de_chomage »), at most 80 characters like Donnee.indicateur."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:80].rstrip("_")


# Other ways a generic file names a shared indicator (its code and its label above are known too).
ALIASES: dict[str, list[str]] = {
    "pop_totale": ["Population municipale", "Population totale", "Nombre d'habitants", "Habitants"],
    "pop_75_plus": ["Population de 75 ans et plus"],
    "menages": ["Nombre de ménages"],
    "log_total": ["Nombre de logements", "Logements (total)"],
    "log_residences_secondaires": ["Résidences secondaires"],
    "log_vacants": ["Nombre de logements vacants"],
    "taux_vacance": ["Taux de vacance", "Taux de logements vacants", "Part des logements vacants"],
    "emplois": ["Emplois", "Nombre d'emplois", "Emplois au lieu de travail (LT)"],
    "taux_chomage": ["Taux de chômage", "Taux de chômage (15-64 ans)", "Taux de chômage des 15-64 ans"],
    "revenu_median": ["Revenu médian", "Médiane du revenu disponible", "Revenu disponible médian par UC"],
    "taux_pauvrete": ["Taux de pauvreté à 60 %", "Taux de pauvreté au seuil de 60 %"],
    "etablissements": ["Nombre d'établissements", "Établissements", "Total des établissements actifs"],
}
_KNOWN_LABELS: dict[str, str] = {}
for _code, _indicateur in INDICATEURS.items():
    for _label in [_code, _indicateur.libelle, *ALIASES.get(_code, [])]:
        _KNOWN_LABELS[slug(_label)] = _code


def known_indicateur(label: str) -> Variable | str | None:
    """The shared code a generic file's `indicateur` names (its code, its label, an alias above,
    accents and case aside), or the INSEE variable it is (« P21_POP »); None otherwise."""
    return insee_variable(label) or _KNOWN_LABELS.get(slug(label))


def theme_of(value: str) -> str | None:
    """The theme a `thème` cell names, by its code or label (accents and case aside)."""
    key = slug(value)
    for code, label in Theme.choices:
        if key in (slug(code), slug(label)):
            return code
    return None


# --- Territories -----------------------------------------------------------------------------

FRANCE_CODE = "FR"
FRANCE_NAME = "France"
_PREFIXES = {"COM": Echelle.COMMUNE, "EPCI": Echelle.EPCI, "DEP": Echelle.DEPARTEMENT, "REG": Echelle.REGION}
_FRANCE = {"FRANCE", "FR", "FRA", "FE", "FE-1"}
_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_SIREN = re.compile(r"^\d{9}$")
_DEPARTEMENT = re.compile(r"^(\d{2}|2[AB]|97\d)$")
_REGION = re.compile(r"^\d{2}$")


def territoire_code(raw) -> tuple[str, str] | None:
    """(scale, code as stored) of a territory code as INSEE writes it, None if it reads as none.

    - a commune: « 52269 », « 2A004 » or « COM-52269 » (code INSEE, 5 characters);
    - an EPCI: its SIREN « 200072999 » or « EPCI-200072999 »;
    - a département: « 52 », « 2A », « 971 » or « DEP-52 »;
    - a région: « REG-44 » only (a bare « 44 » is the département);
    - France: « FRANCE », « FR » or « FE-1 » (INSEE's « France entière »), stored as « FR ».

    A number read from a spreadsheet loses its leading zero: « 1001 » is the commune « 01001 »
    and « 1 » the département « 01 »."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip().upper().replace(" ", "")
    if text in _FRANCE:
        return Echelle.FRANCE, FRANCE_CODE
    prefix, dash, rest = text.partition("-")
    if dash and prefix in _PREFIXES:
        found = territoire_code(rest)
        scale = _PREFIXES[prefix]
        if scale == Echelle.REGION:
            return (scale, rest) if _REGION.match(rest) else None
        return found if found and found[0] == scale else None
    if text.isdigit() and len(text) in (1, 4):
        text = text.zfill(len(text) + 1)
    if _COMMUNE.match(text):
        return Echelle.COMMUNE, text
    if _SIREN.match(text):
        return Echelle.EPCI, text
    if _DEPARTEMENT.match(text):
        return Echelle.DEPARTEMENT, text
    return None
