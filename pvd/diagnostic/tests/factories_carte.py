import factory

from pvd.diagnostic.models import PointInteret, PointInteretKind
from pvd.dossiers.tests.factories import DossierFactory


def square(lon=5.333, lat=47.862, size=0.002):
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
    }


class PointInteretFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointInteret

    dossier = factory.SubFactory(DossierFactory)
    nom = factory.Sequence(lambda n: f"Point d'intérêt {n}")
    kind = PointInteretKind.COMMERCE_VACANT
    description = "Un local à reprendre."
    geometry = factory.LazyFunction(lambda: {"type": "Point", "coordinates": [5.3334, 47.8618]})

    class Params:
        zone = factory.Trait(kind=PointInteretKind.FRICHE, geometry=factory.LazyFunction(square))
