"""Validation state of any object of a dossier, read from the decisions of its instances."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType

from pvd.territoires.names import de_commune

from . import registry
from .models import ConvocationEnvoi, Decision, PointOrdreDuJour

NON_SOUMIS = "non_soumis"
SOUMIS = "soumis"
LABELS = {
    NON_SOUMIS: "Non soumis",
    SOUMIS: "Soumis au comité de projet",
    "valide": "Validé",
    "ajourne": "Ajourné",
    "rejete": "Rejeté",
}
# The label agrees with its target: "Fiche 4 : non soumise", "Axe 2 : validé".
FEMININE_LABELS = {
    NON_SOUMIS: "Non soumise",
    SOUMIS: "Soumise au comité de projet",
    "valide": "Validée",
    "ajourne": "Ajournée",
    "rejete": "Rejetée",
}


def is_feminine(model) -> bool:
    """Whether the target is named by a feminine noun (declared by its app, see `registry`)."""
    decidable = registry.get(model)
    return decidable is not None and decidable.feminine


@dataclass(frozen=True)
class ValidationState:
    code: str
    decision: Decision | None = None
    point: PointOrdreDuJour | None = None
    feminine: bool = False  # the target's noun, for the label's agreement

    @property
    def label(self) -> str:
        return (FEMININE_LABELS if self.feminine else LABELS)[self.code]

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
NOT_SUBMITTED_FEMININE = ValidationState(NON_SOUMIS, feminine=True)


def validation_states(objects) -> dict[int, ValidationState]:
    """{object pk: state} for objects of one model, in two queries whatever their number."""
    objects = list(objects)
    if not objects:
        return {}
    content_type = ContentType.objects.get_for_model(objects[0])
    feminine = is_feminine(type(objects[0]))
    ids = [obj.pk for obj in objects]
    states: dict[int, ValidationState] = {}
    decisions = (
        Decision.objects.filter(point__target_type=content_type, point__target_id__in=ids, correction__isnull=True)
        .select_related("point__seance__instance")
        .order_by("created_at")
    )
    for decision in decisions:  # later decisions replace earlier ones
        states[decision.point.target_id] = ValidationState(
            decision.resultat, decision=decision, point=decision.point, feminine=feminine
        )
    pending = PointOrdreDuJour.objects.filter(
        target_type=content_type, target_id__in=ids, decisions__isnull=True
    ).select_related("seance")
    for point in pending:
        current = states.get(point.target_id)
        # A new submission after a decision (e.g. after "ajourné") is pending again.
        if current is None or current.decision.created_at < point.submitted_at:
            states[point.target_id] = ValidationState(SOUMIS, point=point, feminine=feminine)
    not_submitted = NOT_SUBMITTED_FEMININE if feminine else NOT_SUBMITTED
    return {pk: states.get(pk, not_submitted) for pk in ids}


def validation_state(obj) -> ValidationState:
    return validation_states([obj])[obj.pk]


# Pages of the governance


def targetable_objects(dossier, access=None) -> list[tuple[str, str, list]]:
    """[(key, group label, [objects])] for the objects of the dossier an agenda point can target:
    one group per decidable model (`registry`), with the objects that may be submitted.

    Confidential objects only for an `access` that may see them (never with access=None).
    """
    groups = []
    for decidable in registry.decidables():
        queryset = decidable.scoped(decidable.model.objects.filter(dossier=dossier), access)
        groups.append((decidable.key, decidable.label, [obj for obj in queryset if decidable.submittable(obj)]))
    return groups


def target_lookup(dossier, value: str, access=None):
    """The object named "key:pk" among the dossier's targetable objects, or None."""
    key, _, pk = value.partition(":")
    decidable = registry.by_key(key)
    if decidable is None or not pk.isdigit():
        return None
    queryset = decidable.scoped(decidable.model.objects.filter(dossier=dossier), access)
    target = queryset.filter(pk=int(pk)).first()
    return target if target is not None and decidable.submittable(target) else None


def may_submit(access, target, state: ValidationState | None = None) -> bool:
    """Whether `access` may submit `target` to the comité de projet now: the permission its app
    declared, an object that may be submitted, neither pending nor validated."""
    decidable = registry.get(target)
    if decidable is None or not access.can(decidable.submit_permission) or not decidable.submittable(target):
        return False
    state = state if state is not None else validation_state(target)
    return state.code not in (SOUMIS, "valide")


