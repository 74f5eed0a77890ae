import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pvd.comptes.models import StateScope
from pvd.core.concurrency import Versioned


class Role(models.TextChoices):
    CHEF_DE_PROJET = "chef_de_projet", "Chef de projet"
    EQUIPE = "equipe", "Équipe-projet"
    ELU = "elu", "Élu"
    PARTENAIRE = "partenaire", "Partenaire ou financeur"
    LECTEUR = "lecteur", "Lecteur"


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one place that decides which dossiers a user may see."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.state_scope == StateScope.ANCT:
            return self.all()
        visible = Q(Exists(Membre.objects.filter(dossier=OuterRef("pk"), user=user)))
        if user.state_scope == StateScope.PREFECTURE and user.departement_id:
            visible |= Q(
                Exists(
                    Dossier.communes.through.objects.filter(
                        dossier=OuterRef("pk"), commune__departement_id=user.departement_id
                    )
                )
            )
        return self.filter(visible)


class Dossier(Versioned):
    """One programme instance: one or several communes bénéficiaires and their EPCI."""

    nom = models.CharField("nom du dossier", max_length=200)
    communes = models.ManyToManyField(
        "territoires.Commune", verbose_name="communes bénéficiaires", related_name="dossiers"
    )
    epci = models.ForeignKey("territoires.Epci", verbose_name="EPCI", on_delete=models.PROTECT, related_name="dossiers")
    pvd_id = models.CharField("identifiant PVD", max_length=20, blank=True)
    date_entree = models.DateField("date d'entrée dans le programme", null=True, blank=True)
    cloture_le = models.DateField("clôturé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        verbose_name = "dossier"

    def __str__(self):
        return self.nom


class Membre(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="membres")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="compte", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField("ajouté le", auto_now_add=True)

    class Meta:
        ordering = ["role", "user__last_name"]
        verbose_name = "membre"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "user"], name="membre_unique_par_dossier"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"


# An invitation link is a password-less way into a dossier: it does not stay valid forever.
INVITATION_VALIDITY = datetime.timedelta(days=30)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    token = models.CharField("jeton", max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="envoyée par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "email"],
                condition=Q(accepted_at__isnull=True),
                name="invitation_unique_en_attente",
            )
        ]

    def __str__(self):
        return f"Invitation de {self.email} ({self.get_role_display()})"

    @property
    def expires_at(self):
        return self.created_at + INVITATION_VALIDITY

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class DemandeStatut(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"


class DemandeDossierQuerySet(models.QuerySet):
    def decidable_by(self, user):
        """The requests a State agent decides: its département's for a préfecture, every one for ANCT."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.state_scope == StateScope.ANCT:
            return self.all()
        if user.state_scope == StateScope.PREFECTURE and user.departement_id:
            return self.filter(commune__departement_id=user.departement_id)
        return self.none()


class DemandeDossier(models.Model):
    """A request, by someone without a State role, to open the dossier of a PVD commune and lead it.

    The préfecture of the commune's département (or ANCT) accepts it, which opens the dossier
    with the requester as chef de projet, or refuses it with a reason."""

    commune = models.ForeignKey(
        "territoires.Commune", verbose_name="commune", on_delete=models.PROTECT, related_name="demandes_dossier"
    )
    demandeur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandeur", on_delete=models.CASCADE, related_name="demandes_dossier"
    )
    message = models.TextField("message", blank=True)
    statut = models.CharField("statut", max_length=20, choices=DemandeStatut.choices, default=DemandeStatut.EN_ATTENTE)
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    motif_refus = models.TextField("motif du refus", blank=True)
    dossier = models.ForeignKey(
        Dossier,
        verbose_name="dossier ouvert",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demandes",
    )

    objects = DemandeDossierQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "demande d'ouverture de dossier"
        verbose_name_plural = "demandes d'ouverture de dossier"
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "demandeur"],
                condition=Q(statut="en_attente"),
                name="demande_dossier_unique_en_attente",
                violation_error_message="Vous avez déjà une demande en attente pour cette commune.",
            ),
            models.CheckConstraint(
                name="demande_dossier_refus_motive",
                condition=~Q(statut="refusee") | ~Q(motif_refus=""),
                violation_error_message="Indiquez le motif du refus.",
            ),
            models.CheckConstraint(
                name="demande_dossier_decision_datee",
                condition=Q(statut="en_attente", decided_at__isnull=True)
                | Q(decided_at__isnull=False) & ~Q(statut="en_attente"),
                violation_error_message="Une demande décidée porte la date de sa décision.",
            ),
        ]

    def __str__(self):
        return f"Demande de {self.demandeur} pour {self.commune}"

    @property
    def epci(self):
        return self.commune.epci
