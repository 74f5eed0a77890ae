"""The projet de territoire: its summary, axes stratégiques, sub-objectives, version history,
and the ORT perimeter and intervention sectors (GeoJSON polygons, no GIS database).

Validation by the comité de projet is not stored here: it is read from the decisions of
gouvernance (`gouvernance.selectors.validation_state(s)`) on the ProjetTerritoire (the
strategy as a whole) and on each AxeStrategique.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from pvd.core.concurrency import Versioned
from pvd.journal.history import DossierHistory


class Echelle(models.TextChoices):
    COMMUNE = "commune", "Commune"
    PLUSIEURS_COMMUNES = "plusieurs_communes", "Plusieurs communes"
    EPCI = "epci", "EPCI"
    QUARTIER = "quartier", "Quartier ou secteur"


class OrientationCrte(models.TextChoices):
    TRANSITION_ECOLOGIQUE = "transition_ecologique", "Transition écologique"
    DEVELOPPEMENT_ECONOMIQUE = "developpement_economique", "Développement économique"
    COHESION_SOCIALE = "cohesion_sociale", "Cohésion sociale et territoriale"
    HABITAT = "habitat", "Habitat et cadre de vie"
    MOBILITES = "mobilites", "Mobilités"
    SERVICES = "services", "Services au public et santé"
    CULTURE_PATRIMOINE = "culture_patrimoine", "Culture, patrimoine et tourisme"
    NUMERIQUE = "numerique", "Numérique"


class ProjetTerritoire(Versioned):
    """The strategy of a dossier as a whole: one per dossier."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="projet_territoire")
    resume = models.TextField("synthèse du projet de territoire", blank=True)
    publie = models.BooleanField("publié sur la page publique", default=False)
    # The public page shows this snapshot, never the current draft.
    version_publiee = models.ForeignKey(
        "ProjetTerritoireVersion",
        verbose_name="version publiée",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        verbose_name = "projet de territoire"
        verbose_name_plural = "projets de territoire"
        constraints = [
            models.CheckConstraint(
                name="projet_publie_avec_version",
                condition=Q(publie=False) | Q(version_publiee__isnull=False),
                violation_error_message="Un projet publié doit avoir une version publiée.",
            )
        ]

    def __str__(self):
        return f"Projet de territoire — {self.dossier}"


class ProjetTerritoireVersion(models.Model):
    """A snapshot of the whole strategy, recorded by the service that changed it."""

    projet = models.ForeignKey(ProjetTerritoire, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveIntegerField("numéro")
    snapshot = models.JSONField("contenu")
    motif = models.CharField("modification", max_length=300, blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        ordering = ["projet", "-numero"]
        verbose_name = "version du projet de territoire"
        verbose_name_plural = "versions du projet de territoire"
        constraints = [models.UniqueConstraint(fields=["projet", "numero"], name="version_numero_unique")]

    def __str__(self):
        return f"Version {self.numero}"


class AxeStrategique(Versioned):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="axes")
    numero = models.PositiveIntegerField("numéro")
    titre = models.CharField("titre", max_length=300)
    enjeux = models.TextField("enjeux", blank=True)
    ordre = models.PositiveIntegerField("ordre", default=0)
    partenaires = models.ManyToManyField(
        "territoires.Organisation", verbose_name="partenaires mobilisés", blank=True, related_name="axes"
    )
    echelle = models.CharField("échelle", max_length=20, choices=Echelle.choices, default=Echelle.COMMUNE)
    orientations_crte = models.JSONField("orientations du CRTE", default=list, blank=True)
    transition_ecologique = models.BooleanField("objectif transversal : transition écologique", default=False)
    cohesion_territoriale = models.BooleanField("objectif transversal : cohésion territoriale", default=False)

    history = DossierHistory(dossier="dossier_id", m2m_fields=["partenaires"])

    class Meta:
        ordering = ["dossier", "ordre", "numero"]
        verbose_name = "axe stratégique"
        verbose_name_plural = "axes stratégiques"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "numero"], name="axe_numero_unique_par_dossier"),
        ]

    def __str__(self):
        return f"Axe {self.numero} — {self.titre}"

    @property
    def running_name(self) -> str:
        """The axe inside a sentence: « L'axe 1 « Habitat » a été créé. », « Validation de l'axe 1 … »."""
        return f"axe {self.numero} « {self.titre} »"

    @property
    def orientations_crte_labels(self) -> list[str]:
        labels = dict(OrientationCrte.choices)
        return [labels.get(code, code) for code in self.orientations_crte]


class SousObjectif(Versioned):
    axe = models.ForeignKey(AxeStrategique, on_delete=models.CASCADE, related_name="sous_objectifs")
    titre = models.CharField("sous-objectif", max_length=300)
    ordre = models.PositiveIntegerField("ordre", default=0)

    history = DossierHistory(dossier="axe.dossier_id")

    class Meta:
        ordering = ["axe", "ordre", "pk"]
        verbose_name = "sous-objectif"

    def __str__(self):
        return self.titre


class SecteurKind(models.TextChoices):
    PERIMETRE_ORT = "perimetre_ort", "Périmètre ORT"
    SECTEUR_PRIORITAIRE = "secteur_prioritaire", "Secteur d'intervention prioritaire"
    AUTRE = "autre", "Autre secteur"


class SecteurIntervention(Versioned):
    """A polygon (GeoJSON Polygon or MultiPolygon, WGS 84) of the dossier's territory."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="secteurs")
    nom = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=30, choices=SecteurKind.choices)
    commune = models.ForeignKey("territoires.Commune", on_delete=models.PROTECT, related_name="+")
    description = models.TextField("description", blank=True)
    geometry = models.JSONField("géométrie (GeoJSON)")
    surface_m2 = models.FloatField("surface (m²)", default=0)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["dossier", "kind", "nom"]
        verbose_name = "secteur d'intervention"
        verbose_name_plural = "secteurs d'intervention"
        constraints = [
            models.CheckConstraint(name="secteur_surface_positive", condition=Q(surface_m2__gte=0)),
        ]

    def __str__(self):
        return self.nom

    @property
    def surface_ha(self) -> float:
        return self.surface_m2 / 10_000
