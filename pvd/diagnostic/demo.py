"""Demo diagnostic of Langres: figures (reference and an imported sample file), AFOM,
documents de planification, two studies, initiatives, points of interest on the map, and its
validation by the comité de projet in a séance. Idempotent."""

from decimal import Decimal

from django.db import transaction

from . import services
from .models import Donnee, Echelle


@transaction.atomic
def seed(context):
    dossier = context.dossier
    services.diagnostic_get_or_create(dossier=dossier)
    _seed_texte(context)
    _seed_chiffres(context)
    _seed_import(context)
    _seed_afom(context)
    _seed_references(context)
    _seed_carte(context)
    _seed_validation(context)


# --- Texte -----------------------------------------------------------------------------------


def _seed_texte(context):
    pass


# --- Figures (chiffres du territoire) -------------------------------------------------------


# Figures the team typed, from a survey of its own (demo values, labelled as such).
DEMO_TYPED_FIGURES = [
    {
        "theme": "commerce",
        "indicateur": "locaux_commerciaux_vacants",
        "libelle": "Locaux commerciaux vacants en centre-ville",
        "valeur": Decimal("23"),
        "unite": "locaux",
    },
    {
        "theme": "commerce",
        "indicateur": "taux_vacance_commerciale",
        "libelle": "Taux de vacance commerciale en centre-ville",
        "valeur": Decimal("14.5"),
        "unite": "%",
    },
]


def _seed_chiffres(context):
    dossier = context.dossier
    services.reference_figures_sync(dossier=dossier)
    commune = dossier.communes.order_by("code").first()
    if commune is None:
        return
    for fields in DEMO_TYPED_FIGURES:
        if not Donnee.objects.filter(dossier=dossier, indicateur=fields["indicateur"]).exists():
            services.donnee_create(
                dossier=dossier,
                by=context.chef,
                echelle=Echelle.COMMUNE,
                code_territoire=commune.code,
                territoire=commune.nom,
                source="Relevé de terrain de la commune (chiffres de démonstration)",
                millesime="2025",
                **fields,
            )


# --- Imports ---------------------------------------------------------------------------------


def _seed_import(context):
    pass


# --- AFOM ------------------------------------------------------------------------------------


def _seed_afom(context):
    pass


# --- Documents de planification, études, initiatives -----------------------------------------


def _seed_references(context):
    pass


# --- Points d'intérêt (carte) ----------------------------------------------------------------


def _seed_carte(context):
    pass


# --- Validation in a séance ------------------------------------------------------------------


def _seed_validation(context):
    pass
