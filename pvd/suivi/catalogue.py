"""A small built-in catalogue of common indicators, to pick from and then edit per dossier.

Kept as data in the code (not in the database): each entry's key is stored on the
indicator (`Indicateur.catalogue`) so that the same indicator can be compared across
dossiers later.
"""

from dataclasses import dataclass

from .models import Frequence, IndicateurKind


@dataclass(frozen=True)
class ModeleIndicateur:
    key: str
    nom: str
    kind: str
    unite: str
    source: str
    frequence: str
    theme: str


CATALOGUE: list[ModeleIndicateur] = [
    ModeleIndicateur(
        "population",
        "Population municipale",
        IndicateurKind.RESULTAT,
        "habitants",
        "INSEE, recensement de la population",
        Frequence.ANNUELLE,
        "Démographie",
    ),
    ModeleIndicateur(
        "logements_vacants",
        "Taux de logements vacants",
        IndicateurKind.RESULTAT,
        "%",
        "INSEE, LOVAC",
        Frequence.ANNUELLE,
        "Habitat",
    ),
    ModeleIndicateur(
        "logements_renoves",
        "Nombre de logements rénovés",
        IndicateurKind.MISE_EN_OEUVRE,
        "logements",
        "Anah, opérateur OPAH-RU",
        Frequence.ANNUELLE,
        "Habitat",
    ),
    ModeleIndicateur(
        "vacance_commerciale",
        "Taux de vacance commerciale en centre-ville",
        IndicateurKind.RESULTAT,
        "%",
        "Relevé communal, CCI",
        Frequence.ANNUELLE,
        "Commerce",
    ),
    ModeleIndicateur(
        "commerces_ouverts",
        "Nombre de commerces ouverts ou repris en centre-ville",
        IndicateurKind.MISE_EN_OEUVRE,
        "commerces",
        "Relevé communal, CCI",
        Frequence.ANNUELLE,
        "Commerce",
    ),
    ModeleIndicateur(
        "emplois",
        "Nombre d'emplois au lieu de travail",
        IndicateurKind.RESULTAT,
        "emplois",
        "INSEE, recensement de la population",
        Frequence.ANNUELLE,
        "Emploi",
    ),
    ModeleIndicateur(
        "espaces_publics",
        "Surface d'espaces publics requalifiés",
        IndicateurKind.MISE_EN_OEUVRE,
        "m²",
        "Services techniques",
        Frequence.ANNUELLE,
        "Espaces publics",
    ),
    ModeleIndicateur(
        "crte_ges",
        "Émissions de gaz à effet de serre du territoire (CRTE)",
        IndicateurKind.RESULTAT,
        "tCO2e/an",
        "Observatoire régional climat-air-énergie",
        Frequence.ANNUELLE,
        "Transition écologique",
    ),
    ModeleIndicateur(
        "crte_enr",
        "Part des énergies renouvelables dans la consommation (CRTE)",
        IndicateurKind.RESULTAT,
        "%",
        "Observatoire régional climat-air-énergie",
        Frequence.ANNUELLE,
        "Transition écologique",
    ),
    ModeleIndicateur(
        "crte_artificialisation",
        "Surface nouvellement artificialisée (CRTE)",
        IndicateurKind.RESULTAT,
        "ha",
        "Cerema, fichiers fonciers",
        Frequence.ANNUELLE,
        "Transition écologique",
    ),
    ModeleIndicateur(
        "crte_renovation_energetique",
        "Logements rénovés énergétiquement (CRTE)",
        IndicateurKind.MISE_EN_OEUVRE,
        "logements",
        "Anah, MaPrimeRénov'",
        Frequence.ANNUELLE,
        "Transition écologique",
    ),
    ModeleIndicateur(
        "crte_amenagements_cyclables",
        "Linéaire d'aménagements cyclables (CRTE)",
        IndicateurKind.MISE_EN_OEUVRE,
        "km",
        "Services techniques",
        Frequence.ANNUELLE,
        "Mobilités",
    ),
]

BY_KEY: dict[str, ModeleIndicateur] = {modele.key: modele for modele in CATALOGUE}


def catalogue_choices() -> list[tuple[str, str]]:
    return [(modele.key, f"{modele.theme} — {modele.nom} ({modele.unite})") for modele in CATALOGUE]
