"""Every write on conventions: creation, signatories, signatures, documents."""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pvd.core.concurrency import claim_version
from pvd.core.formatting import date_fr
from pvd.journal.services import corbeille_move
from pvd.territoires.services import check_offered

from .models import (
    Convention,
    ConventionDocument,
    ConventionDocumentKind,
    ConventionEtat,
    ConventionType,
    Signataire,
    lower_first,
)

PDF_MAX_BYTES = 20 * 1024 * 1024
# The states a form may set; signée comes from the signatures, résiliée from convention_resilier.
EDITABLE_ETATS = {ConventionEtat.PROJET, ConventionEtat.EN_SIGNATURE}
# A signed scan exists once signatures are being collected, not for a draft or a résiliée one.
SCAN_ETATS = {ConventionEtat.EN_SIGNATURE, ConventionEtat.SIGNEE}


def _can_sign(user, convention: Convention) -> bool:
    from pvd.dossiers.perms import access_for

    return user is not None and access_for(user, convention.dossier).can("conventions.sign")


def _check_date_order(convention: Convention, signed_on: datetime.date) -> None:
    """A convention-cadre follows the adhésion; an avenant follows the convention it amends."""
    if convention.kind == ConventionType.CADRE:
        adhesion = (
            Convention.objects.filter(dossier_id=convention.dossier_id, kind=ConventionType.ADHESION)
            .exclude(etat=ConventionEtat.RESILIEE)
            .first()
        )
        if adhesion is None or adhesion.date_signature is None:
            raise ValidationError({"signe_le": "La convention d'adhésion doit être signée avant la convention-cadre."})
        if signed_on < adhesion.date_signature:
            raise ValidationError(
                {
                    "signe_le": "La convention-cadre ne peut pas être signée avant la convention d'adhésion "
                    f"(signée le {date_fr(adhesion.date_signature)})."
                }
            )
    if convention.kind == ConventionType.AVENANT:
        amende = convention.amende
        if amende.date_signature is None:
            raise ValidationError({"signe_le": "La convention amendée doit être signée avant son avenant."})
        if signed_on < amende.date_signature:
            raise ValidationError(
                {
                    "signe_le": "Un avenant ne peut pas être signé avant la convention qu'il modifie "
                    f"(signée le {date_fr(amende.date_signature)})."
                }
            )


def _check_dependants(convention: Convention, signed_on: datetime.date) -> None:
    """Conventions signed after this one (its avenants; for the adhésion, the convention-cadre and
    every avenant of the dossier) must not come before its new date of signature."""
    dependants = Convention.objects.filter(amende=convention, date_signature__isnull=False)
    if convention.kind == ConventionType.ADHESION:
        # A résiliée convention (or an avenant of one) no longer depends on the current adhésion.
        dependants = (
            Convention.objects.filter(
                dossier_id=convention.dossier_id,
                kind__in=[ConventionType.CADRE, ConventionType.AVENANT],
                date_signature__isnull=False,
            )
            .exclude(etat=ConventionEtat.RESILIEE)
            .exclude(amende__etat=ConventionEtat.RESILIEE)
        )
    earlier = dependants.filter(date_signature__lt=signed_on).select_related("amende").order_by("date_signature")
    first = earlier.first()
    if first is not None:
        raise ValidationError(
            {
                "signe_le": f"La convention ne peut pas être signée après « {first} », qui en dépend "
                f"(signée le {date_fr(first.date_signature)})."
            }
        )


@transaction.atomic
def convention_create(
    *, dossier, kind: str, titre: str = "", objet: str = "", duree_annees: int | None = None, amende=None
) -> Convention:
    if kind == ConventionType.AVENANT:
        if amende is None or amende.dossier_id != dossier.pk:
            raise ValidationError({"amende": "Choisissez la convention que cet avenant modifie."})
        # Lock the amended convention so that two avenants created at once get distinct numbers.
        amende = Convention.objects.select_for_update().get(pk=amende.pk)
        if amende.kind == ConventionType.AVENANT:
            raise ValidationError({"amende": "Un avenant modifie une convention, pas un autre avenant."})
        if amende.etat == ConventionEtat.RESILIEE:
            raise ValidationError({"amende": "Une convention résiliée ne peut plus être modifiée par avenant."})
        numero = (amende.avenants.aggregate(n=Max("numero_avenant"))["n"] or 0) + 1
    else:
        if amende is not None:
            raise ValidationError({"amende": "Seul un avenant modifie une convention."})
        numero = None
        if Convention.objects.filter(dossier=dossier, kind=kind).exclude(etat=ConventionEtat.RESILIEE).exists():
            label = lower_first(dict(ConventionType.choices)[kind])
            raise ValidationError({"kind": f"Ce dossier a déjà une {label} en cours."})
    convention = Convention(
        dossier=dossier,
        kind=kind,
        titre=titre,
        objet=objet,
        duree_annees=duree_annees,
        amende=amende,
        numero_avenant=numero,
    )
    convention.full_clean()
    convention.save()
    _add_required_parties(convention)
    return convention


