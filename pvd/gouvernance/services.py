"""Every write of the governance: instances, members, séances, agenda points, decisions.

`object_submit` and `decision_record` are the validation mechanism the other apps call.
A decision is immutable once the minutes of its séance are approved: a correction is then a
new decision (`decision_correct`) that replaces the old one in the validation state.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from pvd.core.concurrency import claim_version
from pvd.journal.history import history_bulk_record
from pvd.journal.services import corbeille_move

from . import registry
from .models import (
    ROLES_BY_TYPE,
    CalendrierDossier,
    ConvocationEnvoi,
    Decision,
    Instance,
    InstanceType,
    MembreInstance,
    PointOrdreDuJour,
    Presence,
    PresenceStatut,
    Resultat,
    Seance,
    role_choices,
)
from .selectors import SOUMIS, validation_state

logger = logging.getLogger(__name__)


def _check_target(dossier, target) -> None:
    if getattr(target, "dossier_id", None) != dossier.pk:
        raise ValidationError("Cet objet n'appartient pas au dossier.")
    decidable = registry.get(target)
    if decidable is None or not decidable.submittable(target):
        raise ValidationError("Le comité de projet ne se prononce pas sur cet objet.")


@transaction.atomic
def object_submit(*, dossier, target, titre: str, by, description: str = "") -> PointOrdreDuJour:
    """Submit an object of the dossier to the comité de projet: a point waiting for a séance."""
    _check_target(dossier, target)
    state = validation_state(target)
    if state.code == SOUMIS:
        raise ValidationError("Cet objet est déjà soumis au comité de projet.")
    if state.code == "valide":
        raise ValidationError("Cet objet est déjà validé par le comité de projet.")
    point = PointOrdreDuJour(
        dossier=dossier,
        titre=titre,
        description=description,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        submitted_by=by,
    )
    point.full_clean()
    point.save()
    return point


def _check_not_approved(seance: Seance) -> None:
    if Seance.objects.filter(pk=seance.pk, compte_rendu_approuve_le__isnull=False).exists():
        raise ValidationError("Le compte rendu de cette séance est approuvé : ses décisions ne peuvent plus changer.")


def _check_by(by) -> None:
    # A decision always names who recorded it (the minutes and the history rely on it).
    if by is None:
        raise ValidationError("Indiquez la personne qui enregistre la décision.")


@transaction.atomic
def decision_record(*, point: PointOrdreDuJour, resultat: str, texte: str = "", by) -> Decision:
    _check_by(by)
    if resultat not in Resultat.values:
        raise ValidationError({"resultat": "Résultat inconnu."})
    if point.seance_id is None:
        raise ValidationError("Le point doit être inscrit à l'ordre du jour d'une séance avant la décision.")
    if point.seance.instance.kind != "comite_projet" and point.target_id is not None:
        raise ValidationError("Seul le comité de projet valide la stratégie, les documents et les fiches action.")
    _check_not_approved(point.seance)
    # Two first decisions recorded at once on the same point: the second waits here and then
    # finds the first (no lost update, pvd.core.concurrency).
    PointOrdreDuJour.objects.select_for_update().filter(pk=point.pk).exists()
    held = Seance.objects.only("date").get(pk=point.seance_id)  # as stored, not as the caller holds it
    if not held.is_past:
        raise ValidationError(
            f"La séance du {timezone.localtime(held.date):%d/%m/%Y à %H:%M} n'a pas encore eu lieu : "
            "la décision s'enregistre une fois la séance tenue."
        )
    if point.decisions.exists():
        raise ValidationError("Ce point a déjà fait l'objet d'une décision.")
    if point.target_id is not None:
        # Two points on the same object in one séance: only one decision, or they would contradict.
        other = (
            PointOrdreDuJour.objects.filter(
                seance_id=point.seance_id,
                target_type_id=point.target_type_id,
                target_id=point.target_id,
                decisions__isnull=False,
            )
            .exclude(pk=point.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                f"Le comité a déjà statué sur cet objet lors de cette séance (point « {other.titre} ») : "
                "modifiez cette décision plutôt que d'en prendre une seconde."
            )
    decision = Decision(point=point, resultat=resultat, texte=texte, recorded_by=by)
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_update(
    *, decision: Decision, resultat: str, texte: str, by, expected_version: int | None = None
) -> Decision:
    """Amend a decision while the minutes are still a draft. `expected_version`: the version the
    caller read (StaleVersion if the decision changed since, see pvd.core.concurrency)."""
    _check_by(by)
    claim_version(decision, expected_version)
    decision = Decision.objects.select_for_update(of=("self",)).select_related("point__seance").get(pk=decision.pk)
    if resultat not in Resultat.values:
        raise ValidationError({"resultat": "Résultat inconnu."})
    _check_not_approved(decision.point.seance)
    if hasattr(decision, "correction"):
        raise ValidationError("Cette décision a été corrigée : modifiez la correction.")
    decision.resultat, decision.texte, decision.recorded_by = resultat, texte, by
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_correct(
    *, decision: Decision, resultat: str, texte: str, by, expected_version: int | None = None
) -> Decision:
    """A correction of a decision whose minutes are approved: a new decision replacing it.
    `expected_version`: the version of `decision` the caller read (pvd.core.concurrency); the
    corrected decision's version is incremented, so that a second correction read before is refused."""
    _check_by(by)
    claim_version(decision, expected_version)
    decision = Decision.objects.select_for_update(of=("self",)).select_related("point__seance").get(pk=decision.pk)
    if resultat not in Resultat.values:
        raise ValidationError({"resultat": "Résultat inconnu."})
    if not decision.point.seance.compte_rendu_approuve_le:
        raise ValidationError("Le compte rendu n'est pas approuvé : modifiez la décision directement.")
    if Decision.objects.filter(corrige=decision).exists():
        raise ValidationError("Cette décision a déjà été corrigée : corrigez la dernière correction.")
    if not texte.strip():
        raise ValidationError({"texte": "Expliquez la correction."})
    correction = Decision(point=decision.point, resultat=resultat, texte=texte, corrige=decision, recorded_by=by)
    correction.full_clean()
    correction.save()
    return correction


