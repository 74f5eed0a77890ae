import datetime
from decimal import Decimal

import factory

from pvd.dossiers.tests.factories import DossierFactory
from pvd.suivi.models import Indicateur, IndicateurKind, Mesure


class IndicateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicateur

    dossier = factory.SubFactory(DossierFactory)
    nom = factory.Sequence(lambda n: f"Indicateur {n}")
    kind = IndicateurKind.RESULTAT
    unite = "%"


class MesureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mesure

    indicateur = factory.SubFactory(IndicateurFactory)
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
    valeur = Decimal("12.5")
