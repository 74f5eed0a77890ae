"""Instances of the dossier's governance, their séances, and the decisions they take.

`Decision` is the one validation mechanism of the platform: the strategy, an axe, a fiche
action, a document or a convention is validated by a decision of the comité de projet on
an agenda point that targets it (generic relation). Other apps never store their own
validation state; they read it with `gouvernance.selectors.validation_state(s)`.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pvd.core.concurrency import Versioned
from pvd.core.formatting import date_fr
from pvd.journal.history import DossierHistory


class InstanceType(models.TextChoices):
    COMITE_PROJET = "comite_projet", "Comité de projet"
    EQUIPE_PROJET = "equipe_projet", "Équipe-projet"
    COMITE_TECHNIQUE = "comite_technique", "Comité technique"
    COMITE_PARTICIPATIF = "comite_participatif", "Comité participatif"


class Instance(Versioned):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="instances")
    kind = models.CharField("type", max_length=30, choices=InstanceType.choices)
    nom = models.CharField("nom", max_length=200)
    theme = models.CharField("thème", max_length=200, blank=True)
    description = models.TextField("description", blank=True)
    # An existing local steering body (e.g. a comité de pilotage of the ORT) declared as the
    # comité de projet of the programme.
    instance_existante = models.BooleanField("instance locale existante", default=False)
    nom_instance_existante = models.CharField("nom de l'instance existante", max_length=200, blank=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["kind", "nom"]
        verbose_name = "instance"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(kind="comite_projet"), name="un_comite_de_projet_par_dossier"
            )
        ]

    def __str__(self):
        return self.nom

    def clean(self):
        if self.instance_existante and self.kind != InstanceType.COMITE_PROJET:
            raise ValidationError("Seul le comité de projet peut être déclaré comme une instance existante.")
        if self.instance_existante and not self.nom_instance_existante.strip():
            raise ValidationError({"nom_instance_existante": "Indiquez le nom de l'instance locale existante."})


class RoleInstance(models.TextChoices):
    # Comité de projet (the programme's steering body)
    PRESIDENT = "president", "Président"
    ELU = "elu", "Élu"
    CHEF_DE_PROJET = "chef_de_projet", "Chef de projet"
    PREFET = "prefet", "Préfet ou délégué de l'ANCT"
    FINANCEUR = "financeur", "Financeur"
    PARTENAIRE = "partenaire", "Partenaire"
    INVITE = "invite", "Invité"
    # Équipe-projet and comité technique (the people who do the work)
    SERVICES_TECHNIQUES = "services_techniques", "Services techniques"
    URBANISME = "urbanisme", "Urbanisme"
    HABITAT = "habitat", "Habitat"
    DEVELOPPEMENT_ECONOMIQUE = "dev_economique", "Commerce et développement économique"
    REFERENT_PARTENAIRE = "referent_partenaire", "Référent technique d'un partenaire"
    # Comité participatif (the residents and local actors)
    HABITANT = "habitant", "Habitant"
    ASSOCIATION = "association", "Association"
    ACTEUR_ECONOMIQUE = "acteur_economique", "Commerçant ou acteur économique"
    AUTRE = "autre", "Autre"


# The roles a member may hold in each type of instance, in the order the form offers them.
ROLES_BY_TYPE: dict[str, list[str]] = {
    InstanceType.COMITE_PROJET: [
        RoleInstance.PRESIDENT,
        RoleInstance.ELU,
        RoleInstance.CHEF_DE_PROJET,
        RoleInstance.PREFET,
        RoleInstance.FINANCEUR,
        RoleInstance.PARTENAIRE,
        RoleInstance.INVITE,
    ],
    InstanceType.EQUIPE_PROJET: [
        RoleInstance.CHEF_DE_PROJET,
        RoleInstance.SERVICES_TECHNIQUES,
        RoleInstance.URBANISME,
        RoleInstance.HABITAT,
        RoleInstance.DEVELOPPEMENT_ECONOMIQUE,
        RoleInstance.REFERENT_PARTENAIRE,
        RoleInstance.AUTRE,
    ],
    InstanceType.COMITE_TECHNIQUE: [
        RoleInstance.CHEF_DE_PROJET,
        RoleInstance.SERVICES_TECHNIQUES,
        RoleInstance.URBANISME,
        RoleInstance.HABITAT,
        RoleInstance.DEVELOPPEMENT_ECONOMIQUE,
        RoleInstance.REFERENT_PARTENAIRE,
        RoleInstance.FINANCEUR,
        RoleInstance.PREFET,
        RoleInstance.AUTRE,
    ],
    InstanceType.COMITE_PARTICIPATIF: [
        RoleInstance.HABITANT,
        RoleInstance.ASSOCIATION,
        RoleInstance.ACTEUR_ECONOMIQUE,
        RoleInstance.ELU,
        RoleInstance.CHEF_DE_PROJET,
        RoleInstance.AUTRE,
    ],
}


def role_choices(instance_type: str) -> list[tuple[str, str]]:
    """(value, label) of the roles allowed in an instance of this type."""
    labels = dict(RoleInstance.choices)
    return [(role, labels[role]) for role in ROLES_BY_TYPE[instance_type]]


class MembreInstanceQuerySet(models.QuerySet):
    def actifs(self, on: datetime.date | None = None):
        """Members still sitting on `on` (today by default): no end date, or an end date after it."""
        on = on or timezone.localdate()
        return self.filter(Q(fin__isnull=True) | Q(fin__gt=on))


class MembreInstance(Versioned):
    """A person sitting in an instance, for an organisation; an account is optional.

    A member who leaves keeps their row with an end date (`fin`): the attendance lists of
    séances whose minutes are approved still name them.
    """

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="membres")
    nom = models.CharField("nom de la personne", max_length=200)
    organisation = models.ForeignKey(
        "territoires.Organisation",
        verbose_name="organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField("rôle", max_length=20, choices=RoleInstance.choices)
    fonction = models.CharField("fonction", max_length=200, blank=True, help_text="Par exemple : maire, sous-préfet.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField("adresse électronique", blank=True)
    fin = models.DateField("ancien membre depuis le", null=True, blank=True)

    objects = MembreInstanceQuerySet.as_manager()

    history = DossierHistory(dossier="instance.dossier_id", excluded_fields=["instance"])

    class Meta:
        ordering = ["instance", "role", "nom"]
        verbose_name = "membre d'instance"
        verbose_name_plural = "membres d'instance"

    def __str__(self):
        return f"{self.nom} ({self.get_role_display()})"

    def clean(self):
        if self.instance_id and self.role and self.role not in ROLES_BY_TYPE[self.instance.kind]:
            allowed = ", ".join(label for _, label in role_choices(self.instance.kind))
            raise ValidationError(
                {
                    "role": f"Le rôle « {self.get_role_display()} » n'existe pas dans une instance de type "
                    f"« {self.instance.get_kind_display().lower()} ». Rôles possibles : {allowed}."
                }
            )

    @property
    def is_ancien(self) -> bool:
        return self.fin is not None and self.fin <= timezone.localdate()


class Seance(Versioned):
    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="seances")
    date = models.DateTimeField("date et heure")
    lieu = models.CharField("lieu", max_length=300, blank=True)
    compte_rendu = models.TextField("compte rendu", blank=True)
    compte_rendu_approuve_le = models.DateTimeField("compte rendu approuvé le", null=True, blank=True)
    compte_rendu_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte rendu approuvé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    convocation_envoyee_le = models.DateTimeField("convocation envoyée le", null=True, blank=True)
    # Set when the date or the place changes after a convocation was sent (the sendings then
    # become outdated): the members who had received it get a "convocation rectificative".
    convocation_modifiee_le = models.DateTimeField("date ou lieu modifiés le", null=True, blank=True)
    # The ICS SEQUENCE: raised at each change of date or place, so calendars update the event.
    sequence = models.PositiveIntegerField("version du rendez-vous", default=0)

    history = DossierHistory(dossier="instance.dossier_id", excluded_fields=["instance"])

    class Meta:
        ordering = ["-date"]
        verbose_name = "séance"

    def __str__(self):
        # In French local time: 23:30 UTC on the 1st is already the 2nd in Paris.
        return f"{self.instance} — {date_fr(self.date)}"

    @property
    def is_past(self) -> bool:
        return self.date < timezone.now()

    @property
    def is_approved(self) -> bool:
        return self.compte_rendu_approuve_le is not None


class PresenceStatut(models.TextChoices):
    # Nouns, so that the label needs no agreement with the member's gender.
    PRESENT = "present", "Présence"
    EXCUSE = "excuse", "Absence excusée"
    ABSENT = "absent", "Absence"


class Presence(models.Model):
    seance = models.ForeignKey(Seance, verbose_name="séance", on_delete=models.CASCADE, related_name="presences")
    # PROTECT: removing a member must never change an attendance list (services decide).
    membre = models.ForeignKey(MembreInstance, on_delete=models.PROTECT, related_name="presences")
    statut = models.CharField("présence", max_length=10, choices=PresenceStatut.choices)

    history = DossierHistory(dossier="seance.instance.dossier_id")

    class Meta:
        ordering = ["seance", "membre__nom"]
        verbose_name = "présence"
        constraints = [models.UniqueConstraint(fields=["seance", "membre"], name="presence_unique")]

    def __str__(self):
        return f"{self.membre} : {self.get_statut_display()}"


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendrierDossier(models.Model):
    """The secret address of a dossier's ICS feed, for calendar clients that cannot log in.

    One per user and dossier: the feed answers only while that user may still see the dossier.
    """

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="calendriers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="compte", on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField("jeton", max_length=64, unique=True, default=_calendar_token, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dossier", "user"], name="un_calendrier_par_personne")]

    def __str__(self):
        return f"Calendrier — {self.dossier} ({self.user})"


class ConvocationEnvoi(models.Model):
    """One convocation e-mail sent to one member for one séance: a retry skips them.

    A change of date or place marks the sendings `perime` (kept as the record of what was
    sent): the members concerned must then receive a convocation rectificative."""

    seance = models.ForeignKey(Seance, verbose_name="séance", on_delete=models.CASCADE, related_name="envois")
    membre = models.ForeignKey(MembreInstance, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField("adresse électronique")
    envoyee_le = models.DateTimeField("envoyée le", auto_now_add=True)
    perime = models.BooleanField("périmée (date ou lieu modifiés depuis)", default=False)

    class Meta:
        verbose_name = "convocation envoyée"
        verbose_name_plural = "convocations envoyées"
        constraints = [
            # One current sending per member; the outdated ones stay as history.
            models.UniqueConstraint(
                fields=["seance", "membre"], condition=models.Q(perime=False), name="une_convocation_par_membre"
            )
        ]

    def __str__(self):
        return f"{self.membre} — {self.seance}"


class PointOrdreDuJour(models.Model):
    """An agenda point; with a target, the object submitted to the instance's decision.

    A point without a séance is a submission waiting to be put on an agenda.
    """

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="points_odj")
    seance = models.ForeignKey(
        Seance, verbose_name="séance", on_delete=models.CASCADE, null=True, blank=True, related_name="points"
    )
    ordre = models.PositiveIntegerField("ordre", default=0)
    titre = models.CharField("titre", max_length=300)
    description = models.TextField("description", blank=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name="type de l'objet", on_delete=models.CASCADE, null=True, blank=True
    )
    target_id = models.PositiveBigIntegerField("identifiant de l'objet", null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="soumis par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("soumis le", auto_now_add=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["seance", "ordre", "pk"]
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            models.CheckConstraint(
                name="point_target_complete",
                condition=Q(target_type__isnull=True, target_id__isnull=True)
                | Q(target_type__isnull=False, target_id__isnull=False),
            )
        ]

    def __str__(self):
        return self.titre


class Resultat(models.TextChoices):
    VALIDE = "valide", "Validé"
    AJOURNE = "ajourne", "Ajourné"
    REJETE = "rejete", "Rejeté"


class Decision(Versioned):
    point = models.ForeignKey(PointOrdreDuJour, on_delete=models.PROTECT, related_name="decisions")
    resultat = models.CharField("résultat", max_length=10, choices=Resultat.choices)
    texte = models.TextField("texte de la décision", blank=True)
    # A correction after the minutes are approved is a new decision that replaces this one.
    corrige = models.OneToOneField(
        "self",
        verbose_name="décision corrigée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
    )
    # Required by the services; empty only once the account is deleted (SET_NULL).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="enregistrée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    history = DossierHistory(dossier="point.dossier_id")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "décision"

    def __str__(self):
        return f"{self.point.titre} : {self.get_resultat_display()}"