def _add_required_parties(convention: Convention) -> None:
    """Every convention is signed by each commune bénéficiaire (its maire), the EPCI (its
    président) and the State (the préfet of the dossier's département): added at creation as
    required signatories, whose representative's name the chef de projet completes."""
    from pvd.territoires.services import commune_organisation, epci_organisation, prefecture_organisation

    from .selectors import default_representant, dossier_departement

    dossier = convention.dossier
    parties = [(commune_organisation(commune), "Maire") for commune in dossier.communes.order_by("nom")]
    parties.append((epci_organisation(dossier.epci), "Président de l'EPCI"))
    departement = dossier_departement(dossier)
    if departement is not None:
        parties.append((prefecture_organisation(departement=departement), "Préfet"))
    for ordre, (organisation, qualite) in enumerate(parties, start=1):
        signataire = Signataire(
            convention=convention,
            organisation=organisation,
            representant=default_representant(organisation),
            qualite=qualite,
            ordre=ordre,
            requis=True,
        )
        signataire.full_clean()
        signataire.save()


def is_required_party(dossier, organisation) -> bool:
    """A commune of the dossier, its EPCI or the State in its département: a required signatory."""
    from pvd.territoires.models import OrganisationType

    from .selectors import dossier_departement

    if organisation.kind == OrganisationType.COMMUNE:
        return organisation.commune_id is not None and dossier.communes.filter(pk=organisation.commune_id).exists()
    if organisation.kind == OrganisationType.EPCI:
        return organisation.epci_id is not None and organisation.epci_id == dossier.epci_id
    if organisation.kind == OrganisationType.ETAT:
        departement = dossier_departement(dossier)
        return departement is not None and organisation.departement_id == departement.pk
    return False


def signature_complete(rows) -> tuple[bool, datetime.date | None]:
    """(signée?, date) for the (requis, signe_le) of a convention's signatories: signée when every
    required signatory has signed, on the last of their dates; the partners' signatures are
    optional. A convention without any required signatory (no commune, hence no département
    to name its préfet) needs every signature."""
    rows = list(rows)
    counted = [signe_le for requis, signe_le in rows if requis] or [signe_le for _, signe_le in rows]
    if counted and all(counted):
        return True, max(counted)
    return False, None


@transaction.atomic
def convention_update(
    *,
    convention: Convention,
    titre: str,
    objet: str,
    duree_annees: int | None,
    etat: str,
    expected_version: int | None = None,
) -> Convention:
    """Edit the text of a convention. Its article « Diagnostic » comes from the diagnostic
    (pvd.diagnostic), not from the convention. `expected_version`: see pvd.core.concurrency."""
    claim_version(convention, expected_version)
    # The state as stored (locked), not as the caller's possibly stale instance says.
    convention.etat = Convention.objects.select_for_update().values_list("etat", flat=True).get(pk=convention.pk)
    if etat == ConventionEtat.RESILIEE and convention.etat != ConventionEtat.RESILIEE:
        raise ValidationError({"etat": "La résiliation se fait par « Résilier la convention », après confirmation."})
    if etat not in EDITABLE_ETATS and etat != convention.etat:
        raise ValidationError({"etat": "Une convention devient signée quand tous ses signataires ont signé."})
    if convention.etat == ConventionEtat.SIGNEE and etat != ConventionEtat.SIGNEE:
        raise ValidationError({"etat": "Une convention signée ne peut être que résiliée."})
    if convention.etat == ConventionEtat.RESILIEE and etat != ConventionEtat.RESILIEE:
        raise ValidationError({"etat": "Une convention résiliée le reste (passez par une nouvelle convention)."})
    convention.titre, convention.objet, convention.duree_annees, convention.etat = titre, objet, duree_annees, etat
    convention.full_clean()
    convention.save()
    return convention


