import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pvd.actions.models import FicheAction, FicheStatut
from pvd.conventions import services, steps
from pvd.conventions.models import Convention, ConventionDocument, ConventionEtat, ConventionType, Signataire
from pvd.conventions.tests.conftest import mairie, prefet, president, sign_all
from pvd.conventions.tests.factories import ConventionFactory, SignataireFactory
from pvd.dossiers.selectors import dossier_overview
from pvd.territoires.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_signature_of_every_signatory_makes_the_convention_signed_and_moves_the_phase(dossier):
    assert steps.phase(dossier) == "adhesion"
    adhesion = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    # The commune and the EPCI sign; the préfet has not yet.
    sign_all(adhesion, D(2022, 8, 30), but=[prefet(adhesion)])
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.EN_SIGNATURE and adhesion.date_signature is None
    assert steps.phase(dossier) == "adhesion"
    services.signature_record(signataire=prefet(adhesion), signe_le=D(2022, 8, 31))
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.SIGNEE and adhesion.date_signature == D(2022, 8, 31)  # the last one
    assert steps.phase(dossier) == "elaboration"
    assert ("Échéance de la convention-cadre (18 mois)", D(2024, 2, 29)) in steps.key_dates(dossier)

    cadre = services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
    sign_all(cadre, D(2024, 1, 15))
    cadre.refresh_from_db()
    assert cadre.etat == ConventionEtat.SIGNEE
    assert steps.phase(dossier) == "ort"
    assert dossier_overview(dossier)["phase_label"] == "Convention-cadre signée (ORT)"
    assert steps.convention_cadre(dossier)[0] == "termine"
    FicheAction.objects.create(dossier=dossier, numero=1, titre="Halles", statut=FicheStatut.EN_COURS)
    assert steps.phase(dossier) == "mise_en_oeuvre"


def test_removing_a_signature_reopens_the_convention(dossier, adhesion):
    signataire = mairie(adhesion)
    services.signature_record(signataire=signataire, signe_le=None)
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.EN_SIGNATURE and adhesion.date_signature is None
    assert steps.phase(dossier) == "adhesion"


def test_cadre_signed_before_the_adhesion_is_refused(dossier, adhesion):
    cadre = services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
    signataire = prefet(cadre)
    with pytest.raises(ValidationError) as error:
        services.signature_record(signataire=signataire, signe_le=D(2022, 8, 30))
    assert "avant la convention d'adhésion" in str(error.value)
    signataire.refresh_from_db()
    cadre.refresh_from_db()
    assert signataire.signe_le is None and cadre.etat == ConventionEtat.PROJET
    # The same day is accepted.
    sign_all(cadre, D(2022, 8, 31))
    cadre.refresh_from_db()
    assert cadre.etat == ConventionEtat.SIGNEE


def test_cadre_cannot_be_signed_without_a_signed_adhesion(dossier):
    cadre = services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
    signataire = SignataireFactory(convention=cadre)
    with pytest.raises(ValidationError, match="doit être signée avant"):
        services.signature_record(signataire=signataire, signe_le=D(2023, 1, 1))
    assert not Signataire.objects.filter(signe_le__isnull=False).exists()


def test_avenant_signed_before_its_convention_is_refused_and_avenants_are_numbered(dossier, adhesion):
    first = services.convention_create(dossier=dossier, kind=ConventionType.AVENANT, amende=adhesion)
    second = services.convention_create(dossier=dossier, kind=ConventionType.AVENANT, amende=adhesion)
    assert (first.numero_avenant, second.numero_avenant) == (1, 2)
    assert str(second) == "Avenant n° 2 à la convention d'adhésion"
    signataire = prefet(first)
    with pytest.raises(ValidationError, match="avant la convention qu'il modifie"):
        services.signature_record(signataire=signataire, signe_le=D(2022, 8, 1))
    first.refresh_from_db()
    assert first.etat == ConventionEtat.PROJET and first.date_signature is None
    sign_all(first, D(2023, 3, 1))
    first.refresh_from_db()
    assert first.etat == ConventionEtat.SIGNEE
    # The adhésion cannot lose its signature now that a signed avenant depends on it.
    with pytest.raises(ValidationError, match="en dépend"):
        services.signature_record(signataire=adhesion.signataires.first(), signe_le=None)


