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
    """The sample INSEE file (illustrative values for Langres, its EPCI, the Haute-Marne, the
    Grand Est, France and Joinville as a comparison), imported once through the import service."""
    from pathlib import Path

    from .models import DonneeImport

    nom = "insee_comparateur_exemple.csv"
    dossier = context.dossier
    if not dossier.communes.filter(code="52269").exists():
        return  # the sample file describes Langres: nothing to import into another dossier
    if DonneeImport.objects.filter(dossier=dossier, nom_fichier=nom).exists():
        return
    content = (Path(__file__).resolve().parent / "samples" / nom).read_bytes()
    services.donnees_import(dossier=dossier, content=content, nom_fichier=nom, by=context.chef)


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