@transaction.atomic
def convention_resilier(*, convention: Convention, by) -> Convention:
    """Irreversible: only someone who may sign (the chef de projet) résilie a convention. The
    dossier may then create a new convention of the same type."""
    if not _can_sign(by, convention):
        raise ValidationError("Seul le chef de projet peut résilier une convention.")
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.etat == ConventionEtat.RESILIEE:
        raise ValidationError("La convention est déjà résiliée.")
    convention.etat = ConventionEtat.RESILIEE
    convention.full_clean()
    convention.save(update_fields=["etat"])
    return convention


def convention_submit(*, convention: Convention, by):
    """Submit the convention to the comité de projet (a point waiting for a séance)."""
    from pvd.gouvernance.services import object_submit

    return object_submit(
        dossier=convention.dossier, target=convention, titre=str(convention), description=convention.objet, by=by
    )


def _check_open(convention: Convention) -> None:
    # Read the state from the database (locked): the caller's instance may be stale.
    convention.etat = Convention.objects.select_for_update().values_list("etat", flat=True).get(pk=convention.pk)
    if convention.etat in {ConventionEtat.SIGNEE, ConventionEtat.RESILIEE}:
        raise ValidationError(
            f"La convention est {convention.get_etat_display().lower()} : ses signataires ne changent plus "
            "(passez par un avenant)."
        )


@transaction.atomic
def signataire_create(
    *,
    convention: Convention,
    organisation,
    representant: str,
    qualite: str,
    date_deliberation: datetime.date | None = None,
    engagements: str = "",
    ordre: int | None = None,
) -> Signataire:
    _check_open(convention)
    check_offered(dossier=convention.dossier, organisations=[organisation])
    if convention.signataires.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": "Cette organisation signe déjà cette convention."})
    if ordre is None:
        ordre = (convention.signataires.aggregate(n=Max("ordre"))["n"] or 0) + 1
    signataire = Signataire(
        convention=convention,
        organisation=organisation,
        representant=representant,
        qualite=qualite,
        date_deliberation=date_deliberation,
        engagements=engagements,
        ordre=ordre,
        requis=is_required_party(convention.dossier, organisation),
    )
    signataire.full_clean()
    signataire.save()
    return signataire


@transaction.atomic
def signataire_update(
    *,
    signataire: Signataire,
    organisation,
    representant: str,
    qualite: str,
    date_deliberation: datetime.date | None,
    engagements: str,
    ordre: int,
    expected_version: int | None = None,
) -> Signataire:
    """`expected_version`: the version the caller read (see pvd.core.concurrency)."""
    claim_version(signataire, expected_version)
    _check_open(signataire.convention)
    signed = Signataire.objects.select_for_update().get(pk=signataire.pk)
    if signed.signe_le and (organisation.pk, representant, qualite) != (
        signed.organisation_id,
        signed.representant,
        signed.qualite,
    ):
        raise ValidationError(
            "Ce signataire a signé : son organisation, son représentant et sa qualité ne changent plus "
            "(retirez d'abord sa signature)."
        )
    if signataire.signe_le and date_deliberation and signataire.signe_le < date_deliberation:
        raise ValidationError({"date_deliberation": "La délibération qui autorise la signature ne peut pas la suivre."})
    if organisation.pk != signed.organisation_id:
        check_offered(dossier=signataire.convention.dossier, organisations=[organisation])
    others = signataire.convention.signataires.exclude(pk=signataire.pk)
    if others.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": "Cette organisation signe déjà cette convention."})
    requis = is_required_party(signataire.convention.dossier, organisation)
    if signed.requis and not requis:
        raise ValidationError(
            {
                "organisation": "Ce signataire est requis (commune, EPCI ou État) : son organisation ne peut "
                "devenir celle d'un partenaire."
            }
        )
    signataire.requis = requis
    signataire.organisation, signataire.representant, signataire.qualite = organisation, representant, qualite
    signataire.date_deliberation, signataire.engagements, signataire.ordre = date_deliberation, engagements, ordre
    signataire.full_clean()
    signataire.save()
    return signataire