@transaction.atomic
def decision_delete(*, decision: Decision, by) -> None:
    """Move a decision recorded by mistake to the bin, while the minutes are still a draft.
    Refused once the minutes are approved (a correction replaces it then), for a decision in a
    chain of corrections, and for a decision that validated an object: what was built on the
    validation (a published fiche, a convention) must keep it; change the decision instead."""
    _check_by(by)
    decision = Decision.objects.select_for_update(of=("self",)).select_related("point__seance").get(pk=decision.pk)
    _check_not_approved(decision.point.seance)
    if decision.corrige_id is not None or Decision.objects.filter(corrige=decision).exists():
        raise ValidationError("Cette décision fait partie d'une correction : elle ne peut pas être supprimée.")
    if decision.resultat == Resultat.VALIDE and decision.point.target_id is not None:
        raise ValidationError(
            "Cette décision a validé l'objet du point : elle ne peut pas être supprimée. "
            "Modifiez-la plutôt (« Modifier la décision »)."
        )
    corbeille_move(instance=decision, by=by, label=f"Décision : {decision}")


@transaction.atomic
def seance_delete(*, seance: Seance, by) -> None:
    """Move a séance to the bin with its agenda, its attendance and its convocations sent; the
    chef de projet may restore it whole. Refused once a decision was taken in it or its minutes
    approved: the decisions are the comité's record and keep their séance."""
    seance = Seance.objects.select_for_update().select_related("instance").get(pk=seance.pk)
    if seance.compte_rendu_approuve_le is not None:
        raise ValidationError("Le compte rendu de cette séance est approuvé : elle ne peut plus être supprimée.")
    if Decision.objects.filter(point__seance=seance).exists():
        raise ValidationError(
            "Des décisions ont été prises lors de cette séance : elle ne peut pas être supprimée "
            "(les décisions gardent leur séance)."
        )
    corbeille_move(instance=seance, by=by, label=f"Séance : {seance}")


