"""The plan d'action: fiches action, their financing plan, budget, milestones, notes and history.

The location of a fiche is a commune, an intervention sector of the dossier
(strategie.SecteurIntervention), a point (latitude/longitude) and a free text.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pvd.core.concurrency import Versioned
from pvd.core.formatting import date_fr, degres
from pvd.journal.history import DossierHistory


class FicheStatut(models.TextChoices):
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


class Priorite(models.TextChoices):
    HAUTE = "haute", "Haute"
    MOYENNE = "moyenne", "Moyenne"
    BASSE = "basse", "Basse"


class Dispositif(models.TextChoices):
    DETR = "detr", "DETR"
    DSIL = "dsil", "DSIL"
    FONDS_VERT = "fonds_vert", "Fonds vert"
    ANAH = "anah", "Anah"
    BANQUE_TERRITOIRES = "bdt", "Banque des Territoires"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    AUTOFINANCEMENT = "autofinancement", "Autofinancement"
    AUTRE = "autre", "Autre"


class StatutFinancement(models.TextChoices):
    SOLLICITE = "sollicite", "Sollicité"
    ACCORDE = "accorde", "Accordé"
    REFUSE = "refuse", "Refusé"


# The schemes the State instructs: the préfecture (or ANCT) records their decision
# (`financement.decide`), after which the team no longer changes the line's statut or amount.
DISPOSITIFS_ETAT = ("detr", "dsil", "fonds_vert")


# Said on the fiche form, the fiche page and the maquette (page and workbook).
AXE_PRINCIPAL_RULE = (
    "Sans choix, l'axe principal est le premier des axes de la fiche, dans l'ordre des axes du projet de territoire."
)
MAQUETTE_AXE_RULE = "Chaque fiche compte une fois, sous son axe principal."


def _sees_confidential(access) -> bool:
    """Whether `access` sees confidential fiches; access=None is the public and whatever leaves
    the platform (a generated convention, the participation pages): never."""
    return access is not None and access.can("fiche.view_confidential")


class FicheActionQuerySet(models.QuerySet):
    def visible_to(self, access):
        """The fiches `access` may see: confidential ones only with `fiche.view_confidential`
        (the équipe-projet). Every read of fiches starts here (see `_sees_confidential`)."""
        if _sees_confidential(access):
            return self
        return self.filter(confidentielle=False)

    def hidden_from(self, access):
        """The fiches of this queryset `access` may not see (to number or count them, never to show them)."""
        return self.exclude(pk__in=self.visible_to(access).values("pk"))


class FicheAction(Versioned):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="fiches")
    numero = models.PositiveIntegerField("numéro")
    titre = models.CharField("titre", max_length=300)
    axes = models.ManyToManyField("strategie.AxeStrategique", verbose_name="axes", blank=True, related_name="fiches")
    # One of `axes` (the services check it); empty: the first of the fiche's axes (AXE_PRINCIPAL_RULE).
    axe_principal = models.ForeignKey(
        "strategie.AxeStrategique",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fiches_principales",
        verbose_name="axe principal",
        help_text="L'axe sous lequel la fiche compte dans la maquette financière.",
    )
    contexte = models.TextField("contexte", blank=True)
    description = models.TextField("description", blank=True)
    objectifs = models.TextField("objectifs", blank=True)
    maitre_ouvrage = models.ForeignKey(
        "territoires.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fiches_maitrise_ouvrage",
        verbose_name="maître d'ouvrage",
    )
    maitre_ouvrage_texte = models.CharField(
        "maître d'ouvrage (texte libre)",
        max_length=200,
        blank=True,
        help_text="Si l'organisation n'est pas référencée.",
    )
    pilote = models.CharField("pilote", max_length=200, blank=True)
    partenaires = models.ManyToManyField(
        "territoires.Organisation", verbose_name="partenaires", blank=True, related_name="fiches_partenaire"
    )
    commune = models.ForeignKey(
        "territoires.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune",
    )
    secteur = models.ForeignKey(
        "strategie.SecteurIntervention",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fiches",
        verbose_name="secteur d'intervention",
    )
    localisation = models.CharField("localisation (adresse, lieu-dit)", max_length=300, blank=True)
    latitude = models.DecimalField(
        "latitude",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        "longitude",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    statut = models.CharField("statut", max_length=20, choices=FicheStatut.choices, default=FicheStatut.A_VENIR)
    maturite = models.CharField("maturité", max_length=20, choices=Maturite.choices, default=Maturite.IDEE)
    priorite = models.CharField("priorité", max_length=10, choices=Priorite.choices, default=Priorite.MOYENNE)
    date_debut = models.DateField("début prévu", null=True, blank=True)
    date_fin = models.DateField("fin prévue", null=True, blank=True)
    cout_ht = models.DecimalField("coût HT (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    cout_ttc = models.DecimalField("coût TTC (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    inscrite_crte = models.BooleanField("inscrite au CRTE", default=False)
    confidentielle = models.BooleanField("confidentielle (visible de l'équipe-projet seulement)", default=False)
    # Published by the équipe-projet on the national open-data page (pvd.pilotage.opendata);
    # never a confidential fiche (constraint below, and services.fiche_publication).
    publiee = models.BooleanField("publiée en données ouvertes", default=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = FicheActionQuerySet.as_manager()

    history = DossierHistory(dossier="dossier_id", m2m_fields=["axes", "partenaires"])

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
            models.CheckConstraint(
                name="fiche_point_complet",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                violation_error_message="Un point se compose d'une latitude et d'une longitude.",
            ),
            models.CheckConstraint(
                name="fiche_publiee_non_confidentielle",
                condition=Q(confidentielle=False) | Q(publiee=False),
                violation_error_message=(
                    "Une fiche confidentielle ne peut pas être publiée en données ouvertes : "
                    "retirez-la d'abord des données ouvertes."
                ),
            ),
        ]

    def __str__(self):
        return f"Fiche {self.numero} — {self.titre}"

    def is_visible_to(self, access) -> bool:
        """`visible_to` for one fiche already loaded (no query)."""
        return not self.confidentielle or _sees_confidential(access)

    def clean(self):
        # Refused rather than warned: a TTC cost below the HT cost is always a typing mistake.
        if self.cout_ht is not None and self.cout_ttc is not None and self.cout_ttc < self.cout_ht:
            raise ValidationError({"cout_ttc": "Le coût TTC ne peut pas être inférieur au coût HT."})

    @property
    def maitre_ouvrage_label(self) -> str:
        return self.maitre_ouvrage.nom if self.maitre_ouvrage_id else self.maitre_ouvrage_texte

    @property
    def axe_principal_effectif(self):
        """The main axe: the chosen one, else the first of the fiche's axes (their order: ordre,
        numéro); None for a fiche without axe. Reads `axes.all()`, so prefetch it for many fiches."""
        axes = list(self.axes.all())
        chosen = next((axe for axe in axes if axe.pk == self.axe_principal_id), None)
        return chosen or (axes[0] if axes else None)

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def localisation_label(self) -> str:
        """The commune and the place, apart: "Langres (52269) — Centre ancien" ("" when neither is set)."""
        return " — ".join(part for part in (str(self.commune) if self.commune_id else "", self.localisation) if part)

    @property
    def coordonnees_label(self) -> str:
        """The point the French way, once: "47,8625° N, 5,3331° E" ("" when not located)."""
        if not self.is_located:
            return ""
        # Stored with 6 decimals: trailing zeros say nothing.
        return f"{degres(self.latitude, 'N', 'S')}, {degres(self.longitude, 'E', 'O')}"


_POSITIVE = MinValueValidator(Decimal("0"))


class BudgetAnnuel(models.Model):
    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="budgets")
    annee = models.PositiveIntegerField("année", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    investissement = models.DecimalField(
        "investissement (€)", max_digits=14, decimal_places=2, default=0, validators=[_POSITIVE]
    )
    fonctionnement = models.DecimalField(
        "fonctionnement (€)", max_digits=14, decimal_places=2, default=0, validators=[_POSITIVE]
    )
    # What was actually spent that year; empty: « non renseigné », which is not 0 € spent.
    realise_investissement = models.DecimalField(
        "investissement réalisé (€)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[_POSITIVE],
        help_text="Dépense effective de l'année. Laissez vide si elle n'est pas connue (différent de 0).",
    )
    realise_fonctionnement = models.DecimalField(
        "fonctionnement réalisé (€)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[_POSITIVE],
        help_text="Dépense effective de l'année. Laissez vide si elle n'est pas connue (différent de 0).",
    )

    history = DossierHistory(dossier="fiche.dossier_id")

    class Meta:
        ordering = ["fiche", "annee"]
        verbose_name = "budget annuel"
        verbose_name_plural = "budgets annuels"
        constraints = [
            models.UniqueConstraint(
                fields=["fiche", "annee"],
                name="budget_une_ligne_par_annee",
                violation_error_message="Cette année a déjà un budget.",
            ),
            models.CheckConstraint(
                name="budget_montants_positifs",
                condition=Q(investissement__gte=0, fonctionnement__gte=0),
                violation_error_message="Les montants ne peuvent pas être négatifs.",
            ),
            models.CheckConstraint(
                name="budget_realise_positif",
                condition=(Q(realise_investissement__isnull=True) | Q(realise_investissement__gte=0))
                & (Q(realise_fonctionnement__isnull=True) | Q(realise_fonctionnement__gte=0)),
                violation_error_message="Les montants réalisés ne peuvent pas être négatifs.",
            ),
        ]

    def __str__(self):
        return f"{self.annee}"

    @property
    def total(self) -> Decimal:
        return self.investissement + self.fonctionnement

    @property
    def realise_renseigne(self) -> bool:
        """Whether the actual spending of the year is known (at least one of its two parts)."""
        return self.realise_investissement is not None or self.realise_fonctionnement is not None

    @property
    def realise_total(self) -> Decimal | None:
        """The actual spending of the year; None when « non renseigné » (neither part entered);
        a part left empty beside an entered one counts as 0."""
        if not self.realise_renseigne:
            return None
        return (self.realise_investissement or Decimal("0")) + (self.realise_fonctionnement or Decimal("0"))


class LigneFinancement(Versioned):
    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="financements")
    financeur = models.ForeignKey(
        "territoires.Organisation", on_delete=models.PROTECT, related_name="financements", verbose_name="financeur"
    )
    dispositif = models.CharField("dispositif", max_length=20, choices=Dispositif.choices)
    montant = models.DecimalField("montant (€)", max_digits=14, decimal_places=2, validators=[_POSITIVE])
    statut = models.CharField(
        "statut", max_length=10, choices=StatutFinancement.choices, default=StatutFinancement.SOLLICITE
    )
    # The former single `date` ("demande ou décision") became one of these two (migration
    # 0009_argent_suivi: a sollicité line's date is its request, a decided line's its decision).
    date_demande = models.DateField("date de la demande", null=True, blank=True)
    date_decision = models.DateField("date de la décision", null=True, blank=True)
    # « Versé »: what the funder actually paid (only on an accordé line, at most its amount).
    montant_verse = models.DecimalField(
        "montant versé (€)", max_digits=14, decimal_places=2, null=True, blank=True, validators=[_POSITIVE]
    )
    date_versement = models.DateField("date du versement", null=True, blank=True)
    # The State's decision (DISPOSITIFS_ETAT): who recorded it, when, as which State role.
    decision_etat_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décision enregistrée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_etat_le = models.DateTimeField("décision enregistrée le", null=True, blank=True)
    decision_etat_role = models.CharField("au titre de", max_length=20, blank=True)

    history = DossierHistory(dossier="fiche.dossier_id")

    class Meta:
        ordering = ["fiche", "pk"]
        verbose_name = "ligne de financement"
        verbose_name_plural = "lignes de financement"
        constraints = [
            models.CheckConstraint(
                name="financement_montant_positif",
                condition=Q(montant__gte=0),
                violation_error_message="Le montant ne peut pas être négatif.",
            ),
            models.UniqueConstraint(
                fields=["fiche", "financeur", "dispositif"],
                condition=~Q(statut="refuse"),
                name="financement_ligne_unique",
                violation_error_message="Ce financeur a déjà une ligne pour ce dispositif sur cette fiche.",
            ),
            models.CheckConstraint(
                name="financement_verse_si_accorde",
                condition=Q(montant_verse__isnull=True)
                | (Q(statut="accorde", montant_verse__gte=0) & Q(montant_verse__lte=models.F("montant"))),
                violation_error_message="Seule une ligne accordée peut être versée, au plus de son montant.",
            ),
        ]

    def __str__(self):
        return f"{self.financeur} — {self.get_dispositif_display()} : {self.montant} €"

    @property
    def date(self):
        """The line's single date (the export's and import's « Date »): its decision's, else its
        request's. Set, it follows the migration's rule: a sollicité line's request date, else
        its decision date (`services.DATE_RULE`)."""
        return self.date_decision or self.date_demande

    @date.setter
    def date(self, value):
        if self.statut == StatutFinancement.SOLLICITE:
            self.date_demande = value
        else:
            self.date_decision = value

    @property
    def instruite_par_etat(self) -> bool:
        return self.dispositif in DISPOSITIFS_ETAT

    @property
    def decidee_par_etat(self) -> bool:
        """Once the State recorded its decision, the team no longer changes statut nor amount."""
        return self.decision_etat_le is not None

    @property
    def versee(self) -> bool:
        return self.montant_verse is not None

    def clean(self):
        errors = {}
        if self.montant_verse is not None:
            if self.statut != StatutFinancement.ACCORDE:
                errors["montant_verse"] = "Seule une ligne accordée peut être marquée versée."
            elif self.montant is not None and self.montant_verse > self.montant:
                errors["montant_verse"] = "Le montant versé ne peut pas dépasser le montant accordé."
        if self.date_demande and self.date_decision and self.date_decision < self.date_demande:
            errors["date_decision"] = "La décision ne peut pas précéder la demande."
        if errors:
            raise ValidationError(errors)


class Etape(models.Model):
    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="etapes")
    nom = models.CharField("nom", max_length=200)
    date = models.DateField("date prévue")
    faite = models.BooleanField("réalisée", default=False)

    history = DossierHistory(dossier="fiche.dossier_id")

    class Meta:
        ordering = ["fiche", "date", "pk"]
        verbose_name = "étape"

    def __str__(self):
        return self.nom


class Note(models.Model):
    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="notes")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    date = models.DateField("date")
    texte = models.TextField("texte")
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    history = DossierHistory(dossier="fiche.dossier_id")

    class Meta:
        ordering = ["fiche", "-date", "-pk"]
        verbose_name = "note de suivi"
        verbose_name_plural = "notes de suivi"

    def __str__(self):
        return f"Note du {date_fr(self.date)}"

    def deletable_by(self, access, user) -> bool:
        """The one rule of deleting a note: its author (`note.delete_own`) or the chef de projet
        (`note.delete_any`)."""
        if access.can("note.delete_any"):
            return True
        own = self.auteur_id is not None and self.auteur_id == getattr(user, "pk", None)
        return own and access.can("note.delete_own")


PIECE_EXTENSIONS = [
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "doc",
    "docx",
    "odt",
    "xls",
    "xlsx",
    "ods",
    "ppt",
    "pptx",
    "odp",
]
PIECE_MAX_SIZE = 10 * 1024 * 1024


def _piece_path(instance, filename):
    return f"actions/{instance.fiche.dossier_id}/{instance.fiche_id}/{filename}"


class PieceJointe(models.Model):
    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="pieces")
    titre = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", upload_to=_piece_path, validators=[FileExtensionValidator(PIECE_EXTENSIONS)])
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ajoutée par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("ajoutée le", auto_now_add=True)

    history = DossierHistory(dossier="fiche.dossier_id")

    class Meta:
        ordering = ["fiche", "-created_at"]
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"

    def __str__(self):
        return self.titre


class FicheHistory(models.Model):
    """One changed field of a fiche, written by the services that change it."""

    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="historique")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField("date", auto_now_add=True)
    champ = models.CharField("champ", max_length=100)
    ancien = models.TextField("ancienne valeur", blank=True)
    nouveau = models.TextField("nouvelle valeur", blank=True)

    class Meta:
        ordering = ["fiche", "-at", "-pk"]
        verbose_name = "modification de fiche"
        verbose_name_plural = "historique des fiches"

    def __str__(self):
        return f"{self.champ} : {self.ancien} → {self.nouveau}"
