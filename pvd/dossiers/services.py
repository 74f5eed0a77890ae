"""Every write on dossiers, members and invitations."""

import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pvd.comptes.models import User
from pvd.territoires.models import Commune, Epci

from . import perms
from .models import INVITATION_VALIDITY, Dossier, Invitation, Membre, Role

logger = logging.getLogger(__name__)

INVITATION_EXPIRED = (
    f"Cette invitation a expiré : un lien d'invitation est valable {INVITATION_VALIDITY.days} jours. "
    "Demandez au chef de projet du dossier de vous en envoyer une nouvelle."
)


@transaction.atomic
def dossier_create(
    *, nom: str, communes: list[Commune], epci: Epci, by: User | None, pvd_id: str = "", date_entree=None
) -> Dossier:
    if not communes:
        raise ValidationError({"communes": "Choisissez au moins une commune bénéficiaire."})
    if by is not None and not (by.is_superuser or by.state_scope == perms.ANCT):
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
    if by is not None:
        membre = Membre(dossier=dossier, user=by, role=Role.CHEF_DE_PROJET)
        membre.full_clean()
        membre.save()
    return dossier


@transaction.atomic
def dossier_update(*, dossier: Dossier, nom: str, date_entree=None, pvd_id: str = "") -> Dossier:
    # Validate a copy: a refused value must not leak into the page that shows the error.
    candidate = Dossier.objects.get(pk=dossier.pk)
    candidate.nom, candidate.date_entree, candidate.pvd_id = nom.strip(), date_entree, pvd_id
    candidate.full_clean()
    candidate.save()
    dossier.nom, dossier.date_entree, dossier.pvd_id = candidate.nom, candidate.date_entree, candidate.pvd_id
    dossier.updated_at = candidate.updated_at
    return dossier


def _chefs_remaining(dossier: Dossier, excluding: Membre) -> bool:
    return dossier.membres.filter(role=Role.CHEF_DE_PROJET).exclude(pk=excluding.pk).exists()


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
                f"Ce lien est valable jusqu'au {timezone.localtime(invitation.expires_at):%d/%m/%Y}.\n"
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
        raise ValidationError(INVITATION_EXPIRED)
    if user is None:
        user = User.objects.create_user(
            email=invitation.email, password=password, first_name=first_name, last_name=last_name
        )
    Membre.objects.get_or_create(dossier=invitation.dossier, user=user, defaults={"role": invitation.role})
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user
