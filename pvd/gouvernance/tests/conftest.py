import pytest

from .factories import InstanceFactory, SeanceFactory


@pytest.fixture
def comite(dossier):
    return InstanceFactory(dossier=dossier, nom="Comité de projet")


@pytest.fixture
def seance(comite):
    return SeanceFactory(instance=comite, passee=True)


@pytest.fixture
def user(dossier):
    from pvd.dossiers.tests.factories import MembreFactory

    return MembreFactory(dossier=dossier).user
