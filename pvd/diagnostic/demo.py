"""Demo diagnostic of Langres: figures (reference and an imported sample file), AFOM,
documents de planification, two studies, initiatives, points of interest on the map, and its
validation by the comité de projet in a séance. Idempotent."""

from django.db import transaction

from . import services


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


def _seed_chiffres(context):
    pass


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
