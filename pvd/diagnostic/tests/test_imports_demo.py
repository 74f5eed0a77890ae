"""The demo imports the sample INSEE file into the dossier of Langres once, through the service."""

import pytest

from pvd.comptes.tests.factories import UserFactory
from pvd.diagnostic import demo
from pvd.diagnostic.models import Donnee, DonneeImport
from pvd.diagnostic.tests.factories_imports import langres_dossier
from pvd.dossiers.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_the_demo_imports_the_sample_file_once():
    dossier = langres_dossier()
    context = DemoContext(dossier, users={"chef@demo.pvd.fr": UserFactory()})
    demo._seed_import(context)
    demo._seed_import(context)
    donnee_import = DonneeImport.objects.get(dossier=dossier)
    assert (donnee_import.nom_fichier, donnee_import.kind, donnee_import.nb_donnees) == (
        "insee_comparateur_exemple.csv",
        "insee",
        161,
    )
    assert donnee_import.created_by == context.chef
    assert Donnee.objects.filter(dossier=dossier).count() == 161


def test_another_dossier_gets_no_sample_file(dossier):
    demo._seed_import(DemoContext(dossier, users={"chef@demo.pvd.fr": UserFactory()}))
    assert not DonneeImport.objects.exists()
