"""A dossier with a year of programme for the bilan annuel and the snapshots: fiches (one late,
one confidential), étapes, budgets, financing, indicators with values, a decision."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from pvd.actions.models import BudgetAnnuel, Etape
from pvd.actions.tests.factories import FicheFactory, LigneFactory
from pvd.dossiers.tests.factories import DossierFactory
from pvd.gouvernance import services as gouvernance
from pvd.gouvernance.tests.factories import InstanceFactory, SeanceFactory
from pvd.pilotage.models import BilanAnnuel
from pvd.strategie.tests.factories import AxeFactory
from pvd.suivi.tests.factories import IndicateurFactory, MesureFactory

XSS = "<script>alert('x')</script>"
SECRET = "Acquisition foncière secrète"


class BilanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BilanAnnuel

    dossier = factory.SubFactory(DossierFactory)
    annee = factory.LazyFunction(lambda: timezone.localdate().year - 1)
    appreciation = "Une année de chantiers."


def last_year() -> int:
    return timezone.localdate().year - 1


def day(month: int, dd: int = 15, year: int | None = None) -> datetime.date:
    return datetime.date(year or last_year(), month, dd)


def held(dossier, month: int):
    """A séance of the comité de projet held in `month` of last year."""
    from pvd.gouvernance.models import Instance

    comite = Instance.objects.filter(dossier=dossier, kind="comite_projet").first()
    comite = comite or InstanceFactory(dossier=dossier, kind="comite_projet")
    return SeanceFactory(instance=comite, date=timezone.make_aware(datetime.datetime(last_year(), month, 10, 18)))


def year_of_programme(dossier, chef, *, n: int = 1) -> dict:
    """`n` groups of: a fiche en cours late (end date last June), a fiche réalisée, a
    confidential fiche with its indicator and financing; an axe indicator measured twice last
    year; a fiche indicator. Plus one decision of the comité last year."""
    axe = AxeFactory(dossier=dossier)
    made = {"fiches": [], "indicateurs": []}
    for i in range(n):
        late = FicheFactory(
            dossier=dossier, titre=f"Réhabilitation de la halle {i}", statut="en_cours", date_fin=day(6, 30)
        )
        done = FicheFactory(dossier=dossier, titre=f"Maison France services {i}", statut="realise", date_fin=day(3))
        secret = FicheFactory(dossier=dossier, confidential=True, titre=f"{SECRET} {i}")
        Etape.objects.create(fiche=late, nom="Permis", date=day(2), faite=True)
        Etape.objects.create(fiche=late, nom="Travaux", date=day(9), faite=False)
        Etape.objects.create(fiche=secret, nom="Compromis", date=day(4), faite=True)
        BudgetAnnuel.objects.create(fiche=late, annee=last_year(), investissement=Decimal("40000"))
        BudgetAnnuel.objects.create(fiche=secret, annee=last_year(), investissement=Decimal("999999"))
        LigneFactory(fiche=late, montant=Decimal("15000"), statut="accorde", date=day(5))
        LigneFactory(fiche=late, montant=Decimal("5000"), statut="sollicite", dispositif="dsil", date=day(7))
        LigneFactory(fiche=secret, montant=Decimal("777777"), statut="accorde")
        vacance = IndicateurFactory(
            dossier=dossier,
            axe=axe,
            nom=f"Taux de vacance des logements {i}",
            unite="%",
            valeur_initiale=Decimal("14.2"),
            date_initiale=datetime.date(2021, 1, 1),
            cible=Decimal("10"),
            echeance=datetime.date(2030, 12, 31),
            frequence="annuelle",
        )
        MesureFactory(indicateur=vacance, date=day(3, 31), valeur=Decimal("13.4"), source="LOVAC")
        MesureFactory(indicateur=vacance, date=day(9, 30), valeur=Decimal("12.8"), source="LOVAC")
        frequentation = IndicateurFactory(
            dossier=dossier, fiche=done, nom=f"Visiteurs France services {i}", unite="visiteurs"
        )
        IndicateurFactory(dossier=dossier, fiche=secret, nom=f"Indicateur secret {i}")
        made["fiches"] += [late, done, secret]
        made["indicateurs"] += [vacance, frequentation]
    seance = held(dossier, 10)
    point = gouvernance.point_add(seance=seance, titre=f"Validation du plan guide {n}", by=chef)
    gouvernance.decision_record(point=point, resultat="valide", texte="Plan guide adopté à l'unanimité.", by=chef)
    return made
