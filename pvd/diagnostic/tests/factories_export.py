"""Factories of the diagnostic's objects for the validation and export tests (the parts' own
factories may come with their parts; these stay small)."""

from decimal import Decimal

import factory

from pvd.diagnostic.models import (
    AfomItem,
    Diagnostic,
    DocumentPlanification,
    Donnee,
    Etude,
    Initiative,
    PointInteret,
)
from pvd.dossiers.tests.factories import DossierFactory


class DiagnosticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnostic

    dossier = factory.SubFactory(DossierFactory)
    histoire = "Ville fortifiée, siège d'un évêché."
    dynamiques = "Départ des ménages vers la périphérie."
    synthese = "Reconquérir le centre ancien."


class DonneeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donnee

    dossier = factory.SubFactory(DossierFactory)
    theme = "population"
    indicateur = factory.Sequence(lambda n: f"indicateur_{n}")
    libelle = "Population municipale"
    echelle = "commune"
    code_territoire = "52269"
    territoire = "Langres"
    valeur = Decimal("7503")
    unite = "habitants"
    source = "INSEE, populations légales 2023 (COG 2026)"
    millesime = "2023"
    origine = "saisie"


class AfomItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AfomItem

    dossier = factory.SubFactory(DossierFactory)
    theme = "commerce"
    categorie = "atout"
    texte = factory.Sequence(lambda n: f"Constat {n}")
    ordre = factory.Sequence(lambda n: n)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentPlanification

    dossier = factory.SubFactory(DossierFactory)
    kind = "plui"
    nom = factory.Sequence(lambda n: f"PLUi du Grand Langres {n}")
    statut = "approuve"


class EtudeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Etude

    dossier = factory.SubFactory(DossierFactory)
    objet = factory.Sequence(lambda n: f"Étude de programmation urbaine {n}")
    prestataire = "Bureau d'études"
    cout = Decimal("45000")
    statut = "terminee"


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    dossier = factory.SubFactory(DossierFactory)
    nom = factory.Sequence(lambda n: f"Tiers-lieu {n}")
    porteur = "Association"
    porteur_kind = "associatif"


class PointInteretFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointInteret

    dossier = factory.SubFactory(DossierFactory)
    nom = factory.Sequence(lambda n: f"Local vacant {n}")
    kind = "commerce_vacant"
    geometry = {"type": "Point", "coordinates": [5.3336, 47.8625]}
