"""Participation of residents and local actors: consultations and moderated contributions.

The public page of a dossier exists only when the équipe-projet publishes it
(`PageParticipation.publiee`). The e-mail of a contributor is never shown on a page.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pvd.core.concurrency import Versioned
from pvd.journal.history import DossierHistory


class PageParticipation(Versioned):
    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="page_participation")
    publiee = models.BooleanField("page publique publiée", default=False)
    titre = models.CharField("titre", max_length=200, default="Participez au projet de votre ville")
    introduction = models.TextField("introduction", blank=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        verbose_name = "page de participation"
        verbose_name_plural = "pages de participation"

    def __str__(self):
        return f"Participation — {self.dossier}"


class Consultation(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="consultations")
    question = models.CharField("question posée", max_length=500)
    description = models.TextField("présentation", blank=True)
    ouverture = models.DateField("ouverture")
    cloture = models.DateField("clôture")
    axe = models.ForeignKey(
        "strategie.AxeStrategique",
        verbose_name="axe",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    fiche = models.ForeignKey(
        "actions.FicheAction",
        verbose_name="fiche action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["-ouverture", "pk"]
        verbose_name = "consultation"
        constraints = [
            models.CheckConstraint(
                name="consultation_dates_ordonnees",
                condition=Q(cloture__gte=F("ouverture")),
                violation_error_message="La clôture doit suivre l'ouverture.",
            )
        ]

    def __str__(self):
        return self.question

    def is_open(self, today) -> bool:
        return self.ouverture <= today <= self.cloture


class ContributionKind(models.TextChoices):
    PROPOSITION = "proposition", "Proposition"
    AVIS = "avis", "Avis"


class Theme(models.TextChoices):
    HABITAT = "habitat", "Habitat"
    COMMERCE = "commerce", "Commerce"
    ESPACES_PUBLICS = "espaces_publics", "Espaces publics"
    MOBILITE = "mobilite", "Mobilité"
    SERVICES = "services", "Services et équipements"
    PATRIMOINE = "patrimoine", "Patrimoine et culture"
    ENVIRONNEMENT = "environnement", "Environnement"
    AUTRE = "autre", "Autre"


class ContributionStatut(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    PUBLIEE = "publiee", "Publiée"
    REFUSEE = "refusee", "Refusée"


TEXTE_MAX = 3000
NOM_MAX = 100
REPONSE_MAX = 3000


class Contribution(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="contributions")
    consultation = models.ForeignKey(
        Consultation,
        verbose_name="consultation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    kind = models.CharField("nature", max_length=20, choices=ContributionKind.choices)
    texte = models.TextField("contribution", max_length=TEXTE_MAX)
    theme = models.CharField("thème", max_length=20, choices=Theme.choices)
    axe = models.ForeignKey(
        "strategie.AxeStrategique",
        verbose_name="axe",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    fiche = models.ForeignKey(
        "actions.FicheAction",
        verbose_name="fiche action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    auteur = models.CharField("nom", max_length=NOM_MAX, blank=True, help_text="Vide : contribution anonyme.")
    email = models.EmailField("adresse électronique (jamais affichée)", blank=True)
    statut = models.CharField(
        "statut", max_length=20, choices=ContributionStatut.choices, default=ContributionStatut.EN_ATTENTE
    )
    motif_refus = models.TextField("motif du refus", blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modérée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderee_le = models.DateTimeField("modérée le", null=True, blank=True)
    reponse = models.TextField("réponse de l'équipe-projet", max_length=REPONSE_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="répondu par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reponse_le = models.DateTimeField("répondu le", null=True, blank=True)
    created_at = models.DateTimeField("déposée le", auto_now_add=True)

    history = DossierHistory(dossier="dossier_id", excluded_fields=["email", "auteur"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "contribution"
        indexes = [models.Index(fields=["dossier", "statut"])]
        constraints = [
            models.CheckConstraint(
                name="contribution_refus_motive",
                condition=~Q(statut="refusee") | ~Q(motif_refus=""),
                violation_error_message="Un refus doit être motivé.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} n° {self.pk}"

    @property
    def auteur_affiche(self) -> str:
        return self.auteur or "Anonyme"


class Moderation(models.Model):
    """The log of moderation: who did what, when."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="moderations")
    action = models.CharField("action", max_length=20)
    motif = models.TextField("motif", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField("date", auto_now_add=True)

    history = DossierHistory(dossier="contribution.dossier_id")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "action de modération"

    def __str__(self):
        return f"{self.action} — {self.contribution}"

    @property
    def action_label(self) -> str:
        return {"publication": "publiée", "refus": "refusée", "reponse": "réponse"}.get(self.action, self.action)
