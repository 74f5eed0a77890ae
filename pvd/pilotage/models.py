"""Pilotage of the programme over the data of every app: alerts and their digest, the
dossier's dashboard, the département's and the nation's dashboards, the State's opinions,
the open data of the published fiches, the bilan annuel and the quarterly snapshots.

The highest layer of the platform: it reads every domain app, none reads it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from pvd.journal.history import DossierHistory


class AlerteEnvoyee(models.Model):
    """An alert already sent to a user by the weekly digest (`pvd.pilotage.digest`): the digest
    never sends the same key to the same user twice (`pvd.pilotage.alerts.Alerte.key`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="destinataire", on_delete=models.CASCADE, related_name="+"
    )
    dossier = models.ForeignKey("dossiers.Dossier", verbose_name="dossier", on_delete=models.CASCADE, related_name="+")
    key = models.CharField("clé de l'alerte", max_length=200)
    sent_at = models.DateTimeField("envoyée le", auto_now_add=True)

    class Meta:
        verbose_name = "alerte envoyée"
        verbose_name_plural = "alertes envoyées"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="alerte_envoyee_une_fois")]

    def __str__(self):
        return self.key


class AvisSens(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVE = "reserve", "Réservé"
    DEFAVORABLE = "defavorable", "Défavorable"


class Avis(models.Model):
    """An opinion of the State (the préfecture of the dossier's département, or ANCT) on a fiche
    action or a convention. Never changed nor deleted on the platform: a new opinion is added
    to the history (pvd.pilotage.avis). When the fiche or the convention is deleted, its
    opinions stay in the dossier with the object's name (`objet`)."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="avis_etat")
    fiche = models.ForeignKey(
        "actions.FicheAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="avis_etat",
        verbose_name="fiche action",
    )
    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="avis_etat",
        verbose_name="convention",
    )
    objet = models.CharField("objet de l'avis", max_length=400)
    sens = models.CharField("avis", max_length=20, choices=AvisSens.choices)
    texte = models.TextField("motivation")
    date = models.DateField("date de l'avis")
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="auteur"
    )
    auteur_nom = models.CharField("auteur (nom)", max_length=300)
    emetteur = models.CharField("émis par", max_length=200)
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        verbose_name = "avis de l'État"
        verbose_name_plural = "avis de l'État"
        constraints = [
            models.CheckConstraint(
                name="avis_un_seul_objet",
                condition=~Q(fiche__isnull=False, convention__isnull=False),
                violation_error_message="Un avis porte sur une fiche action ou sur une convention, pas les deux.",
            ),
        ]

    def __str__(self):
        return f"Avis {self.get_sens_display().lower()} du {self.date:%d/%m/%Y} — {self.objet}"


from .models_bilan import BilanAnnuel, InstantaneTrimestriel  # noqa: E402,F401 - the évaluation's models
