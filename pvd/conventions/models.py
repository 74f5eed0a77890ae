from django.conf import settings
from django.db import models
from django.db.models import Q

from pvd.journal.history import DossierHistory


class ConventionType(models.TextChoices):
    ADHESION = "adhesion", "Convention d'adhésion"
    CADRE = "cadre", "Convention-cadre valant ORT"
    AVENANT = "avenant", "Avenant"


def lower_first(label: str) -> str:
    """ "Convention-cadre valant ORT" → "convention-cadre valant ORT" (the acronym keeps its capitals)."""
    return label[:1].lower() + label[1:]


class ConventionEtat(models.TextChoices):
    PROJET = "projet", "Projet"
    EN_SIGNATURE = "en_signature", "En signature"
    SIGNEE = "signee", "Signée"
    RESILIEE = "resiliee", "Résiliée"


class Convention(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="conventions")
    kind = models.CharField("type", max_length=20, choices=ConventionType.choices)
    amende = models.ForeignKey(
        "self",
        verbose_name="convention amendée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="avenants",
    )
    numero_avenant = models.PositiveIntegerField("numéro d'avenant", null=True, blank=True)
    titre = models.CharField("titre", max_length=300, blank=True)
    etat = models.CharField("état", max_length=20, choices=ConventionEtat.choices, default=ConventionEtat.PROJET)
    date_signature = models.DateField("date de signature", null=True, blank=True)
    duree_annees = models.PositiveSmallIntegerField("durée (années)", null=True, blank=True)
    objet = models.TextField("objet", blank=True)
    # Written by hand for now; the diagnostic app (step 3 of the programme, not built yet) will
    # feed it later. Only the convention-cadre uses it.
    synthese_diagnostic = models.TextField("synthèse du diagnostic", blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    history = DossierHistory(dossier="dossier_id")

    class Meta:
        ordering = ["dossier", "created_at"]
        verbose_name = "convention"
        constraints = [
            # A résiliée convention steps aside: the dossier may then sign a new one of the same type.
            models.UniqueConstraint(
                fields=["dossier", "kind"],
                condition=Q(kind__in=["adhesion", "cadre"]) & ~Q(etat="resiliee"),
                name="une_convention_par_type",
                violation_error_message="Ce dossier a déjà une convention de ce type en cours.",
            ),
            models.CheckConstraint(
                name="avenant_amende_une_convention",
                condition=(Q(kind="avenant") & Q(amende__isnull=False)) | (~Q(kind="avenant") & Q(amende__isnull=True)),
                violation_error_message="Un avenant modifie une convention, et seul un avenant en modifie une.",
            ),
            models.UniqueConstraint(
                fields=["amende", "numero_avenant"], condition=Q(kind="avenant"), name="avenant_numero_unique"
            ),
            models.CheckConstraint(
                name="signee_a_une_date",
                condition=~Q(etat="signee") | Q(date_signature__isnull=False),
                violation_error_message="Une convention signée a une date de signature.",
            ),
        ]

    def __str__(self):
        if self.kind == ConventionType.AVENANT:
            return f"Avenant n° {self.numero_avenant} à la {lower_first(self.amende.get_kind_display())}"
        return self.get_kind_display()


class Signataire(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="signataires")
    organisation = models.ForeignKey("territoires.Organisation", on_delete=models.PROTECT, related_name="+")
    representant = models.CharField("représentant", max_length=200)
    qualite = models.CharField("qualité", max_length=200)
    date_deliberation = models.DateField("date de la délibération", null=True, blank=True)
    engagements = models.TextField("engagements", blank=True)
    signe_le = models.DateField("signé le", null=True, blank=True)
    ordre = models.PositiveIntegerField(default=0)
    # The commune(s), the EPCI and the State (the préfet) sign every convention: the convention
    # is signée once each required signatory has signed; the partners' signatures are optional.
    # Set by the services from the organisation (services.is_required_party).
    requis = models.BooleanField("signature requise", default=False)

    history = DossierHistory(dossier="convention.dossier_id")

    class Meta:
        ordering = ["convention", "ordre", "pk"]
        verbose_name = "signataire"
        constraints = [
            models.UniqueConstraint(fields=["convention", "organisation"], name="signataire_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.representant}"


class ConventionDocumentKind(models.TextChoices):
    PROJET_DOCX = "projet_docx", "Projet généré (DOCX)"
    PROJET_PDF = "projet_pdf", "Projet généré (PDF)"
    SIGNE_PDF = "signe_pdf", "Version signée (PDF)"


def _document_path(instance, filename):
    convention = instance.convention
    return f"conventions/{convention.dossier_id}/{convention.pk}/{instance.kind}-v{instance.version}-{filename}"


class ConventionDocument(models.Model):
    """A generated draft or the signed scan of a convention; each upload or generation is a new version."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("type de document", max_length=20, choices=ConventionDocumentKind.choices)
    file = models.FileField("fichier", upload_to=_document_path, max_length=300)
    version = models.PositiveIntegerField("version")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    history = DossierHistory(dossier="convention.dossier_id")

    class Meta:
        ordering = ["convention", "kind", "-version"]
        verbose_name = "document de convention"
        verbose_name_plural = "documents de convention"
        constraints = [
            models.UniqueConstraint(fields=["convention", "kind", "version"], name="document_version_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}"
