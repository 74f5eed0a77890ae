"""Every write on dossiers, members and invitations."""

import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pvd.comptes.models import User
from pvd.core.concurrency import claim_version
from pvd.core.formatting import date_fr
from pvd.territoires import services as territoires_services
from pvd.territoires.models import Commune, Epci, Organisation

from . import perms
from .models import INVITATION_VALIDITY, DemandeDossier, DemandeStatut, Dossier, Invitation, Membre, Role

logger = logging.getLogger(__name__)

INVITATION_EXPIRED = (
    f"Cette invitation a expiré : un lien d'invitation est valable {INVITATION_VALIDITY.days} jours. "
    "Demandez au chef de projet du dossier de vous en envoyer une nouvelle."
)


def invitation_expired_message(invitation: Invitation) -> str:
    """Who to ask for a new link: the chef de projet, or the State agent who sent it (no chef yet)."""
    sender = invitation.invited_by
    if sender is None or perms.state_role_for(sender) is None:
        return INVITATION_EXPIRED
    return (
        f"Cette invitation a expiré : un lien d'invitation est valable {INVITATION_VALIDITY.days} jours. "
        f"Demandez à {sender.get_full_name()} ({sender.email}), qui vous a invité, de vous en envoyer une nouvelle."
    )


@transaction.atomic
def dossier_create(
    *,
    nom: str,
    communes: list[Commune],
    epci: Epci,
    by: User | None,
    pvd_id: str = "",
    date_entree=None,
    chef: User | None = None,
) -> Dossier:
    """The dossier itself, with `chef` as its chef de projet when given. `by` (who opens it) gets
    no membership: the State follows dossiers through its scope. Opening is `dossier_open` or
    `demande_accept`, which check who may open it."""
    if not communes:
        raise ValidationError({"communes": "Choisissez au moins une commune bénéficiaire."})
    if by is not None and not perms.national_access_for(by).can("dossier.open_hors_programme"):
        # Otherwise anyone could take a commune and lock it out (one dossier in progress each).
        hors_programme = [c for c in communes if not c.pvd]
        if hors_programme:
            noms = ", ".join(str(c) for c in hors_programme)
            raise ValidationError(
                {
                    "communes": f"Ces communes ne font pas partie du programme Petites villes de demain : {noms}. "
                    "Seule l'ANCT peut ouvrir un dossier pour une commune hors programme."
                }
            )
    outside = [c for c in communes if c.epci_id != epci.pk]
    if outside:
        noms = ", ".join(str(c) for c in outside)
        raise ValidationError({"communes": f"Ces communes n'appartiennent pas à l'EPCI {epci} : {noms}."})
    taken = (
        Dossier.communes.through.objects.filter(commune__in=communes, dossier__cloture_le__isnull=True)
        .select_related("commune", "dossier")
        .order_by("commune__nom")
    )
    if taken:
        noms = ", ".join(f"{link.commune} (dossier « {link.dossier.nom} »)" for link in taken)
        raise ValidationError({"communes": f"Ces communes ont déjà un dossier en cours : {noms}."})
    dossier = Dossier(nom=nom.strip(), epci=epci, pvd_id=pvd_id, date_entree=date_entree)
    dossier.full_clean()
    dossier.save()
    dossier.communes.set(communes)
    if chef is not None:
        membre = Membre(dossier=dossier, user=chef, role=Role.CHEF_DE_PROJET)
        membre.full_clean()
        membre.save()
    return dossier


@transaction.atomic
def dossier_update(
    *, dossier: Dossier, nom: str, date_entree=None, pvd_id: str = "", expected_version: int | None = None
) -> Dossier:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    # Validate a copy: a refused value must not leak into the page that shows the error.
    candidate = Dossier.objects.get(pk=dossier.pk)
    claim_version(candidate, expected_version)
    candidate.nom, candidate.date_entree, candidate.pvd_id = nom.strip(), date_entree, pvd_id
    candidate.full_clean()
    candidate.save()
    dossier.nom, dossier.date_entree, dossier.pvd_id = candidate.nom, candidate.date_entree, candidate.pvd_id
    dossier.updated_at, dossier.version = candidate.updated_at, candidate.version
    return dossier


LAST_CHEF_MESSAGE = (
    "Le dossier « {dossier} » doit garder au moins un chef de projet : nommez d'abord un autre chef de projet."
)


