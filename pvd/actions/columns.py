"""The columns of the plan's XLSX export, which are also those of the import template."""

# Several organisations in one cell (partners): names separated by this.
NAMES_SEPARATOR = ";"

FICHE_COLUMNS = [
    ("numero", "Numéro"),
    ("titre", "Titre"),
    ("axes", "Axes (numéros ou noms)"),
    ("statut", "Statut"),
    ("maturite", "Maturité"),
    ("priorite", "Priorité"),
    ("maitre_ouvrage", "Maître d'ouvrage"),
    ("pilote", "Pilote"),
    ("partenaires", "Partenaires (séparés par « ; »)"),
    ("commune", "Commune (code INSEE)"),
    ("secteur", "Secteur d'intervention"),
    ("localisation", "Localisation"),
    ("latitude", "Latitude"),
    ("longitude", "Longitude"),
    ("date_debut", "Début prévu"),
    ("date_fin", "Fin prévue"),
    ("cout_ht", "Coût HT (€)"),
    ("cout_ttc", "Coût TTC (€)"),
    ("inscrite_crte", "Inscrite au CRTE"),
    ("confidentielle", "Confidentielle"),
    ("contexte", "Contexte"),
    ("description", "Description"),
    ("objectifs", "Objectifs"),
    ("etapes", "Étapes (une par ligne : date | nom | faite)"),
]
# Former labels of a column, still read so that an older export or template imports.
FORMER_LABELS = {"axes": ["Axes (numéros)"]}
# One étape per line of the cell: « 01/03/2026 | Études préalables | faite » (or « à faire »).
ETAPE_SEPARATOR = "|"
ETAPE_DONE = "faite"
ETAPE_TODO = "à faire"
FINANCEMENT_COLUMNS = [
    ("fiche", "Numéro de fiche"),
    ("financeur", "Financeur"),
    ("dispositif", "Dispositif"),
    ("montant", "Montant (€)"),
    ("statut", "Statut"),
    ("date", "Date"),
]
BUDGET_COLUMNS = [
    ("fiche", "Numéro de fiche"),
    ("annee", "Année"),
    ("investissement", "Investissement (€)"),
    ("fonctionnement", "Fonctionnement (€)"),
]
SHEET_FICHES = "Fiches"
SHEET_FINANCEMENTS = "Financements"
SHEET_BUDGETS = "Budgets"
