"""The demo's points of interest in Langres: valid for the services, and seeded once."""

from types import SimpleNamespace

import pytest

from pvd.diagnostic import demo
from pvd.diagnostic.models import PointInteret
from pvd.dossiers.models import Role
from pvd.dossiers.tests.factories import MembreFactory

pytestmark = pytest.mark.django_db


def test_demo_points_are_seeded_once(dossier):
    context = SimpleNamespace(dossier=dossier, chef=MembreFactory(dossier=dossier, role=Role.CHEF_DE_PROJET).user)
    demo._seed_carte(context)
    demo._seed_carte(context)
    points = PointInteret.objects.filter(dossier=dossier)
    assert points.count() == len(demo.POINTS_INTERET) == 7
    assert {point.kind for point in points} == {"commerce_vacant", "equipement", "friche", "logement_vacant", "projet"}
    assert sum(point.geometry["type"] == "Polygon" for point in points) == 2
