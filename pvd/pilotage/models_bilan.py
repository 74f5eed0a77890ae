"""The évaluation of a dossier: the bilan annuel (the chef de projet's assessment of a year,
generated as PDF and DOCX with the year's figures, submitted to the comité de projet) and the
quarterly snapshots of the dossier's figures (progress over time)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from pvd.core.concurrency import Versioned
from pvd.journal.history import DossierHistory


class BilanAnnuel(Versioned):
    """The bilan of `annee`: the figures are read from the live data when a document is
    generated (`pvd.pilotage.bilan.bilan_content`); only the assessment is stored."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="bilans")
    annee = models.PositiveIntegerField("année", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    appreciation = models.TextField(
        "appréciation du chef de projet",
        blank=True,
        help_text="Ce qui a avancé, ce qui a pris du retard et pourquoi, les priorités de l'année suivante.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifié par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["dossier", "-annee"]
        verbose_name = "bilan annuel"
        verbose_name_plural = "bilans annuels"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "annee"],
                name="bilan_un_par_annee",
                violation_error_message="Ce dossier a déjà un bilan pour cette année.",
            )
        ]

    def __str__(self):
        return f"Bilan annuel {self.annee}"


class InstantaneTrimestriel(models.Model):
    """The dossier's figures at the end of a quarter (`trimestre`: its last day), kept by
    `manage.py instantanes_trimestriels` (`pvd.pilotage.snapshots`). `chiffres` is a JSON
    object whose keys are listed in `snapshots.FIGURES`."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="instantanes")
    trimestre = models.DateField("fin du trimestre")
    chiffres = models.JSONField("chiffres", default=dict)
    created_at = models.DateTimeField("calculé le", auto_now_add=True)

    class Meta:
        ordering = ["dossier", "trimestre"]
        verbose_name = "instantané trimestriel"
        verbose_name_plural = "instantanés trimestriels"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "trimestre"], name="instantane_un_par_trimestre"),
        ]

    def __str__(self):
        return f"Instantané au {self.trimestre:%d/%m/%Y}"