# Instances and members


COMITE_EXISTS = "Ce dossier a déjà un comité de projet."


def _has_comite(dossier) -> bool:
    return Instance.objects.filter(dossier=dossier, kind=InstanceType.COMITE_PROJET).exists()


@transaction.atomic
def instance_create(
    *,
    dossier,
    kind: str,
    nom: str,
    theme: str = "",
    description: str = "",
    instance_existante: bool = False,
    nom_instance_existante: str = "",
    by,
) -> Instance:
    """`instance_existante`: an existing local steering body declared as the comité de projet."""
    if kind == InstanceType.COMITE_PROJET and _has_comite(dossier):
        raise ValidationError({"kind": COMITE_EXISTS})
    if instance_existante and kind != InstanceType.COMITE_PROJET:
        raise ValidationError(
            {"instance_existante": "Seul le comité de projet peut être déclaré comme une instance existante."}
        )
    instance = Instance(
        dossier=dossier,
        kind=kind,
        nom=nom,
        theme=theme,
        description=description,
        instance_existante=instance_existante,
        nom_instance_existante=nom_instance_existante if instance_existante else "",
    )
    instance.full_clean()
    try:
        with transaction.atomic():  # a savepoint: the outer transaction stays usable
            instance.save()
    except IntegrityError as error:
        # Two creations at the same time both passed the checks: the constraint decides.
        if kind == InstanceType.COMITE_PROJET and _has_comite(dossier):
            raise ValidationError({"kind": COMITE_EXISTS}) from error
        raise
    return instance


@transaction.atomic
def instance_update(
    *,
    instance: Instance,
    nom: str,
    theme: str = "",
    description: str = "",
    instance_existante: bool = False,
    nom_instance_existante: str = "",
    by,
    expected_version: int | None = None,
) -> Instance:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    claim_version(instance, expected_version)
    instance.nom, instance.theme, instance.description = nom, theme, description
    instance.instance_existante = instance_existante
    instance.nom_instance_existante = nom_instance_existante if instance_existante else ""
    instance.full_clean()
    instance.save()
    return instance


def _collectivite_organisation(*, dossier, commune=None, epci=None):
    """The organisation of a commune or of the EPCI of the dossier, created on first use with
    its link, which the composition check reads."""
    from pvd.territoires.services import commune_organisation, epci_organisation

    if commune is not None:
        if not dossier.communes.filter(pk=commune.pk).exists():
            raise ValidationError({"organisation": "Cette commune n'est pas une commune bénéficiaire du dossier."})
        return commune_organisation(commune)
    if epci.pk != dossier.epci_id:
        raise ValidationError({"organisation": "Cet EPCI n'est pas celui du dossier."})
    return epci_organisation(epci)


def _instance_name(instance: Instance) -> str:
    return {
        InstanceType.COMITE_PROJET: "le comité de projet",
        InstanceType.EQUIPE_PROJET: "l'équipe-projet",
        InstanceType.COMITE_TECHNIQUE: "un comité technique",
        InstanceType.COMITE_PARTICIPATIF: "un comité participatif",
    }[instance.kind]


