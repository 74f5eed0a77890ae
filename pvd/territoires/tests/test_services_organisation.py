import pytest

from pvd.territoires.models import Organisation, OrganisationType
from pvd.territoires.services import organisation_get_or_create
from pvd.territoires.tests.factories import CommuneFactory, EpciFactory

pytestmark = pytest.mark.django_db


def test_organisation_is_created_once_and_gains_missing_links():
    commune = CommuneFactory()
    first = organisation_get_or_create(nom="Commune de Test", kind=OrganisationType.COMMUNE, dossier=None)
    assert first.commune_id is None
    second = organisation_get_or_create(
        nom=" Commune de Test ", kind=OrganisationType.COMMUNE, dossier=None, commune=commune
    )
    assert second.pk == first.pk
    assert Organisation.objects.get(pk=first.pk).commune == commune
    assert Organisation.objects.count() == 1


def test_existing_link_is_never_replaced():
    epci, other = EpciFactory(), EpciFactory()
    organisation = organisation_get_or_create(nom="CC Test", kind=OrganisationType.EPCI, dossier=None, epci=epci)
    organisation_get_or_create(nom="CC Test", kind=OrganisationType.EPCI, dossier=None, epci=other)
    organisation.refresh_from_db()
    assert organisation.epci == epci
