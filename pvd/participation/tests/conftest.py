import pytest
from django.core.cache import cache

from .factories import PageParticipationFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page(dossier):
    return PageParticipationFactory(dossier=dossier)