def test_signature_before_the_deliberation_or_in_the_future_is_refused(dossier):
    adhesion = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    signataire = SignataireFactory(convention=adhesion, date_deliberation=D(2021, 6, 10))
    with pytest.raises(ValidationError, match="précéder la délibération"):
        services.signature_record(signataire=signataire, signe_le=D(2021, 6, 9))
    with pytest.raises(ValidationError, match="futur"):
        services.signature_record(signataire=signataire, signe_le=D(2030, 1, 2), today=D(2030, 1, 1))
    signataire.refresh_from_db()
    assert signataire.signe_le is None
    services.signature_record(signataire=signataire, signe_le=D(2021, 6, 10))  # the same day is fine
    signataire.refresh_from_db()
    assert signataire.signe_le == D(2021, 6, 10)


def test_one_adhesion_per_dossier_and_avenant_needs_a_convention(dossier, adhesion):
    with pytest.raises(ValidationError, match="déjà"):
        services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    with pytest.raises(ValidationError, match="Choisissez"):
        services.convention_create(dossier=dossier, kind=ConventionType.AVENANT)
    assert Convention.objects.filter(dossier=dossier).count() == 1


def test_signed_convention_keeps_its_signatories_and_is_only_resiliable(adhesion, chef):
    with pytest.raises(ValidationError, match="avenant"):
        services.signataire_create(
            convention=adhesion, organisation=OrganisationFactory(), representant="A", qualite="B"
        )
    with pytest.raises(ValidationError):
        services.convention_update(
            convention=adhesion, titre="", objet="", duree_annees=None, etat=ConventionEtat.PROJET
        )
    services.convention_resilier(convention=adhesion, by=chef)
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.RESILIEE


def test_state_signee_cannot_be_set_by_hand(dossier):
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    with pytest.raises(ValidationError, match="tous ses signataires"):
        services.convention_update(
            convention=convention, titre="", objet="", duree_annees=None, etat=ConventionEtat.SIGNEE
        )


def test_signed_scan_must_be_a_pdf_and_is_versioned(adhesion, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError, match="pas un PDF"):
        services.signed_scan_upload(convention=adhesion, uploaded=SimpleUploadedFile("x.pdf", b"GIF89a..."), by=None)
    monkey_limit = services.PDF_MAX_BYTES
    services.PDF_MAX_BYTES = 10
    try:
        with pytest.raises(ValidationError, match="dépasse"):
            services.signed_scan_upload(
                convention=adhesion, uploaded=SimpleUploadedFile("x.pdf", b"%PDF-1.4 " + b"x" * 20), by=None
            )
    finally:
        services.PDF_MAX_BYTES = monkey_limit
    assert not ConventionDocument.objects.exists()
    one = services.signed_scan_upload(
        convention=adhesion, uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4 un"), by=None
    )
    two = services.signed_scan_upload(
        convention=adhesion, uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4 deux"), by=None
    )
    assert (one.version, two.version) == (1, 2)
    with two.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 deux"


def test_stale_instance_cannot_add_a_signatory_to_a_signed_convention(dossier):
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    sign_all(convention, D(2022, 1, 3))
    assert convention.etat == ConventionEtat.PROJET  # stale in memory
    with pytest.raises(ValidationError, match="signée"):
        services.signataire_create(
            convention=convention, organisation=OrganisationFactory(), representant="A", qualite="B"
        )