@transaction.atomic
def membre_instance_add(
    *,
    instance: Instance,
    nom: str,
    role: str,
    organisation=None,
    nouvelle_organisation: dict | None = None,
    commune=None,
    epci=None,
    fonction: str = "",
    user=None,
    email: str = "",
    by,
) -> MembreInstance:
    """Add a member. `commune` or `epci` (of the dossier) stands for the collectivité's own
    organisation, created here if it does not exist yet. `nouvelle_organisation` ({"nom",
    "kind"}) is one typed in the form, found or added to the dossier's organisations. The role
    must be one of the instance's type (`ROLES_BY_TYPE`): an équipe-projet has a chef de projet
    and services, no président."""
    if role not in ROLES_BY_TYPE[instance.kind]:
        allowed = ", ".join(label for _, label in role_choices(instance.kind))
        raise ValidationError(
            {"role": f"Ce rôle n'existe pas dans {_instance_name(instance)}. Rôles possibles : {allowed}."}
        )
    if user is not None and not instance.dossier.membres.filter(user=user).exists():
        raise ValidationError({"user": "Ce compte n'est pas membre du dossier."})
    if sum(x is not None for x in (organisation, commune, epci)) > 1:
        raise ValidationError({"organisation": "Choisissez une seule organisation."})
    if commune is not None or epci is not None:
        organisation = _collectivite_organisation(dossier=instance.dossier, commune=commune, epci=epci)
    elif organisation is not None or nouvelle_organisation:
        from pvd.territoires.services import organisation_chosen_or_created

        organisation = organisation_chosen_or_created(
            dossier=instance.dossier, organisation=organisation, nouvelle_organisation=nouvelle_organisation
        )
    membre = MembreInstance(
        instance=instance,
        nom=nom,
        role=role,
        organisation=organisation,
        fonction=fonction,
        user=user,
        email=email or (user.email if user else ""),
    )
    membre.full_clean()
    membre.save()
    return membre


@transaction.atomic
def membre_instance_remove(*, membre: MembreInstance, by) -> None:
    """Remove a member entered by mistake. A member who attended a séance whose minutes are
    approved stays in those minutes: they are marked as a former member instead."""
    membre = MembreInstance.objects.select_for_update().get(pk=membre.pk)
    if Presence.objects.filter(membre=membre, seance__compte_rendu_approuve_le__isnull=False).exists():
        raise ValidationError(
            f"{membre.nom} figure sur la feuille de présence d'une séance dont le compte rendu est approuvé : "
            "la personne ne peut pas être retirée. Indiquez plutôt une date de fin pour en faire un ancien membre."
        )
    Presence.objects.filter(membre=membre).delete()  # only draft attendance lists remain
    membre.delete()


@transaction.atomic
def membre_instance_end(
    *, membre: MembreInstance, fin: datetime.date, by, expected_version: int | None = None
) -> MembreInstance:
    """Mark a member as a former member from `fin`: no longer convoked, kept in past minutes.
    `expected_version`: the version the caller read (see pvd.core.concurrency)."""
    if fin is None:
        raise ValidationError({"fin": "Indiquez la date de fin."})
    claim_version(membre, expected_version)
    membre.fin = fin
    membre.full_clean()
    membre.save(update_fields=["fin"])
    return membre


# Calendar subscriptions


@transaction.atomic
def calendrier_renew(*, dossier, user) -> CalendrierDossier:
    """A new secret feed address for `user` on `dossier`; their previous one stops working."""
    CalendrierDossier.objects.filter(dossier=dossier, user=user).delete()
    calendrier = CalendrierDossier(dossier=dossier, user=user)
    calendrier.full_clean()
    calendrier.save()
    return calendrier


# Séances


def _locked(seance: Seance) -> Seance:
    """The séance as stored, locked: the approval of its minutes may be more recent than `seance`."""
    fresh = Seance.objects.select_for_update().get(pk=seance.pk)
    seance.compte_rendu_approuve_le = fresh.compte_rendu_approuve_le
    return seance


@transaction.atomic
def seance_create(*, instance: Instance, date: datetime.datetime, lieu: str = "", by) -> Seance:
    """A séance may be in the past (a séance held before being recorded): the view flags it."""
    seance = Seance(instance=instance, date=date, lieu=lieu)
    seance.full_clean()
    seance.save()
    return seance