@transaction.atomic
def convention_delete(*, convention: Convention, by) -> None:
    """Move a convention that nobody has signed to the bin, with its signatories, its documents
    and their files; the chef de projet may restore it. Refused once a signature is recorded
    (a signed convention is résiliée, not deleted), while it has avenants (deleted first, each
    on its own), and once the comité de projet decided on it (`decidable_delete_check`; its
    submissions waiting for a decision are withdrawn)."""
    from pvd.gouvernance.services import decidable_delete_check

    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.etat in {ConventionEtat.SIGNEE, ConventionEtat.RESILIEE}:
        raise ValidationError(
            f"La convention est {convention.get_etat_display().lower()} : elle ne peut pas être supprimée "
            "(une convention signée se résilie)."
        )
    if convention.signataires.filter(signe_le__isnull=False).exists():
        raise ValidationError(
            "Un signataire a déjà signé cette convention : elle ne peut pas être supprimée "
            "(retirez d'abord les signatures, ou résiliez-la)."
        )
    if convention.avenants.exists():
        raise ValidationError("Cette convention a des avenants : supprimez-les d'abord.")
    decidable_delete_check(target=convention)
    corbeille_move(instance=convention, by=by, label=str(convention))


@transaction.atomic
def signataire_delete(*, signataire: Signataire, by) -> None:
    """Remove a signatory who has not signed. If every other one has signed, the removal makes the
    convention signée: only someone who may record signatures (conventions.sign) may do that."""
    convention = signataire.convention
    _check_open(convention)
    signataire = Signataire.objects.select_for_update().get(pk=signataire.pk)
    if signataire.signe_le is not None:
        raise ValidationError("Ce signataire a signé : retirez d'abord sa signature.")
    if signataire.requis:
        raise ValidationError(
            f"{signataire.organisation.nom} signe obligatoirement la convention (commune, EPCI ou État) : "
            "ce signataire ne peut pas être retiré."
        )
    others = list(convention.signataires.exclude(pk=signataire.pk).select_related("organisation"))
    complete, signed_on = _signed_state(convention, others)
    if complete:
        if not _can_sign(by, convention):
            raise ValidationError(
                "Tous les autres signataires ont signé : retirer celui-ci rendrait la convention signée, "
                "ce que seul le chef de projet peut faire."
            )
        _check_date_order(convention, signed_on)
        _check_dependants(convention, signed_on)
    corbeille_move(instance=signataire, by=by, label=f"Signataire {signataire.organisation.nom}")
    _refresh_signature_state(convention)


def _signed_state(convention: Convention, signataires) -> tuple[bool, datetime.date | None]:
    """(signée?, date) of `convention` with these signatories: every required party (communes,
    EPCI, State) is a signatory and has signed (signature_complete, absent_parties)."""
    from .selectors import absent_parties

    complete, signed_on = signature_complete((s.requis, s.signe_le) for s in signataires)
    # The commune(s) and the EPCI sign too: not signée while one of them is not even a signatory.
    if complete and absent_parties(convention, signataires):
        return False, None
    return complete, signed_on


def _refresh_signature_state(convention: Convention) -> None:
    """Signée with the date of the last required signature when every required party has signed
    (_signed_state); en signature once a signature is recorded."""
    signataires = list(convention.signataires.select_related("organisation"))
    dates = [s.signe_le for s in signataires]
    complete, signed_on = _signed_state(convention, signataires)
    if complete:
        convention.etat, convention.date_signature = ConventionEtat.SIGNEE, signed_on
    else:
        if convention.etat == ConventionEtat.SIGNEE or (convention.etat == ConventionEtat.PROJET and any(dates)):
            convention.etat = ConventionEtat.EN_SIGNATURE
        convention.date_signature = None
    convention.full_clean()
    convention.save(update_fields=["etat", "date_signature"])