def test_redating_a_signed_adhesion_after_the_cadre_is_refused(dossier, adhesion, sign_convention):
    cadre = sign_convention(dossier, ConventionType.CADRE, D(2023, 1, 10), signatories=1)
    signataire = adhesion.signataires.first()
    with pytest.raises(ValidationError, match="qui en dépend"):
        services.signature_record(signataire=signataire, signe_le=D(2023, 1, 11))
    adhesion.refresh_from_db()
    signataire.refresh_from_db()
    assert adhesion.date_signature == D(2022, 8, 31) and signataire.signe_le == D(2022, 8, 31)
    # The same day as the convention-cadre, or any earlier day, is fine.
    services.signature_record(signataire=signataire, signe_le=D(2023, 1, 10))
    adhesion.refresh_from_db()
    assert adhesion.date_signature == D(2023, 1, 10) and cadre.date_signature == D(2023, 1, 10)


def test_redating_a_signed_adhesion_after_an_avenant_of_the_cadre_is_refused(dossier, adhesion, sign_convention):
    cadre = sign_convention(dossier, ConventionType.CADRE, D(2023, 1, 10), signatories=1)
    sign_convention(dossier, ConventionType.AVENANT, D(2023, 6, 1), signatories=1, amende=cadre)
    with pytest.raises(ValidationError, match="qui en dépend"):
        services.signature_record(signataire=adhesion.signataires.first(), signe_le=D(2023, 7, 1))
    adhesion.refresh_from_db()
    assert adhesion.date_signature == D(2022, 8, 31)


def test_redating_an_amended_convention_after_its_signed_avenant_is_refused(dossier, adhesion, sign_convention):
    cadre = sign_convention(dossier, ConventionType.CADRE, D(2023, 1, 10), signatories=1)
    avenant = sign_convention(dossier, ConventionType.AVENANT, D(2023, 2, 1), signatories=1, amende=cadre)
    with pytest.raises(ValidationError, match="Avenant n° 1"):
        services.signature_record(signataire=cadre.signataires.first(), signe_le=D(2023, 2, 2))
    cadre.refresh_from_db()
    assert cadre.date_signature == D(2023, 1, 10)
    services.signature_record(signataire=cadre.signataires.first(), signe_le=D(2023, 2, 1))
    cadre.refresh_from_db()
    assert cadre.date_signature == avenant.date_signature


def test_a_resiliated_convention_stays_resiliated(dossier, chef):
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    services.convention_resilier(convention=convention, by=chef)
    with pytest.raises(ValidationError, match="déjà résiliée"):
        services.convention_resilier(convention=convention, by=chef)
    for etat in (ConventionEtat.PROJET, ConventionEtat.EN_SIGNATURE):
        with pytest.raises(ValidationError, match="résiliée le reste"):
            services.convention_update(convention=convention, titre="", objet="", duree_annees=None, etat=etat)
        convention.refresh_from_db()
        assert convention.etat == ConventionEtat.RESILIEE
    services.convention_update(
        convention=convention, titre="Nouveau titre", objet="", duree_annees=None, etat=ConventionEtat.RESILIEE
    )
    convention.refresh_from_db()
    assert convention.titre == "Nouveau titre"


