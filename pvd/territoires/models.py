"""Reference territories of the COG (code officiel géographique), read-only for users."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from pvd.core.concurrency import Versioned


class Region(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "région"

    def __str__(self):
        return self.nom


class Departement(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, verbose_name="région", on_delete=models.PROTECT, related_name="departements")

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self):
        return f"{self.nom} ({self.code})"

    @property
    def de_nom(self) -> str:
        """ "de la Haute-Marne" (article from the INSEE TNCC, see names.py)."""
        from .names import de_departement

        return de_departement(self)

    @property
    def prefet_de(self) -> str:
        from .names import prefet_de

        return prefet_de(self)


class Epci(models.Model):
    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=10, blank=True)  # CC, CA, CU, METRO, MET69
    population = models.PositiveIntegerField("population", null=True, blank=True)
    search_text = models.CharField("texte de recherche", max_length=300, blank=True, editable=False, db_index=True)
    # A much simplified outline (GeoJSON geometry, WGS 84) from the ANCT file imported by
    # `import_contours_epci`: enough to warn about a sector drawn far away, not to measure.
    contour = models.JSONField("contour simplifié (GeoJSON)", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["nom"]
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"

    def __str__(self):
        return self.nom


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    departement = models.ForeignKey(
        Departement, verbose_name="département", on_delete=models.PROTECT, related_name="communes"
    )
    epci = models.ForeignKey(Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    siren = models.CharField("SIREN", max_length=9, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    codes_postaux = models.JSONField("codes postaux", default=list, blank=True)
    # Unaccented lower-case name, code and postcodes: what the commune search matches on.
    search_text = models.CharField("texte de recherche", max_length=300, blank=True, editable=False, db_index=True)
    pvd = models.BooleanField("commune Petites villes de demain", default=False, db_index=True)
    pvd_id = models.CharField("identifiant PVD", max_length=20, blank=True)
    # A simplified outline (GeoJSON geometry, WGS 84) from the IGN ADMIN EXPRESS COG or API Géo
    # file imported by `import_contours_communes`: drawn on the dossier's maps, used by the
    # sector checks. Stored once per commune, bounded in size by the import.
    contour = models.JSONField("contour simplifié (GeoJSON)", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["nom", "code"]
        verbose_name = "commune"

    def __str__(self):
        return f"{self.nom} ({self.code})"

    @property
    def de_nom(self) -> str:
        """ "du Moule", "d'Arles", "de Langres" (see names.py)."""
        from .names import de_commune

        return de_commune(self.nom)


class OrganisationType(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    ETAT = "etat", "État (préfecture, DDT, services déconcentrés)"
    ANCT = "anct", "ANCT"
    BANQUE_TERRITOIRES = "bdt", "Banque des Territoires"
    ANAH = "anah", "Anah"
    CEREMA = "cerema", "Cerema"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    CHAMBRE = "chambre", "Chambre consulaire"
    BAILLEUR = "bailleur", "Bailleur social"
    ASSOCIATION = "association", "Association"
    ENTREPRISE = "entreprise", "Entreprise"
    AUTRE = "autre", "Autre"


NATIONAL_TYPES = frozenset(
    {
        OrganisationType.ETAT,
        OrganisationType.ANCT,
        OrganisationType.BANQUE_TERRITOIRES,
        OrganisationType.ANAH,
        OrganisationType.CEREMA,
        OrganisationType.REGION,
        OrganisationType.DEPARTEMENT,
    }
)


class Organisation(Versioned):
    """A signatory, partner or funder.

    Either a dossier's own organisation (`dossier` set: typed in that dossier, offered only
    there), or a shared one (`dossier` empty): a national body that ANCT curates (Banque des
    Territoires, Anah…) or the organisation of a territory (a commune, an EPCI, the préfecture
    of a département), offered to the dossiers of that territory. See
    `pvd.territoires.selectors.organisations_for`.
    """

    nom = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=OrganisationType.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name="dossier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="Vide pour un organisme national ou celui d'un territoire, partagé par les dossiers.",
    )
    siren = models.CharField("SIREN", max_length=9, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    epci = models.ForeignKey(Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    departement = models.ForeignKey(
        Departement, verbose_name="département", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["nom"]
        verbose_name = "organisation"
        constraints = [
            models.UniqueConstraint(
                Lower("nom"),
                "dossier",
                condition=Q(dossier__isnull=False),
                name="organisation_unique_nom_dossier",
                violation_error_message="Une organisation de ce nom existe déjà dans ce dossier.",
            ),
            models.UniqueConstraint(
                Lower("nom"),
                condition=Q(dossier__isnull=True),
                name="organisation_unique_nom_national",
                violation_error_message="Une organisation nationale de ce nom existe déjà.",
            ),
        ]

    def __str__(self):
        return self.nom

    @property
    def is_shared(self) -> bool:
        return self.dossier_id is None
