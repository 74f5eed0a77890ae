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
    diagnostic.histoire, diagnostic.dynamiques, diagnostic.synthese = histoire, dynamiques, synthese
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
# Reading and checking the file: `importer.parse_import` (formats in `catalogue` and the README).


@transaction.atomic
def donnees_import(*, dossier, content: bytes, nom_fichier: str, by):
    """Save every figure of the file, or none: an `importer.ImportRefused` (with every fault by
    line and column) when one fault remains. A figure of the same indicator, territory and
    vintage is updated (it then belongs to this import); a reference figure is left as it is.
    Bulk writes: the number of queries does not grow with the file."""
    from django.db import IntegrityError
    from django.utils import timezone

    from .importer import FIGURE_FIELDS, ImportRefused, parse_import
    from .models import Donnee, DonneeImport, DonneeOrigine

    parsed = parse_import(content, dossier=dossier, nom_fichier=nom_fichier)
    if not parsed.ok:
        raise ImportRefused(parsed)
    donnee_import = DonneeImport(
        dossier=dossier, kind=parsed.kind, nom_fichier=nom_fichier[:255], nb_donnees=len(parsed.figures), created_by=by
    )
    donnee_import.full_clean(exclude=["dossier", "created_by"])
    donnee_import.save()
    now = timezone.now()
    created, updated = [], []
    for figure in parsed.figures:
        donnee = Donnee(
            pk=figure.existing_pk,
            dossier=dossier,
            donnee_import=donnee_import,
            origine=DonneeOrigine.IMPORT,
            updated_at=now,
            **figure.fields(),
        )
        # Checked without the database (the parser has checked each line the same way).
        donnee.full_clean(exclude=["dossier", "donnee_import"], validate_unique=False, validate_constraints=False)
        (created if figure.existing_pk is None else updated).append(donnee)
    try:
        Donnee.objects.bulk_create(created)
        Donnee.objects.bulk_update(updated, fields=[*FIGURE_FIELDS, "origine", "donnee_import", "updated_at"])
    except IntegrityError as error:  # a figure added by someone else between the reading and now
        parsed.fault(0, "", "Des chiffres du dossier ont changé pendant l'import : déposez le fichier à nouveau.")
        raise ImportRefused(parsed) from error
    return donnee_import


@transaction.atomic
def donnee_import_delete(*, donnee_import, by) -> int:
    """Delete an import and every figure it holds (those it created and those it updated).
    Returns the number of figures deleted."""
    count = donnee_import.donnees.count()
    donnee_import.delete()
    return count


# --- AFOM ------------------------------------------------------------------------------------


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------
