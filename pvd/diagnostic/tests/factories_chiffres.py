from decimal import Decimal

import factory

from pvd.diagnostic.models import Donnee, DonneeOrigine, Echelle, Theme
from pvd.dossiers.tests.factories import DossierFactory


class DonneeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donnee

    dossier = factory.SubFactory(DossierFactory)
    theme = Theme.POPULATION
    indicateur = factory.Sequence(lambda n: f"indicateur_{n}")
    libelle = "Un chiffre"
    echelle = Echelle.COMMUNE
    code_territoire = "52269"
    territoire = "Langres"
    valeur = Decimal("100")
    unite = "habitants"
    source = "INSEE, recensement de la population 2021"
    millesime = "2021"
    origine = DonneeOrigine.SAISIE
