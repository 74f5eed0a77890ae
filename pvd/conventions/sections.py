"""Section headings of the generated conventions, in order (no Django import: the template
builder script reads them too). The convention-cadre follows the ANCT's canevas of the
convention-cadre Petites villes de demain valant ORT."""

CADRE_SECTIONS = [
    "Parties",
    "Préambule",
    "Article 1 — Objet de la convention",
    "Article 2 — Diagnostic du territoire",
    "Article 3 — Ambition et stratégie de revitalisation",
    "Article 4 — Périmètre de l'ORT et secteurs d'intervention",
    "Article 5 — Plan d'action",
    "Article 6 — Maquette financière",
    "Article 7 — Engagements des parties",
    "Article 8 — Ingénierie mobilisée",
    "Article 9 — Gouvernance",
    "Article 10 — Suivi et évaluation",
    "Article 11 — Entrée en vigueur et durée de la convention",
    "Article 12 — Évolution de la convention",
    "Article 13 — Résiliation",
    "Article 14 — Traitement des litiges",
    "Signatures",
    "Annexe — Fiches action",
]
# Sub-headings of the plan d'action (article 5).
PLAN_VALIDE = "5.1 — Actions validées par le comité de projet"
PLAN_MATURATION = "5.2 — Projets en maturation (fiches non encore validées)"
ADHESION_SECTIONS = [
    "Parties",
    "Préambule",
    "Article 1 — Objet de la convention",
    "Article 2 — Engagements des parties",
    "Article 3 — Chef de projet",
    "Article 4 — Comité de projet",
    "Article 5 — Durée de la convention",
    "Signatures",
]
