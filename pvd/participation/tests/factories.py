import datetime

import factory
from django.utils import timezone

from pvd.dossiers.tests.factories import DossierFactory
from pvd.participation.models import Consultation, Contribution, PageParticipation


class PageParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PageParticipation

    dossier = factory.SubFactory(DossierFactory)
    publiee = True


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    dossier = factory.SubFactory(DossierFactory)
    question = factory.Sequence(lambda n: f"Que pensez-vous du projet n° {n} ?")
    ouverture = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=5))
    cloture = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=25))

    class Params:
        close = factory.Trait(
            ouverture=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60)),
            cloture=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30)),
        )


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    dossier = factory.SubFactory(DossierFactory)
    kind = "proposition"
    theme = "commerce"
    texte = factory.Sequence(lambda n: f"Une proposition numéro {n} pour le centre-ville.")
    auteur = "Jeanne"
    email = factory.Sequence(lambda n: f"habitant{n}@exemple.fr")

    class Params:
        publiee = factory.Trait(statut="publiee")
        refusee = factory.Trait(statut="refusee", motif_refus="Hors sujet")


def publish_strategy(dossier):
    """Publish the dossier's projet de territoire as it stands (axes offered to residents)."""
    from pvd.comptes.tests.factories import UserFactory
    from pvd.strategie.services import projet_publish

    return projet_publish(dossier=dossier, by=UserFactory())
