"""The State signs: a convention is signée only when every required signatory (communes, EPCI,
préfet) has signed; the partners' signatures are optional."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pvd.conventions import services
from pvd.conventions.models import ConventionEtat, ConventionType, Signataire
from pvd.conventions.tests.conftest import mairie, prefet, president, sign_all
from pvd.conventions.tests.factories import ConventionFactory, SignataireFactory
from pvd.territoires.models import OrganisationType
from pvd.territoires.services import commune_organisation, epci_organisation, prefecture_organisation
from pvd.territoires.tests.factories import CommuneFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_communes_the_epci_and_the_prefet_are_added_at_creation(dossier):
    second = CommuneFactory(nom="Arc-en-Barrois", epci=dossier.epci, departement=dossier.communes.get().departement)
    dossier.communes.add(second)
    first = dossier.communes.exclude(pk=second.pk).get()
    convention = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    rows = [
        (s.organisation, s.representant, s.qualite, s.requis, s.signe_le)
        for s in convention.signataires.order_by("ordre")
    ]
    # The communes by name, then the EPCI, then the State; the names of the persons are to complete.
    assert rows == [
        (commune_organisation(second), "Le maire d'Arc-en-Barrois", "Maire", True, None),
        (commune_organisation(first), f"Le maire de {first.nom}", "Maire", True, None),
        (epci_organisation(dossier.epci), "Le président ou la présidente", "Président de l'EPCI", True, None),
        (prefecture_organisation(departement=first.departement), "Le préfet de la Haute-Marne", "Préfet", True, None),
    ]
    # A required party is not added twice.
    with pytest.raises(Exception, match="signe déjà"):
        services.signataire_create(
            convention=convention, organisation=commune_organisation(first), representant="R", qualite="Q"
        )
    assert convention.signataires.count() == 4


@pytest.mark.parametrize("type_", [ConventionType.ADHESION, ConventionType.CADRE])
def test_the_prefet_is_added_as_a_required_signatory(dossier, type_):
    convention = services.convention_create(dossier=dossier, kind=type_)
    signataire = prefet(convention)
    assert signataire.organisation.nom == "Préfecture de la Haute-Marne"
    assert signataire.organisation.departement_id == "52"
    assert (signataire.representant, signataire.qualite) == ("Le préfet de la Haute-Marne", "Préfet")
    assert signataire.organisation == prefecture_organisation(departement=dossier.communes.get().departement)


def test_commune_and_epci_alone_do_not_sign_the_convention(dossier):
    adhesion = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    partner = services.signataire_create(
        convention=adhesion,
        organisation=OrganisationFactory(nom="Banque des Territoires"),
        representant="R",
        qualite="Q",
    )
    commune, epci = mairie(adhesion), president(adhesion)
    assert (commune.requis, epci.requis, partner.requis) == (True, True, False)
    for signataire in (commune, epci):
        services.signature_record(signataire=signataire, signe_le=D(2022, 8, 30))
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.EN_SIGNATURE and adhesion.date_signature is None
    services.signature_record(signataire=prefet(adhesion), signe_le=D(2022, 9, 2))
    adhesion.refresh_from_db()
    # Signed on the préfet's date; the partner, who has not signed, does not hold it back.
    assert adhesion.etat == ConventionEtat.SIGNEE and adhesion.date_signature == D(2022, 9, 2)
    # The partner signing later changes neither the state nor the date.
    services.signature_record(signataire=partner, signe_le=D(2022, 9, 5))
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.SIGNEE and adhesion.date_signature == D(2022, 9, 2)


def test_a_required_signatory_cannot_become_a_partner(dossier):
    adhesion = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    signataire = prefet(adhesion)
    with pytest.raises(Exception, match="partenaire"):
        services.signataire_update(
            signataire=signataire,
            organisation=OrganisationFactory(),
            representant="R",
            qualite="Q",
            date_deliberation=None,
            engagements="",
            ordre=1,
        )


def test_the_data_migration_adds_the_prefet_to_open_conventions_only(dossier, transactional_db):
    """Existing conventions: the State is added, unsigned, to those in projet or en signature; a
    convention already signée (on paper) keeps its state and its signatories. The migration runs
    on the historical models (the schema as it was then: `type`, renamed `kind` later)."""
    migration = importlib.import_module("pvd.conventions.migrations.0005_signataire_requis")
    open_one = ConventionFactory(dossier=dossier, kind=ConventionType.ADHESION, etat=ConventionEtat.EN_SIGNATURE)
    signed = ConventionFactory(dossier=dossier, kind=ConventionType.CADRE, signee=True)
    commune = dossier.communes.get()
    mairie = commune_organisation(commune)
    signed_mairie = SignataireFactory(convention=signed, organisation=mairie, signe_le=D(2022, 8, 31))
    SignataireFactory(convention=open_one, organisation=mairie)
    executor = MigrationExecutor(connection)
    before_rename = [("conventions", "0005_signataire_requis"), ("territoires", "0004_organisation_dossier")]
    executor.migrate(before_rename)
    historical = executor.loader.project_state(before_rename).apps
    migration.forwards(historical, None)
    migration.forwards(historical, None)  # a second run adds nothing
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    state = Signataire.objects.get(convention=open_one, organisation__kind=OrganisationType.ETAT)
    assert state.requis and state.signe_le is None
    assert state.organisation.nom == "Préfecture de la Haute-Marne"
    assert Signataire.objects.get(convention=open_one, organisation=mairie).requis
    assert list(signed.signataires.all()) == [signed_mairie]
    signed.refresh_from_db()
    assert signed.etat == ConventionEtat.SIGNEE
    assert Signataire.objects.filter(convention=open_one).count() == 2


def test_the_prefet_alone_does_not_sign_while_the_commune_or_the_epci_is_missing(dossier):
    adhesion = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    # A commune joins the dossier after the convention was created: it is no signatory yet.
    added = CommuneFactory(nom="Arc-en-Barrois", epci=dossier.epci, departement=dossier.communes.first().departement)
    dossier.communes.add(added)
    sign_all(adhesion, D(2022, 9, 2))
    adhesion.refresh_from_db()
    # Every signatory present has signed (the préfet too), but the new commune has not.
    assert adhesion.etat == ConventionEtat.EN_SIGNATURE and adhesion.date_signature is None
    commune = services.signataire_create(
        convention=adhesion, organisation=commune_organisation(added), representant="Marie Durand", qualite="Maire"
    )
    assert commune.requis
    services.signature_record(signataire=commune, signe_le=D(2022, 9, 5))
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.SIGNEE and adhesion.date_signature == D(2022, 9, 5)


def test_a_convention_made_before_without_its_epci_is_not_signed_by_the_others(dossier):
    """A convention made before the required parties were added at creation, whose EPCI never
    became a signatory: the commune's and the préfet's signatures do not make it signée."""
    adhesion = ConventionFactory(dossier=dossier, kind=ConventionType.ADHESION)
    commune = dossier.communes.get()
    for organisation in (commune_organisation(commune), prefecture_organisation(departement=commune.departement)):
        signataire = services.signataire_create(
            convention=adhesion, organisation=organisation, representant="R", qualite="Q"
        )
        services.signature_record(signataire=signataire, signe_le=D(2022, 9, 2))
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.EN_SIGNATURE and adhesion.date_signature is None
    epci = services.signataire_create(
        convention=adhesion, organisation=epci_organisation(dossier.epci), representant="R", qualite="Q"
    )
    services.signature_record(signataire=epci, signe_le=D(2022, 9, 3))
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.SIGNEE and adhesion.date_signature == D(2022, 9, 3)


def test_the_equipe_may_remove_a_partner_while_a_required_party_is_absent(dossier, equipe):
    """Every signatory present has signed but a commune added to the dossier is not one yet:
    removing an unsigned partner does not make the convention signée, so the équipe may do it."""
    adhesion = services.convention_create(dossier=dossier, kind=ConventionType.ADHESION)
    partner = services.signataire_create(
        convention=adhesion, organisation=OrganisationFactory(nom="Anah"), representant="R", qualite="Q"
    )
    dossier.communes.add(CommuneFactory(epci=dossier.epci))
    sign_all(adhesion, D(2022, 9, 2), but=[partner])
    services.signataire_delete(signataire=partner, by=equipe)
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.EN_SIGNATURE and not adhesion.signataires.filter(pk=partner.pk).exists()