@transaction.atomic
def seance_update(
    *, seance: Seance, date: datetime.datetime, lieu: str = "", by, expected_version: int | None = None
) -> Seance:
    """Change the date or the place. After a convocation was sent, the members must be told:
    the sendings are marked outdated (and kept), so that those members get a convocation
    rectificative at the next sending. `expected_version`: see pvd.core.concurrency."""
    claim_version(seance, expected_version)
    if _locked(seance).is_approved:
        raise ValidationError("Le compte rendu de cette séance est approuvé : elle ne peut plus changer.")
    stored = Seance.objects.get(pk=seance.pk)
    changed = stored.date != date or stored.lieu != lieu
    if changed and date > timezone.now() and Decision.objects.filter(point__seance=seance).exists():
        raise ValidationError(
            {
                "date": "Des décisions ont été prises lors de cette séance : "
                "elle ne peut pas être reportée à une date future."
            }
        )
    seance.date, seance.lieu = date, lieu
    if changed:
        seance.sequence = stored.sequence + 1
        if ConvocationEnvoi.objects.filter(seance=seance, perime=False).update(perime=True):
            seance.convocation_modifiee_le = timezone.now()
            seance.convocation_envoyee_le = None
    seance.full_clean()
    seance.save()
    return seance


@transaction.atomic
def point_add(
    *,
    seance: Seance,
    titre: str = "",
    description: str = "",
    target=None,
    pending: PointOrdreDuJour | None = None,
    by,
) -> PointOrdreDuJour:
    """Put a point on the agenda: a pending submission, a new point on an object of the
    dossier, or a point without object (information, debate)."""
    dossier = seance.instance.dossier
    if _locked(seance).is_approved:
        raise ValidationError("Le compte rendu de cette séance est approuvé : son ordre du jour est clos.")
    ordre = (seance.points.aggregate(m=Max("ordre"))["m"] or 0) + 1
    if pending is not None:
        if pending.dossier_id != dossier.pk or pending.seance_id is not None:
            raise ValidationError({"pending": "Cette soumission n'est pas en attente dans ce dossier."})
        if seance.instance.kind != InstanceType.COMITE_PROJET:
            raise ValidationError(
                {"pending": "Une soumission s'inscrit à une séance du comité de projet, seul à valider les objets."}
            )
        pending.seance, pending.ordre = seance, ordre
        if titre:
            pending.titre = titre
        pending.full_clean()
        pending.save()
        return pending
    if not titre.strip():
        raise ValidationError({"titre": "Donnez un titre au point."})
    point = PointOrdreDuJour(
        dossier=dossier, seance=seance, ordre=ordre, titre=titre, description=description, submitted_by=by
    )
    if target is not None:
        _check_target(dossier, target)
        if seance.instance.kind != InstanceType.COMITE_PROJET:
            raise ValidationError("Seul le comité de projet se prononce sur un objet du dossier.")
        point.target_type = ContentType.objects.get_for_model(target)
        point.target_id = target.pk
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def pending_points_schedule(*, seance: Seance, by) -> int:
    """Put every submission waiting in the dossier on the agenda of this séance of the comité
    de projet, after its points, in submission order; those whose object is already on an
    agenda are left out. Returns how many were added. A fixed number of queries."""
    from .selectors import schedulable_submissions

    if seance.instance.kind != InstanceType.COMITE_PROJET:
        raise ValidationError(
            "Les soumissions s'inscrivent à une séance du comité de projet, seul à valider les objets."
        )
    if _locked(seance).is_approved:
        raise ValidationError("Le compte rendu de cette séance est approuvé : son ordre du jour est clos.")
    if Seance.objects.get(pk=seance.pk).is_past:
        raise ValidationError("Cette séance a déjà eu lieu : inscrivez les points en attente à une prochaine séance.")
    points = list(schedulable_submissions(seance.instance.dossier).select_for_update())
    ordre = seance.points.aggregate(m=Max("ordre"))["m"] or 0
    for offset, point in enumerate(points, start=1):
        point.seance, point.ordre = seance, ordre + offset
    PointOrdreDuJour.objects.bulk_update(points, ["seance", "ordre"])
    history_bulk_record(instances=points, history_type="~", by=by, dossier_ref=seance.instance.dossier_id)
    return len(points)