def dossier_validations(dossier, access=None) -> list[dict]:
    """Every targetable object of the dossier with its validation state (one group per model)."""
    rows = []
    for _key, label, objects in targetable_objects(dossier, access):
        states = validation_states(objects)
        rows.append({"label": label, "items": [{"object": obj, "state": states[obj.pk]} for obj in objects]})
    return rows


def pending_submissions(dossier, access=None):
    """Points waiting for a séance, labelled for `access` (see `label_points`)."""
    points = (
        PointOrdreDuJour.objects.filter(dossier=dossier, seance__isnull=True)
        .select_related("target_type", "submitted_by")
        .order_by("submitted_at")
    )
    return label_points(points, dossier, access)


def schedulable_submissions(dossier):
    """The submissions waiting for a séance whose object is not already on an agenda waiting
    for a decision (a point added directly on the object): what « Inscrire tous les points en
    attente » puts on a séance of the comité de projet, in submission order."""
    from django.db.models import Exists, OuterRef

    on_agenda = PointOrdreDuJour.objects.filter(
        dossier=dossier,
        seance__isnull=False,
        target_type=OuterRef("target_type"),
        target_id=OuterRef("target_id"),
        decisions__isnull=True,
    )
    return (
        PointOrdreDuJour.objects.filter(dossier=dossier, seance__isnull=True)
        .exclude(Exists(on_agenda))
        .order_by("submitted_at", "pk")
    )


# Confidential objects (fiches action): their titles never leave the équipe-projet.


def confidential_targets(dossier) -> set[tuple[int, int]]:
    """{(content type id, pk)} of the dossier's confidential decidable objects: one query per
    model that has confidential objects (`registry`)."""
    hidden = set()
    for decidable in registry.decidables():
        if decidable.confidential_field:
            type_id = ContentType.objects.get_for_model(decidable.model).pk
            pks = decidable.model.objects.filter(dossier=dossier, **{decidable.confidential_field: True})
            hidden |= {(type_id, pk) for pk in pks.values_list("pk", flat=True)}
    return hidden


def _confidential_labels(access) -> dict[int, str]:
    """{content type id: label} of the models whose confidential objects `access` may not see."""
    return {
        ContentType.objects.get_for_model(d.model).pk: d.confidential_label
        for d in registry.decidables()
        if d.confidential_field and (access is None or not access.can(d.confidential_permission))
    }


def label_points(points, dossier, access=None, *, hidden: set[tuple[int, int]] | None = None) -> list:
    """Set `libelle` (the title to show) and `objet` (the target's name to show) on each point.

    A point on a confidential object reads its model's confidential label (« Fiche action
    confidentielle ») unless `access` may see it; access=None is for what leaves the platform
    (ICS, e-mails, PDF). One query whatever the number of points (none when `hidden`, the
    `confidential_targets`, is given).
    """
    points = list(points)
    labels = _confidential_labels(access)
    if not labels:
        hidden = set()
    elif hidden is None:
        hidden = confidential_targets(dossier) if points else set()
    for point in points:
        key = (point.target_type_id, point.target_id)
        point.confidentiel = point.target_type_id in labels and key in hidden
        label = labels.get(point.target_type_id, "")
        point.libelle = label if point.confidentiel else point.titre
        target = getattr(point, "target_object", None)
        point.objet = label if point.confidentiel else (str(target) if target is not None else "")
        # "Objet : Fiche 1 — Halle" under "Validation de la fiche n° 1 : Halle" repeats the title.
        names = {point.objet, getattr(target, "titre", ""), getattr(target, "nom", "")} - {"", None}
        point.objet_utile = bool(point.objet) and not any(
            str(name).casefold() in point.libelle.casefold() for name in names
        )
    return points


def instances_of(dossier):
    from django.db.models import Count

    from .models import Instance

    return Instance.objects.filter(dossier=dossier).annotate(
        nb_membres=Count("membres", distinct=True), nb_seances=Count("seances", distinct=True)
    )


def seances_of_dossier(dossier):
    from .models import Seance

    return Seance.objects.filter(instance__dossier=dossier).select_related("instance")


