from django.db import models


class AxeStrategique(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="axes")
    numero = models.PositiveIntegerField("numéro")
    titre = models.CharField("titre", max_length=300)
    enjeux = models.TextField("enjeux", blank=True)
    ordre = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        ordering = ["dossier", "ordre", "numero"]
        verbose_name = "axe stratégique"
        verbose_name_plural = "axes stratégiques"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "numero"], name="axe_numero_unique_par_dossier"),
        ]

    def __str__(self):
        return f"Axe {self.numero} — {self.titre}"