@transaction.atomic
def point_move(*, point: PointOrdreDuJour, direction: int, by) -> None:
    """Swap a point with its neighbour (direction -1 up, +1 down)."""
    seance = point.seance
    if _locked(seance).is_approved:
        raise ValidationError("Le compte rendu de cette séance est approuvé : son ordre du jour est clos.")
    points = list(seance.points.order_by("ordre", "pk"))
    index = points.index(point)
    other = index + direction
    if 0 <= other < len(points):
        points[index], points[other] = points[other], points[index]
    for ordre, item in enumerate(points, start=1):
        if item.ordre != ordre:
            item.ordre = ordre
            item.save(update_fields=["ordre"])


@transaction.atomic
def presences_record(*, seance: Seance, statuts: dict, by, expected_version: int | None = None) -> None:
    """statuts: {MembreInstance: statut}. Only members of the séance's instance can attend it.
    `expected_version`: the séance's version the caller read (the attendance list is saved as a
    whole: StaleVersion if the séance changed since, see pvd.core.concurrency)."""
    claim_version(seance, expected_version)
    if _locked(seance).is_approved:
        raise ValidationError("Le compte rendu de cette séance est approuvé : la feuille de présence est close.")
    if not seance.is_past:
        # Attendance is a fact of the meeting: nobody can have attended it yet.
        raise ValidationError("La séance n'a pas encore eu lieu : les présences se saisissent après la séance.")
    for membre, statut in statuts.items():
        if membre.instance_id != seance.instance_id:
            raise ValidationError(f"{membre.nom} n'est pas membre de l'instance de cette séance.")
        if statut not in PresenceStatut.values:
            raise ValidationError("Statut de présence inconnu.")
    # A fixed number of queries whatever the number of members.
    existing = {p.membre_id: p for p in Presence.objects.filter(seance=seance, membre__in=list(statuts))}
    to_create, to_update = [], []
    for membre, statut in statuts.items():
        presence = existing.get(membre.pk)
        if presence is None:
            to_create.append(Presence(seance=seance, membre=membre, statut=statut))
        elif presence.statut != statut:
            presence.statut = statut
            to_update.append(presence)
    Presence.objects.bulk_create(to_create)
    Presence.objects.bulk_update(to_update, ["statut"])
    dossier_ref = seance.instance.dossier_id
    history_bulk_record(instances=to_create, history_type="+", by=by, dossier_ref=dossier_ref)
    history_bulk_record(instances=to_update, history_type="~", by=by, dossier_ref=dossier_ref)


@transaction.atomic
def seance_set_minutes(*, seance: Seance, compte_rendu: str, by, expected_version: int | None = None) -> Seance:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    claim_version(seance, expected_version)
    if _locked(seance).is_approved:
        raise ValidationError("Le compte rendu est approuvé : il ne peut plus être modifié.")
    seance.compte_rendu = compte_rendu
    seance.full_clean()
    seance.save(update_fields=["compte_rendu"])
    return seance


@transaction.atomic
def seance_approve_minutes(*, seance: Seance, by) -> Seance:
    seance = Seance.objects.select_for_update().get(pk=seance.pk)
    if seance.is_approved:
        raise ValidationError("Le compte rendu est déjà approuvé.")
    if not seance.compte_rendu.strip():
        raise ValidationError("Rédigez le compte rendu avant de l'approuver.")
    if seance.is_past is False:
        raise ValidationError("La séance n'a pas encore eu lieu.")
    seance.compte_rendu_approuve_le = timezone.now()
    seance.compte_rendu_approved_by = by
    seance.save(update_fields=["compte_rendu_approuve_le", "compte_rendu_approved_by"])
    return seance


@dataclass
class ConvocationReport:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    already: int = 0


