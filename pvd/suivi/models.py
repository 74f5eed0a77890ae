"""One indicator model for the strategy, the fiches action and the suivi."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from pvd.core.concurrency import Versioned
from pvd.core.formatting import date_fr
from pvd.journal.history import DossierHistory


class IndicateurKind(models.TextChoices):
    MISE_EN_OEUVRE = "mise_en_oeuvre", "Mise en œuvre"
    RESULTAT = "resultat", "Résultat"


class Frequence(models.TextChoices):
    MENSUELLE = "mensuelle", "Mensuelle"
    TRIMESTRIELLE = "trimestrielle", "Trimestrielle"
    SEMESTRIELLE = "semestrielle", "Semestrielle"
    ANNUELLE = "annuelle", "Annuelle"
    PONCTUELLE = "ponctuelle", "Ponctuelle"


class Agregation(models.TextChoices):
    SOMME = "somme", "Somme des dernières valeurs des fiches"
    DERNIERE = "derniere", "Dernière valeur saisie parmi les fiches"


class IndicateurModele(models.Model):
    """An entry of the catalogue of common indicators, edited by the platform's administrators
    (Django admin). Indicators keep the entry's key (`Indicateur.catalogue`), so that the same
    indicator can be compared across dossiers: the key never changes once used."""

    key = models.SlugField("clé", max_length=50, unique=True, help_text="Identifiant stable, sans espace.")
    nom = models.CharField("nom", max_length=300)
    kind = models.CharField("type", max_length=20, choices=IndicateurKind.choices)
    unite = models.CharField("unité", max_length=50)
    source = models.CharField("source", max_length=300, blank=True)
    frequence = models.CharField("fréquence", max_length=20, choices=Frequence.choices, default=Frequence.ANNUELLE)
    theme = models.CharField("thème", max_length=100, blank=True)
    description = models.TextField("description", blank=True)
    active = models.BooleanField("proposé", default=True, help_text="Décochez pour ne plus le proposer.")
    ordre = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        ordering = ["ordre", "nom"]
        verbose_name = "modèle d'indicateur du catalogue"
        verbose_name_plural = "catalogue des indicateurs"

    def __str__(self):
        return f"{self.theme} — {self.nom} ({self.unite})" if self.theme else f"{self.nom} ({self.unite})"


class IndicateurQuerySet(models.QuerySet):
    def visible_to(self, access):
        """The strategy's indicators and those of the fiches `access` may see
        (`FicheAction.objects.visible_to`: no confidential fiche's for access=None)."""
        fiches = self.model._meta.get_field("fiche").related_model.objects.visible_to(access)
        return self.filter(Q(fiche__isnull=True) | Q(fiche__in=fiches))


class Indicateur(Versioned):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="indicateurs")
    axe = models.ForeignKey(
        "strategie.AxeStrategique", on_delete=models.CASCADE, null=True, blank=True, related_name="indicateurs"
    )
    fiche = models.ForeignKey(
        "actions.FicheAction", on_delete=models.CASCADE, null=True, blank=True, related_name="indicateurs"
    )
    nom = models.CharField("nom", max_length=300)
    kind = models.CharField("type", max_length=20, choices=IndicateurKind.choices)
    unite = models.CharField("unité", max_length=50)
    valeur_initiale = models.DecimalField("valeur de référence", max_digits=16, decimal_places=4, null=True, blank=True)
    date_initiale = models.DateField("date de la valeur de référence", null=True, blank=True)
    cible = models.DecimalField("valeur cible", max_digits=16, decimal_places=4, null=True, blank=True)
    echeance = models.DateField("échéance de la cible", null=True, blank=True)
    source = models.CharField("source", max_length=300, blank=True)
    frequence = models.CharField("fréquence", max_length=20, choices=Frequence.choices, default=Frequence.ANNUELLE)
    # Key of the catalogue entry (IndicateurModele.key) it was created from, if any.
    catalogue = models.CharField("modèle du catalogue", max_length=50, blank=True)
    # A fiche's indicator may contribute to a result indicator of an axe (same unit): the axe's
    # indicator then shows the sum or the latest value of its contributors (`agregation`).
    contribue_a = models.ForeignKey(
        "self",
        verbose_name="contribue à l'indicateur d'axe",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributeurs",
    )
    agregation = models.CharField(
        "calcul à partir des indicateurs des fiches",
        max_length=20,
        choices=Agregation.choices,
        default=Agregation.SOMME,
    )
    # Who may enter values besides the équipe-projet (`suivi.enter`): allowed per indicator.
    saisie_etat = models.BooleanField("saisie ouverte à l'État (préfecture, ANCT)", default=False)
    saisie_partenaires = models.BooleanField("saisie ouverte aux partenaires", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = IndicateurQuerySet.as_manager()

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["dossier", "nom"]
        verbose_name = "indicateur"
        constraints = [
            models.CheckConstraint(
                name="indicateur_axe_ou_fiche",
                condition=Q(axe__isnull=True) | Q(fiche__isnull=True),
                violation_error_message="Un indicateur se rattache à un axe ou à une fiche action, pas aux deux.",
            ),
            models.CheckConstraint(
                name="indicateur_echeance_apres_reference",
                condition=Q(date_initiale__isnull=True)
                | Q(echeance__isnull=True)
                | Q(echeance__gte=models.F("date_initiale")),
                violation_error_message="L'échéance de la cible doit suivre la date de référence.",
            ),
        ]

    def __str__(self):
        return f"{self.nom} ({self.unite})"


class Mesure(Versioned):
    indicateur = models.ForeignKey(Indicateur, on_delete=models.CASCADE, related_name="mesures")
    date = models.DateField("date")
    valeur = models.DecimalField("valeur", max_digits=16, decimal_places=4)
    source = models.CharField("source", max_length=300, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisie par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("saisie le", auto_now_add=True)
    # A value may stand for a period (a year, a quarter, a month): `date` is then the period's
    # last day and `periode` names it (« 2e trimestre 2026 »); blank for a value at a date.
    periode = models.CharField("période", max_length=50, blank=True)
    # The last correction: who and when (None while the value was never corrected).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="corrigée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField("corrigée le", null=True, blank=True)

    history = DossierHistory(dossier="indicateur.dossier_id")

    class Meta:
        ordering = ["indicateur", "date"]
        verbose_name = "mesure"
        constraints = [
            models.UniqueConstraint(
                fields=["indicateur", "date"],
                name="une_mesure_par_date",
                violation_error_message="Cet indicateur a déjà une valeur à cette date : corrigez-la plutôt.",
            ),
        ]

    def __str__(self):
        return f"{self.indicateur.nom} au {date_fr(self.date)} : {self.valeur}"
