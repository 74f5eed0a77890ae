"""The diagnostic du territoire (step 3 of the programme): figures with their provenance,
AFOM by theme, documents de planification, études, initiatives structurantes and points of
interest on the map, summed up in a text that the comité de projet validates.

Validation is not stored here: it is read from the decisions of gouvernance
(`gouvernance.selectors.validation_state`) on the Diagnostic, like the strategy.
"""

from django.conf import settings
from django.db import models

from pvd.core.concurrency import Versioned
from pvd.journal.history import DossierHistory


class Theme(models.TextChoices):
    """The themes of the diagnostic: those of the AFOM and of the figures."""

    HABITAT = "habitat", "Habitat"
    COMMERCE = "commerce", "Commerce"
    SERVICES_PUBLICS = "services_publics", "Services publics"
    MOBILITE = "mobilite", "Mobilité"
    EMPLOI_ECONOMIE = "emploi_economie", "Emploi et économie"
    PATRIMOINE = "patrimoine", "Patrimoine et cadre de vie"
    ENVIRONNEMENT = "environnement", "Environnement et transition écologique"
    SANTE = "sante", "Santé"
    POPULATION = "population", "Population"
    AUTRE = "autre", "Autre"


class Echelle(models.TextChoices):
    """The territory a figure describes."""

    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    FRANCE = "france", "France"
    PVD = "pvd", "Communes Petites villes de demain"


