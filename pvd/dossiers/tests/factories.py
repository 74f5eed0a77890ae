import factory

from pvd.comptes.tests.factories import UserFactory
from pvd.dossiers.models import Dossier, Membre, Role
from pvd.territoires.tests.factories import CommuneFactory, EpciFactory


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Dossier PVD {n}")
    epci = factory.SubFactory(EpciFactory)

    @factory.post_generation
    def communes(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.communes.set(extracted if extracted is not None else [CommuneFactory(epci=obj.epci)])


class MembreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membre

    dossier = factory.SubFactory(DossierFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.CHEF_DE_PROJET
