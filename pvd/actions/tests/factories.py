import datetime
from decimal import Decimal

import factory

from pvd.actions.models import FicheAction, LigneFinancement
from pvd.dossiers.tests.factories import DossierFactory
from pvd.strategie.models import AxeStrategique
from pvd.territoires.models import Organisation, OrganisationType


class AxeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AxeStrategique

    dossier = factory.SubFactory(DossierFactory)
    numero = factory.Sequence(lambda n: n + 1)
    titre = factory.Sequence(lambda n: f"Axe stratégique {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["nom", "kind"]

    nom = factory.Sequence(lambda n: f"Financeur {n}")
    kind = OrganisationType.AUTRE


class FicheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FicheAction

    dossier = factory.SubFactory(DossierFactory)
    numero = factory.Sequence(lambda n: n + 1)
    titre = factory.Sequence(lambda n: f"Fiche action {n}")
    date_debut = datetime.date(2025, 1, 1)
    date_fin = datetime.date(2026, 6, 30)
    cout_ht = Decimal("100000.00")

    class Params:
        confidential = factory.Trait(confidentielle=True, titre="Acquisition foncière secrète")
        located = factory.Trait(latitude=Decimal("47.862"), longitude=Decimal("5.333"))


class LigneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LigneFinancement

    fiche = factory.SubFactory(FicheFactory)
    financeur = factory.SubFactory(OrganisationFactory)
    dispositif = "detr"
    montant = Decimal("10000.00")
    statut = "accorde"


def make_piece(fiche, name="plan.pdf", content=b"%PDF-1.4 plan"):
    """An attachment « Plan du site » on `fiche` (set MEDIA_ROOT to a temporary folder first: the `media` fixture)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pvd.actions.models import PieceJointe

    return PieceJointe.objects.create(
        fiche=fiche, titre="Plan du site", file=SimpleUploadedFile(name, content, content_type="application/pdf")
    )
