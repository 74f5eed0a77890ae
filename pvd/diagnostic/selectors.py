"""Reads of the diagnostic (what is not a plain `get`): each in a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Subquery

from pvd.dossiers.models import Dossier
from pvd.gouvernance.selectors import ValidationState, validation_state

from .models import AfomItem, Diagnostic, DocumentPlanification, Donnee, DonneeImport, Etude, Initiative, PointInteret


def diagnostic_of(dossier) -> Diagnostic | None:
    return Diagnostic.objects.filter(dossier=dossier).first()


# --- Diagnostic as a whole: progress and validation ------------------------------------------


@dataclass(frozen=True)
class DiagnosticStatus:
    """Where the diagnostic stands (step 3): `started` once the team built any part of it,
    `validation` its state before the comité de projet (None without a Diagnostic), `changed`
    when something dated changed after the validation (see `diagnostic_status`)."""

    diagnostic: Diagnostic | None
    started: bool
    validation: ValidationState | None
    last_change: datetime | None
    changed: bool

    @property
    def has_synthese(self) -> bool:
        return self.diagnostic is not None and bool(self.diagnostic.synthese.strip())

    @property
    def is_validated(self) -> bool:
        return self.validation is not None and self.validation.is_validated


def _latest(model, field: str, **filters):
    rows = model.objects.filter(dossier=OuterRef("pk"), **filters).order_by(f"-{field}").values(field)[:1]
    return Subquery(rows)


def _team_figures():
    # Figures computed from the reference data do not count: the platform made them, not the team.
    return Donnee.objects.filter(dossier=OuterRef("pk")).exclude(origine="reference")


# Parts that the team builds, each enough to start the diagnostic.
_PARTS = {
    "has_donnee": lambda: Exists(_team_figures()),
    "has_afom": lambda: Exists(AfomItem.objects.filter(dossier=OuterRef("pk"))),
    "has_plan": lambda: Exists(DocumentPlanification.objects.filter(dossier=OuterRef("pk"))),
    "has_etude": lambda: Exists(Etude.objects.filter(dossier=OuterRef("pk"))),
    "has_initiative": lambda: Exists(Initiative.objects.filter(dossier=OuterRef("pk"))),
    "has_point": lambda: Exists(PointInteret.objects.filter(dossier=OuterRef("pk"))),
}
# The parts that carry a date of change (the others, without a timestamp, are not seen changing).
_DATED = {
    "last_donnee": lambda: Subquery(_team_figures().order_by("-updated_at").values("updated_at")[:1]),
    "last_import": lambda: _latest(DonneeImport, "created_at"),
    "last_etude": lambda: _latest(Etude, "created_at"),
    "last_point": lambda: _latest(PointInteret, "created_at"),
}


def diagnostic_status(dossier) -> DiagnosticStatus:
    """The diagnostic's progress in three queries whatever its size: one for the diagnostic and
    whether each part exists (with the latest dates), two for its validation state.

    A validation covers what the comité saw: `changed` is true when the texts (the Diagnostic's
    `updated_at`) or a dated part (a figure typed or imported, an import, a study, a point on
    the map) changed after the decision was recorded. AFOM items, plans and initiatives carry
    no date: their later changes are not detected. The change is shown (« Modifié depuis la
    validation »), it does not undo the validation: the comité does not validate an object
    twice (`gouvernance.services.object_submit`)."""
    row = (
        Dossier.objects.filter(pk=dossier.pk)
        .select_related("diagnostic")
        .annotate(**{name: make() for name, make in {**_PARTS, **_DATED}.items()})
        .get()
    )
    diagnostic = getattr(row, "diagnostic", None) if _has_diagnostic(row) else None
    texts = diagnostic is not None and any(
        (text or "").strip() for text in (diagnostic.histoire, diagnostic.dynamiques, diagnostic.synthese)
    )
    started = texts or any(getattr(row, name) for name in _PARTS)
    dates = [getattr(row, name) for name in _DATED]
    if texts:
        dates.append(diagnostic.updated_at)
    last_change = max((d for d in dates if d is not None), default=None)
    validation = validation_state(diagnostic) if diagnostic is not None else None
    changed = bool(
        validation is not None
        and validation.is_validated
        and validation.decision is not None
        and last_change is not None
        and last_change > validation.decision.created_at
    )
    return DiagnosticStatus(
        diagnostic=diagnostic, started=started, validation=validation, last_change=last_change, changed=changed
    )


def _has_diagnostic(row) -> bool:
    try:
        row.diagnostic  # noqa: B018 - the reverse one-to-one, fetched by select_related
    except Diagnostic.DoesNotExist:
        return False
    return True


def overview(dossier) -> dict:
    """What the diagnostic's page shows before each part adds its own section."""
    status = diagnostic_status(dossier)
    return {
        "diagnostic": status.diagnostic,
        "validation": status.validation,
        "modifie_depuis_validation": status.changed,
        "status": status,
    }


# --- Figures (chiffres du territoire) -------------------------------------------------------


# --- AFOM ------------------------------------------------------------------------------------


# --- Documents de planification, études, initiatives -----------------------------------------


# --- Points d'intérêt (carte) ----------------------------------------------------------------
