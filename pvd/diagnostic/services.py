"""Writes of the diagnostic: every change goes through these functions (views, imports,
commands and the demo call them), each in one transaction, with French errors."""

from django.core.exceptions import ValidationError
from django.db import transaction

from pvd.gouvernance.services import object_submit

from .models import Diagnostic

# --- Diagnostic as a whole ------------------------------------------------------------------


def diagnostic_get_or_create(*, dossier) -> Diagnostic:
    diagnostic, _created = Diagnostic.objects.get_or_create(dossier=dossier)
    return diagnostic


@transaction.atomic
def diagnostic_update(*, dossier, by, histoire: str, dynamiques: str, synthese: str) -> Diagnostic:
    diagnostic = diagnostic_get_or_create(dossier=dossier)
    texts = (histoire, dynamiques, synthese)
    if texts == (diagnostic.histoire, diagnostic.dynamiques, diagnostic.synthese):
        # Nothing changed: `updated_at` stays, so a validated diagnostic does not read « modifié ».
        return diagnostic
    diagnostic.histoire, diagnostic.dynamiques, diagnostic.synthese = texts
    diagnostic.full_clean()
    diagnostic.save()
    return diagnostic


@transaction.atomic
def diagnostic_submit(*, dossier, by):
    """Submit the whole diagnostic to the comité de projet (the one decision mechanism)."""
    diagnostic = diagnostic_get_or_create(dossier=dossier)
    if not (diagnostic.synthese or "").strip():
        raise ValidationError("Rédigez la synthèse du diagnostic avant de le soumettre au comité de projet.")
    return object_submit(
        dossier=dossier, target=diagnostic, titre=f"Validation du diagnostic du territoire — {dossier.nom}", by=by
    )


# --- Figures (chiffres du territoire) -------------------------------------------------------


# --- Imports ---------------------------------------------------------------------------------


# --- AFOM ------------------------------------------------------------------------------------


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------
