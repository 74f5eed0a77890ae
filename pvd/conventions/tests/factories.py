import datetime

import factory

from pvd.conventions.models import Convention, ConventionEtat, ConventionType, Signataire
from pvd.dossiers.tests.factories import DossierFactory
from pvd.territoires.tests.factories import OrganisationFactory


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention

    dossier = factory.SubFactory(DossierFactory)
    kind = ConventionType.ADHESION

    class Params:
        signee = factory.Trait(etat=ConventionEtat.SIGNEE, date_signature=datetime.date(2022, 8, 31))


class SignataireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signataire

    convention = factory.SubFactory(ConventionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    representant = factory.Sequence(lambda n: f"Représentant {n}")
    qualite = "Maire"
    ordre = factory.Sequence(lambda n: n)
