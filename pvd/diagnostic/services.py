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


# --- AFOM ------------------------------------------------------------------------------------


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------

from . import carte  # noqa: E402 - imports of this part, kept in its section
from .models import PointInteret, PointInteretKind  # noqa: E402


def _point_interet_geometry(geometry) -> dict:
    try:
        return carte.validate_geometry(geometry)
    except ValidationError as error:
        raise ValidationError({"geometry": error.messages}) from error


@transaction.atomic
def point_interet_create(*, dossier, nom: str, kind: str, geometry, by, description: str = "") -> PointInteret:
    point = PointInteret(
        dossier=dossier,
        nom=(nom or "").strip(),
        kind=kind,
        description=(description or "").strip(),
        geometry=_point_interet_geometry(geometry),
        created_by=by,
    )
    point.full_clean(exclude=["created_by"])  # who added it may have left (SET_NULL)
    point.save()
    return point


@transaction.atomic
def point_interet_update(
    *, point: PointInteret, nom: str, kind: str, geometry, by, description: str = ""
) -> PointInteret:
    point.geometry = _point_interet_geometry(geometry)
    point.nom, point.kind, point.description = (nom or "").strip(), kind, (description or "").strip()
    point.full_clean(exclude=["created_by"])  # who added it may have left (SET_NULL)
    point.save()
    return point


@transaction.atomic
def point_interet_delete(*, point: PointInteret, by) -> None:
    point.delete()


def _import_kind(value, default: str) -> str | None:
    """A feature's type: a code or a label of PointInteretKind (any case); `default` when it
    names none; None when it names an unknown one."""
    text = str(value or "").strip()
    if not text:
        return default
    for code, label in PointInteretKind.choices:
        if text.casefold() in (code.casefold(), label.casefold()):
            return code
    return None


@transaction.atomic
def points_interet_import(*, dossier, data, kind: str, by) -> list[PointInteret]:
    """One point of interest per feature of a GeoJSON text or file (Point, Polygon or
    MultiPolygon), at most carte.IMPORT_MAX_FEATURES. The properties `nom` (or `name`), `kind`
    (a code or a label; else `type`, as the export writes its label) and `description` are read,
    so that an export imports back as it was; `kind` is the type of the features that name none.
    One fault refuses the whole file, with the number of the object: nothing is saved."""
    features = carte.features_from(data, max_features=carte.IMPORT_MAX_FEATURES)
    created = []
    for index, (geometry, props) in enumerate(features, start=1):
        nom = str(props.get("nom") or props.get("name") or "").strip()
        if not nom:
            raise ValidationError(f"Objet n° {index} de la collection : il n'a pas de nom (propriété « nom »).")
        given = props.get("kind") if props.get("kind") not in (None, "") else props.get("type")
        feature_kind = _import_kind(given, kind)
        if feature_kind is None:
            codes = ", ".join(f"« {code} »" for code in PointInteretKind.values)
            raise ValidationError(
                f"Objet n° {index} de la collection (« {nom[:80]} ») : le type « {given} » est inconnu. "
                f"Types reconnus : {codes}, ou leur libellé."
            )
        try:
            point = point_interet_create(
                dossier=dossier,
                nom=nom,
                kind=feature_kind,
                geometry=geometry,
                description=str(props.get("description") or ""),
                by=by,
            )
        except ValidationError as error:
            raise ValidationError(
                f"Objet n° {index} de la collection (« {nom[:80]} ») : {' '.join(error.messages)}"
            ) from error
        created.append(point)
    return created