def _chefs_remaining(dossier: Dossier, excluding: Membre) -> bool:
    """Whether another chef de projet stays, the dossier's chef rows locked until the end of the
    transaction (two chefs removing each other at once cannot both succeed)."""
    chefs = list(
        Membre.objects.select_for_update()
        .filter(dossier_id=dossier.pk, role=Role.CHEF_DE_PROJET)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return any(pk != excluding.pk for pk in chefs)


def last_chef_dossiers(*, users=None, membres=None) -> list[Dossier]:
    """The dossiers that would be left without a chef de projet if these users (deleted or
    deactivated) or these memberships (deleted) went: the one check of the admin's paths."""
    if users is None and membres is None:
        return []
    leaving = Membre.objects.filter(role=Role.CHEF_DE_PROJET)
    if users is not None:
        leaving = leaving.filter(user__in=users)
    if membres is not None:
        leaving = leaving.filter(pk__in=[membre.pk for membre in membres])
    leaving_pks = set(leaving.values_list("pk", flat=True))
    dossier_ids = set(Membre.objects.filter(pk__in=leaving_pks).values_list("dossier_id", flat=True))
    staying = set(
        Membre.objects.select_for_update(of=("self",))
        .filter(dossier_id__in=dossier_ids, role=Role.CHEF_DE_PROJET, user__is_active=True)
        .exclude(pk__in=leaving_pks)
        .values_list("dossier_id", flat=True)
    )
    return list(Dossier.objects.filter(pk__in=dossier_ids - staying).order_by("nom"))


def last_chef_check(*, users=None, membres=None) -> None:
    """Refuses (French ValidationError) what would leave a dossier without a chef de projet."""
    orphaned = last_chef_dossiers(users=users, membres=membres)
    if orphaned:
        raise ValidationError([LAST_CHEF_MESSAGE.format(dossier=dossier.nom) for dossier in orphaned])


@transaction.atomic
def membre_set_role(*, membre: Membre, role: str, by: User) -> Membre:
    if role not in Role.values:
        raise ValidationError({"role": "Rôle inconnu."})
    if (
        membre.role == Role.CHEF_DE_PROJET
        and role != Role.CHEF_DE_PROJET
        and not _chefs_remaining(membre.dossier, membre)
    ):
        raise ValidationError({"role": "Le dossier doit garder au moins un chef de projet."})
    membre.role = role
    membre.full_clean()
    membre.save(update_fields=["role"])
    return membre


@transaction.atomic
def membre_remove(*, membre: Membre, by: User) -> None:
    if membre.role == Role.CHEF_DE_PROJET and not _chefs_remaining(membre.dossier, membre):
        raise ValidationError("Le dossier doit garder au moins un chef de projet.")
    membre.delete()


@transaction.atomic
def invitation_create(*, dossier: Dossier, email: str, role: str, by: User, base_url: str) -> Invitation:
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": "Rôle inconnu."})
    if Membre.objects.filter(dossier=dossier, user__email__iexact=email).exists():
        raise ValidationError({"email": "Cette personne est déjà membre du dossier."})
    pending = dossier.invitations.filter(email__iexact=email, accepted_at__isnull=True)
    if any(not invitation.is_expired for invitation in pending):
        raise ValidationError({"email": "Une invitation est déjà en attente pour cette adresse."})
    pending.delete()  # an expired link is replaced by the new one
    invitation = Invitation(dossier=dossier, email=email, role=role, invited_by=by)
    invitation.full_clean()
    invitation.save()
    link = base_url.rstrip("/") + reverse("comptes:invitation", args=[invitation.token])
    try:
        send_mail(
            subject=f"Invitation au dossier {dossier} — Petites villes de demain",
            message=(
                f"Bonjour,\n\n{by.get_full_name()} vous invite à rejoindre le dossier « {dossier} » "
                f"avec le rôle « {invitation.get_role_display()} ».\n\nPour accepter, ouvrez ce lien :\n{link}\n\n"
                f"Ce lien est valable jusqu'au {date_fr(invitation.expires_at)}.\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    except (smtplib.SMTPException, OSError) as error:
        # Raising rolls the invitation back: no pending invitation whose link nobody received.
        logger.exception("Invitation non envoyée à %s", email)
        raise ValidationError(
            "Le courriel d'invitation n'a pas pu être envoyé (serveur de messagerie indisponible). "
            "Rien n'a été enregistré : réessayez dans quelques minutes."
        ) from error
    return invitation


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, by: User) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError("Cette invitation a déjà été acceptée : retirez plutôt le membre du dossier.")
    invitation.delete()


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None, first_name: str = "", last_name: str = "", password: str = ""
) -> User:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError("Cette invitation a déjà été acceptée.")
    if invitation.is_expired:
        raise ValidationError(invitation_expired_message(invitation))
    if user is None:
        user = User.objects.create_user(
            email=invitation.email, password=password, first_name=first_name, last_name=last_name
        )
    Membre.objects.get_or_create(dossier=invitation.dossier, user=user, defaults={"role": invitation.role})
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


# --- Opening a dossier: by the State, or on request ------------------------------------------

MAIL_FAILED = (
    "Le courriel n'a pas pu être envoyé (serveur de messagerie indisponible). "
    "Rien n'a été enregistré : réessayez dans quelques minutes."
)


def _send_all(messages: list[EmailMessage]) -> None:
    """Send the mails of one decision in one connection; a failure rolls the decision back."""
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except (smtplib.SMTPException, OSError) as error:
        logger.exception("Courriels non envoyés à %s", [m.to for m in messages])
        raise ValidationError(MAIL_FAILED) from error


def _mail(to: list[str], subject: str, body: str) -> EmailMessage:
    return EmailMessage(
        subject=f"{subject} — Petites villes de demain", body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )


def _check_may_open(*, by: User, communes: list[Commune], perm: str) -> None:
    if perms.state_access(by, communes).can(perm):
        return
    if perms.state_role_for(by) == perms.PREFECTURE:
        outside = ", ".join(str(c) for c in communes if c.departement_id != by.departement_id)
        raise ValidationError(
            {
                "communes": f"Ces communes ne sont pas dans votre département ({by.departement_id}) : {outside}. "
                "La préfecture de leur département ou l'ANCT ouvre leur dossier."
            }
        )
    raise ValidationError(
        "Seules la préfecture du département et l'ANCT ouvrent un dossier. "
        "Demandez l'ouverture du dossier de votre commune : la préfecture vous répondra."
    )


@transaction.atomic
def dossier_open(
    *,
    nom: str,
    communes: list[Commune],
    epci: Epci,
    chef_email: str,
    by: User,
    base_url: str,
    pvd_id: str = "",
    date_entree=None,
) -> Dossier:
    """The préfecture (communes of its département) or ANCT opens a dossier and invites its chef de projet."""
    _check_may_open(by=by, communes=communes, perm="dossier.open")
    dossier = dossier_create(nom=nom, communes=communes, epci=epci, by=by, pvd_id=pvd_id, date_entree=date_entree)
    invitation_create(dossier=dossier, email=chef_email, role=Role.CHEF_DE_PROJET, by=by, base_url=base_url)
    return dossier


def _check_may_designate_chef(*, dossier: Dossier, by: User) -> None:
    """The préfecture that may open this dossier, or ANCT, designates its chef de projet while it has none."""
    if not perms.dossier_state_access(by, dossier).can("dossier.designate_chef"):
        raise ValidationError("Seules la préfecture du département du dossier et l'ANCT désignent son chef de projet.")
    if dossier.membres.filter(role=Role.CHEF_DE_PROJET).exists():
        raise ValidationError(
            "Le dossier a déjà un chef de projet : c'est lui qui invite les membres et gère les invitations."
        )


def _locked_chef_invitation(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("dossier").get(pk=invitation.pk)
    if invitation.accepted_at or invitation.role != Role.CHEF_DE_PROJET:
        raise ValidationError("Cette invitation n'est plus en attente.")
    return invitation


@transaction.atomic
def chef_invitation_create(*, dossier: Dossier, email: str, by: User, base_url: str) -> Invitation:
    """The State invites a chef de projet to a dossier that has none (after a wrong address, say)."""
    _check_may_designate_chef(dossier=dossier, by=by)
    pending = dossier.invitations.filter(email__iexact=email.strip(), accepted_at__isnull=True)
    if any(not invitation.is_expired for invitation in pending):
        raise ValidationError(
            {
                "email": "Une invitation est déjà en attente pour cette adresse : "
                f"renvoyez-la plutôt (« Renvoyer »), avec un nouveau lien valable {INVITATION_VALIDITY.days} jours."
            }
        )
    return invitation_create(dossier=dossier, email=email, role=Role.CHEF_DE_PROJET, by=by, base_url=base_url)


@transaction.atomic
def chef_invitation_cancel(*, invitation: Invitation, by: User) -> None:
    invitation = _locked_chef_invitation(invitation)
    _check_may_designate_chef(dossier=invitation.dossier, by=by)
    invitation.delete()


@transaction.atomic
def chef_invitation_resend(*, invitation: Invitation, by: User, base_url: str) -> Invitation:
    """A new link (new token, valid 30 days from now) to the same address; the old link stops working.
    If the mail cannot be sent, the old invitation stays as it was."""
    invitation = _locked_chef_invitation(invitation)
    dossier = invitation.dossier
    _check_may_designate_chef(dossier=dossier, by=by)
    invitation.delete()
    return invitation_create(
        dossier=dossier, email=invitation.email, role=Role.CHEF_DE_PROJET, by=by, base_url=base_url
    )


def _dossier_in_progress(commune: Commune) -> Dossier | None:
    return commune.dossiers.filter(cloture_le__isnull=True).first()


def demande_recipients(commune: Commune) -> list[str]:
    """Who decides: the préfecture accounts of the commune's département, else ANCT, else the administrators."""
    active = User.objects.filter(is_active=True).order_by("email")
    for accounts in (
        active.filter(state_scope=perms.PREFECTURE, departement_id=commune.departement_id),
        active.filter(state_scope=perms.ANCT),
        active.filter(is_superuser=True),
    ):
        emails = list(accounts.values_list("email", flat=True))
        if emails:
            return emails
    return []


@transaction.atomic
def demande_create(*, commune: Commune, message: str = "", by: User, base_url: str) -> DemandeDossier:
    """Someone without a State role asks to open the dossier of a PVD commune and lead it."""
    if perms.state_role_for(by) is not None:
        raise ValidationError(
            "Vous êtes agent de l'État : vous n'avez pas à demander un dossier. "
            "La préfecture du département ou l'ANCT l'ouvre directement (« Ouvrir un dossier »)."
        )
    if not commune.pvd:
        raise ValidationError(
            {
                "commune": f"{commune} ne fait pas partie du programme Petites villes de demain : "
                "aucun dossier ne peut être demandé pour elle."
            }
        )
    if commune.epci_id is None:
        raise ValidationError(
            {"commune": f"{commune} n'est rattachée à aucun EPCI : contactez la préfecture de votre département."}
        )
    existing = _dossier_in_progress(commune)
    if existing is not None:
        raise ValidationError(
            {
                "commune": f"{commune} a déjà un dossier en cours (« {existing.nom} ») : "
                "demandez à son chef de projet de vous y inviter."
            }
        )
    if DemandeDossier.objects.filter(commune=commune, demandeur=by, statut=DemandeStatut.EN_ATTENTE).exists():
        raise ValidationError({"commune": f"Vous avez déjà une demande en attente pour {commune}."})
    demande = DemandeDossier(commune=commune, demandeur=by, message=message.strip())
    demande.full_clean()
    demande.save()
    link = base_url.rstrip("/") + reverse("dossiers:demandes")
    recipients = demande_recipients(commune)
    if recipients:
        body = (
            f"Bonjour,\n\n{by.get_full_name()} ({by.email}) demande l'ouverture du dossier Petites villes de demain "
            f"de {commune} et propose d'en être le chef de projet.\n\n"
            + (f"Son message :\n{demande.message}\n\n" if demande.message else "")
            + f"Pour accepter ou refuser la demande :\n{link}\n"
        )
        _send_all([_mail(recipients, f"Demande d'ouverture du dossier de {commune.nom}", body)])
    else:
        logger.warning("Demande de dossier pour %s : aucun compte préfecture, ANCT ou administrateur", commune)
    return demande


def _locked_pending(demande: DemandeDossier, by: User, perm: str) -> DemandeDossier:
    demande = DemandeDossier.objects.select_for_update().select_related("commune", "demandeur").get(pk=demande.pk)
    if demande.statut != DemandeStatut.EN_ATTENTE:
        raise ValidationError(f"Cette demande a déjà été traitée ({demande.get_statut_display().lower()}).")
    if not perms.state_access(by, [demande.commune]).can(perm):
        raise ValidationError("Cette demande relève de la préfecture du département de la commune ou de l'ANCT.")
    return demande


def _decide(demande: DemandeDossier, *, statut: str, by: User, motif: str = "", dossier=None) -> None:
    demande.statut, demande.decided_by, demande.decided_at = statut, by, timezone.now()
    demande.motif_refus, demande.dossier = motif, dossier
    demande.full_clean()
    demande.save()


def _refusal_mail(demande: DemandeDossier) -> EmailMessage:
    return _mail(
        [demande.demandeur.email],
        f"Demande de dossier refusée : {demande.commune.nom}",
        f"Bonjour,\n\nVotre demande d'ouverture du dossier de {demande.commune} n'a pas été acceptée.\n\n"
        f"Motif : {demande.motif_refus}\n",
    )


@transaction.atomic
def demande_accept(*, demande: DemandeDossier, by: User, base_url: str) -> Dossier:
    """Open the commune's dossier with the requester as chef de projet; the other pending requests for
    the commune are refused (the dossier exists now)."""
    demande = _locked_pending(demande, by, "demande.decide")
    commune = demande.commune
    dossier = dossier_create(
        nom=f"PVD {commune.nom}",
        communes=[commune],
        epci=commune.epci,
        by=by,
        pvd_id=commune.pvd_id,
        chef=demande.demandeur,
    )
    _decide(demande, statut=DemandeStatut.ACCEPTEE, by=by, dossier=dossier)
    link = base_url.rstrip("/") + reverse("dossiers:detail", kwargs={"dossier_pk": dossier.pk})
    mails = [
        _mail(
            [demande.demandeur.email],
            f"Demande de dossier acceptée : {commune.nom}",
            f"Bonjour,\n\nVotre demande est acceptée : le dossier « {dossier.nom} » est ouvert et vous en êtes "
            f"le chef de projet.\n\nPour y accéder :\n{link}\n",
        )
    ]
    others = list(
        DemandeDossier.objects.select_for_update()
        .filter(commune=commune, statut=DemandeStatut.EN_ATTENTE)
        .select_related("commune", "demandeur")
    )
    motif = (
        f"Le dossier de {commune} a été ouvert à la demande d'une autre personne : "
        "demandez à son chef de projet de vous y inviter."
    )
    DemandeDossier.objects.filter(pk__in=[other.pk for other in others]).update(
        statut=DemandeStatut.REFUSEE, decided_by=by, decided_at=demande.decided_at, motif_refus=motif
    )
    for other in others:
        other.motif_refus = motif
        mails.append(_refusal_mail(other))
    _send_all(mails)
    return dossier


@transaction.atomic
def demande_refuse(*, demande: DemandeDossier, motif: str, by: User) -> DemandeDossier:
    motif = motif.strip()
    if not motif:
        raise ValidationError({"motif_refus": "Indiquez le motif du refus : il est envoyé au demandeur."})
    demande = _locked_pending(demande, by, "demande.decide")
    _decide(demande, statut=DemandeStatut.REFUSEE, by=by, motif=motif)
    _send_all([_refusal_mail(demande)])
    return demande


# --- The national list of organisations (ANCT) ----------------------------------------------
# The organisation's own rules (its name, a commune or an EPCI is never national) are
# pvd.territoires.services'; who may curate the list is the permission table's, here.


def _require_curator(by) -> None:
    if not perms.national_access_for(by).can("organisations.curate"):
        raise ValidationError("Seule l'ANCT tient la liste des organismes nationaux.")


@transaction.atomic
def organisation_national_create(*, nom: str, kind: str, siren: str = "", by) -> Organisation:
    """A national body, offered to every dossier: ANCT's list only."""
    _require_curator(by)
    return territoires_services.organisation_national_create(nom=nom, kind=kind, siren=siren)


@transaction.atomic
def organisation_national_update(
    *,
    organisation: Organisation,
    nom: str,
    kind: str,
    siren: str = "",
    by,
    expected_version: int | None = None,
) -> Organisation:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    _require_curator(by)
    return territoires_services.organisation_national_update(
        organisation=organisation, nom=nom, kind=kind, siren=siren, expected_version=expected_version
    )
