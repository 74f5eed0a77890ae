"""Reads of the diagnostic (what is not a plain `get`): each in a fixed number of queries."""

from pvd.gouvernance.selectors import validation_state

from .models import Diagnostic


def diagnostic_of(dossier) -> Diagnostic | None:
    return Diagnostic.objects.filter(dossier=dossier).first()


def overview(dossier) -> dict:
    """What the diagnostic's page shows before each part adds its own section."""
    diagnostic = diagnostic_of(dossier)
    return {
        "diagnostic": diagnostic,
        "validation": validation_state(diagnostic) if diagnostic is not None else None,
    }


# --- Figures (chiffres du territoire) -------------------------------------------------------


# --- AFOM ------------------------------------------------------------------------------------


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------
