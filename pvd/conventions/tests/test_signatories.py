"""The State signs: a convention is signée only when every required signatory (communes, EPCI,
préfet) has signed; the partners' signatures are optional."""

import datetime
import importlib

import pytest
from django.apps import apps

from pvd.conventions import services
from pvd.conventions.models import ConventionEtat, ConventionType, Signataire
from pvd.conventions.tests.conftest import prefet
from pvd.conventions.tests.factories import ConventionFactory, SignataireFactory
from pvd.territoires.models import OrganisationType
from pvd.territoires.services import commune_organisation, epci_organisation, prefecture_organisation
from pvd.territoires.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _collectivites(dossier, convention):
    commune = dossier.communes.get()
    mairie = commune_organisation(commune)
    epci = epci_organisation(dossier.epci)
    return [
        services.signataire_create(convention=convention, organisation=org, representant="R", qualite="Q")
        for org in (mairie, epci)
    ]


@pytest.mark.parametrize("type_", [ConventionType.ADHESION, ConventionType.CADRE])
def test_the_prefet_is_added_as_a_required_signatory(dossier, type_):
    convention = services.convention_create(dossier=dossier, type=type_)
    signataire = prefet(convention)
    assert signataire.organisation.nom == "Préfecture de la Haute-Marne"
    assert signataire.organisation.departement_id == "52"
    assert (signataire.representant, signataire.qualite) == ("Le préfet de la Haute-Marne", "Préfet")
    assert signataire.organisation == prefecture_organisation(departement=dossier.communes.get().departement)


def test_commune_and_epci_alone_do_not_sign_the_convention(dossier):
    adhesion = services.convention_create(dossier=dossier, type=ConventionType.ADHESION)
    partner = services.signataire_create(
        convention=adhesion,
        organisation=OrganisationFactory(nom="Banque des Territoires"),
        representant="R",
        qualite="Q",
    )
    commune, epci = _collectivites(dossier, adhesion)
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
    adhesion = services.convention_create(dossier=dossier, type=ConventionType.ADHESION)
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


def test_the_data_migration_adds_the_prefet_to_open_conventions_only(dossier):
    """Existing conventions: the State is added, unsigned, to those in projet or en signature; a
    convention already signée (on paper) keeps its state and its signatories."""
    migration = importlib.import_module("pvd.conventions.migrations.0005_signataire_requis")
    open_one = ConventionFactory(dossier=dossier, type=ConventionType.ADHESION, etat=ConventionEtat.EN_SIGNATURE)
    signed = ConventionFactory(dossier=dossier, type=ConventionType.CADRE, signee=True)
    commune = dossier.communes.get()
    mairie = commune_organisation(commune)
    signed_mairie = SignataireFactory(convention=signed, organisation=mairie, signe_le=D(2022, 8, 31))
    SignataireFactory(convention=open_one, organisation=mairie)
    migration.forwards(apps, None)
    state = Signataire.objects.get(convention=open_one, organisation__type=OrganisationType.ETAT)
    assert state.requis and state.signe_le is None
    assert state.organisation.nom == "Préfecture de la Haute-Marne"
    assert Signataire.objects.get(convention=open_one, organisation=mairie).requis
    assert list(signed.signataires.all()) == [signed_mairie]
    signed.refresh_from_db()
    assert signed.etat == ConventionEtat.SIGNEE
    migration.forwards(apps, None)  # a second run adds nothing
    assert Signataire.objects.filter(convention=open_one).count() == 2


def test_the_prefet_alone_does_not_sign_while_the_commune_or_the_epci_is_missing(dossier):
    adhesion = services.convention_create(dossier=dossier, type=ConventionType.ADHESION)
    services.signature_record(signataire=prefet(adhesion), signe_le=D(2022, 9, 2))
    epci = services.signataire_create(
        convention=adhesion, organisation=epci_organisation(dossier.epci), representant="R", qualite="Q"
    )
    services.signature_record(signataire=epci, signe_le=D(2022, 9, 3))
    adhesion.refresh_from_db()
    # Every signatory present has signed, but the commune is not one yet.
    assert adhesion.etat == ConventionEtat.EN_SIGNATURE and adhesion.date_signature is None
    commune = services.signataire_create(
        convention=adhesion,
        organisation=commune_organisation(dossier.communes.get()),
        representant="R",
        qualite="Q",
    )
    services.signature_record(signataire=commune, signe_le=D(2022, 9, 5))
    adhesion.refresh_from_db()
    assert adhesion.etat == ConventionEtat.SIGNEE and adhesion.date_signature == D(2022, 9, 5)