@transaction.atomic
def signature_record(
    *,
    signataire: Signataire,
    signe_le: datetime.date | None,
    today: datetime.date | None = None,
    expected_version: int | None = None,
):
    """Record (or clear, with None) a signatory's signature; the convention follows.
    `expected_version`: the signatory's version the caller read (see pvd.core.concurrency)."""
    convention = Convention.objects.select_for_update().get(pk=signataire.convention_id)
    claim_version(signataire, expected_version)
    if convention.etat == ConventionEtat.RESILIEE:
        raise ValidationError("La convention est résiliée.")
    if signe_le is not None:
        today = today or timezone.localdate()
        if signe_le > today:
            raise ValidationError({"signe_le": "La date de signature ne peut pas être dans le futur."})
        if signataire.date_deliberation and signe_le < signataire.date_deliberation:
            raise ValidationError(
                {
                    "signe_le": "La signature ne peut pas précéder la délibération qui l'autorise "
                    f"({date_fr(signataire.date_deliberation)})."
                }
            )
        _check_date_order(convention, signe_le)
    if signe_le is None and convention.kind != ConventionType.AVENANT:
        dependants = convention.avenants.filter(date_signature__isnull=False)
        if convention.kind == ConventionType.ADHESION:
            cadre_signed = Convention.objects.filter(
                dossier_id=convention.dossier_id, kind=ConventionType.CADRE, date_signature__isnull=False
            ).exists()
        else:
            cadre_signed = False
        if dependants.exists() or cadre_signed:
            raise ValidationError("Une convention signée après celle-ci en dépend : sa signature ne peut être retirée.")
    signataire.signe_le = signe_le
    signataire.full_clean()
    signataire.save(update_fields=["signe_le"])
    _refresh_signature_state(convention)
    if convention.date_signature is not None:
        # The last signature must also respect the order with respect to the other conventions,
        # before it (adhésion, amended convention) and after it (convention-cadre, avenants).
        _check_date_order(convention, convention.date_signature)
        _check_dependants(convention, convention.date_signature)
    return signataire


def validate_pdf(uploaded) -> bytes:
    """The bytes of an uploaded PDF, refused unless it starts like a PDF and is small enough."""
    if uploaded.size > PDF_MAX_BYTES:
        raise ValidationError({"file": f"Le fichier dépasse {PDF_MAX_BYTES // (1024 * 1024)} Mo."})
    content = uploaded.read()
    if not content.startswith(b"%PDF-"):
        raise ValidationError({"file": "Le fichier n'est pas un PDF."})
    return content


def _next_version(convention: Convention, kind: str) -> int:
    return (convention.documents.filter(kind=kind).aggregate(n=Max("version"))["n"] or 0) + 1


@transaction.atomic
def document_add(*, convention: Convention, kind: str, filename: str, content: bytes, by) -> ConventionDocument:
    """A new version of a document. Validated before anything is written to the storage; the file
    is removed again if the row cannot be saved."""
    Convention.objects.select_for_update().filter(pk=convention.pk).first()
    document = ConventionDocument(
        convention=convention, kind=kind, version=_next_version(convention, kind), uploaded_by=by
    )
    document.file = ContentFile(content, name=filename)
    document.full_clean()
    try:
        document.save()  # writes the file (FileField.pre_save), then the row
    except Exception:
        if document.file.name and document.file._committed:
            document.file.storage.delete(document.file.name)
        raise
    return document


def _same_content(document: ConventionDocument, data: bytes) -> bool:
    try:
        with document.file.open("rb") as handle:
            return hashlib.sha256(handle.read()).digest() == hashlib.sha256(data).digest()
    except OSError:
        return False


@transaction.atomic
def generated_document_add(
    *, convention: Convention, kind: str, filename: str, content: bytes, by
) -> tuple[ConventionDocument, bool]:
    """(document, created): a generated draft identical to the latest version is not stored again."""
    Convention.objects.select_for_update().filter(pk=convention.pk).first()
    latest = convention.documents.filter(kind=kind).order_by("-version").first()
    if latest is not None and _same_content(latest, content):
        return latest, False
    return document_add(convention=convention, kind=kind, filename=filename, content=content, by=by), True


def signed_scan_upload(*, convention: Convention, uploaded, by) -> ConventionDocument:
    etat = Convention.objects.values_list("etat", flat=True).get(pk=convention.pk)
    if etat not in SCAN_ETATS:
        raise ValidationError(
            {
                "file": "La version signée se dépose sur une convention en signature ou signée, pas sur un projet "
                "ni sur une convention résiliée."
            }
        )
    content = validate_pdf(uploaded)
    return document_add(
        convention=convention,
        kind=ConventionDocumentKind.SIGNE_PDF,
        filename="convention-signee.pdf",
        content=content,
        by=by,
    )
