"""Fixtures shared by every app's tests: a dossier and a user for each way of seeing it."""

import pytest
from hypothesis import HealthCheck, settings

from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import DossierFactory, MembreFactory

# Property tests check results, not speed: a busy 2-core machine must not fail them on timing.
settings.register_profile("pvd", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pvd")

MEMBER_ROLES = [role.value for role in Role]
# Every way a user can relate to a dossier, used to parametrize permission tests.
ALL_VIEWERS = ["anonymous", "outsider", *MEMBER_ROLES, "prefecture", "prefecture_autre", "anct"]


@pytest.fixture
def dossier(db):
    return DossierFactory()


@pytest.fixture
def make_viewer(db):
    """make_viewer(dossier, "elu") → a user who relates to the dossier that way (None for anonymous)."""

    def make(dossier, kind):
        if kind == "anonymous":
            return None
        if kind == "outsider":
            other = DossierFactory()
            return MembreFactory(dossier=other, role=Role.CHEF_DE_PROJET).user
        if kind in MEMBER_ROLES:
            return MembreFactory(dossier=dossier, role=kind).user
        if kind == "prefecture":
            return UserFactory(prefecture=True, departement=dossier.communes.first().departement)
        if kind == "prefecture_autre":
            from pvd.territoires.tests.factories import DepartementFactory

            return UserFactory(prefecture=True, departement=DepartementFactory(code="2A", nom="Corse-du-Sud"))
        if kind == "anct":
            return UserFactory(anct=True)
        raise ValueError(kind)

    return make


@pytest.fixture
def client_for(client, make_viewer):
    """client_for(dossier, "equipe") → a test client logged in that way."""

    def make(dossier, kind):
        user = make_viewer(dossier, kind)
        if user is not None:
            client.force_login(user)
        client.user = user
        return client

    return make
