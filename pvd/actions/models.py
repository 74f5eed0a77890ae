from django.db import models


class Statut(models.TextChoices):
    A_VENIR = "a_venir", "À venir"
    EN_COURS = "en_cours", "En cours"
    REALISE = "realise", "Réalisé"
    EN_PAUSE = "en_pause", "En pause"
    ABANDONNE = "abandonne", "Abandonné"
    BLOQUE = "bloque", "Bloqué"


class Maturite(models.TextChoices):
    IDEE = "idee", "Idée"
    ETUDE = "etude", "Étude"
    OPERATIONNEL = "operationnel", "Opérationnel"


class FicheAction(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="fiches")
    numero = models.PositiveIntegerField("numéro")
    titre = models.CharField("titre", max_length=300)
    axes = models.ManyToManyField("strategie.AxeStrategique", verbose_name="axes", blank=True, related_name="fiches")
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.A_VENIR)
    maturite = models.CharField("maturité", max_length=20, choices=Maturite.choices, default=Maturite.IDEE)
    date_debut = models.DateField("début prévu", null=True, blank=True)
    date_fin = models.DateField("fin prévue", null=True, blank=True)
    cout_ht = models.DecimalField("coût HT (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    cout_ttc = models.DecimalField("coût TTC (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    confidentielle = models.BooleanField("confidentielle (visible de l'équipe-projet seulement)", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dossier", "numero"]
        verbose_name = "fiche action"
        verbose_name_plural = "fiches action"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "numero"], name="fiche_numero_unique_par_dossier"),
            models.CheckConstraint(
                name="fiche_dates_ordonnees",
                condition=models.Q(date_debut__isnull=True)
                | models.Q(date_fin__isnull=True)
                | models.Q(date_fin__gte=models.F("date_debut")),
                violation_error_message="La fin prévue doit suivre le début prévu.",
            ),
            models.CheckConstraint(
                name="fiche_couts_positifs",
                condition=(models.Q(cout_ht__isnull=True) | models.Q(cout_ht__gte=0))
                & (models.Q(cout_ttc__isnull=True) | models.Q(cout_ttc__gte=0)),
                violation_error_message="Les coûts ne peuvent pas être négatifs.",
            ),
        ]

    def __str__(self):
        return f"Fiche {self.numero} — {self.titre}"
