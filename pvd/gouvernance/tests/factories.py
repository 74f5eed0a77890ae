import datetime

import factory
from django.utils import timezone

from pvd.dossiers.tests.factories import DossierFactory
from pvd.gouvernance.models import ROLES_BY_TYPE, Instance, InstanceType, MembreInstance, RoleInstance, Seance


class InstanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instance

    dossier = factory.SubFactory(DossierFactory)
    kind = InstanceType.COMITE_PROJET
    nom = factory.Sequence(lambda n: f"Instance {n}")

    class Params:
        equipe = factory.Trait(kind=InstanceType.EQUIPE_PROJET)
        technique = factory.Trait(kind=InstanceType.COMITE_TECHNIQUE, theme="Habitat")


class MembreInstanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembreInstance

    instance = factory.SubFactory(InstanceFactory)
    nom = factory.Sequence(lambda n: f"Personne {n}")
    # A partenaire in the comité de projet; a role of the instance's type elsewhere.
    role = factory.LazyAttribute(
        lambda o: (
            RoleInstance.PARTENAIRE
            if RoleInstance.PARTENAIRE in ROLES_BY_TYPE[o.instance.kind]
            else ROLES_BY_TYPE[o.instance.kind][-1]
        )
    )
    email = factory.Sequence(lambda n: f"membre{n}@exemple.fr")


class SeanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seance

    instance = factory.SubFactory(InstanceFactory)
    date = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    lieu = "Hôtel de ville"

    class Params:
        passee = factory.Trait(date=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10)))