class Diagnostic(Versioned):
    """The diagnostic of a dossier as a whole, one per dossier: what the comité de projet validates."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="diagnostic")
    histoire = models.TextField(
        "histoire et identité du territoire",
        blank=True,
        help_text="Ce qui a fait la ville : son histoire, sa place dans le bassin de vie.",
    )
    dynamiques = models.TextField(
        "processus de dévitalisation et dépendances",
        blank=True,
        help_text="Les processus qui expliquent la situation : départs, vacance, fermetures, dépendances.",
    )
    synthese = models.TextField(
        "synthèse et enjeux",
        blank=True,
        help_text="Ce que la stratégie doit retenir : les leviers et les enjeux du territoire.",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        verbose_name = "diagnostic"

    def __str__(self):
        return f"Diagnostic — {self.dossier}"


class DonneeOrigine(models.TextChoices):
    REFERENCE = "reference", "Données de référence de la plateforme"
    IMPORT = "import", "Fichier importé"
    SAISIE = "saisie", "Saisie"


class ImportKind(models.TextChoices):
    INSEE = "insee", "INSEE — dossier complet / comparateur de territoires"
    GENERIQUE = "generique", "Fichier générique (code, indicateur, valeur, unité, source, millésime)"


class DonneeImport(models.Model):
    """One imported file: its figures are deleted with it."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="diagnostic_imports")
    kind = models.CharField("format", max_length=20, choices=ImportKind.choices)
    nom_fichier = models.CharField("nom du fichier", max_length=255)
    nb_donnees = models.PositiveIntegerField("nombre de chiffres", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="importé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("importé le", auto_now_add=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "import de données"
        verbose_name_plural = "imports de données"

    def __str__(self):
        return self.nom_fichier


class Donnee(Versioned):
    """A figure of the territory with its provenance: value, unit, source, vintage and scale."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="donnees")
    theme = models.CharField("thème", max_length=20, choices=Theme.choices, default=Theme.AUTRE)
    # A stable key of the indicator ("pop_totale", "log_vacants"…), for charts and re-imports.
    indicateur = models.CharField("code de l'indicateur", max_length=80)
    libelle = models.CharField("indicateur", max_length=300)
    echelle = models.CharField("échelle", max_length=20, choices=Echelle.choices)
    code_territoire = models.CharField("code du territoire", max_length=20, blank=True)
    territoire = models.CharField("territoire", max_length=200, blank=True)
    valeur = models.DecimalField("valeur", max_digits=20, decimal_places=4)
    unite = models.CharField("unité", max_length=40, blank=True)
    source = models.CharField("source", max_length=300)
    millesime = models.CharField("millésime", max_length=20)
    origine = models.CharField("origine", max_length=20, choices=DonneeOrigine.choices, default=DonneeOrigine.SAISIE)
    donnee_import = models.ForeignKey(
        DonneeImport,
        verbose_name="import",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="donnees",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["theme", "indicateur", "echelle", "code_territoire", "millesime"]
        verbose_name = "chiffre du territoire"
        verbose_name_plural = "chiffres du territoire"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "indicateur", "echelle", "code_territoire", "millesime"],
                name="donnee_unique_par_territoire_et_millesime",
                violation_error_message="Ce chiffre existe déjà pour ce territoire et ce millésime.",
            )
        ]

    def __str__(self):
        return f"{self.libelle} — {self.territoire or self.get_echelle_display()} ({self.millesime})"


class AfomCategorie(models.TextChoices):
    ATOUT = "atout", "Atouts"
    FAIBLESSE = "faiblesse", "Faiblesses"
    OPPORTUNITE = "opportunite", "Opportunités"
    MENACE = "menace", "Menaces"


class AfomItem(Versioned):
    """One line of the AFOM (SWOT), in a theme and a category, ordered by `ordre`."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="afom_items")
    theme = models.CharField("thème", max_length=20, choices=Theme.choices)
    categorie = models.CharField("catégorie", max_length=20, choices=AfomCategorie.choices)
    texte = models.TextField("constat")
    ordre = models.PositiveIntegerField("ordre", default=0)
    donnees = models.ManyToManyField(Donnee, verbose_name="chiffres à l'appui", blank=True, related_name="afom_items")

    history = DossierHistory(dossier="dossier_id", m2m_fields=["donnees"])

    class Meta:
        ordering = ["theme", "categorie", "ordre", "pk"]
        verbose_name = "élément de l'AFOM"
        verbose_name_plural = "éléments de l'AFOM"

    def __str__(self):
        return self.texte[:80]


class PlanKind(models.TextChoices):
    SCOT = "scot", "SCoT (schéma de cohérence territoriale)"
    PLUI = "plui", "PLUi (plan local d'urbanisme intercommunal)"
    PLU = "plu", "PLU (plan local d'urbanisme)"
    SPR = "spr", "SPR (site patrimonial remarquable)"
    PSMV = "psmv", "PSMV (plan de sauvegarde et de mise en valeur)"
    PCAET = "pcaet", "PCAET (plan climat-air-énergie territorial)"
    PAT = "pat", "PAT (projet alimentaire territorial)"
    PLH = "plh", "PLH (programme local de l'habitat)"
    PDM = "pdm", "PDM (plan de mobilité)"
    AUTRE = "autre", "Autre"


class PlanStatut(models.TextChoices):
    PRESCRIT = "prescrit", "Prescrit"
    EN_ELABORATION = "en_elaboration", "En élaboration"
    APPROUVE = "approuve", "Approuvé, en vigueur"
    EN_REVISION = "en_revision", "En révision"
    ABANDONNE = "abandonne", "Abandonné"


def _plan_path(instance, filename):
    return f"diagnostic/{instance.dossier_id}/plans/{filename}"


class DocumentPlanification(Versioned):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="documents_planification")
    kind = models.CharField("type", max_length=10, choices=PlanKind.choices)
    nom = models.CharField("nom", max_length=300)
    statut = models.CharField("état", max_length=20, choices=PlanStatut.choices)
    porteur = models.CharField(
        "porteur", max_length=200, blank=True, help_text="Par exemple : la communauté de communes."
    )
    date_prescription = models.DateField("prescrit le", null=True, blank=True)
    date_approbation = models.DateField("approuvé le", null=True, blank=True)
    date_echeance = models.DateField("échéance ou prochaine révision", null=True, blank=True)
    lien = models.URLField("lien", max_length=500, blank=True)
    file = models.FileField("fichier", upload_to=_plan_path, max_length=400, blank=True)
    commentaire = models.TextField("ce qu'il implique pour le projet", blank=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["kind", "nom"]
        verbose_name = "document de planification"
        verbose_name_plural = "documents de planification"

    def __str__(self):
        return self.nom


class EtudeStatut(models.TextChoices):
    PREVUE = "prevue", "Prévue"
    EN_COURS = "en_cours", "En cours"
    TERMINEE = "terminee", "Terminée"
    ABANDONNEE = "abandonnee", "Abandonnée"


class Etude(Versioned):
    """A study of the diagnostic; its deliverable is a document of the dossier (pvd.documents),
    so that versions, confidentiality and downloads follow the documents' rules."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="etudes")
    objet = models.CharField("objet", max_length=300)
    prestataire = models.CharField("prestataire", max_length=200, blank=True)
    cout = models.DecimalField("coût (€ HT)", max_digits=14, decimal_places=2, null=True, blank=True)
    financement = models.TextField("financement", blank=True, help_text="Financeurs et montants.")
    statut = models.CharField("état", max_length=20, choices=EtudeStatut.choices, default=EtudeStatut.PREVUE)
    date_debut = models.DateField("début", null=True, blank=True)
    date_fin = models.DateField("fin", null=True, blank=True)
    description = models.TextField("description", blank=True)
    livrable = models.ForeignKey(
        "documents.Document",
        verbose_name="livrable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="etudes",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["-date_debut", "objet", "pk"]
        verbose_name = "étude"

    def __str__(self):
        return self.objet


class PorteurKind(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVE = "prive", "Privé"
    ASSOCIATIF = "associatif", "Associatif"


class Initiative(Versioned):
    """An initiative structurante of the territory (a project carried by someone else that the
    strategy must take into account)."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="initiatives")
    nom = models.CharField("nom", max_length=300)
    porteur = models.CharField("porteur", max_length=200)
    porteur_kind = models.CharField("nature du porteur", max_length=20, choices=PorteurKind.choices)
    description = models.TextField("description", blank=True)
    lien = models.URLField("lien", max_length=500, blank=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["nom", "pk"]
        verbose_name = "initiative structurante"
        verbose_name_plural = "initiatives structurantes"

    def __str__(self):
        return self.nom


class PointInteretKind(models.TextChoices):
    COMMERCE_VACANT = "commerce_vacant", "Local commercial vacant"
    EQUIPEMENT = "equipement", "Équipement ou service"
    FRICHE = "friche", "Friche"
    LOGEMENT_VACANT = "logement_vacant", "Logement vacant ou dégradé"
    PROJET = "projet", "Projet"
    AUTRE = "autre", "Autre"


class PointInteret(Versioned):
    """A point or an area of interest that the team marks on the diagnostic's map (GeoJSON
    geometry in WGS 84: a Point, or a Polygon/MultiPolygon)."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="points_interet")
    nom = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=PointInteretKind.choices)
    description = models.TextField("description", blank=True)
    geometry = models.JSONField("géométrie (GeoJSON)")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ajouté par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("ajouté le", auto_now_add=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["kind", "nom", "pk"]
        verbose_name = "point d'intérêt"
        verbose_name_plural = "points d'intérêt"

    def __str__(self):
        return self.nom