def _stored_files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_a_refused_upload_leaves_no_file_in_the_storage(adhesion, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    # Both uploads get version 1 (as two concurrent requests would): the second is refused by the
    # unique constraint during full_clean, before anything is written.
    monkeypatch.setattr(services, "_next_version", lambda convention, kind: 1)
    services.signed_scan_upload(convention=adhesion, uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4 un"), by=None)
    assert len(_stored_files(tmp_path)) == 1
    with pytest.raises(ValidationError):
        services.signed_scan_upload(
            convention=adhesion, uploaded=SimpleUploadedFile("b.pdf", b"%PDF-1.4 deux"), by=None
        )
    assert len(_stored_files(tmp_path)) == 1
    assert ConventionDocument.objects.count() == 1


def test_a_refused_first_upload_leaves_the_storage_empty(adhesion, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path

    def refuse(self, *args, **kwargs):
        raise ValidationError("refusé")

    monkeypatch.setattr(ConventionDocument, "full_clean", refuse)
    with pytest.raises(ValidationError):
        services.signed_scan_upload(convention=adhesion, uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), by=None)
    assert _stored_files(tmp_path) == []


def test_a_failing_save_removes_the_written_file(adhesion, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path

    def save_then_fail(self, *args, **kwargs):
        self.file.save(self.file.name, self.file.file, save=False)  # the file is written, then the row fails
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(ConventionDocument, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        services.signed_scan_upload(convention=adhesion, uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), by=None)
    assert _stored_files(tmp_path) == []


def test_generated_document_identical_to_the_latest_is_not_stored_again(adhesion, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kind = "projet_pdf"
    first, created = services.generated_document_add(
        convention=adhesion, kind=kind, filename="c.pdf", content=b"%PDF-1 a", by=None
    )
    assert created and first.version == 1
    same, created = services.generated_document_add(
        convention=adhesion, kind=kind, filename="c.pdf", content=b"%PDF-1 a", by=None
    )
    assert not created and same.pk == first.pk
    changed, created = services.generated_document_add(
        convention=adhesion, kind=kind, filename="c.pdf", content=b"%PDF-1 b", by=None
    )
    assert created and changed.version == 2
    assert ConventionDocument.objects.filter(kind=kind).count() == 2


def _half_signed_adhesion(dossier):
    """An adhésion whose préfet signed and whose commune (required) has not."""
    adhesion = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    signed, unsigned = prefet(adhesion), mairie(adhesion)
    services.signature_record(signataire=signed, signe_le=D(2022, 8, 31))
    return adhesion, signed, unsigned


def test_a_required_signatory_cannot_be_removed(dossier, chef):
    adhesion, signed, unsigned = _half_signed_adhesion(dossier)
    for signataire in (signed, unsigned):
        with pytest.raises(ValidationError, match="a signé|signe obligatoirement"):
            services.signataire_delete(signataire=signataire, by=chef)
    assert adhesion.signataires.count() == 3  # the commune, the EPCI and the préfet


def test_deleting_the_last_unsigned_signatory_needs_the_sign_permission(equipe, chef):
    """A convention made before the signatures were required: every signature counted, so the
    EPCI signed and a partner not yet left it en signature, and the data migration made the EPCI
    required without recomputing the state. Removing the partner makes it signée (the dossier has
    no commune, hence no préfet: the EPCI is the one required party), which only the chef may do."""
    from pvd.dossiers.models import Membre, Role
    from pvd.dossiers.tests.factories import DossierFactory
    from pvd.territoires.services import epci_organisation

    dossier = DossierFactory(communes=[])
    Membre.objects.create(dossier=dossier, user=equipe, role=Role.EQUIPE)
    Membre.objects.create(dossier=dossier, user=chef, role=Role.CHEF_DE_PROJET)
    adhesion = ConventionFactory(dossier=dossier, etat=ConventionEtat.EN_SIGNATURE)
    signed = SignataireFactory(
        convention=adhesion, organisation=epci_organisation(dossier.epci), requis=True, signe_le=D(2022, 8, 31)
    )
    unsigned = SignataireFactory(convention=adhesion)
    # The équipe cannot sign: removing the last unsigned signatory would sign the convention.
    with pytest.raises(ValidationError, match="seul le chef de projet"):
        services.signataire_delete(signataire=unsigned, by=equipe)
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.EN_SIGNATURE and Signataire.objects.count() == 2
    # Nobody removes a signatory who has signed.
    with pytest.raises(ValidationError, match="a signé"):
        services.signataire_delete(signataire=signed, by=chef)
    services.signataire_delete(signataire=unsigned, by=chef)
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.SIGNEE and adhesion.date_signature == D(2022, 8, 31)


def test_the_equipe_may_delete_a_signatory_when_others_still_have_to_sign(dossier, equipe):
    adhesion, signed, unsigned = _half_signed_adhesion(dossier)
    other = SignataireFactory(convention=adhesion)
    services.signataire_delete(signataire=other, by=equipe)
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.EN_SIGNATURE
    assert set(adhesion.signataires.values_list("pk", flat=True)) == {signed.pk, unsigned.pk, president(adhesion).pk}


def test_a_signatory_who_signed_cannot_be_reassigned(dossier):
    adhesion, signed, _ = _half_signed_adhesion(dossier)
    data = {
        "organisation": signed.organisation,
        "representant": signed.representant,
        "qualite": signed.qualite,
        "date_deliberation": None,
        "engagements": "Recruter un chef de projet",
        "ordre": signed.ordre,
    }
    for change in ({"organisation": OrganisationFactory()}, {"representant": "Quelqu'un d'autre"}, {"qualite": "X"}):
        with pytest.raises(ValidationError, match="a signé"):
            services.signataire_update(signataire=signed, **{**data, **change})
    signed.refresh_from_db()
    assert signed.engagements == ""
    services.signataire_update(signataire=signed, **data)  # the commitments may still be completed
    signed.refresh_from_db()
    assert signed.engagements == "Recruter un chef de projet"


def test_only_the_chef_resiliates_and_a_new_convention_can_then_be_made(dossier, adhesion, equipe, chef):
    with pytest.raises(ValidationError, match="Seul le chef de projet"):
        services.convention_resilier(convention=adhesion, by=equipe)
    with pytest.raises(ValidationError, match="Résilier la convention"):
        services.convention_update(
            convention=adhesion, titre="", objet="", duree_annees=None, etat=ConventionEtat.RESILIEE
        )
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.SIGNEE
    services.convention_resilier(convention=adhesion, by=chef)
    assert steps.phase(dossier) == "adhesion"
    # The résiliée one steps aside: a new adhésion may be made (service and database constraint).
    new = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    with pytest.raises(ValidationError, match="déjà une convention d'adhésion en cours"):
        services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    sign_all(new, D(2023, 3, 1))
    # The order of dates follows the adhésion in force, not the résiliée one (signed 31/08/2022).
    cadre = services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
    with pytest.raises(ValidationError, match="avant la convention d'adhésion"):
        services.signature_record(signataire=prefet(cadre), signe_le=D(2023, 1, 1))
    assert steps.phase(dossier) == "elaboration"
    assert ("Échéance de la convention-cadre (18 mois)", D(2024, 9, 1)) in steps.key_dates(dossier)


def test_database_allows_a_new_convention_beside_a_resiliee_one_only(dossier, adhesion, chef):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.create(dossier=dossier, kind=ConventionType.ADHESION)
    services.convention_resilier(convention=adhesion, by=chef)
    Convention.objects.create(dossier=dossier, kind=ConventionType.ADHESION)


def test_an_avenant_amends_neither_an_avenant_nor_a_resiliee_convention(dossier, adhesion, chef):
    avenant = services.convention_create(dossier=dossier, kind=ConventionType.AVENANT, amende=adhesion)
    with pytest.raises(ValidationError, match="pas un autre avenant"):
        services.convention_create(dossier=dossier, kind=ConventionType.AVENANT, amende=avenant)
    services.convention_resilier(convention=adhesion, by=chef)
    with pytest.raises(ValidationError, match="résiliée ne peut plus"):
        services.convention_create(dossier=dossier, kind=ConventionType.AVENANT, amende=adhesion)
    assert Convention.objects.filter(kind=ConventionType.AVENANT).count() == 1


def test_french_labels_keep_the_capitals_of_ort(dossier, adhesion):
    cadre = services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
    with pytest.raises(ValidationError) as error:
        services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
    assert error.value.message_dict["kind"] == ["Ce dossier a déjà une convention-cadre valant ORT en cours."]
    avenant = services.convention_create(dossier=dossier, kind=ConventionType.AVENANT, amende=cadre)
    assert str(avenant) == "Avenant n° 1 à la convention-cadre valant ORT"


def test_signed_scan_refused_on_a_draft_or_a_resiliee_convention(dossier, adhesion, chef, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
    with pytest.raises(ValidationError, match="pas sur un projet"):
        services.signed_scan_upload(convention=draft, uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), by=chef)
    services.convention_resilier(convention=adhesion, by=chef)
    with pytest.raises(ValidationError, match="résiliée"):
        services.signed_scan_upload(convention=adhesion, uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), by=chef)
    assert not ConventionDocument.objects.exists()


def test_the_diagnostic_feeds_the_convention_cadre_and_the_old_typed_text_is_a_fallback(dossier):
    from pvd.conventions import selectors
    from pvd.diagnostic.tests.factories_export import AfomItemFactory, DiagnosticFactory

    cadre = services.convention_create(dossier=dossier, kind=ConventionType.CADRE)
    assert selectors.convention_cadre_content(dossier)["diagnostic"]["synthese"] == "À compléter"
    # Typed on the convention before the diagnostic existed: still read while the diagnostic
    # has no synthesis.
    Convention.objects.filter(pk=cadre.pk).update(synthese_diagnostic="Vacance commerciale de 18 % en centre-ville.")
    assert selectors.convention_cadre_content(dossier)["diagnostic"]["synthese"] == (
        "Vacance commerciale de 18 % en centre-ville."
    )
    diagnostic = DiagnosticFactory(dossier=dossier, synthese="")
    assert selectors.convention_cadre_content(dossier)["diagnostic"]["synthese"].startswith("Vacance commerciale")
    diagnostic.synthese = "Un centre ancien à reconquérir."
    diagnostic.save()
    for ordre in range(5):
        AfomItemFactory(dossier=dossier, categorie="faiblesse", texte=f"Faiblesse {ordre}", ordre=ordre)
    content = selectors.convention_cadre_content(dossier)["diagnostic"]
    assert content["synthese"] == "Un centre ancien à reconquérir."
    # A few items of each category, in the team's order.
    assert content["afom"] == [{"categorie": "Faiblesses", "constats": ["Faiblesse 0", "Faiblesse 1", "Faiblesse 2"]}]
    # Updating the convention no longer touches the text.
    cadre.refresh_from_db()
    services.convention_update(convention=cadre, titre="T", objet="", duree_annees=None, etat=ConventionEtat.PROJET)
    cadre.refresh_from_db()
    assert cadre.synthese_diagnostic == "Vacance commerciale de 18 % en centre-ville."


def test_a_new_adhesion_is_not_held_back_by_resiliees_conventions(dossier, adhesion, sign_convention, chef):
    cadre = sign_convention(dossier, ConventionType.CADRE, D(2023, 1, 10), signatories=1)
    avenant = sign_convention(dossier, ConventionType.AVENANT, D(2023, 2, 1), signatories=1, amende=adhesion)
    services.convention_resilier(convention=adhesion, by=chef)
    new = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    signataire = prefet(new)
    sign_all(new, D(2024, 1, 1), but=[signataire])
    # The cadre in force was signed before: the new adhésion cannot come after it.
    with pytest.raises(ValidationError, match="Convention-cadre valant ORT"):
        services.signature_record(signataire=signataire, signe_le=D(2024, 1, 1))
    services.convention_resilier(convention=cadre, by=chef)
    # Neither the résiliée cadre nor the avenant of the résiliée adhésion holds it back any more.
    services.signature_record(signataire=signataire, signe_le=D(2024, 1, 1))
    new.refresh_from_db()
    assert new.etat == ConventionEtat.SIGNEE and avenant.date_signature == D(2023, 2, 1)
