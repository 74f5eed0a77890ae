"""Validation state of any object of a dossier, read from the decisions of its instances."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType

from .models import Decision, PointOrdreDuJour

NON_SOUMIS = "non_soumis"
SOUMIS = "soumis"
LABELS = {NON_SOUMIS: "Non soumis", SOUMIS: "Soumis au comité de projet", "valide": "Validé", "ajourne": "Ajourné", "rejete": "Rejeté"}


@dataclass(frozen=True)
class ValidationState:
    code: str
    decision: Decision | None = None
    point: PointOrdreDuJour | None = None

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def date(self) -> datetime | None:
        if self.decision and self.decision.point.seance_id:
            return self.decision.point.seance.date
        return self.decision.created_at if self.decision else None

    @property
    def seance(self):
        return self.decision.point.seance if self.decision else None

    @property
    def is_validated(self) -> bool:
        return self.code == "valide"


NOT_SUBMITTED = ValidationState(NON_SOUMIS)


def validation_states(objects) -> dict[int, ValidationState]:
    """{object pk: state} for objects of one model, in two queries whatever their number."""
    objects = list(objects)
    if not objects:
        return {}
    content_type = ContentType.objects.get_for_model(objects[0])
    ids = [obj.pk for obj in objects]
    states: dict[int, ValidationState] = {}
    decisions = (
        Decision.objects.filter(point__target_type=content_type, point__target_id__in=ids, correction__isnull=True)
        .select_related("point__seance__instance")
        .order_by("created_at")
    )
    for decision in decisions:  # later decisions replace earlier ones
        states[decision.point.target_id] = ValidationState(decision.resultat, decision=decision, point=decision.point)
    pending = PointOrdreDuJour.objects.filter(
        target_type=content_type, target_id__in=ids, decisions__isnull=True
    ).select_related("seance")
    for point in pending:
        current = states.get(point.target_id)
        # A new submission after a decision (e.g. after "ajourné") is pending again.
        if current is None or current.decision.created_at < point.submitted_at:
            states[point.target_id] = ValidationState(SOUMIS, point=point)
    return {pk: states.get(pk, NOT_SUBMITTED) for pk in ids}


def validation_state(obj) -> ValidationState:
    return validation_states([obj])[obj.pk]
