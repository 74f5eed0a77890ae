"""Pilotage of the programme over the data of every app: alerts and their digest, the
dossier's dashboard, the département's and the nation's dashboards, the State's opinions,
the open data of the published fiches, the bilan annuel and the quarterly snapshots.

The highest layer of the platform: it reads every domain app, none reads it.
"""

from django.conf import settings
from django.db import models


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
