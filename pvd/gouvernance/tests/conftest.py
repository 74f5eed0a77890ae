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


@pytest.fixture
def to_future():
    """Moves a séance to ten days ahead: a convocation is sent only for a meeting to come."""
    import datetime

    from django.utils import timezone

    from pvd.gouvernance.models import Seance

    def move(seance):
        Seance.objects.filter(pk=seance.pk).update(date=timezone.now() + datetime.timedelta(days=10))
        seance.refresh_from_db()
        return seance

    return move
