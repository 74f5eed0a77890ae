"""Validation state of any object of a dossier, read from the decisions of its instances."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType

from pvd.territoires.names import de_commune

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
# Targets named by a feminine noun (fiche action, convention); the others (axe, projet de
# territoire, document) are masculine. Keyed by "app_label.model".
FEMININE_MODELS = {"actions.ficheaction", "conventions.convention"}


def is_feminine(model) -> bool:
    return model._meta.label_lower in FEMININE_MODELS


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


def target_models():
    """The models whose objects the comité de projet decides on: (key, label, model)."""
    from pvd.actions.models import FicheAction
    from pvd.conventions.models import Convention
    from pvd.documents.models import Document
    from pvd.strategie.models import AxeStrategique, ProjetTerritoire

    return [
        ("projet", "Projet de territoire (stratégie dans son ensemble)", ProjetTerritoire),
        ("axe", "Axes stratégiques", AxeStrategique),
        ("fiche", "Fiches action", FicheAction),
        ("convention", "Conventions", Convention),
        ("document", "Documents", Document),
    ]


def targetable_objects(dossier, access=None) -> list[tuple[str, str, list]]:
    """[(key, group label, [objects])] for the objects of the dossier an agenda point can target.

    Confidential fiches only for an `access` that may see them (never with access=None).
    """
    groups = []
    for key, label, model in target_models():
        queryset = model.objects.filter(dossier=dossier)
        if key == "fiche":
            queryset = queryset.visible_to(access) if access is not None else queryset.filter(confidentielle=False)
        elif key == "document":  # a confidential document is never submitted (documents.services)
            queryset = queryset.filter(confidentiel=False)
        elif key == "convention":
            queryset = queryset.select_related("amende")
        elif key == "projet":
            queryset = queryset.select_related("dossier")
        groups.append((key, label, list(queryset)))
    return groups


def target_lookup(dossier, value: str, access=None):
    """The object named "key:pk" among the dossier's targetable objects, or None."""
    key, _, pk = value.partition(":")
    models = {k: model for k, _, model in target_models()}
    if key not in models or not pk.isdigit():
        return None
    queryset = models[key].objects.filter(dossier=dossier)
    if key == "fiche":
        queryset = queryset.visible_to(access) if access is not None else queryset.filter(confidentielle=False)
    elif key == "document":
        queryset = queryset.filter(confidentiel=False)
    return queryset.filter(pk=int(pk)).first()


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


# Confidential fiches: their titles never leave the équipe-projet.

CONFIDENTIAL_LABEL = "Fiche action confidentielle"


def confidential_fiche_ids(dossier) -> set[int]:
    from pvd.actions.models import FicheAction

    return set(FicheAction.objects.filter(dossier=dossier, confidentielle=True).values_list("pk", flat=True))


def label_points(points, dossier, access=None, *, hidden: set[int] | None = None) -> list:
    """Set `libelle` (the title to show) and `objet` (the target's name to show) on each point.

    A point on a confidential fiche reads "Fiche action confidentielle" unless `access` may see
    confidential fiches; access=None is for what leaves the platform (ICS, e-mails, PDF).
    One query whatever the number of points (none when `hidden`, the confidential fiche ids,
    is given).
    """
    from pvd.actions.models import FicheAction

    points = list(points)
    can_see = access is not None and access.can("fiche.view_confidential")
    if can_see:
        hidden = set()
    elif hidden is None:
        hidden = confidential_fiche_ids(dossier) if points else set()
    fiche_type_id = ContentType.objects.get_for_model(FicheAction).pk
    for point in points:
        point.confidentiel = point.target_type_id == fiche_type_id and point.target_id in hidden
        point.libelle = CONFIDENTIAL_LABEL if point.confidentiel else point.titre
        target = getattr(point, "target_object", None)
        point.objet = CONFIDENTIAL_LABEL if point.confidentiel else (str(target) if target is not None else "")
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
    (« il manque le préfet »): [(short, long)]."""
    from pvd.conventions.models import Signataire

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
    organisations = {m.organisation_id for m in membres if m.organisation_id}
    signataires = Signataire.objects.filter(convention__dossier=dossier, convention__type="adhesion").select_related(
        "organisation"
    )
    for signataire in signataires:
        # The required signatories (communes, EPCI, State) are the executives and the préfet above.
        if not signataire.requis and signataire.organisation_id not in organisations:
            nom = signataire.organisation.nom
            missing.append(
                (f"un représentant de {nom}", f"Un représentant de {nom}, signataire de la convention d'adhésion")
            )
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
