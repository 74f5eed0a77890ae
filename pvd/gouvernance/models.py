"""Instances of the dossier's governance, their séances, and the decisions they take.

`Decision` is the one validation mechanism of the platform: the strategy, an axe, a fiche
action, a document or a convention is validated by a decision of the comité de projet on
an agenda point that targets it (generic relation). Other apps never store their own
validation state; they read it with `gouvernance.selectors.validation_state(s)`.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class InstanceType(models.TextChoices):
    COMITE_PROJET = "comite_projet", "Comité de projet"
    EQUIPE_PROJET = "equipe_projet", "Équipe-projet"
    COMITE_TECHNIQUE = "comite_technique", "Comité technique"
    COMITE_PARTICIPATIF = "comite_participatif", "Comité participatif"


class Instance(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="instances")
    type = models.CharField("type", max_length=30, choices=InstanceType.choices)
    nom = models.CharField("nom", max_length=200)
    theme = models.CharField("thème", max_length=200, blank=True)
    description = models.TextField("description", blank=True)

    class Meta:
        ordering = ["type", "nom"]
        verbose_name = "instance"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(type="comite_projet"), name="un_comite_de_projet_par_dossier"
            )
        ]

    def __str__(self):
        return self.nom


class Seance(models.Model):
    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="seances")
    date = models.DateTimeField("date et heure")
    lieu = models.CharField("lieu", max_length=300, blank=True)
    compte_rendu = models.TextField("compte rendu", blank=True)
    compte_rendu_approuve_le = models.DateTimeField("compte rendu approuvé le", null=True, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = "séance"

    def __str__(self):
        return f"{self.instance} — {self.date:%d/%m/%Y}"


class PointOrdreDuJour(models.Model):
    """An agenda point; with a target, the object submitted to the instance's decision.

    A point without a séance is a submission waiting to be put on an agenda.
    """

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="points_odj")
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, null=True, blank=True, related_name="points")
    ordre = models.PositiveIntegerField("ordre", default=0)
    titre = models.CharField("titre", max_length=300)
    description = models.TextField("description", blank=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField("soumis le", auto_now_add=True)

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


class Decision(models.Model):
    point = models.ForeignKey(PointOrdreDuJour, on_delete=models.PROTECT, related_name="decisions")
    resultat = models.CharField("résultat", max_length=10, choices=Resultat.choices)
    texte = models.TextField("texte de la décision", blank=True)
    # A correction after the minutes are approved is a new decision that replaces this one.
    corrige = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "décision"

    def __str__(self):
        return f"{self.point.titre} : {self.get_resultat_display()}"
