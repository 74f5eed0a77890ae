import factory

from pvd.territoires.models import Commune, Departement, Epci, Organisation, OrganisationType, Region
from pvd.territoires.services import commune_search_text


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "44"
    nom = "Grand Est"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = "52"
    nom = "Haute-Marne"
    region = factory.SubFactory(RegionFactory)


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci

    siren = factory.Sequence(lambda n: f"2{n:08d}")
    nom = factory.Sequence(lambda n: f"Communauté de communes n° {n}")
    kind = "CC"
    population = 20000


# Code prefixes that no real commune uses (no département 00, 20, 96 or 99): factory codes never
# collide with the real codes that tests create explicitly ("52269", "2A004"…).
FREE_PREFIXES = ("00", "20", "96", "99")


def commune_code(n: int) -> str:
    """Always 5 characters (varchar(5) on PostgreSQL), unique over 4,000 consecutive communes."""
    n %= 1000 * len(FREE_PREFIXES)
    return f"{FREE_PREFIXES[n // 1000]}{n % 1000:03d}"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code = factory.Sequence(commune_code)
    nom = factory.Sequence(lambda n: f"Commune {n}")
    departement = factory.SubFactory(DepartementFactory)
    epci = factory.SubFactory(EpciFactory)
    population = 5000
    # A commune of the programme: only those may open a dossier (set pvd=False for the others).
    pvd = True
    codes_postaux = factory.LazyAttribute(lambda o: ["52200"])
    search_text = factory.LazyAttribute(
        lambda o: commune_search_text(nom=o.nom, code=o.code, codes_postaux=o.codes_postaux)
    )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    nom = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationType.AUTRE
