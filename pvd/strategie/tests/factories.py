import factory

from pvd.dossiers.tests.factories import DossierFactory
from pvd.strategie import geo
from pvd.strategie.models import AxeStrategique, SecteurIntervention, SecteurKind
from pvd.suivi.models import Indicateur, IndicateurKind


def square(lon=5.333, lat=47.862, size=0.002):
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
    }


class AxeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AxeStrategique

    dossier = factory.SubFactory(DossierFactory)
    numero = factory.Sequence(lambda n: n + 1)
    titre = factory.Sequence(lambda n: f"Axe de test {n}")
    enjeux = "Des enjeux."
    ordre = factory.LazyAttribute(lambda o: o.numero)


class IndicateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicateur

    axe = factory.SubFactory(AxeFactory)
    dossier = factory.LazyAttribute(lambda o: o.axe.dossier)
    nom = factory.Sequence(lambda n: f"Indicateur {n}")
    kind = IndicateurKind.RESULTAT
    unite = "%"


class SecteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecteurIntervention

    dossier = factory.SubFactory(DossierFactory)
    nom = factory.Sequence(lambda n: f"Secteur {n}")
    kind = SecteurKind.SECTEUR_PRIORITAIRE
    commune = factory.LazyAttribute(lambda o: o.dossier.communes.first())
    geometry = factory.LazyFunction(square)
    surface_m2 = factory.LazyAttribute(lambda o: geo.area_m2(o.geometry))