def seance_points(seance, access=None):
    """The agenda of a séance with decisions and targets, in a fixed number of queries,
    labelled for `access` (access=None: for documents that leave the platform)."""
    from django.db.models import Prefetch

    points = list(
        seance.points.order_by("ordre", "pk")
        .select_related("target_type")
        .prefetch_related(
            Prefetch(
                "decisions", queryset=Decision.objects.select_related("recorded_by", "corrige").order_by("created_at")
            )
        )
    )
    # Targets, one query per model.
    by_type: dict[int, list] = {}
    for point in points:
        if point.target_type_id:
            by_type.setdefault(point.target_type_id, []).append(point)
    for type_points in by_type.values():
        model = type_points[0].target_type.model_class()
        objects = model.objects.in_bulk([p.target_id for p in type_points])
        for point in type_points:
            point.target_object = objects.get(point.target_id)
    for point in points:
        if not point.target_type_id:
            point.target_object = None
        # "Fiche 3 — décision : ajournée"; a point without target (le point) stays masculine.
        labels = FEMININE_LABELS if point.target_type_id and is_feminine(point.target_type.model_class()) else LABELS
        decisions = list(point.decisions.all())
        for decision in decisions:
            decision.label = labels[decision.resultat]
        point.decision_list = decisions
        corrected = {d.corrige_id for d in decisions if d.corrige_id}
        current = [d for d in decisions if d.pk not in corrected]
        point.current_decision = current[-1] if current else None
    return label_points(points, seance.instance.dossier, access)


def composition_check(instance) -> list[str]:
    """What the comité de projet lacks among its required members (empty list: complete).

    Required: the executive of each commune bénéficiaire and of the EPCI (a président or an
    élu of the commune's or the EPCI's organisation), the chef de projet, the préfet or the
    ANCT delegate, and the other signatories of the convention d'adhésion (its partners) when
    it exists.
    """
    return [long for _short, long in composition_missing(instance)]


def composition_missing(instance) -> list[tuple[str, str]]:
    """`composition_check` with, for each missing member, a short name for a sentence
    (« il manque le préfet »): [(short, long)]. The members other apps require (the signatories
    of the convention d'adhésion) come last (`registry.register_required_members`)."""
    dossier = instance.dossier
    membres = list(instance.membres.actifs().select_related("organisation"))
    executives = [m for m in membres if m.role in ("president", "elu") and m.organisation_id]
    missing = []
    for commune in dossier.communes.order_by("nom"):
        if not any(m.organisation.commune_id == commune.pk for m in executives):
            missing.append(
                (
                    f"l'exécutif {de_commune(commune.nom)}",
                    f"L'exécutif de la commune {de_commune(commune.nom)} (maire ou élu désigné)",
                )
            )
    if not any(m.organisation.epci_id == dossier.epci_id for m in executives):
        missing.append(("l'exécutif de l'EPCI", f"L'exécutif de l'EPCI {dossier.epci.nom} (président ou élu désigné)"))
    if not any(m.role == "chef_de_projet" for m in membres):
        missing.append(("le chef de projet", "Le chef de projet Petites villes de demain"))
    if not any(m.role == "prefet" for m in membres):
        missing.append(("le préfet", "Le préfet ou le délégué territorial de l'ANCT"))
    for check in registry.required_members_checks():
        missing.extend(check(instance, membres))
    return missing


def current_decision(point) -> Decision | None:
    """The decision in force on a point: the last one that no correction replaced."""
    return point.decisions.filter(correction__isnull=True).order_by("-created_at", "-pk").first()


def points_on(target):
    """The agenda points (submitted or on a séance) that target this object."""
    return PointOrdreDuJour.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)


def has_decisions(target) -> bool:
    """Whether the comité de projet ever decided on this object (even if it was resubmitted since)."""
    return Decision.objects.filter(point__in=points_on(target)).exists()


def deletion_consequence(target) -> str:
    """What deleting `target` does to the comité de projet's agenda, for the confirmation page
    (see `services.decidable_delete_check`): its pending submission goes with it."""
    if points_on(target).filter(decisions__isnull=True).exists() and not has_decisions(target):
        return "Sa soumission au comité de projet, en attente de décision, sera retirée."
    return ""


def convocation_rectificative_due(seance) -> bool:
    """Whether a member who received a convocation before the last change of date or place
    (and still sits, with an address) has not received the convocation rectificative yet."""
    if seance.is_past:
        return False
    envois = ConvocationEnvoi.objects.filter(seance=seance)
    return (
        seance.instance.membres.actifs(seance.date.date())
        .exclude(email="")
        .filter(pk__in=envois.filter(perime=True).values("membre_id"))
        .exclude(pk__in=envois.filter(perime=False).values("membre_id"))
        .exists()
    )