def seance_send_convocation(*, seance: Seance, by, convocation_url: str) -> ConvocationReport:
    """E-mail the convocation (with the ICS file) to every current member with an address who
    has not received it yet. Each sending is recorded as it succeeds, so a retry after a
    failure of the mail server sends only to the missing members. Confidential fiche titles
    never appear (the e-mail leaves the platform)."""
    from .documents import seance_ics  # noqa: PLC0415 - avoids a cycle with documents
    from .selectors import label_points  # noqa: PLC0415

    if seance.is_past:
        # A convocation calls members to a meeting to come: once it is held, there is nothing to call to.
        raise ValidationError("La séance a déjà eu lieu : la convocation ne peut plus être envoyée.")
    membres = [m for m in seance.instance.membres.actifs(seance.date.date()) if m.email]
    if not membres:
        raise ValidationError("Aucun membre de l'instance n'a d'adresse électronique.")
    done, outdated = set(), set()
    for membre_id, perime in ConvocationEnvoi.objects.filter(seance=seance).values_list("membre_id", "perime"):
        (outdated if perime else done).add(membre_id)
    report = ConvocationReport(already=sum(1 for m in membres if m.pk in done))
    points = label_points(seance.points.order_by("ordre", "pk"), seance.instance.dossier)
    when = f"{seance.instance.nom} du {timezone.localtime(seance.date):%d/%m/%Y à %H:%M}"
    ics = seance_ics(seance)
    for membre in membres:
        if membre.pk in done:
            continue
        # Rectificative only for who received the previous convocation: a member added since
        # the change gets a plain one.
        rectificative = membre.pk in outdated
        subject = f"{'Convocation rectificative' if rectificative else 'Convocation'} : {when}"
        body = render_to_string(
            "gouvernance/email/convocation.txt",
            {
                "seance": seance,
                "membre": membre,
                "points": points,
                "url": convocation_url,
                "rectificative": rectificative,
            },
        )
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [membre.email])
        message.attach(f"seance-{seance.pk}.ics", ics, "text/calendar")
        try:
            message.send()
        except (smtplib.SMTPException, OSError):
            logger.warning("Convocation de la séance %s non envoyée à %s", seance.pk, membre.email, exc_info=True)
            report.failed.append(membre.email)
            continue
        ConvocationEnvoi.objects.create(seance=seance, membre=membre, email=membre.email)
        report.sent.append(membre.email)
    if report.sent:
        seance.convocation_envoyee_le = timezone.now()
        Seance.objects.filter(pk=seance.pk).update(convocation_envoyee_le=seance.convocation_envoyee_le)
        history_bulk_record(instances=[seance], history_type="~", by=by, dossier_ref=seance.instance.dossier_id)
    return report


def _decided_message(target) -> str:
    decidable = registry.get(target)
    noun = decidable.noun if decidable else "cet objet"
    pronoun, agreement = ("elle", "e") if decidable and decidable.feminine else ("il", "")
    message = (
        f"{noun[0].upper()}{noun[1:]} a fait l'objet d'une décision du comité de projet : "
        f"{pronoun} ne peut pas être supprimé{agreement}."
    )
    return f"{message} {decidable.delete_hint}" if decidable and decidable.delete_hint else message


@transaction.atomic
def decidable_delete_check(*, target) -> int:
    """The one rule before deleting an object the comité de projet decides on, whatever its app:
    refused once the comité decided on it (even « ajourné », even if submitted again since: its
    decision must keep its object); otherwise its submissions waiting for a decision are
    withdrawn (so no point is left pointing at nothing) and the caller deletes it. Returns how
    many points were withdrawn."""
    from .selectors import has_decisions

    if has_decisions(target):
        raise ValidationError(_decided_message(target))
    return submissions_withdraw(target=target)


@transaction.atomic
def submissions_withdraw(*, target) -> int:
    """Remove the agenda points on an object that no decision was taken on (before deleting it,
    so no point is left pointing at nothing). Refuses when a decision exists."""
    from .selectors import has_decisions, points_on

    if has_decisions(target):
        raise ValidationError("Le comité de projet a statué sur cet objet : ses points ne peuvent pas être retirés.")
    points = points_on(target)
    locked = points.filter(seance__compte_rendu_approuve_le__isnull=False)
    if locked.exists():
        raise ValidationError("Cet objet figure au compte rendu approuvé d'une séance : il ne peut pas être retiré.")
    count, _ = points.delete()
    return count
