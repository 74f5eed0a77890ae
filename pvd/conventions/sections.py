"""Section headings of the generated conventions, in order (no Django import: the template
builder script reads them too)."""

CADRE_SECTIONS = [
    "Parties et signataires",
    "Préambule",
    "Article 1 — Objet de la convention",
    "Article 2 — Diagnostic du territoire",
    "Article 3 — Stratégie de revitalisation",
    "Article 4 — Périmètre de l'ORT et secteurs d'intervention",
    "Article 5 — Plan d'action",
    "Article 6 — Maquette financière",
    "Article 7 — Engagements des partenaires",
    "Article 8 — Gouvernance",
    "Article 9 — Suivi et évaluation",
    "Article 10 — Durée de la convention",
    "Signatures",
    "Annexe — Fiches action",
]
ADHESION_SECTIONS = [
    "Parties et signataires",
    "Préambule",
    "Article 1 — Objet de la convention",
    "Article 2 — Engagements des parties",
    "Article 3 — Chef de projet",
    "Article 4 — Comité de projet",
    "Article 5 — Durée de la convention",
    "Signatures",
]
