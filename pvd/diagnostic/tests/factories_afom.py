"""Factories of the AFOM and of the références (plans, études, initiatives), and of the figures
they link to (kept here so as not to clash with the figures' own factories)."""

from decimal import Decimal

import factory

from pvd.diagnostic.models import AfomItem, DocumentPlanification, Donnee, Etude, Initiative
from pvd.dossiers.tests.factories import DossierFactory


class DonneeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donnee

    dossier = factory.SubFactory(DossierFactory)
    theme = "habitat"
    indicateur = factory.Sequence(lambda n: f"indicateur_{n}")
    libelle = "Taux de vacance des logements"
    echelle = "commune"
    code_territoire = "52269"
    territoire = "Langres"
    valeur = Decimal("12.4")
    unite = "%"
    source = "INSEE, recensement de la population 2021"
    millesime = "2021"


class AfomItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AfomItem

    dossier = factory.SubFactory(DossierFactory)
    theme = "habitat"
    categorie = "faiblesse"
    texte = factory.Sequence(lambda n: f"Constat {n}")
    ordre = factory.Sequence(lambda n: n + 1)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentPlanification

    dossier = factory.SubFactory(DossierFactory)
    kind = "scot"
    nom = factory.Sequence(lambda n: f"SCoT n° {n}")
    statut = "approuve"
    porteur = "PETR du Pays de Langres"


class EtudeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Etude

    dossier = factory.SubFactory(DossierFactory)
    objet = factory.Sequence(lambda n: f"Étude {n}")
    statut = "en_cours"


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    dossier = factory.SubFactory(DossierFactory)
    nom = factory.Sequence(lambda n: f"Initiative {n}")
    porteur = "Association des commerçants"
    porteur_kind = "associatif"
